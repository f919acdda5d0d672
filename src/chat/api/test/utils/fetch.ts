/**
 * Test helpers for the chat client: a page configuration, responses as the routes give them,
 * and a fetch that plays the server.
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { expect, jest } from '@jest/globals';

import { ChatError } from '../../errors';
import { readConfig, type ChatConfig } from '../../../options';
import { bytesOf, frame, streamOf } from './streams';

export const REST = 'https://example.test/wp-json/dify-chatbot/v1/';
export const NONCE_URL =
	'https://example.test/wp-admin/admin-ajax.php?action=rest-nonce';

export function config( overrides: Partial< ChatConfig > = {} ): ChatConfig {
	return { ...readConfig( { restUrl: REST } ), ...overrides };
}

export function sse( body: string | ReadableStream< Uint8Array > ): Response {
	return new Response(
		typeof body === 'string' ? streamOf( bytesOf( body, 7 ) ) : body,
		{
			status: 200,
			headers: { 'Content-Type': 'text/event-stream; charset=utf-8' },
		}
	);
}

export function json(
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

export const envelope = {
	conversation_id: 'c1',
	message_id: 'm1',
	created_at: 1,
};
export const ANSWER =
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

export type FetchMock = jest.Mock< typeof fetch >;

/**
 * A fetch that answers the chat route with the given responses in turn, and the nonce
 * endpoint with `nonce`.
 *
 * @param responses Chat answers, in order.
 * @param nonce     What the nonce endpoint says (a Response for failures).
 */
export function mockFetch(
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

export function chatCalls( fetchMock: FetchMock ) {
	return fetchMock.mock.calls.filter(
		( [ url ] ) => String( url ) === REST + 'chat'
	);
}

export function headersOf(
	call: Parameters< typeof fetch > | undefined
): Record< string, string > {
	return ( call?.[ 1 ]?.headers ?? {} ) as Record< string, string >;
}

export async function failure(
	promise: Promise< unknown >
): Promise< ChatError > {
	try {
		await promise;
	} catch ( error ) {
		expect( error ).toBeInstanceOf( ChatError );
		return error as ChatError;
	}
	throw new Error( 'expected a ChatError' );
}
