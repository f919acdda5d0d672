/**
 * The test bed itself: the admin logs in, the plugin is active, both demo pages render a chat.
 */
import { test, expect } from '../utils/test';

test.describe( 'Foundation', () => {
	test( 'the plugin is active on the Plugins screen', async ( {
		admin,
		page,
	} ) => {
		await admin.visitAdminPage( 'plugins.php' );
		const row = page.locator( 'tr[data-slug="dify-chatbot"]' );
		await expect( row ).toHaveClass( /\bactive\b/ );
		await expect(
			row.getByRole( 'link', { name: /Deactivate/ } )
		).toBeVisible();
	} );

	for ( const slug of [ 'dify-chatbot-block', 'dify-chatbot-shortcode' ] ) {
		test( `the demo page /${ slug }/ renders a chat`, async ( {
			page,
		} ) => {
			const response = await page.goto( `/${ slug }/` );
			expect( response?.status() ).toBe( 200 );
			const chat = page.locator( '[data-dify-chatbot]' );
			await expect( chat ).toHaveCount( 1 );
			const options = JSON.parse(
				( await chat.getAttribute( 'data-dify-chatbot' ) ) ?? '{}'
			);
			expect( options.layout ).toBe( 'inline' );
		} );
	}
} );
