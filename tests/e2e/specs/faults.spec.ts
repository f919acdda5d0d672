/**
 * Every upstream fault of issue 5, end to end in Chromium: the visitor sees a clear message and a
 * way to try again, the chat keeps working, and no request to the plugin answers 500 (the routes
 * that are not streams answer an unreachable Dify with 502/503/504, as a gateway does; PHP notices
 * would fail the run through the debug log check in bin/test.sh).
 *
 * HTTP and stream faults come from the emulator's per-request directives; transport faults from
 * pointing the plugin at an address that refuses, does not exist, speaks no TLS, or never
 * completes a connection. Timeouts are shortened for these tests by a test mu-plugin
 * (tests/e2e/mu-plugins/timeouts.php), through the relay's own filters.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

import type { Page } from '@playwright/test';

import { API_KEY, test, expect } from '../utils/test';
import { useApp, withSwitch } from '../utils/site';
import { EMULATOR_URL, lastSeq, recordedRequests } from '../utils/emulator';

test.use( { storageState: { cookies: [], origins: [] } } );

const MESSAGES = {
	unavailable: 'The chat is not available right now.',
	gone: 'This conversation is no longer available. Please start a new chat.',
	busy: 'The assistant is busy right now. Please try again in a moment.',
	tooLarge: 'Your message or file is too large.',
	rejected:
		'The assistant could not accept this message. Please check it and try again.',
	failed: 'The assistant could not answer this time. Please try again.',
	wrong: 'Something went wrong while getting the answer. Please try again.',
	unreachable:
		'The assistant cannot be reached right now. Please try again later.',
	slow: 'The assistant took too long to answer. Please try again.',
	interrupted: 'The answer was interrupted. Please try again.',
};

/**
 * Statuses of the plugin's own routes seen by the page.
 * @param page
 */
function watchStatuses( page: Page ): number[] {
	const statuses: number[] = [];
	page.on( 'response', ( response ) => {
		if ( response.url().includes( 'dify-chatbot/v1/' ) ) {
			statuses.push( response.status() );
		}
	} );
	return statuses;
}

async function ask( page: Page, question: string ) {
	const input = page.getByRole( 'textbox', { name: 'Message' } );
	await input.fill( question );
	await input.press( 'Enter' );
}

function answer( page: Page, index = 0 ) {
	return page.locator( '.dify-chatbot__message.is-assistant' ).nth( index );
}

async function failsWith( page: Page, message: string, index = 0 ) {
	const error = page.locator( '.dify-chatbot__error' );
	await expect( error ).toHaveCount( 1, { timeout: 30_000 } );
	await expect( answer( page, index ) ).toHaveAttribute(
		'data-status',
		'error'
	);
	await expect( error.locator( '.dify-chatbot__error-text' ) ).toHaveText(
		message
	);
	await expect( error ).not.toContainText(
		/Traceback|app-emulator|Bearer|cURL/
	);
	await expect( page.getByRole( 'button', { name: 'Retry' } ) ).toBeVisible();
}

const HTTP_FAULTS: Array< [ string, string ] > = [
	[ '#fault:400:invalid_param', MESSAGES.rejected ],
	[ '#fault:400:app_unavailable', MESSAGES.unavailable ],
	[ '#fault:400:not_chat_app', MESSAGES.unavailable ],
	[ '#fault:400:provider_not_initialize', MESSAGES.unavailable ],
	[ '#fault:400:provider_quota_exceeded', MESSAGES.unavailable ],
	[ '#fault:400:model_currently_not_support', MESSAGES.unavailable ],
	[ '#fault:400:conversation_completed', MESSAGES.gone ],
	[ '#fault:400:completion_request_error', MESSAGES.failed ],
	[ '#fault:400:bad_request', MESSAGES.wrong ],
	[ '#fault:too-many', MESSAGES.busy ],
	[ '#fault:busy', MESSAGES.busy ],
	[ '#fault:400:too_many_requests', MESSAGES.busy ],
	[ '#fault:429:too_many_requests', MESSAGES.busy ],
	[ '#fault:400:agent_not_published', MESSAGES.unavailable ],
	[
		'#fault:403:workflow_version_execution_not_allowed',
		MESSAGES.unavailable,
	],
	[ '#fault:401', MESSAGES.unavailable ],
	[ '#fault:403', MESSAGES.unavailable ],
	[ '#fault:404', MESSAGES.gone ],
	[ '#fault:413', MESSAGES.tooLarge ],
	[ '#fault:415', MESSAGES.wrong ],
	[ '#fault:500', MESSAGES.failed ],
	// An nginx 502 page: Dify's API behind it is down.
	[ '#fault:502', MESSAGES.unreachable ],
	[ '#fault:504', MESSAGES.slow ],
	[ '#fault:error-event', MESSAGES.failed ],
	[ '#fault:drop', MESSAGES.interrupted ],
];

test.describe( 'upstream HTTP and stream faults', () => {
	// Five faults per page: each in a new chat on the same page (what a visitor who meets several
	// faults does), which spares a page load per fault; each is its own step in the report.
	for ( let first = 0; first < HTTP_FAULTS.length; first += 5 ) {
		const group = HTTP_FAULTS.slice( first, first + 5 );
		test( `${ group
			.map( ( [ directive ] ) => directive )
			.join( ', ' ) } → a clear message and Retry`, async ( {
			page,
		} ) => {
			const statuses = watchStatuses( page );
			await page.goto( '/dify-chatbot-shortcode/' );
			for ( const [ directive, message ] of group ) {
				await test.step( directive, async () => {
					await ask( page, `Please answer ${ directive }` );
					await failsWith( page, message );
					expect( statuses.filter( ( s ) => s === 500 ) ).toEqual(
						[]
					);
					// The chat still works: the next question is answered.
					await ask( page, 'And now a normal question #delay:1' );
					await expect( answer( page, 1 ) ).toHaveAttribute(
						'data-status',
						'done',
						{
							timeout: 30_000,
						}
					);
					// A new chat for the next fault.
					await page
						.getByRole( 'button', { name: 'New chat' } )
						.click();
					await expect(
						page.locator( '.dify-chatbot__message' )
					).toHaveCount( 0 );
				} );
			}
		} );
	}

	test( '#fault:429 → Retry waits for the assistant’s Retry-After, and is never sent by itself', async ( {
		page,
	} ) => {
		await page.goto( '/dify-chatbot-shortcode/' );
		const since = await lastSeq();
		await ask( page, 'Busy? #fault:429:3' );
		const error = page.locator( '.dify-chatbot__error-text' );
		await expect( error ).toHaveText(
			`${ MESSAGES.busy } Retry is possible in 3 seconds.`,
			{ timeout: 30_000 }
		);
		const retry = page.getByRole( 'button', { name: 'Retry' } );
		await expect( retry ).toBeDisabled();
		await expect( retry ).toBeEnabled( { timeout: 10_000 } );
		// Nothing was re-sent while waiting: one request reached Dify.
		const sent = (
			await recordedRequests( { since, path: '/chat-messages' } )
		).filter( ( r ) => r.method === 'POST' );
		expect( sent ).toHaveLength( 1 );
	} );

	test.describe( 'with the read timeout shortened to 3 s', () => {
		withSwitch( 'short_timeouts' );

		test( 'malformed SSE, a 64 KB event and a long run of pings still give the answer', async ( {
			page,
		} ) => {
			await page.goto( '/dify-chatbot-shortcode/' );
			await ask( page, 'Garbled #fault:malformed #delay:1' );
			await expect( answer( page, 0 ) ).toHaveAttribute(
				'data-status',
				'done',
				{
					timeout: 30_000,
				}
			);
			await ask( page, 'Huge #fault:big' );
			await expect( answer( page, 1 ) ).toHaveAttribute(
				'data-status',
				'done',
				{
					timeout: 30_000,
				}
			);
			expect(
				( ( await answer( page, 1 ).textContent() ) ?? '' ).length
			).toBeGreaterThanOrEqual( 65536 );
			// Eight seconds of nothing but pings, longer than the 3-second read timeout: the
			// pings keep the stream alive and the answer comes.
			await ask( page, 'Think long #fault:pings:8 #ping:500 #delay:1' );
			await expect( answer( page, 2 ) ).toHaveAttribute(
				'data-status',
				'done',
				{
					timeout: 30_000,
				}
			);
			await expect( page.locator( '.dify-chatbot__error' ) ).toHaveCount(
				0
			);
		} );

		test( 'a stalled stream ends with "took too long" after the read timeout', async ( {
			page,
		} ) => {
			await page.goto( '/dify-chatbot-shortcode/' );
			await ask( page, 'Hang #fault:stall:20' );
			await failsWith( page, MESSAGES.slow );
		} );
	} );
} );

test.describe( 'transport faults', () => {
	let blackhole: ChildProcess | null = null;
	// Any free port (two test runs on one machine must not share it); the script says which.
	let blackholePort = 0;

	test.beforeAll( async () => {
		blackhole = spawn( process.env.WP_PHP ?? 'php8.2', [
			path.join( __dirname, '../utils/blackhole.php' ),
			String( Number( process.env.E2E_BLACKHOLE_PORT ?? 0 ) ),
		] );
		await new Promise< void >( ( resolve, reject ) => {
			blackhole?.stdout?.once( 'data', ( data: Buffer ) => {
				blackholePort = Number(
					/ready (\d+)/.exec( String( data ) )?.[ 1 ]
				);
				resolve();
			} );
			blackhole?.once( 'exit', ( code ) =>
				reject( new Error( `blackhole.php exited (${ code })` ) )
			);
		} );
	} );
	test.afterAll( () => {
		blackhole?.kill();
	} );
	withSwitch( 'short_timeouts' );
	test.afterEach( ( { requestUtils } ) => useApp( requestUtils ) );

	const emulatorPort = new URL( EMULATOR_URL ).port;
	const cases: Array< [ string, () => string, string ] > = [
		[
			'connection refused',
			() => 'http://127.0.0.1:1/v1',
			MESSAGES.unreachable,
		],
		[ 'DNS failure', () => 'http://dify.invalid/v1', MESSAGES.unreachable ],
		// TLS to a server that speaks plain HTTP: the handshake fails.
		[
			'TLS failure',
			() => `https://127.0.0.1:${ emulatorPort }/v1`,
			MESSAGES.unreachable,
		],
		[
			'connect timeout',
			() => `http://127.0.0.1:${ blackholePort }/v1`,
			MESSAGES.slow,
		],
	];
	for ( const [ name, url, message ] of cases ) {
		test( `${ name } → a clear message, and Retry works once Dify is back`, async ( {
			page,
			requestUtils,
		} ) => {
			const statuses = watchStatuses( page );
			await useApp( requestUtils, API_KEY, url() );
			await page.goto( '/dify-chatbot-shortcode/' );
			await ask( page, 'Is anyone there? #delay:1' );
			await failsWith( page, message );
			expect( statuses.filter( ( s ) => s === 500 ) ).toEqual( [] );

			// Dify is reachable again: Retry sends the same question, and it is answered.
			await useApp( requestUtils );
			await page.getByRole( 'button', { name: 'Retry' } ).click();
			await expect( answer( page, 0 ) ).toHaveAttribute(
				'data-status',
				'done',
				{
					timeout: 30_000,
				}
			);
		} );
	}
} );
