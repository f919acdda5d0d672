/**
 * The Dify app's own branding (its `/site`: title, icon, colour, question hint, disclaimer,
 * privacy policy, copyright) is the chat's default where the block or shortcode sets none, and
 * never replaces what they set.
 */
import { withApp } from '../utils/site';
import { expect, test } from '../utils/test';

test.use( { storageState: { cookies: [], origins: [] } } );

test( 'a block without its own look takes the app’s branding', async ( {
	page,
} ) => {
	await page.goto( '/dify-chatbot-block/' );
	const chat = page.locator( '.wp-block-dify-chatbot-chat' );
	await expect( chat.locator( '.dify-chatbot__title' ) ).toHaveText(
		'Emulator Chat'
	);
	await expect(
		chat.locator( '.dify-chatbot__header .dify-chatbot__icon' )
	).toHaveText( '🤖' );
	// The hint is the app's; the box's name stays what assistive technology expects.
	const input = page.getByRole( 'textbox', { name: 'Message' } );
	await expect( input ).toHaveAttribute(
		'placeholder',
		'Ask the emulator anything…'
	);
	const note = chat.locator( '.dify-chatbot__site-note' );
	// Markup in the disclaimer is text, never HTML.
	await expect( note ).toContainText(
		'Answers are canned by the Dify emulator. <b>Markup</b> here is text, not HTML.'
	);
	await expect( note.locator( 'b' ) ).toHaveCount( 0 );
	await expect(
		note.getByRole( 'link', { name: 'Privacy policy' } )
	).toHaveAttribute( 'href', 'https://example.com/privacy' );
	await expect( note ).toContainText( '© 2026 Dify Emulator' );

	await input.fill( 'Hello #delay:1' );
	await input.press( 'Enter' );
	await expect(
		chat.locator( '.dify-chatbot__message.is-user' ).first()
	).toHaveCSS( 'background-color', 'rgb(28, 100, 242)' );
} );

test( 'a shortcode’s own title and accent stay', async ( { page } ) => {
	await page.goto( '/dify-chatbot-bubble/' );
	await page.getByRole( 'button', { name: 'Ask us' } ).click();
	const panel = page.getByRole( 'region', { name: 'Ask us' } );
	await expect( panel.locator( '.dify-chatbot__title' ) ).toHaveText(
		'Ask us'
	);
	// The branding has arrived (its footer shows) and still did not replace the accent.
	await expect( panel.locator( '.dify-chatbot__site-note' ) ).toBeVisible();
	await expect(
		panel.locator( '.dify-chatbot__header .dify-chatbot__icon' )
	).toHaveCount( 0 );
	const input = page.getByRole( 'textbox', { name: 'Message' } );
	await input.fill( 'Hello #delay:1' );
	await input.press( 'Enter' );
	await expect(
		panel.locator( '.dify-chatbot__message.is-user' ).first()
	).toHaveCSS( 'background-color', 'rgb(11, 92, 173)' );
} );

test.describe( 'an app without branding', () => {
	withApp( 'app-emulator-plain' );

	test( 'keeps the plugin’s defaults and shows no footer', async ( {
		page,
	} ) => {
		await page.goto( '/dify-chatbot-block/' );
		const chat = page.locator( '.wp-block-dify-chatbot-chat' );
		await expect( chat.locator( '.dify-chatbot__title' ) ).toHaveText(
			'Emulator Plain Chat'
		);
		await expect(
			page.getByRole( 'textbox', { name: 'Message' } )
		).toHaveAttribute( 'placeholder', 'Message' );
		await expect( chat.locator( '.dify-chatbot__site-note' ) ).toHaveCount(
			0
		);
	} );
} );
