/** The New Agent app (`mode: agent`, Dify 1.16). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_MARKER } from '../new-agent';
import type { RunningEmulator } from '../server';
import {
	KEY,
	call,
	chatBody,
	names,
	obj,
	openStream,
	setVariants,
	start,
	streamBody,
	streamEvents,
	dataEvents,
} from './helpers';

let emu: RunningEmulator;
before( async () => {
	emu = await start();
} );
after( () => emu.close() );

const STREAMING_ONLY = {
	code: 'bad_request',
	message: 'Agent App only supports streaming response mode.',
	status: 400,
};

describe( 'New Agent: the app', () => {
	it( 'refuses blocking mode, also when response_mode is omitted', async () => {
		for ( const extra of [ { response_mode: 'blocking' }, {} ] ) {
			const r = await call( emu, 'POST', 'chat-messages', {
				key: KEY.newAgent,
				json: chatBody( 'hi', extra ),
			} );
			assert.equal( r.status, 400 );
			assert.deepEqual( obj( r ), STREAMING_ONLY );
		}
	} );

	it( 'reports mode agent, no tool icons; an unpublished agent answers 400 agent_not_published', async () => {
		const info = obj(
			await call( emu, 'GET', 'info', { key: KEY.newAgent } )
		);
		assert.equal( info.mode, 'agent' );
		assert.deepEqual(
			obj( await call( emu, 'GET', 'meta', { key: KEY.newAgent } ) ),
			{ tool_icons: {} }
		);
		const expected = {
			code: 'agent_not_published',
			message:
				'Agent has not been published. Please publish the Agent before using the API.',
			status: 400,
		};
		const p = await call( emu, 'GET', 'parameters', {
			key: KEY.unpublished,
		} );
		assert.equal( p.status, 400 );
		assert.deepEqual( obj( p ), expected );
		const c = await call( emu, 'POST', 'chat-messages', {
			key: KEY.unpublished,
			json: streamBody( 'hi' ),
		} );
		assert.deepEqual( obj( c ), expected );
		const f = await call( emu, 'POST', 'chat-messages', {
			json: streamBody( 'hi #fault:400:agent_not_published' ),
		} );
		assert.deepEqual( obj( f ), expected );
		const noAgent = await call( emu, 'POST', 'chat-messages', {
			key: KEY.newAgent,
			json: streamBody( 'hi #fault:no-agent' ),
		} );
		assert.deepEqual( obj( noAgent ), {
			code: 'invalid_param',
			message: 'Agent App has no bound Agent',
			status: 400,
		} );
	} );
} );

describe( 'New Agent: the stream', () => {
	it( 'agent_thought and agent_message deltas, then ONE full message, then message_end with usage only', async () => {
		const events = await streamEvents( emu, '/v1/chat-messages', {
			key: KEY.newAgent,
			json: streamBody( 'Summarize the customer notes' ),
		} );
		const n = names( events );
		assert.deepEqual(
			[ ...new Set( n ) ],
			[ 'agent_thought', 'agent_message', 'message', 'message_end' ]
		);
		assert.equal( n.filter( ( x ) => x === 'message' ).length, 1 );
		assert.deepEqual( n.slice( -2 ), [ 'message', 'message_end' ] );
		const deltas = events
			.filter( ( e ) => e.event === 'agent_message' )
			.map( ( e ) => e.answer )
			.join( '' );
		const closing = events.at( -2 ) ?? {};
		assert.equal(
			closing.answer,
			deltas,
			'the message repeats the whole answer'
		);
		const end = events.at( -1 ) ?? {};
		assert.deepEqual( Object.keys( end.metadata ), [ 'usage' ] );
		assert.ok( ! ( 'files' in end ) );
		for ( const e of events ) {
			assert.deepEqual( Object.keys( e ).slice( 0, 5 ), [
				'event',
				'conversation_id',
				'message_id',
				'created_at',
				'task_id',
			] );
		}
		const tool = events.find(
			( e ) => e.event === 'agent_thought' && e.observation
		);
		assert.equal( tool?.tool, 'bash' );
		assert.ok( String( tool?.observation ).includes( SANDBOX_MARKER ) );
		assert.ok( String( tool?.tool_input ).includes( '/workspace' ) );
		const history = obj(
			await call(
				emu,
				'GET',
				`messages?user=alice&conversation_id=${ events[ 0 ]?.conversation_id }`,
				{ key: KEY.newAgent }
			)
		).data[ 0 ];
		assert.equal( history.answer, deltas );
		assert.ok( history.agent_thoughts.length >= 2 );
		assert.deepEqual( history.retriever_resources, [] );
	} );

	it( '#thoughts adds sandbox rounds; a stop ends with the answer so far', async () => {
		const more = await streamEvents( emu, '/v1/chat-messages', {
			key: KEY.newAgent,
			json: streamBody( 'Dig deeper #thoughts' ),
		} );
		const tools = new Set(
			more
				.filter( ( e ) => e.event === 'agent_thought' && e.tool )
				.map( ( e ) => e.tool )
		);
		assert.deepEqual( [ ...tools ], [ 'bash', 'python', 'web_fetch' ] );
		const s = openStream( emu, '/v1/chat-messages', {
			key: KEY.newAgent,
			json: streamBody( 'Stop me #delay:20' ),
		} );
		const first = await s.waitFor( ( e ) => e.event === 'agent_message' );
		await call( emu, 'POST', `chat-messages/${ first.task_id }/stop`, {
			key: KEY.newAgent,
			json: { user: 'alice' },
		} );
		const events = dataEvents( ( await s.done ).text );
		assert.deepEqual( names( events ).slice( -2 ), [
			'message',
			'message_end',
		] );
	} );

	it( 'feedback is accepted (no mode check), or refused as a variant', async () => {
		const events = await streamEvents( emu, '/v1/chat-messages', {
			key: KEY.newAgent,
			json: streamBody( 'Rate me' ),
		} );
		const id = events[ 0 ]?.message_id;
		const like = await call( emu, 'POST', `messages/${ id }/feedbacks`, {
			key: KEY.newAgent,
			json: { user: 'alice', rating: 'dislike', content: 'Too long' },
		} );
		assert.deepEqual( obj( like ), { result: 'success' } );
		try {
			await setVariants( emu, { agent_feedback: 'rejected' } );
			const r = await call( emu, 'POST', `messages/${ id }/feedbacks`, {
				key: KEY.newAgent,
				json: { user: 'alice', rating: 'like' },
			} );
			assert.equal( r.status, 400 );
			assert.equal( obj( r ).code, 'not_chat_app' );
		} finally {
			await setVariants( emu, null );
		}
	} );
} );
