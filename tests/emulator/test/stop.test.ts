/** Stop endpoints (§6.2, §6.5) and task ownership. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningEmulator } from '../server';
import {
	KEY,
	call,
	chatBody,
	dataEvents,
	obj,
	openStream,
	start,
	streamBody,
} from './helpers';

let emu: RunningEmulator;
before( async () => {
	emu = await start( { delayMs: 15 } );
} );
after( () => emu.close() );

describe( 'chat stop', () => {
	it( 'a stop from another user is a silent no-op; the stream completes', async () => {
		const query = 'stop me if you can';
		const s = openStream( emu, '/v1/chat-messages', {
			json: streamBody( query ),
		} );
		const first = await s.waitFor( ( e ) => e.event === 'message' );
		const r = await call(
			emu,
			'POST',
			`chat-messages/${ first.task_id }/stop`,
			{ json: { user: 'mallory' } }
		);
		assert.deepEqual( obj( r ), { result: 'success' } );
		const events = dataEvents( ( await s.done ).text );
		const streamed = events
			.filter( ( e ) => e.event === 'message' )
			.map( ( e ) => e.answer )
			.join( '' );
		const full = obj(
			await call( emu, 'POST', 'chat-messages', {
				json: chatBody( query + ' #delay:0' ),
			} )
		).answer;
		assert.equal( streamed, full, 'the whole answer arrived' );
		const stop = emu
			.stats()
			.stops.find( ( x ) => x.taskId === first.task_id );
		assert.deepEqual(
			{
				user: stop?.user,
				known: stop?.known,
				owner: stop?.owner,
				effective: stop?.effective,
				endpoint: stop?.endpoint,
			},
			{
				user: 'mallory',
				known: true,
				owner: false,
				effective: false,
				endpoint: 'chat',
			}
		);
	} );

	it( 'a stop from the owner ends the stream with message_end carrying the answer so far', async () => {
		const query = 'a long answer that will be interrupted';
		const s = openStream( emu, '/v1/chat-messages', {
			json: streamBody( query ),
		} );
		const first = await s.waitFor( ( e ) => e.event === 'message' );
		const r = await call(
			emu,
			'POST',
			`chat-messages/${ first.task_id }/stop`,
			{ json: { user: 'alice' } }
		);
		assert.deepEqual( obj( r ), { result: 'success' } );
		const { text, aborted } = await s.done;
		assert.equal( aborted, false, 'closed cleanly' );
		const events = dataEvents( text );
		assert.equal( events.at( -1 )?.event, 'message_end' );
		const streamed = events
			.filter( ( e ) => e.event === 'message' )
			.map( ( e ) => e.answer )
			.join( '' );
		const full = obj(
			await call( emu, 'POST', 'chat-messages', {
				json: chatBody( query + ' #delay:0' ),
			} )
		).answer;
		assert.ok( streamed.length < full.length, 'stopped early' );
		assert.ok( full.startsWith( streamed ) );
		const usage = events.at( -1 )?.metadata.usage;
		assert.equal(
			usage.completion_tokens,
			Math.ceil( streamed.length / 4 ),
			'usage recomputed for the partial answer'
		);
		// the stored message has the partial answer
		const h = obj(
			await call(
				emu,
				'GET',
				`messages?user=alice&conversation_id=${ first.conversation_id }`
			)
		);
		assert.equal( h.data[ 0 ].answer, streamed );
		const stop = emu
			.stats()
			.stops.find( ( x ) => x.taskId === first.task_id );
		assert.equal( stop?.effective, true );
		assert.equal( stop?.owner, true );
	} );

	it( 'stops for unknown or finished tasks succeed too', async () => {
		const r = await call( emu, 'POST', 'chat-messages/no-such-task/stop', {
			json: { user: 'alice' },
		} );
		assert.deepEqual( obj( r ), { result: 'success' } );
		const done = obj(
			await call( emu, 'POST', 'chat-messages', {
				json: chatBody( '#echo quick' ),
			} )
		);
		const again = await call(
			emu,
			'POST',
			`chat-messages/${ done.task_id }/stop`,
			{ json: { user: 'alice' } }
		);
		assert.equal( again.status, 200 );
		const rec = emu
			.stats()
			.stops.find( ( x ) => x.taskId === done.task_id );
		assert.equal( rec?.known, true );
		assert.equal( rec?.effective, false );
	} );

	it( 'agent stop ends with message_end', async () => {
		const s = openStream( emu, '/v1/chat-messages', {
			key: KEY.agent,
			json: streamBody( 'agent stop' ),
		} );
		const e = await s.waitFor( ( x ) => x.event === 'agent_message' );
		await call( emu, 'POST', `chat-messages/${ e.task_id }/stop`, {
			key: KEY.agent,
			json: { user: 'alice' },
		} );
		const events = dataEvents( ( await s.done ).text );
		assert.equal( events.at( -1 )?.event, 'message_end' );
	} );

	for ( const [ order, tail ] of [
		[ 'message_end_first', [ 'message_end', 'workflow_finished' ] ],
		[ 'workflow_finished_first', [ 'workflow_finished', 'message_end' ] ],
	] as const ) {
		it( `chatflow stop (${ order }): workflow_finished stopped and message_end`, async () => {
			const s = openStream( emu, '/v1/chat-messages', {
				key: KEY.chatflow,
				json: streamBody(
					`chatflow stop #variant:chatflow_order:${ order }`
				),
			} );
			const e = await s.waitFor( ( x ) => x.event === 'message' );
			await call( emu, 'POST', `chat-messages/${ e.task_id }/stop`, {
				key: KEY.chatflow,
				json: { user: 'alice' },
			} );
			const events = dataEvents( ( await s.done ).text );
			assert.deepEqual(
				events.slice( -2 ).map( ( x ) => x.event ),
				tail
			);
			const finished =
				events.find( ( x ) => x.event === 'workflow_finished' ) ?? {};
			assert.equal( finished.data.status, 'stopped' );
			assert.equal( finished.data.error, 'Stopped by user.' );
		} );
	}

	it( 'chatflow stop with #fault:stop-race: workflow_finished failed + error event', async () => {
		const s = openStream( emu, '/v1/chat-messages', {
			key: KEY.chatflow,
			json: streamBody( 'race #fault:stop-race' ),
		} );
		const e = await s.waitFor( ( x ) => x.event === 'message' );
		await call( emu, 'POST', `chat-messages/${ e.task_id }/stop`, {
			key: KEY.chatflow,
			json: { user: 'alice' },
		} );
		const events = dataEvents( ( await s.done ).text );
		assert.equal( events.at( -2 )?.data.status, 'failed' );
		assert.equal( events.at( -2 )?.data.error, 'User requested stop' );
		const err = events.at( -1 ) ?? {};
		assert.equal( err.event, 'error' );
		assert.equal( err.code, 'invalid_param' );
		assert.equal( err.message, 'Run failed: User requested stop' );
		assert.ok( ! ( 'task_id' in err ) );
	} );
} );

describe( 'completion and workflow stop', () => {
	it( 'completion stop ends with message_end', async () => {
		const s = openStream( emu, '/v1/completion-messages', {
			key: KEY.completion,
			json: {
				inputs: { query: 'completion stop' },
				user: 'alice',
				response_mode: 'streaming',
			},
		} );
		const e = await s.waitFor( ( x ) => x.event === 'message' );
		const r = await call(
			emu,
			'POST',
			`completion-messages/${ e.task_id }/stop`,
			{ key: KEY.completion, json: { user: 'alice' } }
		);
		assert.deepEqual( obj( r ), { result: 'success' } );
		const events = dataEvents( ( await s.done ).text );
		assert.equal( events.at( -1 )?.event, 'message_end' );
		assert.ok(
			events.filter( ( x ) => x.event === 'message' ).length < 40
		);
	} );

	it( 'workflow stop is not owner-checked and ends with workflow_finished stopped', async () => {
		const s = openStream( emu, '/v1/workflows/run', {
			key: KEY.workflow,
			json: {
				inputs: { query: 'workflow stop' },
				user: 'alice',
				response_mode: 'streaming',
			},
		} );
		const e = await s.waitFor( ( x ) => x.event === 'text_chunk' );
		const r = await call(
			emu,
			'POST',
			`workflows/tasks/${ e.task_id }/stop`,
			{ key: KEY.workflow, json: { user: 'someone-else' } }
		);
		assert.deepEqual( obj( r ), { result: 'success' } );
		const events = dataEvents( ( await s.done ).text );
		const fin = events.at( -1 ) ?? {};
		assert.equal( fin.event, 'workflow_finished' );
		assert.equal( fin.data.status, 'stopped' );
		assert.equal( fin.data.error, 'Stopped by user.' );
		const stop = emu.stats().stops.find( ( x ) => x.taskId === e.task_id );
		assert.deepEqual( [ stop?.owner, stop?.effective ], [ false, true ] );
		const run = obj(
			await call( emu, 'GET', `workflows/run/${ e.workflow_run_id }`, {
				key: KEY.workflow,
			} )
		);
		assert.equal( run.status, 'stopped' );
	} );

	it( 'counts active and total streams', async () => {
		const initial = emu.stats();
		const s = openStream( emu, '/v1/chat-messages', {
			json: streamBody( 'counting streams' ),
		} );
		const e = await s.waitFor( ( x ) => x.event === 'message' );
		assert.equal( emu.stats().activeStreams, initial.activeStreams + 1 );
		await call( emu, 'POST', `chat-messages/${ e.task_id }/stop`, {
			json: { user: 'alice' },
		} );
		await s.done;
		await new Promise( ( r ) => setTimeout( r, 20 ) );
		const final = emu.stats();
		assert.equal( final.activeStreams, initial.activeStreams );
		assert.equal( final.totalStreams, initial.totalStreams + 1 );
	} );
} );
