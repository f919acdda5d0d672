/**
 * The same WordPress on SQLite (the official SQLite Database Integration): the plugin is active
 * and both demo pages render their chat.
 */
import { test, expect } from '@playwright/test';

test( 'WordPress on SQLite serves the plugin and its demo pages', async ( {
	page,
	request,
} ) => {
	const index = await request.get( '/wp-json/' );
	expect( index.ok() ).toBe( true );
	const namespaces: string[] = ( await index.json() ).namespaces;
	expect( namespaces ).toContain( 'dify-chatbot/v1' );

	for ( const slug of [ 'dify-chatbot-block', 'dify-chatbot-shortcode' ] ) {
		const response = await page.goto( `/${ slug }/` );
		expect( response?.status() ).toBe( 200 );
		await expect( page.locator( '[data-dify-chatbot]' ) ).toHaveCount( 1 );
	}
} );
