/*
 * @jest-environment node
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { describe, expect, it, jest } from '@jest/globals';

import {
	ChatError,
	createClient,
	errorFromResponse,
	parseRetryAfter,
	withQuery,
	type ChatUpdate,
} from '../api';
import { readConfig, type ChatConfig } from '../options';
import { bytesOf, collect, frame, streamOf } from './utils/streams';

const REST = 'https://example.test/wp-json/dify-chatbot/v1/';
const NONCE_URL =
	'https://example.test/wp-admin/admin-ajax.php?action=rest-nonce';

function config( overrides: Partial< ChatConfig > = {} ): ChatConfig {
	return { ...readConfig( { restUrl: REST } ), ...overrides };
}

function sse( body: string | ReadableStream< Uint8Array > ): Response {
	return new Response(
		typeof body === 'string' ? streamOf( bytesOf( body, 7 ) ) : body,
		{
			status: 200,
			headers: { 'Content-Type': 'text/event-stream; charset=utf-8' },
		}
	);
}

function json(
	status: number,
	body: unknown,
	headers: Record< string, string > = {}
): Response {
	return new Response( JSON.stringify( body ), {
		status,
		headers: {
			'Content-Type': 'application/json; charset=UTF-8',
			...headers,
		},
	} );
}

const envelope = { conversation_id: 'c1', message_id: 'm1', created_at: 1 };
const ANSWER =
	frame( {
		event: 'message',
		...envelope,
		task_id: 't1',
		id: 'm1',
		answer: 'Hel',
	} ) +
	'event: ping\n\n' +
	frame( {
		event: 'message',
		...envelope,
		task_id: 't1',
		id: 'm1',
		answer: 'lo!',
	} ) +
	frame( {
		event: 'message_end',
		...envelope,
		task_id: 't1',
		id: 'm1',
		metadata: {
			retriever_resources: [ { position: 1 } ],
			usage: { total_tokens: 20 },
		},
	} );

type FetchMock = jest.Mock< typeof fetch >;

/**
 * A fetch that answers the chat route with the given responses in turn, and the nonce
 * endpoint with `nonce`.
 *
 * @param responses Chat answers, in order.
 * @param nonce     What the nonce endpoint says (a Response for failures).
 */
function mockFetch(
	responses: Response[],
	nonce: string | Response = 'fresh12345'
): FetchMock {
	return jest.fn< typeof fetch >( async ( input ) => {
		const url = String( input );
		if ( url === NONCE_URL ) {
			return typeof nonce === 'string' ? new Response( nonce ) : nonce;
		}
		const next = responses.shift();
		if ( ! next ) {
			throw new Error( 'unexpected request ' + url );
		}
		return next;
	} );
}

function chatCalls( fetchMock: FetchMock ) {
	return fetchMock.mock.calls.filter(
		( [ url ] ) => String( url ) === REST + 'chat'
	);
}

function headersOf(
	call: Parameters< typeof fetch > | undefined
): Record< string, string > {
	return ( call?.[ 1 ]?.headers ?? {} ) as Record< string, string >;
}

async function failure( promise: Promise< unknown > ): Promise< ChatError > {
	try {
		await promise;
	} catch ( error ) {
		expect( error ).toBeInstanceOf( ChatError );
		return error as ChatError;
	}
	throw new Error( 'expected a ChatError' );
}

describe( 'chat client: streaming', () => {
	it( 'posts the question and yields meta, text deltas and the end', async () => {
		const fetchMock = mockFetch( [ sse( ANSWER ) ] );
		const client = createClient( config(), fetchMock );
		const updates = await collect(
			client.chat( { query: 'Hi', conversationId: 'c0', bot: 'sales' } )
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
			).chat( { query: 'q' } )
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

	it( 'accepts a JSON answer to a streaming request', async () => {
		const updates = await collect(
			createClient(
				config(),
				mockFetch( [ json( 200, blocking ) ] )
			).chat( { query: 'q' } )
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

describe( 'chat client: stale nonce and other errors', () => {
	const staleNonce = () =>
		json( 403, {
			code: 'rest_cookie_invalid_nonce',
			message: 'Cookie check failed',
			data: { status: 403 },
		} );
	const loggedIn = () =>
		config( { nonce: 'stale00000', nonceEndpoint: NONCE_URL, user: 7 } );

	it( 'refreshes a stale nonce and sends the question once more', async () => {
		const fetchMock = mockFetch( [ staleNonce(), sse( ANSWER ) ] );
		const settings = loggedIn();
		const updates = await collect(
			createClient( settings, fetchMock ).chat( { query: 'q' } )
		);
		expect( updates.at( -1 )?.type ).toBe( 'end' );
		const calls = chatCalls( fetchMock );
		expect( calls ).toHaveLength( 2 );
		expect( headersOf( calls[ 0 ] )[ 'X-WP-Nonce' ] ).toBe( 'stale00000' );
		expect( headersOf( calls[ 1 ] )[ 'X-WP-Nonce' ] ).toBe( 'fresh12345' );
		expect( calls[ 1 ]?.[ 1 ]?.body ).toBe( calls[ 0 ]?.[ 1 ]?.body );
		// Kept for the next questions (and the other chats of the page).
		expect( settings.nonce ).toBe( 'fresh12345' );
		const [ nonceCall ] = fetchMock.mock.calls.filter(
			( [ url ] ) => url === NONCE_URL
		);
		expect( nonceCall?.[ 1 ]?.credentials ).toBe( 'same-origin' );
	} );

	it( 'retries only once', async () => {
		const fetchMock = mockFetch( [
			staleNonce(),
			staleNonce(),
			sse( ANSWER ),
		] );
		const error = await failure(
			collect(
				createClient( loggedIn(), fetchMock ).chat( { query: 'q' } )
			)
		);
		expect( error.code ).toBe( 'rest_cookie_invalid_nonce' );
		expect( error.message ).toBe(
			'Your session has expired. Please reload the page.'
		);
		expect( chatCalls( fetchMock ) ).toHaveLength( 2 );
	} );

	it( 'does not retry when no fresh nonce can be had', async () => {
		for ( const answer of [
			'0',
			new Response( '-1', { status: 400 } ),
			'<html>',
		] ) {
			const fetchMock = mockFetch(
				[ staleNonce(), sse( ANSWER ) ],
				answer
			);
			const error = await failure(
				collect(
					createClient( loggedIn(), fetchMock ).chat( { query: 'q' } )
				)
			);
			expect( error.code ).toBe( 'rest_cookie_invalid_nonce' );
			expect( chatCalls( fetchMock ) ).toHaveLength( 1 );
		}
	} );

	it( 'does not retry without a nonce endpoint (visitors)', async () => {
		const fetchMock = mockFetch( [ staleNonce(), sse( ANSWER ) ] );
		await failure(
			collect(
				createClient( config(), fetchMock ).chat( { query: 'q' } )
			)
		);
		expect( fetchMock ).toHaveBeenCalledTimes( 1 );
	} );

	it.each( [
		[
			500,
			{
				code: 'internal_server_error',
				message: 'Traceback (most recent call last)',
			},
			'The chat is not available right now. Please try again later.',
		],
		[
			502,
			'<html>Bad gateway</html>',
			'The chat is not available right now. Please try again later.',
		],
		[
			503,
			{
				code: 'dify_chatbot_not_configured',
				message: 'The chat is not set up yet.',
			},
			'The chat is not set up yet.',
		],
		[
			403,
			{
				code: 'rest_forbidden',
				message: 'Sorry, you are not allowed to do that.',
			},
			'Your message could not be sent. Please try again.',
		],
		[
			400,
			{
				code: 'rest_invalid_param',
				message: 'Invalid parameter(s): query',
			},
			'Your message could not be sent. Please try again.',
		],
	] )(
		'does not retry a %d and explains it plainly',
		async ( status, body, message ) => {
			const response =
				typeof body === 'string'
					? new Response( body, {
							status,
							headers: { 'Content-Type': 'text/html' },
						} )
					: json( status, { ...body, data: { status } } );
			const fetchMock = mockFetch(
				[ response, sse( ANSWER ) ],
				'fresh12345'
			);
			const error = await failure(
				collect(
					createClient( loggedIn(), fetchMock ).chat( { query: 'q' } )
				)
			);
			expect( error.message ).toBe( message );
			expect( error.status ).toBe( status );
			expect( fetchMock ).toHaveBeenCalledTimes( 1 );
		}
	);

	it( 'says when to try again after a 429', async () => {
		const fetchMock = mockFetch( [
			json(
				429,
				{ code: 'dify_chatbot_rate_limited', message: 'Slow down' },
				{ 'Retry-After': '30' }
			),
		] );
		const error = await failure(
			collect(
				createClient( config(), fetchMock ).chat( { query: 'q' } )
			)
		);
		expect( error.retryAfter ).toBe( 30 );
		expect( error.message ).toBe(
			'Too many messages in a short time. Please try again in 30 seconds.'
		);
		expect( fetchMock ).toHaveBeenCalledTimes( 1 );
	} );

	it( 'reports a lost conversation by its code', async () => {
		const fetchMock = mockFetch( [
			json( 404, {
				code: 'dify_chatbot_conversation_not_found',
				message: 'Conversation Not Exists.',
				data: { status: 404 },
			} ),
		] );
		const error = await failure(
			collect(
				createClient( config(), fetchMock ).chat( {
					query: 'q',
					conversationId: 'gone',
				} )
			)
		);
		expect( error.code ).toBe( 'dify_chatbot_conversation_not_found' );
		expect( error.message ).toMatch( /new one was started/ );
		expect( fetchMock ).toHaveBeenCalledTimes( 1 );
	} );

	it( 'turns a network failure into a readable error, without retrying', async () => {
		const fetchMock = jest.fn< typeof fetch >( async () => {
			throw new TypeError( 'Failed to fetch' );
		} );
		const error = await failure(
			collect(
				createClient( loggedIn(), fetchMock ).chat( { query: 'q' } )
			)
		);
		expect( error.code ).toBe( 'network' );
		expect( fetchMock ).toHaveBeenCalledTimes( 1 );
	} );

	it( 'reports an abort as such', async () => {
		const controller = new AbortController();
		const fetchMock = jest.fn< typeof fetch >( async ( _url, init ) => {
			controller.abort();
			if ( init?.signal?.aborted ) {
				throw new DOMException( 'Aborted', 'AbortError' );
			}
			return sse( ANSWER );
		} );
		const error = await failure(
			collect(
				createClient( config(), fetchMock ).chat(
					{ query: 'q' },
					controller.signal
				)
			)
		);
		expect( error.code ).toBe( 'aborted' );
	} );
} );

describe( 'errorFromResponse and parseRetryAfter', () => {
	it( 'reads Retry-After as seconds or a date', () => {
		expect( parseRetryAfter( null ) ).toBeNull();
		expect( parseRetryAfter( '12' ) ).toBe( 12 );
		expect( parseRetryAfter( 'soon' ) ).toBeNull();
		const inAMinute = new Date( Date.now() + 60_000 ).toUTCString();
		const seconds = parseRetryAfter( inAMinute ) ?? 0;
		expect( seconds ).toBeGreaterThan( 55 );
		expect( seconds ).toBeLessThanOrEqual( 60 );
	} );

	it( 'keeps the server code and status', async () => {
		const error = await errorFromResponse(
			json( 413, {
				code: 'dify_chatbot_too_long',
				message: 'The message is too long.',
			} )
		);
		expect( error ).toMatchObject( {
			code: 'dify_chatbot_too_long',
			status: 413,
			message: 'The message is too long.',
		} );
	} );
} );

describe( 'withQuery', () => {
	it( 'adds a query string to pretty and plain REST roots alike', () => {
		expect(
			withQuery( '/wp-json/dify-chatbot/v1/', 'parameters', {
				post_id: '3',
			} )
		).toBe( 'parameters?post_id=3' );
		expect(
			withQuery( '/?rest_route=/dify-chatbot/v1/', 'parameters', {
				post_id: '3',
				x: 'a&b',
			} )
		).toBe( 'parameters&post_id=3&x=a%26b' );
	} );
} );

describe( 'chat client: parameters, stop, feedback and suggestions', () => {
	it( 'reads the parameters the chat uses, with defaults for the rest', async () => {
		const fetchMock = mockFetch( [
			json( 200, {
				opening_statement: '  Hi there!  ',
				suggested_questions: [ 'One?', 3, '', 'Two?' ],
				suggested_questions_after_answer: { enabled: true },
				user_input_form: [
					{
						select: {
							variable: 'tone',
							label: 'Tone',
							required: true,
							options: [ 'a' ],
						},
					},
				],
			} ),
			json( 200, { opening_statement: null } ),
		] );
		const client = createClient(
			config( { nonce: 'abc123def0' } ),
			fetchMock
		);
		const none = {
			fileUpload: null,
			limits: {},
			speechToText: false,
			textToSpeech: false,
			autoPlay: false,
		};
		expect( await client.parameters() ).toEqual( {
			openingStatement: 'Hi there!',
			suggestedQuestions: [ 'One?', 'Two?' ],
			suggestedAfterAnswer: true,
			form: [
				{
					type: 'select',
					variable: 'tone',
					label: 'Tone',
					required: true,
					maxLength: 0,
					options: [ 'a' ],
					default: undefined,
					fileTypes: [],
					fileExtensions: [],
					fileMethods: [],
				},
			],
			...none,
		} );
		expect( await client.parameters( 7 ) ).toEqual( {
			openingStatement: '',
			suggestedQuestions: [],
			suggestedAfterAnswer: false,
			form: [],
			...none,
		} );
		const [ url, init ] = fetchMock.mock.calls[ 0 ] ?? [];
		expect( url ).toBe( REST + 'parameters' );
		expect( fetchMock.mock.calls[ 1 ]?.[ 0 ] ).toBe(
			REST + 'parameters?post_id=7'
		);
		expect( init?.method ).toBe( 'GET' );
		expect( init?.body ).toBeUndefined();
		expect( headersOf( fetchMock.mock.calls[ 0 ] ) ).toEqual( {
			Accept: 'application/json',
			'X-WP-Nonce': 'abc123def0',
		} );
	} );

	it( 'reads which media features the app has on', async () => {
		const upload = {
			enabled: true,
			allowed_file_types: [ 'image' ],
			allowed_file_upload_methods: [ 'local_file' ],
			number_limits: 2,
		};
		const client = createClient(
			config(),
			mockFetch( [
				json( 200, {
					file_upload: upload,
					system_parameters: { image_file_size_limit: 5 },
					speech_to_text: { enabled: true },
					text_to_speech: { enabled: true, autoPlay: 'enabled' },
				} ),
				json( 200, {
					file_upload: { enabled: false },
					text_to_speech: { enabled: false, autoPlay: 'enabled' },
				} ),
			] )
		);
		expect( await client.parameters() ).toMatchObject( {
			fileUpload: upload,
			limits: { image_file_size_limit: 5 },
			speechToText: true,
			textToSpeech: true,
			autoPlay: true,
		} );
		expect( await client.parameters() ).toMatchObject( {
			fileUpload: null,
			speechToText: false,
			textToSpeech: false,
			autoPlay: false,
		} );
	} );

	it( 'turns a failed parameters request into a ChatError', async () => {
		const fetchMock = mockFetch( [
			json( 503, {
				code: 'dify_chatbot_not_configured',
				message: 'The chat is not available right now.',
				data: { status: 503 },
			} ),
		] );
		const error = await failure(
			createClient( config(), fetchMock ).parameters()
		);
		expect( error.code ).toBe( 'dify_chatbot_not_configured' );
		expect( error.status ).toBe( 503 );
	} );

	it( 'stops a task by its id', async () => {
		const fetchMock = mockFetch( [ json( 200, { result: 'success' } ) ] );
		await createClient( config(), fetchMock ).stop( 't 1/x' );
		const [ url, init ] = fetchMock.mock.calls[ 0 ] ?? [];
		expect( url ).toBe( REST + 'chat/t%201%2Fx/stop' );
		expect( init?.method ).toBe( 'POST' );
		expect( JSON.parse( String( init?.body ) ) ).toEqual( {} );
	} );

	it( 'sends a rating, and null to take it back', async () => {
		const fetchMock = mockFetch( [
			json( 200, { result: 'success' } ),
			json( 200, { result: 'success' } ),
		] );
		const client = createClient( config(), fetchMock );
		await client.feedback( 'm1', 'like' );
		await client.feedback( 'm1', null );
		expect( fetchMock.mock.calls[ 0 ]?.[ 0 ] ).toBe(
			REST + 'messages/m1/feedback'
		);
		expect(
			fetchMock.mock.calls.map( ( [ , init ] ) =>
				JSON.parse( String( init?.body ) )
			)
		).toEqual( [ { rating: 'like' }, { rating: null } ] );
	} );

	it( 'reads follow-up questions', async () => {
		const fetchMock = mockFetch( [
			json( 200, { result: 'success', data: [ 'A?', null, 'B?' ] } ),
		] );
		expect(
			await createClient( config(), fetchMock ).suggested( 'm1' )
		).toEqual( [ 'A?', 'B?' ] );
		expect( fetchMock.mock.calls[ 0 ]?.[ 0 ] ).toBe(
			REST + 'messages/m1/suggested'
		);
	} );

	it( 'refreshes a stale nonce once for these calls too', async () => {
		const settings = config( {
			nonce: 'stale00000',
			nonceEndpoint: NONCE_URL,
		} );
		const fetchMock = mockFetch( [
			json( 403, {
				code: 'rest_cookie_invalid_nonce',
				message: 'Cookie check failed',
				data: { status: 403 },
			} ),
			json( 200, { result: 'success' } ),
		] );
		await createClient( settings, fetchMock ).stop( 't1' );
		expect( settings.nonce ).toBe( 'fresh12345' );
		const stops = fetchMock.mock.calls.filter(
			( [ url ] ) => String( url ) === REST + 'chat/t1/stop'
		);
		expect(
			stops.map( ( call ) => headersOf( call )[ 'X-WP-Nonce' ] )
		).toEqual( [ 'stale00000', 'fresh12345' ] );
	} );
} );

describe( 'chat client: history', () => {
	it( 'reads the turns of a conversation, oldest first, with safe files only', async () => {
		const fetchMock = mockFetch( [
			json( 200, {
				limit: 20,
				has_more: false,
				data: [
					{
						id: 'm1',
						query: 'Q1',
						answer: 'A1',
						retriever_resources: [
							{ position: 1, document_name: 'D', content: 'S' },
						],
						message_files: [
							{
								id: 'f1',
								type: 'image',
								url: 'https://x/a.png',
								belongs_to: 'assistant',
							},
							{
								id: 'f2',
								type: 'image',
								url: 'javascript:alert(1)',
								belongs_to: 'assistant',
							},
						],
					},
					{ id: 'm2', query: 'Q2', answer: 'A2' },
					{ query: 'no id' },
				],
			} ),
		] );
		const turns = await createClient( config(), fetchMock ).history(
			'c/1'
		);
		expect( fetchMock.mock.calls[ 0 ]?.[ 0 ] ).toBe(
			REST + 'conversations/c%2F1/messages'
		);
		expect( turns ).toEqual( [
			{
				messageId: 'm1',
				query: 'Q1',
				answer: 'A1',
				citations: [
					{
						position: 1,
						documentName: 'D',
						content: 'S',
						score: null,
					},
				],
				files: [ { id: 'f1', url: 'https://x/a.png', type: 'image' } ],
			},
			{
				messageId: 'm2',
				query: 'Q2',
				answer: 'A2',
				citations: [],
				files: [],
			},
		] );
	} );
} );

describe( 'chat client: conversations', () => {
	it( 'lists, renames and deletes with the right methods', async () => {
		const fetchMock = mockFetch( [
			json( 200, {
				has_more: false,
				data: [ { id: 'c1', name: 'Trip' }, { name: 'no id' } ],
			} ),
			json( 200, { id: 'c1', name: 'New' } ),
			json( 200, { result: 'success' } ),
		] );
		const client = createClient( config(), fetchMock );
		expect( await client.conversations() ).toEqual( [
			{ id: 'c1', name: 'Trip' },
		] );
		await client.rename( 'c1', 'New' );
		await client.remove( 'c1' );
		const calls = fetchMock.mock.calls;
		expect( calls.map( ( c ) => [ c[ 0 ], c[ 1 ]?.method ] ) ).toEqual( [
			[ REST + 'conversations', 'GET' ],
			[ REST + 'conversations/c1/name', 'POST' ],
			[ REST + 'conversations/c1', 'DELETE' ],
		] );
		expect( JSON.parse( String( calls[ 1 ]?.[ 1 ]?.body ) ) ).toEqual( {
			name: 'New',
		} );
	} );
} );
