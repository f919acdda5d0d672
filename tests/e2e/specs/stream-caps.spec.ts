/**
 * The cap on answers running at the same time, in a real browser on a real server: while one
 * visitor's answer streams, a second visitor over the site cap is asked to try again after the
 * Retry-After (429, nothing reaches Dify); when the first visitor closes the page, the relay's worker
 * ends, its slot is given back, and the second visitor's retry is answered.
 */
import type { Browser } from '@playwright/test';
import { test, expect } from '../utils/test';
import { lastSeq, recordedRequests } from '../utils/emulator';

test.use( { storageState: { cookies: [], origins: [] } } );

async function visitor( browser: Browser ) {
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto( '/dify-chatbot-block/' );
	const input = page.getByRole( 'textbox', { name: 'Message' } );
	// The chat app loads lazily (seconds on a loaded machine).
	await expect( input ).toBeEditable( { timeout: 30_000 } );
	return {
		context,
		page,
		ask: async ( question: string ) => {
			await input.fill( question );
			await input.press( 'Enter' );
		},
		answer: ( index = 0 ) =>
			page.locator( '.dify-chatbot__message.is-assistant' ).nth( index ),
	};
}

test.describe( 'answers at the same time', () => {
	// The suite runs with the caps off (global-setup); this spec turns the site cap on for itself.
	test.beforeEach( async ( { requestUtils } ) => {
		await requestUtils.rest( {
			method: 'POST',
			path: '/dify-chatbot/v1/settings',
			data: { streams_site: 1 },
		} );
	} );
	test.afterEach( async ( { requestUtils } ) => {
		await requestUtils.rest( {
			method: 'POST',
			path: '/dify-chatbot/v1/settings',
			data: { streams_site: 0 },
		} );
	} );

	test( 'over the site cap a visitor is told to wait, and a visitor who leaves frees the slot', async ( {
		browser,
		requestUtils,
	} ) => {
		const first = await visitor( browser );
		await first.ask( 'A long answer please #delay:250' );
		await expect( first.answer() ).toHaveAttribute(
			'data-status',
			'streaming',
			{ timeout: 15_000 }
		);

		const second = await visitor( browser );
		const since = await lastSeq();
		const refused = second.page.waitForResponse(
			( r ) =>
				r.url().includes( 'dify-chatbot/v1/chat' ) &&
				r.request().method() === 'POST',
			{ timeout: 30_000 }
		);
		await second.ask( 'Me too #delay:1' );
		const response = await refused;
		expect( response.status() ).toBe( 429 );
		expect( Number( response.headers()[ 'retry-after' ] ) ).toBeGreaterThan(
			0
		);
		await expect(
			second.page.locator( '.dify-chatbot__error-text' )
		).toContainText( /try again in 10 seconds/ );
		expect(
			(
				await recordedRequests( { since, path: '/chat-messages' } )
			).filter( ( r ) => r.method === 'POST' )
		).toEqual( [] );

		// The first visitor leaves mid-answer: its worker notices at the next write and ends.
		await first.context.close();
		await expect
			.poll(
				async () => {
					const settings = ( await requestUtils.rest( {
						path: '/dify-chatbot/v1/settings',
					} ) ) as { usage: { streams_running: number } };
					return settings.usage.streams_running;
				},
				{ intervals: [ 250 ], timeout: 15_000 }
			)
			.toBe( 0 );

		await second.ask( 'Now? #delay:1' );
		await expect( second.answer( 1 ) ).toHaveAttribute(
			'data-status',
			'done',
			{ timeout: 30_000 }
		);
		await second.context.close();
	} );
} );
