/**
 * The rate-limit and slot counters on WordPress on SQLite (the official SQLite Database
 * Integration), with the site's default limits (10 messages a minute per visitor, 2 answers at a
 * time per address): there the plugin counts in one SQLite upsert sent straight through the
 * integration's connection, not through its MySQL translation (the test-only mu-plugin
 * counter-statements.php reports what went through $wpdb). Every message is counted once,
 * the eleventh of a minute is refused, and of five answers asked for at the same moment from one
 * address exactly two run; a slot given back lets the next one run.
 */
import { test, expect, type APIRequestContext } from '@playwright/test';

const CHAT = '/wp-json/dify-chatbot/v1/chat';
// A new visitor: no cookie (not even the suite's admin one, which is for the MariaDB site).
const NOBODY = { cookies: [], origins: [] };

function ask(
	visitor: APIRequestContext,
	query: string,
	accept = 'application/json'
) {
	return visitor.post( CHAT, {
		data: { query },
		headers: { Accept: accept },
		timeout: 60_000,
	} );
}

test( 'SQLite counts every message once and lets exactly the limit through', async ( {
	playwright,
	baseURL,
} ) => {
	test.setTimeout( 120_000 );
	// The per-minute counters are fixed windows: start well inside one, and in a new one on a
	// retry (the first try has used up much of the address's 30 messages a minute).
	const left = 60 - new Date().getUTCSeconds();
	if ( left < 15 || test.info().retry > 0 ) {
		await new Promise( ( r ) => setTimeout( r, left * 1000 + 500 ) );
	}

	const visitor = await playwright.request.newContext( {
		baseURL,
		storageState: NOBODY,
	} );
	for ( let i = 1; i <= 10; i++ ) {
		const answer = await ask( visitor, `Question ${ i } #delay:0` );
		expect( answer.status(), `message ${ i }` ).toBe( 200 );
		// Counted outside $wpdb: no INSERT into the counters went through the translation.
		expect( answer.headers()[ 'x-dify-e2e-counter-writes' ] ).toBe( '0' );
	}
	const refused = await ask( visitor, 'Question 11 #delay:0' );
	expect( refused.status() ).toBe( 429 );
	expect( ( await refused.json() ).code ).toBe( 'dify_chatbot_rate_limited' );
	expect( Number( refused.headers()[ 'retry-after' ] ) ).toBeGreaterThan( 0 );
	await visitor.dispose();

	// Five new visitors from the same address at once, each asking for a streamed answer that
	// takes two seconds (three events a second apart).
	const visitors = await Promise.all(
		Array.from( { length: 5 }, () =>
			playwright.request.newContext( { baseURL, storageState: NOBODY } )
		)
	);
	// A tenth of a second apart: PHP's built-in server lets one idle worker accept every
	// connection waiting at that moment and then serve them one after another, which would test
	// its queue, not the counters. Each request is being served by the time the next one comes.
	const answers = await Promise.all(
		visitors.map( async ( v, i ) => {
			await new Promise( ( r ) => setTimeout( r, i * 100 ) );
			return ask(
				v,
				`Slow ${ i } #echo #delay:1000`,
				'text/event-stream'
			);
		} )
	);
	const statuses = answers.map( ( a ) => a.status() ).sort();
	expect( statuses ).toEqual( [ 200, 200, 429, 429, 429 ] );
	for ( const answer of answers.filter( ( a ) => a.status() === 429 ) ) {
		expect( ( await answer.json() ).code ).toBe( 'dify_chatbot_busy' );
	}
	for ( const answer of answers.filter( ( a ) => a.status() === 200 ) ) {
		expect( await answer.text() ).toContain( 'message_end' );
	}

	// Both answers have ended: their slots are back, and the next visitor's answer runs.
	const next = await ask(
		visitors[ 0 ] as APIRequestContext,
		'After #delay:0',
		'text/event-stream'
	);
	expect( next.status() ).toBe( 200 );
	await Promise.all( visitors.map( ( v ) => v.dispose() ) );
} );
