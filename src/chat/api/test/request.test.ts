/*
 * @jest-environment node
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { describe, expect, it, jest } from '@jest/globals';

import { createClient } from '../client';
import {
	NONCE_URL,
	config,
	sse,
	json,
	ANSWER,
	mockFetch,
	chatCalls,
	headersOf,
	failure,
} from './utils/fetch';
import { collect } from './utils/streams';

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
