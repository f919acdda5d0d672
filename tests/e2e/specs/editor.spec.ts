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
