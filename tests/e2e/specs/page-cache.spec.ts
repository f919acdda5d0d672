/**
 * Full-page caches: a page's HTML stored for one visitor and served as-is to another. The chat
 * must still work for the second visitor, as themselves (their own Dify user), and the stored
 * HTML must hold nothing of the first visitor. The cache is simulated: the HTML is fetched once
 * (as the first visitor) and the second, fresh browser context gets it through page.route().
 *
 * A stale nonce cannot be waited for (a day), so the stored nonce is replaced with a wrong one:
 * WordPress refuses it the same way ("rest_cookie_invalid_nonce"), and the chat fetches a fresh
 * nonce and sends the message again (src/chat/api.ts).
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';

import { test, expect } from '../utils/test';
import { lastSeq, recordedRequests } from '../utils/emulator';

const SLUG = 'dify-chatbot-block';
const COOKIE = 'dify_chatbot_visitor';
const NO_ONE = { cookies: [], origins: [] };

test.use( { storageState: NO_ONE } );

async function ask( page: Page, question: string ) {
	const input = page.getByRole( 'textbox', { name: 'Message' } );
	await input.fill( question );
	await input.press( 'Enter' );
}

/**
 * Waits until the n-th answer is complete and returns its text.
 * @param page
 * @param index
 */
async function answer( page: Page, index: number ): Promise< string > {
	const message = page
		.locator( '.dify-chatbot__message.is-assistant' )
		.nth( index );
	await expect( message ).toHaveAttribute( 'data-status', 'done', {
		timeout: 30_000,
	} );
	return ( await message.textContent() ) ?? '';
}

/**
 * The Dify users of the chat messages recorded since `since`.
 * @param since
 */
async function chatUsers( since: number ): Promise< ( string | null )[] > {
	return ( await recordedRequests( { since, path: '/chat-messages' } ) )
		.filter(
			( r ) => r.method === 'POST' && r.path.endsWith( '/chat-messages' )
		)
		.map( ( r ) => r.user );
}

/**
 * A fresh context whose requests for the demo page get the stored HTML.
 * @param browser
 * @param html
 * @param storageState
 */
async function cachedContext(
	browser: Browser,
	html: string,
	storageState: string | typeof NO_ONE = NO_ONE
): Promise< BrowserContext > {
	const context = await browser.newContext( { storageState } );
	await context.route( `**/${ SLUG }/`, ( route ) =>
		route.fulfill( {
			status: 200,
			contentType: 'text/html; charset=UTF-8',
			headers: { 'X-Test-Cache': 'HIT' },
			body: html,
		} )
	);
	return context;
}

test( 'a page cached after one anonymous visitor chatted works for the next one, as themselves', async ( {
	browser,
} ) => {
	// The first visitor chats, so they have their visitor cookie.
	const first = await browser.newContext( { storageState: NO_ONE } );
	const firstPage = await first.newPage();
	const since = await lastSeq();
	await firstPage.goto( `/${ SLUG }/` );
	await ask( firstPage, 'First visitor cache-token-a1 #echo #delay:1' );
	expect( await answer( firstPage, 0 ) ).toContain( 'cache-token-a1' );
	const cookie = ( await first.cookies() ).find( ( c ) => c.name === COOKIE );
	expect( cookie, 'the first visitor got a visitor cookie' ).toBeDefined();
	const [ firstUser ] = await chatUsers( since );
	expect( firstUser ).toMatch( /^visitor-/ );

	// What a page cache stores: the page as rendered for the first visitor, with their cookie.
	const stored = await first.request.get( `/${ SLUG }/` );
	expect( stored.status() ).toBe( 200 );
	expect(
		stored.headers()[ 'set-cookie' ] ?? '',
		'rendering the page sets no per-visitor cookie (caches skip such pages)'
	).not.toContain( COOKIE );
	const html = await stored.text();
	expect( html ).toContain( 'data-dify-chatbot' );
	const [ id = '', signature = '' ] = ( cookie?.value ?? '' ).split( '.' );
	expect( id.length ).toBeGreaterThan( 8 );
	for ( const secret of [
		cookie?.value ?? '',
		id,
		signature,
		String( firstUser ),
	] ) {
		expect( html ).not.toContain( secret );
	}
	// No nonce either: logged-out pages carry no per-visitor markup at all.
	expect( html ).toMatch( /"nonce":""/ );
	await first.close();

	// The second visitor gets the stored page.
	const second = await cachedContext( browser, html );
	const secondPage = await second.newPage();
	const since2 = await lastSeq();
	const served = await secondPage.goto( `/${ SLUG }/` );
	expect( served?.headers()[ 'x-test-cache' ] ).toBe( 'HIT' );
	await ask( secondPage, 'Second visitor cache-token-b2 #echo #delay:1' );
	expect( await answer( secondPage, 0 ) ).toContain( 'cache-token-b2' );
	const [ secondUser ] = await chatUsers( since2 );
	expect( secondUser ).toMatch( /^visitor-/ );
	expect( secondUser ).not.toBe( firstUser );
	const secondCookie = ( await second.cookies() ).find(
		( c ) => c.name === COOKIE
	);
	expect( secondCookie?.value ).toBeDefined();
	expect( secondCookie?.value ).not.toBe( cookie?.value );
	await second.close();
} );

test( 'a cached logged-in page with a stale nonce: the chat fetches a fresh one and the visitor chats as themselves', async ( {
	browser,
	requestUtils,
} ) => {
	const suffix = Date.now().toString( 36 );
	const password = `cache-pass-${ suffix }`;
	const subscriber = await requestUtils.createUser( {
		username: `cache-visitor-${ suffix }`,
		email: `cache-visitor-${ suffix }@example.org`,
		password,
		roles: [ 'subscriber' ],
	} );

	// The page as an administrator saw it (a cache that ignores the login cookie would store it).
	const admin = await browser.newContext( {
		storageState: process.env.STORAGE_STATE_PATH,
	} );
	const adminHtml = await ( await admin.request.get( `/${ SLUG }/` ) ).text();
	await admin.close();
	const nonce = /"nonce":"([0-9a-f]{10})"/.exec( adminHtml )?.[ 1 ];
	expect( nonce, 'a logged-in page carries the REST nonce' ).toBeDefined();
	const stale = '0123456789' === nonce ? '9876543210' : '0123456789';
	const html = adminHtml.replace(
		`"nonce":"${ nonce }"`,
		`"nonce":"${ stale }"`
	);
	expect( html ).toContain( `"nonce":"${ stale }"` );

	// A different visitor, logged in as the subscriber, in a fresh context.
	const context = await cachedContext( browser, html );
	const page = await context.newPage();
	await page.goto( '/wp-login.php' );
	await page.locator( '#user_login' ).fill( `cache-visitor-${ suffix }` );
	await page.locator( '#user_pass' ).fill( password );
	await Promise.all( [
		page.waitForURL( /wp-admin/ ),
		page.locator( '#wp-submit' ).click(),
	] );

	// Every call the page makes with the stale nonce (parameters, history or chat, whichever
	// comes first) and every nonce refresh.
	const refused: number[] = [];
	let refreshes = 0;
	page.on( 'response', ( response ) => {
		const url = response.url();
		if ( url.includes( 'action=rest-nonce' ) ) {
			refreshes++;
		}
		if (
			url.includes( 'dify-chatbot/v1/' ) &&
			response.request().headers()[ 'x-wp-nonce' ] === stale
		) {
			refused.push( response.status() );
		}
	} );
	const since = await lastSeq();
	const served = await page.goto( `/${ SLUG }/` );
	expect( served?.headers()[ 'x-test-cache' ] ).toBe( 'HIT' );
	await ask( page, 'Logged-in visitor cache-token-c3 #echo #delay:1' );
	expect( await answer( page, 0 ) ).toContain( 'cache-token-c3' );

	// The stale nonce was refused (before anything reached Dify), one fresh nonce was fetched
	// for all the chat's calls, and the message was sent once.
	expect( refused.length ).toBeGreaterThan( 0 );
	expect( new Set( refused ) ).toEqual( new Set( [ 403 ] ) );
	expect( refreshes ).toBe( 1 );
	const users = await chatUsers( since );
	expect( users ).toHaveLength( 1 );
	// The user number and this site's part (includes/Security/Visitor_Identity.php).
	expect( users[ 0 ] ).toMatch(
		new RegExp( `^wp-user-${ subscriber.id }-[0-9a-f]{8}$` )
	);
	await context.close();
} );

test( 'a cached logged-in page served to an anonymous visitor: the stored nonce gives them nothing', async ( {
	browser,
} ) => {
	// A misconfigured cache that stores logged-in pages for everyone. The administrator's nonce
	// is worthless without their login cookie: WordPress refuses it, the nonce endpoint has none
	// for a logged-out browser, and the chat asks for a reload (which then renders the page for
	// a logged-out visitor). Nothing reaches Dify, least of all as the administrator.
	const admin = await browser.newContext( {
		storageState: process.env.STORAGE_STATE_PATH,
	} );
	const html = await ( await admin.request.get( `/${ SLUG }/` ) ).text();
	await admin.close();
	expect( html ).toMatch( /"nonce":"[0-9a-f]{10}"/ );

	const context = await cachedContext( browser, html );
	const page = await context.newPage();
	const since = await lastSeq();
	await page.goto( `/${ SLUG }/` );
	await ask( page, 'Anonymous on an admin page cache-token-d4' );
	const message = page
		.locator( '.dify-chatbot__message.is-assistant' )
		.first();
	await expect( message ).toHaveAttribute( 'data-status', 'error', {
		timeout: 30_000,
	} );
	await expect( page.locator( '.dify-chatbot' ) ).toContainText(
		'Your session has expired. Please reload the page.'
	);
	expect( await recordedRequests( { since } ) ).toEqual( [] );
	await context.close();

	// The reload a real visitor would do: the page as rendered for them works.
	const fresh = await browser.newContext( { storageState: NO_ONE } );
	const freshPage = await fresh.newPage();
	await freshPage.goto( `/${ SLUG }/` );
	await ask( freshPage, 'After the reload cache-token-e5 #echo #delay:1' );
	expect( await answer( freshPage, 0 ) ).toContain( 'cache-token-e5' );
	expect( await chatUsers( since ) ).toEqual( [
		expect.stringMatching( /^visitor-/ ),
	] );
	await fresh.close();
} );
