/** App modes (§5): endpoint availability and per-mode event sequences (§8.4). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningEmulator } from '../server';
import {
	KEY,
	UNKNOWN_UUID,
	UUID_RE,
	call,
	chatBody,
	dataEvents,
	obj,
	openStream,
	setVariants,
	start,
	streamBody,
} from './helpers';

let emu: RunningEmulator;
before( async () => {
	emu = await start();
} );
after( () => emu.close() );

const MISMATCH = 'Please check if your app mode matches the right API route.';

describe( 'wrong-mode errors', () => {
	const chatRoutes: Array< [ string, string, unknown ] > = [
		[ 'POST', 'chat-messages', chatBody( 'hi' ) ],
		[ 'POST', 'chat-messages/t/stop', { user: 'alice' } ],
		[ 'GET', 'messages?user=alice&conversation_id=', undefined ],
		[ 'GET', 'conversations?user=alice', undefined ],
		[ 'GET', `messages/${ UNKNOWN_UUID }/suggested?user=alice`, undefined ],
		[ 'DELETE', `conversations/${ UNKNOWN_UUID }`, { user: 'alice' } ],
		[
			'POST',
			`conversations/${ UNKNOWN_UUID }/name`,
			{ user: 'alice', name: 'x' },
		],
		[
			'GET',
			`conversations/${ UNKNOWN_UUID }/variables?user=alice`,
			undefined,
		],
		[
			'PUT',
			`conversations/${ UNKNOWN_UUID }/variables/${ UNKNOWN_UUID }`,
			{ user: 'alice', value: 1 },
		],
	];
	for ( const key of [ KEY.completion, KEY.workflow ] ) {
		for ( const [ method, path, json ] of chatRoutes ) {
			it( `${ key }: ${ method } ${ path.split( '?' )[ 0 ] } → not_chat_app`, async () => {
				const r = await call( emu, method, path, {
					key,
					...( json === undefined ? {} : { json } ),
				} );
				assert.equal( r.status, 400 );
				assert.deepEqual( obj( r ), {
					code: 'not_chat_app',
					message: MISMATCH,
					status: 400,
				} );
			} );
		}
	}

	for ( const key of [ KEY.chat, KEY.agent, KEY.chatflow, KEY.workflow ] ) {
		it( `${ key }: completion endpoints → app_unavailable`, async () => {
			for ( const path of [
				'completion-messages',
				'completion-messages/t/stop',
			] ) {
				const r = await call( emu, 'POST', path, {
					key,
					json: { inputs: {}, user: 'alice' },
				} );
				assert.equal( r.status, 400 );
				assert.deepEqual( obj( r ), {
					code: 'app_unavailable',
					message:
						'App unavailable, please check your app configurations.',
					status: 400,
				} );
			}
		} );
	}

	for ( const key of [ KEY.chat, KEY.agent, KEY.chatflow, KEY.completion ] ) {
		it( `${ key }: workflow endpoints → not_workflow_app`, async () => {
			for ( const path of [
				'workflows/run',
				`workflows/${ UNKNOWN_UUID }/run`,
				'workflows/tasks/t/stop',
			] ) {
				const r = await call( emu, 'POST', path, {
					key,
					json: { inputs: {}, user: 'alice' },
				} );
				assert.deepEqual(
					obj( r ),
					{
						code: 'not_workflow_app',
						message: MISMATCH,
						status: 400,
					},
					path
				);
			}
		} );
	}

	it( 'GET /workflows/run/{id} works for workflow and advanced-chat only', async () => {
		for ( const key of [ KEY.chat, KEY.agent, KEY.completion ] ) {
			assert.equal(
				obj( await call( emu, 'GET', 'workflows/run/abc', { key } ) )
					.code,
				'not_workflow_app'
			);
		}
		for ( const key of [ KEY.chatflow, KEY.workflow ] ) {
			const r = await call( emu, 'GET', 'workflows/run/unknown-id', {
				key,
			} );
			assert.equal( r.status, 404 );
			assert.deepEqual( obj( r ), {
				code: 'not_found',
				message: 'Workflow run not found.',
				status: 404,
			} );
		}
		try {
			await setVariants( emu, { run_detail_unknown: 'null_200' } );
			const r = await call( emu, 'GET', 'workflows/run/unknown-id', {
				key: KEY.workflow,
			} );
			assert.equal( r.status, 200 );
			assert.ok(
				Object.values( obj( r ) ).every( ( v ) => v === null ),
				'1.12.1: every field null'
			);
		} finally {
			await setVariants( emu, null );
		}
	} );
} );

describe( 'agent-chat', () => {
	it( 'rejects blocking mode, also when response_mode is omitted', async () => {
		for ( const extra of [ { response_mode: 'blocking' }, {} ] ) {
			const r = await call( emu, 'POST', 'chat-messages', {
				key: KEY.agent,
				json: chatBody( 'hi', extra ),
			} );
			assert.equal( r.status, 400 );
			assert.deepEqual( obj( r ), {
				code: 'invalid_param',
				message: 'Agent Chat App does not support blocking mode',
				status: 400,
			} );
		}
	} );

	it( 'streams agent_thought, agent_message, message_file and message_end', async () => {
		const events = dataEvents(
			(
				await openStream( emu, '/v1/chat-messages', {
					key: KEY.agent,
					json: streamBody( 'search wordpress' ),
				} ).done
			).text
		);
		const names = events.map( ( e ) => e.event );
		assert.equal( names[ 0 ], 'agent_thought' );
		assert.equal( names.at( -1 ), 'message_end' );
		assert.ok(
			! names.includes( 'message' ),
			'agent text comes as agent_message'
		);
		const thoughts = events.filter( ( e ) => e.event === 'agent_thought' );
		const first = thoughts[ 0 ] ?? {};
		assert.equal( first.position, 1 );
		assert.deepEqual( Object.keys( first ).slice( 4 ), [
			'task_id',
			'id',
			'position',
			'thought',
			'observation',
			'tool',
			'tool_labels',
			'tool_input',
			'message_files',
		] );
		const sameThought = thoughts.filter( ( t ) => t.id === first.id );
		assert.ok(
			sameThought.length >= 3,
			'the first thought is re-sent as it progresses'
		);
		const withTool = sameThought.find( ( t ) => t.tool );
		assert.equal( withTool?.tool, 'web_search;image_generator' );
		assert.deepEqual( Object.keys( JSON.parse( withTool?.tool_input ) ), [
			'web_search',
			'image_generator',
		] );
		const observed = sameThought.at( -1 ) ?? {};
		assert.ok(
			JSON.parse( observed.observation ).web_search.includes(
				'wordpress'
			)
		);
		const file = events.find( ( e ) => e.event === 'message_file' ) ?? {};
		assert.deepEqual( Object.keys( file ).slice( 4 ), [
			'task_id',
			'id',
			'type',
			'belongs_to',
			'url',
		] );
		assert.equal( file.type, 'image' );
		assert.equal( file.belongs_to, 'assistant' );
		assert.deepEqual( observed.message_files, [ file.id ] );
		const img = await fetch( file.url );
		assert.equal( img.status, 200 );
		assert.equal( img.headers.get( 'content-type' ), 'image/png' );
		const bytes = Buffer.from( await img.arrayBuffer() );
		assert.deepEqual(
			[ ...bytes.subarray( 0, 8 ) ],
			[ 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a ]
		);
		const msgs = events.filter( ( e ) => e.event === 'agent_message' );
		assert.deepEqual( Object.keys( msgs[ 0 ] ?? {} ).slice( 4 ), [
			'task_id',
			'id',
			'answer',
		] );
		const end = events.at( -1 ) ?? {};
		assert.equal( end.files, null );
		// the last thought carries the final answer
		const finalThought = thoughts.at( -1 ) ?? {};
		assert.ok( finalThought.position > 1 );
		assert.ok(
			msgs
				.map( ( m ) => m.answer )
				.join( '' )
				.endsWith( finalThought.thought )
		);
	} );

	it( '#thoughts adds more tool thoughts, and history returns them under `files`', async () => {
		const events = dataEvents(
			(
				await openStream( emu, '/v1/chat-messages', {
					key: KEY.agent,
					json: streamBody( 'time #thoughts' ),
				} ).done
			).text
		);
		const positions = new Set(
			events
				.filter( ( e ) => e.event === 'agent_thought' )
				.map( ( e ) => e.position )
		);
		assert.ok(
			positions.size >= 4,
			`positions ${ [ ...positions ].join( ',' ) }`
		);
		assert.ok(
			events.some(
				( e ) =>
					e.event === 'agent_thought' && e.tool === 'current_time'
			)
		);
		const conv = events[ 0 ]?.conversation_id;
		const h = obj(
			await call(
				emu,
				'GET',
				`messages?user=alice&conversation_id=${ conv }`,
				{ key: KEY.agent }
			)
		);
		const thoughts = h.data[ 0 ].agent_thoughts;
		assert.equal( thoughts.length, positions.size );
		assert.deepEqual( Object.keys( thoughts[ 0 ] ), [
			'id',
			'chain_id',
			'message_id',
			'position',
			'thought',
			'tool',
			'tool_labels',
			'tool_input',
			'created_at',
			'observation',
			'files',
		] );
		assert.equal( h.data[ 0 ].message_files[ 0 ].belongs_to, 'assistant' );
	} );
} );

describe( 'advanced-chat (chatflow)', () => {
	it( 'interleaves workflow events with message events and ends with message_end (files []) then workflow_finished', async () => {
		const events = dataEvents(
			(
				await openStream( emu, '/v1/chat-messages', {
					key: KEY.chatflow,
					json: streamBody( 'flow question' ),
				} ).done
			).text
		);
		const names = events.map( ( e ) => e.event );
		assert.equal( names[ 0 ], 'workflow_started' );
		// Dify 1.13.1+: message_end first (1.12.1 sent workflow_finished first).
		assert.deepEqual( names.slice( -2 ), [
			'message_end',
			'workflow_finished',
		] );
		const firstMessage = names.indexOf( 'message' );
		const llmStart = events.findIndex(
			( e ) => e.event === 'node_started' && e.data.node_type === 'llm'
		);
		const llmEnd = events.findIndex(
			( e ) => e.event === 'node_finished' && e.data.node_type === 'llm'
		);
		assert.ok(
			llmStart < firstMessage && firstMessage < llmEnd,
			'messages stream inside the LLM node'
		);
		const started = events[ 0 ] ?? {};
		assert.deepEqual( Object.keys( started ), [
			'event',
			'conversation_id',
			'message_id',
			'created_at',
			'task_id',
			'workflow_run_id',
			'data',
		] );
		assert.deepEqual( Object.keys( started.data ), [
			'id',
			'workflow_id',
			'inputs',
			'created_at',
			'reason',
		] );
		assert.equal( started.data.reason, 'initial' );
		const sys = Object.keys( started.data.inputs ).filter( ( k ) =>
			k.startsWith( 'sys.' )
		);
		assert.deepEqual( sys, [
			'sys.files',
			'sys.user_id',
			'sys.app_id',
			'sys.workflow_id',
			'sys.workflow_run_id',
			'sys.query',
			'sys.dialogue_count',
		] );
		assert.equal( started.data.inputs[ 'sys.user_id' ], 'alice' );
		assert.equal( started.data.inputs[ 'sys.query' ], 'flow question' );
		const msg = events.find( ( e ) => e.event === 'message' ) ?? {};
		assert.equal( msg.from_variable_selector.length, 2 );
		assert.equal( msg.from_variable_selector[ 1 ], 'text' );
		const nodeStarted =
			events.find( ( e ) => e.event === 'node_started' ) ?? {};
		assert.deepEqual( Object.keys( nodeStarted.data ), [
			'id',
			'node_id',
			'node_type',
			'title',
			'index',
			'predecessor_node_id',
			'inputs',
			'inputs_truncated',
			'created_at',
			'extras',
			'iteration_id',
			'loop_id',
			'agent_strategy',
		] );
		const finished = events.at( -1 ) ?? {};
		assert.equal( finished.data.status, 'succeeded' );
		assert.deepEqual( finished.data.created_by, {
			id: finished.data.created_by.id,
			user: 'alice',
		} );
		assert.match( finished.data.created_by.id, UUID_RE );
		const end = events.at( -2 ) ?? {};
		assert.deepEqual( end.files, [] );
		assert.equal( typeof end.metadata.usage.time_to_first_token, 'number' );
		const answer = events
			.filter( ( e ) => e.event === 'message' )
			.map( ( e ) => e.answer )
			.join( '' );
		assert.equal( finished.data.outputs.answer, answer );
		// the run can be fetched afterwards: inputs a JSON string, outputs an object
		const run = obj(
			await call(
				emu,
				'GET',
				`workflows/run/${ started.workflow_run_id }`,
				{ key: KEY.chatflow }
			)
		);
		assert.equal( run.status, 'succeeded' );
		assert.equal( typeof run.inputs, 'string' );
		assert.equal( run.outputs.answer, answer );
	} );

	it( 'the 1.12.1 order (workflow_finished, then message_end) is a variant', async () => {
		const events = dataEvents(
			(
				await openStream( emu, '/v1/chat-messages', {
					key: KEY.chatflow,
					json: streamBody(
						'old order #variant:chatflow_order:workflow_finished_first'
					),
				} ).done
			).text
		);
		assert.deepEqual(
			events.slice( -2 ).map( ( e ) => e.event ),
			[ 'workflow_finished', 'message_end' ]
		);
	} );

	it( 'blocking returns mode advanced-chat; a conversation variable counts the turns', async () => {
		const first = obj(
			await call( emu, 'POST', 'chat-messages', {
				key: KEY.chatflow,
				json: chatBody( 'one' ),
			} )
		);
		assert.equal( first.mode, 'advanced-chat' );
		await call( emu, 'POST', 'chat-messages', {
			key: KEY.chatflow,
			json: chatBody( 'two', { conversation_id: first.conversation_id } ),
		} );
		const vars = obj(
			await call(
				emu,
				'GET',
				`conversations/${ first.conversation_id }/variables?user=alice`,
				{ key: KEY.chatflow }
			)
		);
		const turn = vars.data.find(
			( v: Record< string, unknown > ) => v.name === 'turn_count'
		);
		assert.equal( turn.value, '2' );
		assert.equal( turn.value_type, 'number' );
	} );

	it( 'validates workflow_id (format, draft, unknown)', async () => {
		const bad = obj(
			await call( emu, 'POST', 'chat-messages', {
				key: KEY.chatflow,
				json: chatBody( 'x', { workflow_id: 'v1' } ),
			} )
		);
		assert.deepEqual( bad, {
			code: 'bad_request',
			message: "Invalid workflow_id format: 'v1'. ",
			status: 400,
		} );
		const draft = obj(
			await call( emu, 'POST', 'chat-messages', {
				key: KEY.chatflow,
				json: chatBody( 'x', {
					workflow_id: 'e0000000-0000-4000-8000-00000000d003',
				} ),
			} )
		);
		assert.equal( draft.code, 'bad_request' );
		assert.match( draft.message, /^Cannot use draft workflow version/ );
		const unknown = await call( emu, 'POST', 'chat-messages', {
			key: KEY.chatflow,
			json: chatBody( 'x', { workflow_id: UNKNOWN_UUID } ),
		} );
		assert.equal( unknown.status, 404 );
		assert.equal(
			obj( unknown ).message,
			`Workflow not found with id: ${ UNKNOWN_UUID }`
		);
		const ok = await call( emu, 'POST', 'chat-messages', {
			key: KEY.chatflow,
			json: chatBody( 'x', {
				workflow_id: 'e0000000-0000-4000-8000-00000000f003',
			} ),
		} );
		assert.equal( ok.status, 200 );
	} );
} );

describe( 'completion', () => {
	it( 'streams without conversation_id and answers from inputs.query', async () => {
		const events = dataEvents(
			(
				await openStream( emu, '/v1/completion-messages', {
					key: KEY.completion,
					json: {
						inputs: { query: '#echo write a haiku' },
						user: 'alice',
						response_mode: 'streaming',
					},
				} ).done
			).text
		);
		for ( const e of events ) {
			assert.ok( ! ( 'conversation_id' in e ) );
			assert.deepEqual( Object.keys( e ).slice( 0, 4 ), [
				'event',
				'message_id',
				'created_at',
				'task_id',
			] );
		}
		assert.equal(
			events
				.filter( ( e ) => e.event === 'message' )
				.map( ( e ) => e.answer )
				.join( '' ),
			'write a haiku'
		);
		assert.equal( events.at( -1 )?.event, 'message_end' );
		assert.equal( events.at( -1 )?.files, null );
	} );

	it( 'blocking body lacks conversation_id; query is optional', async () => {
		const r = await call( emu, 'POST', 'completion-messages', {
			key: KEY.completion,
			json: { inputs: {}, user: 'alice' },
		} );
		assert.equal( r.status, 200 );
		const b = obj( r );
		assert.deepEqual( Object.keys( b ), [
			'event',
			'task_id',
			'id',
			'message_id',
			'mode',
			'answer',
			'metadata',
			'created_at',
		] );
		assert.equal( b.mode, 'completion' );
		const noInputs = await call( emu, 'POST', 'completion-messages', {
			key: KEY.completion,
			json: { user: 'alice' },
		} );
		assert.equal( noInputs.status, 400 );
		assert.match(
			obj( noInputs ).message,
			/inputs\n {2}Field required \[type=missing/
		);
	} );

	it( 'a completion message takes feedback', async () => {
		const b = obj(
			await call( emu, 'POST', 'completion-messages', {
				key: KEY.completion,
				json: { inputs: { query: 'x' }, user: 'alice' },
			} )
		);
		const r = await call(
			emu,
			'POST',
			`messages/${ b.message_id }/feedbacks`,
			{ key: KEY.completion, json: { user: 'alice', rating: 'like' } }
		);
		assert.deepEqual( obj( r ), { result: 'success' } );
	} );
} );

describe( 'workflow', () => {
	it( 'streams workflow events with text_chunk and no message/message_end', async () => {
		const events = dataEvents(
			(
				await openStream( emu, '/v1/workflows/run', {
					key: KEY.workflow,
					json: {
						inputs: { query: 'summarise this' },
						user: 'alice',
						response_mode: 'streaming',
					},
				} ).done
			).text
		);
		const names = events.map( ( e ) => e.event );
		assert.equal( names[ 0 ], 'workflow_started' );
		assert.equal( names.at( -1 ), 'workflow_finished' );
		assert.ok(
			! names.includes( 'message' ) && ! names.includes( 'message_end' )
		);
		const runId = events[ 0 ]?.workflow_run_id;
		assert.match( runId, UUID_RE );
		for ( const e of events ) {
			assert.deepEqual( Object.keys( e ).slice( 0, 3 ), [
				'event',
				'workflow_run_id',
				'task_id',
			] );
			assert.equal( e.workflow_run_id, runId );
		}
		const chunk = events.find( ( e ) => e.event === 'text_chunk' ) ?? {};
		assert.deepEqual( Object.keys( chunk ), [
			'event',
			'workflow_run_id',
			'task_id',
			'data',
		] );
		assert.deepEqual( Object.keys( chunk.data ), [
			'text',
			'from_variable_selector',
		] );
		const text = events
			.filter( ( e ) => e.event === 'text_chunk' )
			.map( ( e ) => e.data.text )
			.join( '' );
		const fin = events.at( -1 ) ?? {};
		assert.deepEqual( Object.keys( fin.data ), [
			'id',
			'workflow_id',
			'status',
			'outputs',
			'error',
			'elapsed_time',
			'total_tokens',
			'total_steps',
			'created_by',
			'created_at',
			'finished_at',
			'exceptions_count',
			'files',
		] );
		assert.equal( fin.data.outputs.text, text );
		assert.equal( fin.data.total_steps, 3 );
		assert.ok(
			events
				.filter( ( e ) => e.event === 'node_finished' )
				.every( ( e ) => e.data.status === 'succeeded' )
		);
	} );

	it( 'blocking returns the §6.4 shape', async () => {
		const r = await call( emu, 'POST', 'workflows/run', {
			key: KEY.workflow,
			json: { inputs: { query: 'hello' }, user: 'alice' },
		} );
		assert.equal( r.status, 200 );
		assert.equal(
			r.headers[ 'content-type' ],
			'application/json; charset=utf-8'
		);
		const b = obj( r );
		assert.deepEqual( Object.keys( b ), [
			'task_id',
			'workflow_run_id',
			'data',
		] );
		assert.deepEqual( Object.keys( b.data ), [
			'id',
			'workflow_id',
			'status',
			'outputs',
			'error',
			'elapsed_time',
			'total_tokens',
			'total_steps',
			'created_at',
			'finished_at',
		] );
		assert.equal( b.data.status, 'succeeded' );
		assert.equal( b.data.id, b.workflow_run_id );
		assert.equal( typeof b.data.outputs.text, 'string' );
		const run = obj(
			await call( emu, 'GET', `workflows/run/${ b.workflow_run_id }`, {
				key: KEY.workflow,
			} )
		);
		assert.deepEqual( Object.keys( run ), [
			'id',
			'workflow_id',
			'status',
			'inputs',
			'outputs',
			'error',
			'total_steps',
			'total_tokens',
			'created_at',
			'finished_at',
			'elapsed_time',
		] );
		assert.equal( JSON.parse( run.inputs )[ 'sys.user_id' ], 'alice' );
	} );

	it( '/workflows/{id}/run checks the id', async () => {
		const run = ( id: string ): Promise< Record< string, any > > =>
			call( emu, 'POST', `workflows/${ id }/run`, {
				key: KEY.workflow,
				json: { inputs: {}, user: 'alice' },
			} ).then( ( r ) => ( { status: r.status, ...obj( r ) } ) );
		assert.equal(
			( await run( 'latest' ) ).message,
			"Invalid workflow_id format: 'latest'. "
		);
		assert.equal( ( await run( UNKNOWN_UUID ) ).status, 404 );
		assert.match(
			( await run( 'e0000000-0000-4000-8000-00000000d005' ) ).message,
			/draft/
		);
		assert.equal(
			( await run( 'e0000000-0000-4000-8000-00000000f005' ) ).task_id !==
				undefined,
			true
		);
	} );

	it( '/workflows/logs lists runs of the app', async () => {
		await call( emu, 'POST', 'workflows/run', {
			key: KEY.workflow,
			json: { inputs: { query: 'logged' }, user: 'logger' },
		} );
		const logs = obj(
			await call(
				emu,
				'GET',
				'workflows/logs?created_by_end_user_session_id=logger',
				{ key: KEY.workflow }
			)
		);
		assert.equal( logs.total, 1 );
		assert.equal( logs.data[ 0 ].created_by_end_user.session_id, 'logger' );
	} );
} );
