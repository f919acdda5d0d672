/**
 * An editor inserts the Dify Chatbot block, publishes, and the page shows a working chat.
 */
import { test, expect } from '../utils/test';

test( 'an editor inserts the block and publishes a page with a chat', async ( {
	admin,
	editor,
	page,
} ) => {
	await admin.createNewPost( { postType: 'page', title: 'Chat with us' } );
	await editor.insertBlock( { name: 'dify-chatbot/chat' } );
	// The canvas shows a preview of the chat, not a live one.
	const preview = editor.canvas.locator( '.dify-chatbot.is-preview' );
	await expect( preview ).toBeVisible();

	await editor.openDocumentSettingsSidebar();
	await page
		.getByRole( 'textbox', { name: 'Title' } )
		.last()
		.fill( 'Ask the bot' );
	await expect( preview ).toContainText( 'Ask the bot' );

	const postId = await editor.publishPost();
	await page.goto( `/?page_id=${ postId }` );
	const chat = page.locator( '[data-dify-chatbot]' );
	await expect( chat ).toHaveCount( 1 );
	const options = JSON.parse(
		( await chat.getAttribute( 'data-dify-chatbot' ) ) ?? '{}'
	);
	expect( options.title ).toBe( 'Ask the bot' );
	await expect(
		page.getByRole( 'textbox', { name: 'Message' } )
	).toBeVisible();
} );

test( 'the inspector shows the Dify app’s branding where the block sets nothing', async ( {
	admin,
	editor,
	page,
} ) => {
	await admin.createNewPost( { postType: 'page', title: 'Branded' } );
	await editor.insertBlock( { name: 'dify-chatbot/chat' } );
	const preview = editor.canvas.locator( '.dify-chatbot.is-preview' );
	await expect( preview.locator( '.dify-chatbot__title' ) ).toHaveText(
		'Emulator Chat'
	);
	await expect( preview.locator( '.dify-chatbot__input' ) ).toHaveText(
		'Ask the emulator anything…'
	);
	await editor.openDocumentSettingsSidebar();
	await expect(
		page.getByRole( 'textbox', { name: 'Title' } ).last()
	).toHaveAttribute( 'placeholder', 'Emulator Chat' );
	await expect(
		page.getByRole( 'textbox', { name: 'Placeholder' } ).last()
	).toHaveAttribute( 'placeholder', 'Ask the emulator anything…' );
	// What the block sets wins.
	await page
		.getByRole( 'textbox', { name: 'Title' } )
		.last()
		.fill( 'Ask the bot' );
	await expect( preview.locator( '.dify-chatbot__title' ) ).toHaveText(
		'Ask the bot'
	);
} );
