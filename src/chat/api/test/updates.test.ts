/*
 * @jest-environment node
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { describe, expect, it } from '@jest/globals';

import { createClient } from '../client';
import { type ChatUpdate } from '../types';
import {
	REST,
	config,
	sse,
	json,
	envelope,
	ANSWER,
	mockFetch,
	headersOf,
	failure,
} from './utils/fetch';
import { collect, frame } from './utils/streams';

describe( 'chat client: streaming', () => {
	it( 'posts the question and yields meta, text deltas and the end', async () => {
		const fetchMock = mockFetch( [ sse( ANSWER ) ] );
		const client = createClient( config(), fetchMock, { bot: 'sales' } );
		const updates = await collect(
			client.chat( { query: 'Hi', conversationId: 'c0' } )
		);

		expect( updates ).toEqual( [
			{
				type: 'meta',
				conversationId: 'c1',
				messageId: 'm1',
				taskId: 't1',
			},
			{ type: 'append', text: 'Hel' },
			{ type: 'append', text: 'lo!' },
			{
				type: 'end',
				conversationId: 'c1',
				messageId: 'm1',
				metadata: {
					retrieverResources: [ { position: 1 } ],
					usage: { total_tokens: 20 },
				},
			},
		] );
		const [ url, init ] = fetchMock.mock.calls[ 0 ] ?? [];
		expect( url ).toBe( REST + 'chat' );
		expect( init?.method ).toBe( 'POST' );
		expect( init?.credentials ).toBe( 'same-origin' );
		expect( headersOf( fetchMock.mock.calls[ 0 ] ) ).toEqual( {
			'Content-Type': 'application/json',
			Accept: 'text/event-stream',
		} );
		expect( JSON.parse( String( init?.body ) ) ).toEqual( {
			query: 'Hi',
			inputs: {},
			conversation_id: 'c0',
			bot: 'sales',
		} );
	} );

	it( 'leaves out an empty conversation id and bot, and sends the nonce when there is one', async () => {
		const fetchMock = mockFetch( [ sse( ANSWER ) ] );
		await collect(
			createClient( config( { nonce: 'abc123def0' } ), fetchMock ).chat( {
				query: 'Hi',
				conversationId: null,
			} )
		);
		const [ , init ] = fetchMock.mock.calls[ 0 ] ?? [];
		expect( JSON.parse( String( init?.body ) ) ).toEqual( {
			query: 'Hi',
			inputs: {},
		} );
		expect( headersOf( fetchMock.mock.calls[ 0 ] )[ 'X-WP-Nonce' ] ).toBe(
			'abc123def0'
		);
	} );

	it( 'replaces the text on message_replace, and reads agent thoughts and files, workflow and mislabelled text', async () => {
		const body =
			frame( {
				event: 'agent_thought',
				...envelope,
				task_id: 't1',
				id: 'th1',
				thought: '',
				tool: 'web_search;image_generator',
				position: 1,
			} ) +
			frame( {
				event: 'agent_message',
				...envelope,
				task_id: 't1',
				answer: 'A',
			} ) +
			frame( {
				event: 'message_file',
				...envelope,
				task_id: 't1',
				answer: 'B',
			} ) +
			frame( {
				event: 'message_file',
				...envelope,
				task_id: 't1',
				url: 'https://x/y.png',
				type: 'image',
				id: 'f1',
			} ) +
			frame( {
				event: 'message_file',
				...envelope,
				task_id: 't1',
				url: null,
				type: 'image',
				id: 'f2',
			} ) +
			frame( {
				event: 'text_chunk',
				...envelope,
				task_id: 't1',
				data: { text: 'C' },
			} ) +
			frame( {
				event: 'node_started',
				...envelope,
				task_id: 't1',
				data: {},
			} ) +
			frame( {
				event: 'some_future_event',
				...envelope,
				task_id: 't1',
			} ) +
			frame( {
				event: 'message_replace',
				...envelope,
				task_id: 't1',
				answer: 'Moderated.',
			} ) +
			frame( {
				event: 'message_end',
				...envelope,
				task_id: 't1',
				id: 'm1',
			} );
		const updates = await collect(
			createClient( config(), mockFetch( [ sse( body ) ] ) ).chat( {
				query: 'q',
			} )
		);
		expect(
			updates.filter( ( u ) => u.type !== 'meta' && u.type !== 'end' )
		).toEqual( [
			{
				type: 'thought',
				id: 'th1',
				position: 1,
				tools: [ 'web_search', 'image_generator' ],
			},
			{ type: 'append', text: 'A' },
			{ type: 'append', text: 'B' },
			{
				type: 'file',
				id: 'f1',
				url: 'https://x/y.png',
				fileType: 'image',
			},
			{ type: 'append', text: 'C' },
			{ type: 'replace', text: 'Moderated.' },
		] );
	} );

	it( 'gives reasoning as its own updates, never as text', async () => {
		const reasoning = ( text: string, isFinal = false ) =>
			frame( {
				event: 'reasoning_chunk',
				...envelope,
				task_id: 't1',
				data: { reasoning: text, is_final: isFinal },
			} );
		const body =
			reasoning( 'Weigh' ) +
			reasoning( ' it.' ) +
			reasoning( '', true ) +
			frame( {
				event: 'message',
				...envelope,
				task_id: 't1',
				answer: 'Yes.',
			} ) +
			frame( {
				event: 'message_end',
				...envelope,
				task_id: 't1',
				id: 'm1',
			} );
		const updates = await collect(
			createClient( config(), mockFetch( [ sse( body ) ] ) ).chat( {
				query: 'q',
			} )
		);
		expect(
			updates.filter( ( u ) => u.type !== 'meta' && u.type !== 'end' )
		).toEqual( [
			{ type: 'reasoning', text: 'Weigh' },
			{ type: 'reasoning', text: ' it.' },
			{ type: 'append', text: 'Yes.' },
		] );
	} );

	it( 'gives workflow steps as rows, an iteration’s inner nodes as its rounds', async () => {
		const step = ( name: string, data: Record< string, unknown > ) =>
			frame( { event: name, ...envelope, task_id: 't1', data } );
		const body =
			step( 'node_started', { node_id: 'llm', title: 'LLM' } ) +
			step( 'node_finished', {
				node_id: 'llm',
				title: 'LLM',
				status: 'succeeded',
				elapsed_time: 0.5,
			} ) +
			step( 'iteration_started', { node_id: 'it', title: 'Each' } ) +
			step( 'iteration_next', {
				node_id: 'it',
				title: 'Each',
				index: 0,
			} ) +
			step( 'node_started', {
				node_id: 'inner',
				title: 'Inner',
				iteration_id: 'it',
			} ) +
			step( 'iteration_next', {
				node_id: 'it',
				title: 'Each',
				index: 1,
			} ) +
			step( 'iteration_completed', {
				node_id: 'it',
				title: 'Each',
				status: 'succeeded',
				elapsed_time: 1,
			} ) +
			frame( {
				event: 'message_end',
				...envelope,
				task_id: 't1',
				id: 'm1',
			} );
		const updates = await collect(
			createClient( config(), mockFetch( [ sse( body ) ] ) ).chat( {
				query: 'q',
			} )
		);
		expect( updates.filter( ( u ) => u.type === 'step' ) ).toEqual( [
			{
				type: 'step',
				nodeId: 'llm',
				title: 'LLM',
				status: 'running',
				elapsed: null,
				rounds: 0,
			},
			{
				type: 'step',
				nodeId: 'llm',
				title: 'LLM',
				status: 'succeeded',
				elapsed: 0.5,
				rounds: 0,
			},
			{
				type: 'step',
				nodeId: 'it',
				title: 'Each',
				status: 'running',
				elapsed: null,
				rounds: 0,
			},
			{
				type: 'step',
				nodeId: 'it',
				title: 'Each',
				status: 'running',
				elapsed: null,
				rounds: 1,
			},
			{
				type: 'step',
				nodeId: 'it',
				title: 'Each',
				status: 'running',
				elapsed: null,
				rounds: 2,
			},
			{
				type: 'step',
				nodeId: 'it',
				title: 'Each',
				status: 'succeeded',
				elapsed: 1,
				rounds: 0,
			},
		] );
	} );

	it( 'replaces the text with the message that closes agent_message deltas (New Agent)', async () => {
		const body =
			frame( {
				event: 'agent_message',
				...envelope,
				task_id: 't1',
				answer: 'Step. ',
			} ) +
			frame( {
				event: 'agent_message',
				...envelope,
				task_id: 't1',
				answer: 'Answer',
			} ) +
			frame( {
				event: 'message',
				...envelope,
				task_id: 't1',
				answer: 'Step. Answer',
			} ) +
			frame( {
				event: 'message_end',
				...envelope,
				task_id: 't1',
				id: 'm1',
			} );
		const updates = await collect(
			createClient( config(), mockFetch( [ sse( body ) ] ) ).chat( {
				query: 'q',
			} )
		);
		expect(
			updates.filter( ( u ) => u.type !== 'meta' && u.type !== 'end' )
		).toEqual( [
			{ type: 'append', text: 'Step. ' },
			{ type: 'append', text: 'Answer' },
			{ type: 'replace', text: 'Step. Answer' },
		] );
	} );

	it( 'ignores what follows message_end but reads the body to its end', async () => {
		let pulls = 0;
		const chunks = [
			ANSWER,
			frame( {
				event: 'message',
				...envelope,
				task_id: 't1',
				answer: 'late',
			} ),
			frame( {
				event: 'tts_message_end',
				...envelope,
				task_id: 't1',
				audio: '',
			} ),
		];
		const body = new ReadableStream< Uint8Array >( {
			pull( controller ) {
				const next = chunks.shift();
				pulls++;
				if ( next ) {
					controller.enqueue( new TextEncoder().encode( next ) );
				} else {
					controller.close();
				}
			},
		} );
		const updates = await collect(
			createClient( config(), mockFetch( [ sse( body ) ] ) ).chat( {
				query: 'q',
			} )
		);
		expect( updates.at( -1 )?.type ).toBe( 'end' );
		expect(
			updates.some( ( u ) => u.type === 'append' && u.text === 'late' )
		).toBe( false );
		expect( pulls ).toBe( 4 );
	} );

	it( 'passes the answer read aloud (tts_message) on, also after message_end', async () => {
		const body =
			ANSWER +
			frame( {
				event: 'tts_message',
				...envelope,
				task_id: 't1',
				audio: 'SUQz',
			} ) +
			frame( {
				event: 'tts_message',
				...envelope,
				task_id: 't1',
				audio: '',
			} ) +
			frame( {
				event: 'tts_message_end',
				...envelope,
				task_id: 't1',
				audio: '',
			} );
		const updates = await collect(
			createClient( config(), mockFetch( [ sse( body ) ] ) ).chat( {
				query: 'q',
			} )
		);
		expect( updates.filter( ( u ) => u.type === 'audio' ) ).toEqual( [
			{ type: 'audio', audio: 'SUQz' },
		] );
		expect( updates.findIndex( ( u ) => u.type === 'end' ) ).toBeLessThan(
			updates.findIndex( ( u ) => u.type === 'audio' )
		);
	} );

	it( 'sends attached files with the question, and none when there are none', async () => {
		const fetchMock = mockFetch( [ sse( ANSWER ), sse( ANSWER ) ] );
		const client = createClient( config(), fetchMock );
		const file = {
			type: 'image',
			transfer_method: 'local_file' as const,
			upload_file_id: 'e0000000-0000-4000-8000-000000000009',
		};
		await collect( client.chat( { query: 'Look', files: [ file ] } ) );
		await collect( client.chat( { query: 'Again', files: [] } ) );
		const bodies = fetchMock.mock.calls.map( ( call ) =>
			JSON.parse( String( call[ 1 ]?.body ) )
		);
		expect( bodies[ 0 ].files ).toEqual( [ file ] );
		expect( bodies[ 1 ] ).not.toHaveProperty( 'files' );
	} );

	it( 'fails with the stream error message, keeping the text already given', async () => {
		const body =
			frame( {
				event: 'message',
				...envelope,
				task_id: 't1',
				answer: 'Partial',
			} ) +
			frame( {
				event: 'error',
				...envelope,
				code: 'completion_request_error',
				status: 400,
				message: 'The AI service is busy. Please try again.',
			} );
		const seen: ChatUpdate[] = [];
		const error = await failure(
			( async () => {
				for await ( const update of createClient(
					config(),
					mockFetch( [ sse( body ) ] )
				).chat( {
					query: 'q',
				} ) ) {
					seen.push( update );
				}
			} )()
		);
		expect( seen.map( ( u ) => u.type ) ).toEqual( [ 'meta', 'append' ] );
		expect( error.code ).toBe( 'completion_request_error' );
		expect( error.status ).toBe( 400 );
		expect( error.message ).toBe(
			'The AI service is busy. Please try again.'
		);
	} );

	it( 'passes on the assistant’s Retry-After from a stream error', async () => {
		const body = frame( {
			event: 'error',
			code: 'dify_chatbot_rate_limited',
			status: 429,
			message: 'The assistant is busy right now.',
			retry_after: 7,
		} );
		const error = await failure(
			( async () => {
				for await ( const update of createClient(
					config(),
					mockFetch( [ sse( body ) ] )
				).chat( { query: 'q' } ) ) {
					expect( update ).toBeUndefined();
				}
			} )()
		);
		expect( error.retryAfter ).toBe( 7 );
		expect( error.message ).toBe(
			'The assistant is busy right now. Retry is possible in 7 seconds.'
		);
		for ( const odd of [ 0, -3, 99999, '7' ] ) {
			const oddError = await failure(
				( async () => {
					for await ( const update of createClient(
						config(),
						mockFetch( [
							sse(
								frame( {
									event: 'error',
									code: 'x',
									message: 'Busy.',
									retry_after: odd,
								} )
							),
						] )
					).chat( { query: 'q' } ) ) {
						expect( update ).toBeUndefined();
					}
				} )()
			);
			expect( oddError.retryAfter ).toBeNull();
			expect( oddError.message ).toBe( 'Busy.' );
		}
	} );

	it( 'treats an end of stream before message_end as a cut-off answer', async () => {
		const body = frame( {
			event: 'message',
			...envelope,
			task_id: 't1',
			answer: 'Hal',
		} );
		const error = await failure(
			collect(
				createClient( config(), mockFetch( [ sse( body ) ] ) ).chat( {
					query: 'q',
				} )
			)
		);
		expect( error.code ).toBe( 'cut_off' );
		expect( error.message ).toBe(
			'The answer was cut off. Please try again.'
		);
	} );

	it( 'treats a broken connection mid-answer as a cut-off answer', async () => {
		let sent = false;
		const body = new ReadableStream< Uint8Array >( {
			pull( controller ) {
				if ( sent ) {
					controller.error( new TypeError( 'network error' ) );
					return;
				}
				sent = true;
				controller.enqueue(
					new TextEncoder().encode(
						frame( {
							event: 'message',
							...envelope,
							task_id: 't1',
							answer: 'Hal',
						} )
					)
				);
			},
		} );
		const error = await failure(
			collect(
				createClient( config(), mockFetch( [ sse( body ) ] ) ).chat( {
					query: 'q',
				} )
			)
		);
		expect( error.code ).toBe( 'cut_off' );
	} );

	it( 'ends a workflow app answer on workflow_finished, and fails a failed run', async () => {
		const wf = { workflow_run_id: 'r1' };
		const ok =
			frame( {
				event: 'workflow_started',
				...wf,
				task_id: 't1',
				data: {},
			} ) +
			frame( {
				event: 'text_chunk',
				...wf,
				task_id: 't1',
				data: { text: 'Done' },
			} ) +
			frame( {
				event: 'workflow_finished',
				...wf,
				task_id: 't1',
				data: { status: 'succeeded' },
			} );
		const updates = await collect(
			createClient( config(), mockFetch( [ sse( ok ) ] ) ).chat( {
				query: 'q',
			} )
		);
		expect( updates.map( ( u ) => u.type ) ).toEqual( [
			'meta',
			'append',
			'end',
		] );
		expect( updates[ 0 ] ).toEqual( {
			type: 'meta',
			conversationId: null,
			messageId: null,
			taskId: 't1',
		} );

		const failed = frame( {
			event: 'workflow_finished',
			...wf,
			task_id: 't1',
			data: { status: 'failed', error: 'Traceback: secret internals' },
		} );
		const error = await failure(
			collect(
				createClient( config(), mockFetch( [ sse( failed ) ] ) ).chat( {
					query: 'q',
				} )
			)
		);
		expect( error.code ).toBe( 'workflow_failed' );
		expect( error.message ).not.toContain( 'Traceback' );
	} );
} );

describe( 'chat client: blocking', () => {
	const blocking = {
		event: 'message',
		task_id: 't1',
		id: 'm1',
		message_id: 'm1',
		conversation_id: 'c1',
		mode: 'chat',
		answer: 'Whole answer.',
		metadata: { retriever_resources: [], usage: { total_tokens: 3 } },
		created_at: 1,
	};

	it( 'asks for JSON and gives the whole answer as the same updates', async () => {
		const fetchMock = mockFetch( [ json( 200, blocking ) ] );
		const updates = await collect(
			createClient(
				config( { responseMode: 'blocking' } ),
				fetchMock
			).chat( {
				query: 'q',
			} )
		);
		expect( headersOf( fetchMock.mock.calls[ 0 ] ).Accept ).toBe(
			'application/json'
		);
		expect( updates ).toEqual( [
			{
				type: 'meta',
				conversationId: 'c1',
				messageId: 'm1',
				taskId: 't1',
			},
			{ type: 'replace', text: 'Whole answer.' },
			{
				type: 'end',
				conversationId: 'c1',
				messageId: 'm1',
				metadata: {
					retrieverResources: [],
					usage: { total_tokens: 3 },
				},
			},
		] );
	} );

	it( 'gives a blocking answer’s reasoning before its text', async () => {
		const updates = await collect(
			createClient(
				config( { responseMode: 'blocking' } ),
				mockFetch( [
					json( 200, { ...blocking, reasoning: 'Weigh it.' } ),
				] )
			).chat( { query: 'q' } )
		);
		expect(
			updates.filter( ( u ) => u.type !== 'meta' && u.type !== 'end' )
		).toEqual( [
			{ type: 'reasoning', text: 'Weigh it.' },
			{ type: 'replace', text: 'Whole answer.' },
		] );
	} );

	it( 'accepts a JSON answer to a streaming request', async () => {
		const updates = await collect(
			createClient(
				config(),
				mockFetch( [ json( 200, blocking ) ] )
			).chat( {
				query: 'q',
			} )
		);
		expect( updates.map( ( u ) => u.type ) ).toEqual( [
			'meta',
			'replace',
			'end',
		] );
	} );

	it( 'rejects an answer it cannot read', async () => {
		const error = await failure(
			collect(
				createClient(
					config(),
					mockFetch( [ json( 200, { nope: true } ) ] )
				).chat( {
					query: 'q',
				} )
			)
		);
		expect( error.code ).toBe( 'bad_response' );
		const html = new Response( '<html>', {
			status: 200,
			headers: { 'Content-Type': 'text/html' },
		} );
		expect(
			(
				await failure(
					collect(
						createClient( config(), mockFetch( [ html ] ) ).chat( {
							query: 'q',
						} )
					)
				)
			).code
		).toBe( 'bad_response' );
	} );
} );
