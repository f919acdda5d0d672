/**
 * Dashboard → Chatbot usage: a visitor's message is counted on the screen (today, the default
 * bot) and in the CSV download.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { test, expect } from '../utils/test';
import { ask, watchAnswer } from '../utils/chat';

/**
 * Today's messages of the default bot on the usage screen (0 without a row).
 *
 * @param page The admin's page, on the usage screen.
 */
async function todaysMessages( page: Page ): Promise< number > {
	const table = page.locator( 'table.dify-chatbot-usage' );
	const today = await table.getAttribute( 'data-today' );
	const row = table.locator(
		`tbody tr[data-date="${ today }"][data-bot="default"]`
	);
	if ( ( await row.count() ) === 0 ) {
		return 0;
	}
	return Number(
		(
			await row.locator( 'td[data-column="messages"]' ).innerText()
		).replace( /\D/g, '' )
	);
}

test( 'a visitor’s message shows on the usage screen and in its CSV', async ( {
	admin,
	page,
	browser,
} ) => {
	await admin.visitAdminPage( 'index.php', 'page=dify-chatbot-usage' );
	await expect(
		page.getByRole( 'heading', { name: 'Dify Chatbot usage' } )
	).toBeVisible();
	const before = await todaysMessages( page );

	const visitor = await browser.newContext( {
		storageState: { cookies: [], origins: [] },
	} );
	const chat = await visitor.newPage();
	await chat.goto( '/dify-chatbot-block/' );
	await ask( chat, 'Count this one #delay:1' );
	expect( ( await watchAnswer( chat, 0 ) ).final.length ).toBeGreaterThan(
		0
	);
	await visitor.close();

	await page.reload();
	await expect.poll( () => todaysMessages( page ) ).toBe( before + 1 );

	const today = await page
		.locator( 'table.dify-chatbot-usage' )
		.getAttribute( 'data-today' );
	const downloading = page.waitForEvent( 'download' );
	await page.getByRole( 'link', { name: 'Download CSV' } ).click();
	const download = await downloading;
	expect( download.suggestedFilename() ).toBe(
		`dify-chatbot-usage-${ today }.csv`
	);
	const csv = await readFile( ( await download.path() ) as string, 'utf8' );
	const lines = csv.trim().split( '\r\n' );
	expect( lines[ 0 ] ).toBe(
		'date,bot,messages,tokens,errors,refused_rate_limit,refused_budget,refused_who_may_chat,refused_stream_cap,refused_daily_cap'
	);
	const line = lines.find( ( l ) => l.startsWith( `${ today },default,` ) );
	expect( line?.split( ',' )[ 2 ] ).toBe( String( before + 1 ) );
} );
