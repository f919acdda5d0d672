/**
 * Another website in the visitor's own browser. A foreign page is served by a real server on
 * another origin (`localhost:<port>`, while the site is `127.0.0.1`: another host, so another
 * site for the browser), and the visitor has chatted on the real site before. The foreign page
 * can neither send a message nor read the visitor's conversations, and a link (from anywhere,
 * even the site's own pages) cannot turn into a POST with `?_method=`: the emulator's request
 * record proves that nothing reached Dify.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Page } from '@playwright/test';

import { test, expect } from '../utils/test';
import { ask, watchAnswer } from '../utils/chat';
import { lastSeq, recordedRequests } from '../utils/emulator';

test.use( { storageState: { cookies: [], origins: [] } } );

const SITE = new URL( process.env.WP_BASE_URL ?? 'http://127.0.0.1:8889' )
	.origin;
const ROUTE = `${ SITE }/wp-json/dify-chatbot/v1`;

let foreign: http.Server;
let foreignOrigin = '';

test.beforeAll( async () => {
	// Any page will do: the tests write their own script into it.
	foreign = http.createServer( ( _request, response ) => {
		response.writeHead( 200, { 'Content-Type': 'text/html' } );
		response.end(
			'<!doctype html><title>Another site</title><p>Hello</p>'
		);
	} );
	await new Promise< void >( ( resolve ) =>
		foreign.listen( 0, '127.0.0.1', resolve )
	);
	foreignOrigin = `http://localhost:${
		( foreign.address() as AddressInfo ).port
	}`;
} );

test.afterAll( async () => {
	await new Promise( ( resolve ) => foreign.close( resolve ) );
} );

/**
 * The visitor chats once on the real site (so they have a cookie and a conversation).
 *
 * @param page The visitor's page.
 */
async function chatOnTheSite( page: Page ): Promise< void > {
	await page.goto( '/dify-chatbot-block/' );
	await ask( page, 'A question of my own #delay:1' );
	await watchAnswer( page, 0 );
	// What the chat asks for after an answer (history, follow-ups) is done before the attack.
	await page.waitForLoadState( 'networkidle' );
	const cookies = await page.context().cookies( SITE );
	expect(
		cookies.some( ( cookie ) => cookie.name === 'dify_chatbot_visitor' )
	).toBe( true );
}

/**
 * What the emulator received since `since` (any path, or those containing `path`).
 *
 * @param since The last request number before the attack.
 * @param path  A part of the path to look for.
 */
async function upstream( since: number, path?: string ): Promise< string[] > {
	return ( await recordedRequests( { since, path } ) ).map(
		( r ) => `${ r.method } ${ r.path }`
	);
}

test( 'a foreign page can neither send a message nor read the list', async ( {
	page,
} ) => {
	await chatOnTheSite( page );
	// The visitor's own page can read their list (the control for what follows).
	const own = await page.evaluate( async ( route ) => {
		const response = await fetch( `${ route }/conversations`, {
			credentials: 'same-origin',
		} );
		return {
			status: response.status,
			count: ( ( await response.json() ) as { data: unknown[] } ).data
				.length,
		};
	}, ROUTE );
	expect( own ).toEqual( { status: 200, count: 1 } );

	await page.goto( `${ foreignOrigin }/` );
	await expect( page ).toHaveTitle( 'Another site' );
	const since = await lastSeq();
	const attempts = await page.evaluate( async ( route ) => {
		const outcome = async ( request: Promise< Response > ) => {
			try {
				const response = await request;
				return `read ${ response.status }: ${ await response.text() }`;
			} catch {
				return 'blocked';
			}
		};
		return {
			// Reading the list with the visitor's credentials.
			list: await outcome(
				fetch( `${ route }/conversations`, { credentials: 'include' } )
			),
			// A "simple" request (no preflight): a form-encoded message.
			message: await outcome(
				fetch( `${ route }/chat`, {
					method: 'POST',
					credentials: 'include',
					headers: {
						'Content-Type': 'application/x-www-form-urlencoded',
					},
					body: 'query=Sent+by+another+site',
				} )
			),
			// The same, sent blind: the page does not need to read the answer.
			blind: await fetch( `${ route }/chat`, {
				method: 'POST',
				mode: 'no-cors',
				credentials: 'include',
				headers: {
					'Content-Type': 'application/x-www-form-urlencoded',
				},
				body: 'query=Sent+blind',
			} ).then(
				( response ) => response.type,
				() => 'failed'
			),
			// A JSON message (preflighted).
			json: await outcome(
				fetch( `${ route }/chat`, {
					method: 'POST',
					credentials: 'include',
					headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify( { query: 'JSON from another site' } ),
				} )
			),
		};
	}, ROUTE );
	expect( attempts.list ).toBe( 'blocked' );
	expect( attempts.message ).toBe( 'blocked' );
	expect( attempts.json ).toBe( 'blocked' );
	expect( [ 'opaque', 'failed' ] ).toContain( attempts.blind );
	// Refused before any upstream call: Dify heard nothing of it.
	expect( await upstream( since ) ).toEqual( [] );

	// What the server answered the foreign origin: a readable 403, and no CORS grant.
	const refused = await page.request.post( `${ ROUTE }/chat`, {
		headers: { Origin: foreignOrigin, 'Sec-Fetch-Site': 'cross-site' },
		form: { query: 'Sent by another site' },
	} );
	expect( refused.status() ).toBe( 403 );
	expect( ( await refused.json() ).code ).toBe( 'dify_chatbot_cross_site' );
	expect(
		refused.headers()[ 'access-control-allow-origin' ]
	).toBeUndefined();
	expect(
		refused.headers()[ 'access-control-allow-credentials' ]
	).toBeUndefined();
	expect( await upstream( since ) ).toEqual( [] );
} );

test( 'a link cannot turn into a message with ?_method=POST', async ( {
	page,
} ) => {
	await chatOnTheSite( page );
	const target = `${ ROUTE }/chat?_method=POST&query=Sent+by+a+link`;

	// A link on another site: a top-level GET that carries the Lax cookie.
	await page.goto( `${ foreignOrigin }/` );
	const since = await lastSeq();
	await page.evaluate( ( href ) => {
		const link = document.createElement( 'a' );
		link.href = href;
		link.textContent = 'A harmless link';
		document.body.append( link );
	}, target );
	const fromElsewhere = page.waitForResponse( ( r ) =>
		r.url().startsWith( `${ ROUTE }/chat` )
	);
	await page.getByRole( 'link', { name: 'A harmless link' } ).click();
	expect( ( await fromElsewhere ).status() ).toBe( 403 );
	await expect( page.locator( 'body' ) ).toContainText(
		'dify_chatbot_method_override'
	);

	expect( await upstream( since ) ).toEqual( [] );

	// The same link on the site's own page (say, in a comment): the browser vouches for the
	// origin, so only the method check stands in the way. (The chat on that page loads its
	// history from Dify: only messages count here.)
	await page.goto( '/dify-chatbot-block/' );
	await page.evaluate( ( href ) => {
		const link = document.createElement( 'a' );
		link.href = href;
		link.textContent = 'A link in a comment';
		document.body.append( link );
	}, target );
	const fromHere = page.waitForResponse( ( r ) =>
		r.url().startsWith( `${ ROUTE }/chat` )
	);
	await page.getByRole( 'link', { name: 'A link in a comment' } ).click();
	expect( ( await fromHere ).status() ).toBe( 403 );
	await expect( page.locator( 'body' ) ).toContainText(
		'dify_chatbot_method_override'
	);
	expect( await upstream( since, '/chat-messages' ) ).toEqual( [] );
} );

test( 'the site’s own origin gets CORS; core’s echo of any origin is gone', async ( {
	request,
} ) => {
	const own = await request.get( `${ ROUTE }/parameters`, {
		headers: { Origin: SITE },
	} );
	expect( own.status() ).toBe( 200 );
	expect( own.headers()[ 'access-control-allow-origin' ] ).toBe( SITE );
	expect( own.headers()[ 'access-control-allow-credentials' ] ).toBe(
		'true'
	);

	// A preflight from another origin gets no grant, so the browser never sends the request.
	const preflight = await request.fetch( `${ ROUTE }/chat`, {
		method: 'OPTIONS',
		headers: {
			Origin: 'https://evil.example',
			'Access-Control-Request-Method': 'POST',
			'Access-Control-Request-Headers': 'content-type',
		},
	} );
	expect(
		preflight.headers()[ 'access-control-allow-origin' ]
	).toBeUndefined();

	// `?_method[]=` made WordPress itself end with a fatal error (500): a clear answer instead.
	const malformed = await request.get(
		`${ ROUTE }/parameters?_method[]=POST`
	);
	expect( malformed.status() ).toBe( 200 );

	// Core's other routes keep core's behaviour (this plugin changes only its own namespace).
	const core = await request.get( `${ SITE }/wp-json/`, {
		headers: { Origin: 'https://evil.example' },
	} );
	expect( core.headers()[ 'access-control-allow-origin' ] ).toBe(
		'https://evil.example'
	);
} );
