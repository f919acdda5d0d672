/*
 * @jest-environment node
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { describe, expect, it } from '@jest/globals';

import { createClient } from '../client';
import type { ChatClient } from '../types';
import { REST, config, json, mockFetch, sse, ANSWER } from './utils/fetch';
import { collect } from './utils/streams';

type Calls = ReturnType< typeof mockFetch >[ 'mock' ][ 'calls' ];

/**
 * What each request named: its method, its URL below the REST root, and its JSON body.
 *
 * @param calls The fetch mock's calls.
 */
function sent( calls: Calls ) {
	return calls.map( ( [ url, init ] ) => ( {
		method: init?.method,
		path: String( url ).slice( REST.length ),
		body: typeof init?.body === 'string' ? JSON.parse( init.body ) : null,
	} ) );
}

/**
 * Makes every small call of the client once (each answered with `{}`-like JSON).
 *
 * @param client The client.
 */
async function everyCall( client: ChatClient ) {
	await client.parameters( 7 );
	await client.parameters();
	await client.stop( 't1' );
	await client.feedback( 'm1', 'like', 'Nice' );
	await client.suggested( 'm1' );
	await client.conversations();
	await client.rename( 'c1', 'Name' );
	await client.remove( 'c1' );
	await client.removeAll();
	await client.history( 'c1' );
	await collect( client.answerForm( 'h1', { action: 'ok', inputs: {} } ) );
	await collect( client.chat( { query: 'Hi' } ) );
}

function answers() {
	return mockFetch( [
		json( 200, {} ),
		json( 200, {} ),
		json( 200, { result: 'success' } ),
		json( 200, { result: 'success' } ),
		json( 200, { data: [] } ),
		json( 200, { data: [] } ),
		json( 200, {} ),
		json( 200, { result: 'success' } ),
		json( 200, { deleted: 0, more: false } ),
		json( 200, { data: [] } ),
		sse( ANSWER ),
		sse( ANSWER ),
	] );
}

describe( 'chat client: the bot', () => {
	it( 'names its bot on every request: in the query of a GET or DELETE, in the body of a POST', async () => {
		const fetchMock = answers();
		await everyCall(
			createClient( config(), fetchMock, { bot: 'sales' } )
		);

		expect( sent( fetchMock.mock.calls ) ).toEqual( [
			{
				method: 'GET',
				path: 'parameters?post_id=7&bot=sales',
				body: null,
			},
			{ method: 'GET', path: 'parameters?bot=sales', body: null },
			{ method: 'POST', path: 'chat/t1/stop', body: { bot: 'sales' } },
			{
				method: 'POST',
				path: 'messages/m1/feedback',
				body: { rating: 'like', content: 'Nice', bot: 'sales' },
			},
			{
				method: 'GET',
				path: 'messages/m1/suggested?bot=sales',
				body: null,
			},
			{ method: 'GET', path: 'conversations?bot=sales', body: null },
			{
				method: 'POST',
				path: 'conversations/c1/name',
				body: { name: 'Name', bot: 'sales' },
			},
			{
				method: 'DELETE',
				path: 'conversations/c1?bot=sales',
				body: {},
			},
			{ method: 'DELETE', path: 'conversations?bot=sales', body: {} },
			{
				method: 'GET',
				path: 'conversations/c1/messages?bot=sales',
				body: null,
			},
			{
				method: 'POST',
				path: 'forms/h1',
				body: { action: 'ok', inputs: {}, bot: 'sales' },
			},
			{
				method: 'POST',
				path: 'chat',
				body: { query: 'Hi', inputs: {}, bot: 'sales' },
			},
		] );
	} );

	it( 'names no bot for the default one (the requests stay as they were)', async () => {
		const fetchMock = answers();
		await everyCall( createClient( config(), fetchMock ) );

		const requests = sent( fetchMock.mock.calls );
		expect( requests.map( ( r ) => r.path ) ).toEqual( [
			'parameters?post_id=7',
			'parameters',
			'chat/t1/stop',
			'messages/m1/feedback',
			'messages/m1/suggested',
			'conversations',
			'conversations/c1/name',
			'conversations/c1',
			'conversations',
			'conversations/c1/messages',
			'forms/h1',
			'chat',
		] );
		requests.forEach( ( r ) => expect( r.body?.bot ).toBeUndefined() );
	} );

	it( 'keeps the bot in the query of a plain-permalink REST root', async () => {
		const plain = 'https://example.test/?rest_route=/dify-chatbot/v1/';
		const fetchMock = mockFetch( [ json( 200, { data: [] } ) ] );
		await createClient( config( { restUrl: plain } ), fetchMock, {
			bot: 'sales',
		} ).conversations();

		expect( String( fetchMock.mock.calls[ 0 ]?.[ 0 ] ) ).toBe(
			plain + 'conversations&bot=sales'
		);
	} );

	it.each( [
		[ 'streaming', 'blocking', 'application/json' ],
		[ 'blocking', 'streaming', 'text/event-stream' ],
		[ 'blocking', null, 'application/json' ],
		[ 'streaming', null, 'text/event-stream' ],
	] as const )(
		'asks for the answer in the bot’s mode over the page’s (page %s, bot %s)',
		async ( page, bot, accept ) => {
			const fetchMock = mockFetch( [
				accept === 'application/json'
					? json( 200, {
							event: 'message',
							conversation_id: 'c1',
							message_id: 'm1',
							answer: 'Hi',
						} )
					: sse( ANSWER ),
			] );
			await collect(
				createClient( config( { responseMode: page } ), fetchMock, {
					bot: 'sales',
					responseMode: bot,
				} ).chat( { query: 'Hi' } )
			);

			const init = fetchMock.mock.calls[ 0 ]?.[ 1 ];
			expect( ( init?.headers as Record< string, string > ).Accept ).toBe(
				accept
			);
		}
	);
} );
