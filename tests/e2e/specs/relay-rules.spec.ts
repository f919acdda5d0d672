/**
 * What a chatflow's run carries that no browser may see: every response the page receives is
 * scanned while a chatflow answers with all its kinds of steps (retrieval with a private document,
 * an HTTP node with an internal address and token, iterations, loops, an Agent node with its log,
 * Dify's `warning` event) and while a run fails with an error text naming internal hosts.
 */
import type { Page } from '@playwright/test';

import { recordBodies } from '../utils/bodies';
import { test, expect } from '../utils/test';
import { withApp } from '../utils/site';

test.use( { storageState: { cookies: [], origins: [] } } );

/** What the emulator puts in the run and what must stay on the server. */
const SECRETS = [
	'sys.user_id',
	'sys.app_id',
	'sys.query',
	'EMULATOR-PRIVATE-CONTEXT',
	'10.0.3.',
	'emu-internal-token',
	'total_price',
	'process_data',
	'execution_metadata',
	'agent_log',
	'sys.files is deprecated',
	'Vector store',
	'Errno',
	'visitor-',
];

async function ask( page: Page, question: string ) {
	const input = page.getByRole( 'textbox', { name: 'Message' } );
	await input.fill( question );
	await input.press( 'Enter' );
}

test.describe( 'a chatflow’s internals stay on the server', () => {
	withApp( 'app-emulator-chatflow' );

	test( 'steps, agent logs, warnings and failed runs reach the browser stripped', async ( {
		page,
	} ) => {
		const bodies = await recordBodies( page );
		await page.goto( '/dify-chatbot-block/' );
		await ask( page, 'All the steps #steps #warning #delay:1' );
		const first = page.locator( '.dify-chatbot__message.is-assistant' );
		await expect( first.first() ).toHaveAttribute( 'data-status', 'done', {
			timeout: 60_000,
		} );
		await ask( page, 'Break #leak #delay:1' );
		await expect( first.nth( 1 ) ).toHaveAttribute(
			'data-status',
			'error',
			{ timeout: 60_000 }
		);
		await page.reload();
		await expect( first.first() ).toBeVisible( { timeout: 30_000 } );

		const seen = bodies.join( '\n' );
		// The steps did reach the browser (names and statuses only) …
		expect( seen ).toContain( '"event":"node_finished"' );
		expect( seen ).toContain( '"event":"iteration_completed"' );
		expect( seen ).toContain( 'This step did not succeed.' );
		// … and nothing of what went in or came out.
		for ( const secret of SECRETS ) {
			expect( seen, secret ).not.toContain( secret );
		}
	} );
} );
