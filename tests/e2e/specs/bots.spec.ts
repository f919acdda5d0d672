/**
 * Several bots: an admin adds a bot on the settings screen, tests its connection and removes it
 * (axe finds nothing wrong with the section on the way); an editor picks a bot in the block's
 * inspector and the published chat names it; and a visitor talks to two chats of two bots on one
 * page: each question reaches its own bot's Dify app (the emulator tells apps apart by key), in
 * that bot's response mode, and the two conversations never mix, also after a reload.
 */
import AxeBuilder from '@axe-core/playwright';
import type { RequestUtils } from '@wordpress/e2e-test-utils-playwright';

import { test, expect } from '../utils/test';
import { lastSeq, recordedRequests } from '../utils/emulator';
import { BASE_URL } from '../utils/site';

/** The second bot: the emulator's app without branding or optional features. */
const SALES = {
	slug: 'e2e-sales',
	name: 'Sales desk',
	key: 'app-emulator-plain',
};

/**
 * Adds the second bot through the admin route.
 *
 * @param requestUtils WordPress's request utilities (logged in as the admin).
 * @param fields       More of its fields.
 */
async function addSales(
	requestUtils: RequestUtils,
	fields: Record< string, unknown > = {}
) {
	await requestUtils.rest( {
		method: 'POST',
		path: '/dify-chatbot/v1/settings/bots',
		data: {
			slug: SALES.slug,
			name: SALES.name,
			base_url: BASE_URL,
			api_key: SALES.key,
			...fields,
		},
	} );
}

/**
 * Removes the second bot if a test left it (a 404 when it is gone already is fine).
 *
 * @param requestUtils WordPress's request utilities (logged in as the admin).
 */
async function removeSales( requestUtils: RequestUtils ) {
	await requestUtils
		.rest( {
			method: 'DELETE',
			path: `/dify-chatbot/v1/settings/bots/${ SALES.slug }`,
		} )
		.catch( () => undefined );
}

test.afterEach( ( { requestUtils } ) => removeSales( requestUtils ) );

test( 'an admin adds a bot, tests it and removes it', async ( {
	admin,
	page,
} ) => {
	await admin.visitAdminPage( 'options-general.php', 'page=dify-chatbot' );
	const section = page.getByRole( 'region', { name: 'Bots' } );
	await expect(
		section.getByRole( 'heading', { name: 'Default', level: 3 } )
	).toBeVisible();

	await section.getByRole( 'button', { name: 'Add a bot' } ).click();
	const form = section.getByRole( 'form', { name: 'New bot' } );
	// The keyboard is in the new form.
	await expect( form.getByLabel( 'Name' ) ).toBeFocused();
	await form.getByLabel( 'Name' ).fill( SALES.name );
	await form.getByLabel( 'Slug' ).fill( SALES.slug );
	await form.getByLabel( 'API base URL' ).fill( BASE_URL );
	await form.getByLabel( 'API key' ).fill( SALES.key );
	await form.getByLabel( 'Messages per minute (per visitor)' ).fill( '5' );

	const axe = await new AxeBuilder( { page } )
		.include( '#dify-chatbot-settings' )
		.withTags( [ 'wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa' ] )
		.analyze();
	expect(
		axe.violations.map(
			( v ) =>
				`${ v.id }: ${ v.help } — ${ v.nodes
					.map( ( n ) => n.target.join( ' ' ) )
					.join( ', ' ) }`
		),
		'axe violations on the settings screen with the bot form open'
	).toEqual( [] );

	await form.getByRole( 'button', { name: 'Add bot' } ).click();
	const heading = section.getByRole( 'heading', {
		name: SALES.name,
		level: 3,
	} );
	await expect( heading ).toBeFocused();
	await expect(
		section.getByText( `Bot “${ SALES.name }” added.` )
	).toBeVisible();
	const card = section.getByRole( 'listitem' ).filter( {
		has: page.getByRole( 'heading', { name: SALES.name } ),
	} );
	// The key is write-only: its last four characters, never the key itself.
	await expect( card ).toContainText(
		`API key ending in ${ SALES.key.slice( -4 ) }`
	);
	await expect( page.getByLabel( 'API key', { exact: true } ) ).toHaveCount(
		0
	);

	await card.getByRole( 'button', { name: 'Test connection' } ).click();
	await expect(
		card.getByText( 'Connected to “Emulator Plain Chat” (chat).' )
	).toBeVisible();

	// Still there after a reload: saved on the server.
	await page.reload();
	const saved = page
		.getByRole( 'region', { name: 'Bots' } )
		.getByRole( 'listitem' )
		.filter( { hasText: SALES.name } );
	await expect( saved ).toContainText( `Slug: ${ SALES.slug }` );

	await saved.getByRole( 'button', { name: 'Remove' } ).click();
	// Nothing is removed before the confirmation; the safe choice has the keyboard.
	await expect(
		saved.getByRole( 'button', { name: 'Cancel' } )
	).toBeFocused();
	await saved.getByRole( 'button', { name: 'Yes, remove it' } ).click();
	await expect(
		page.getByText( `Bot “${ SALES.name }” removed.` )
	).toBeVisible();
	await expect(
		page.getByRole( 'heading', { name: 'Bots', level: 2 } )
	).toBeFocused();
	await page.reload();
	await expect(
		page.getByRole( 'heading', { name: 'Default', level: 3 } )
	).toBeVisible();
	await expect(
		page.getByRole( 'heading', { name: SALES.name } )
	).toHaveCount( 0 );
} );

test( 'the block inspector lists the bots and the published chat names the chosen one', async ( {
	admin,
	editor,
	page,
	requestUtils,
} ) => {
	await addSales( requestUtils );
	await admin.createNewPost( { postType: 'page', title: 'Sales chat' } );
	await editor.insertBlock( { name: 'dify-chatbot/chat' } );
	await editor.openDocumentSettingsSidebar();
	const bot = page.getByRole( 'combobox', { name: 'Bot' } );
	await expect( bot.locator( 'option' ) ).toHaveText( [
		'Default',
		SALES.name,
	] );
	await expect( bot ).toHaveValue( '' );
	await bot.selectOption( { label: SALES.name } );
	// The preview shows the chosen bot's app (this one has no branding: its name is the title).
	await expect(
		editor.canvas.locator( '.dify-chatbot.is-preview .dify-chatbot__title' )
	).toHaveText( 'Emulator Plain Chat' );

	const postId = await editor.publishPost();
	await page.goto( `/?page_id=${ postId }` );
	const chat = page.locator( '[data-dify-chatbot]' );
	await expect( chat ).toHaveCount( 1 );
	const options = JSON.parse(
		( await chat.getAttribute( 'data-dify-chatbot' ) ) ?? '{}'
	);
	expect( options.bot ).toBe( SALES.slug );
} );

test.describe( 'a page with two chats on two bots', () => {
	let path = '';

	test.beforeEach( async ( { requestUtils } ) => {
		// The second bot answers whole (blocking), the default one streams.
		await addSales( requestUtils, { response_mode: 'blocking' } );
		const post = await requestUtils.rest< { id: number } >( {
			method: 'POST',
			path: '/wp/v2/posts',
			data: {
				title: 'Two bots',
				content: `[dify_chatbot]\n\n[dify_chatbot bot="${ SALES.slug }"]`,
				status: 'publish',
			},
		} );
		path = `/?p=${ post.id }`;
	} );

	test.use( { storageState: { cookies: [], origins: [] } } );

	test( 'each chat talks to its own bot and keeps its own conversation', async ( {
		page,
	} ) => {
		const since = await lastSeq();
		await page.goto( path );
		const chats = page.locator( '[data-dify-chatbot]' );
		await expect( chats ).toHaveCount( 2 );
		const [ main, sales ] = [ chats.nth( 0 ), chats.nth( 1 ) ];
		// Each shows its own app's branding.
		await expect( main.locator( '.dify-chatbot__title' ) ).toHaveText(
			'Emulator Chat'
		);
		await expect( sales.locator( '.dify-chatbot__title' ) ).toHaveText(
			'Emulator Plain Chat'
		);

		const talk = async (
			chat: typeof main,
			question: string,
			index: number
		) => {
			const input = chat.getByRole( 'textbox', { name: 'Message' } );
			await input.fill( question );
			await input.press( 'Enter' );
			await expect(
				chat
					.locator( '.dify-chatbot__message.is-assistant' )
					.nth( index )
			).toHaveAttribute( 'data-status', 'done', { timeout: 30_000 } );
		};
		await talk( main, 'Main question one', 0 );
		await talk( sales, 'Sales question one', 0 );
		await talk( main, 'Main question two', 1 );
		await talk( sales, 'Sales question two', 1 );

		const sent = (
			await recordedRequests( { since, path: '/chat-messages' } )
		).filter(
			( r ) => r.method === 'POST' && r.path.endsWith( '/chat-messages' )
		);
		const byApp = ( key: string ) =>
			sent
				.filter(
					( r ) =>
						( r as unknown as { appKey?: string } ).appKey === key
				)
				.map( ( r ) => r.body as Record< string, unknown > );
		const toMain = byApp( 'app-emulator' );
		const toSales = byApp( SALES.key );
		expect( toMain.map( ( b ) => b.query ) ).toEqual( [
			'Main question one',
			'Main question two',
		] );
		expect( toSales.map( ( b ) => b.query ) ).toEqual( [
			'Sales question one',
			'Sales question two',
		] );
		// Each bot's own response mode.
		expect( toMain.map( ( b ) => b.response_mode ) ).toEqual( [
			'streaming',
			'streaming',
		] );
		expect( toSales.map( ( b ) => b.response_mode ) ).toEqual( [
			'blocking',
			'blocking',
		] );
		// Each second question continues its own chat's conversation, not the other's.
		const mainConversation = String( toMain[ 1 ]?.conversation_id ?? '' );
		const salesConversation = String( toSales[ 1 ]?.conversation_id ?? '' );
		expect( mainConversation ).not.toBe( '' );
		expect( salesConversation ).not.toBe( '' );
		expect( mainConversation ).not.toBe( salesConversation );

		// After a reload each chat brings back its own conversation only.
		await page.reload();
		await expect(
			main.locator( '.dify-chatbot__message.is-user' )
		).toHaveText( [ 'Main question one', 'Main question two' ] );
		await expect(
			sales.locator( '.dify-chatbot__message.is-user' )
		).toHaveText( [ 'Sales question one', 'Sales question two' ] );
	} );
} );
