/**
 * Settings → Dify Chatbot: an admin saves the base URL and key, sees only the key's last four
 * characters, and Test connection explains success and a wrong key in plain words.
 */
import { test, expect, API_KEY } from '../utils/test';
import { EMULATOR_URL, lastSeq, recordedRequests } from '../utils/emulator';
import { setSwitch, useApp } from '../utils/site';

const BASE_URL = `${ EMULATOR_URL }/v1`;

test.describe( 'Settings screen', () => {
	test.beforeEach( async ( { admin } ) => {
		await admin.visitAdminPage(
			'options-general.php',
			'page=dify-chatbot'
		);
	} );

	async function saveKey(
		page: import( '@playwright/test' ).Page,
		key: string
	) {
		const replace = page.getByRole( 'button', { name: 'Replace key' } );
		if ( await replace.isVisible() ) {
			await replace.click();
		}
		await page.getByLabel( 'API key', { exact: true } ).fill( key );
		await page.getByRole( 'button', { name: 'Save settings' } ).click();
		await expect(
			page.getByText( `A key is saved (ends in …${ key.slice( -4 ) })` )
		).toBeVisible();
	}

	test( 'saves the base URL and a write-only key, and tests the connection', async ( {
		page,
	} ) => {
		await page.getByLabel( 'API base URL' ).fill( BASE_URL );
		await saveKey( page, API_KEY );
		// The key field is emptied after saving: the key never comes back from the server.
		await expect(
			page.getByLabel( 'API key', { exact: true } )
		).toHaveCount( 0 );

		await page.getByRole( 'button', { name: 'Test connection' } ).click();
		await expect(
			page.getByText( /Connected to .*\(chat\)/ )
		).toBeVisible();

		// Still there after a reload: saved on the server.
		await page.reload();
		await expect( page.getByLabel( 'API base URL' ) ).toHaveValue(
			BASE_URL
		);
		await expect(
			page.getByText(
				`A key is saved (ends in …${ API_KEY.slice( -4 ) })`
			)
		).toBeVisible();
	} );

	test( 'a wrong key is explained, and the right key works again', async ( {
		page,
	} ) => {
		await page.getByLabel( 'API base URL' ).fill( BASE_URL );
		await saveKey( page, 'app-wrong-key-1234' );
		await page.getByRole( 'button', { name: 'Test connection' } ).click();
		await expect(
			page
				.getByText( /key/i )
				.filter( { hasText: /wrong|invalid|rejected|not valid/i } )
		).toBeVisible();

		await saveKey( page, API_KEY );
		await page.getByRole( 'button', { name: 'Test connection' } ).click();
		await expect(
			page.getByText( /Connected to .*\(chat\)/ )
		).toBeVisible();
	} );

	test( 'a base URL with credentials is refused with a readable message', async ( {
		page,
	} ) => {
		await page
			.getByLabel( 'API base URL' )
			.fill( 'https://user:secret@example.com/v1' );
		await page.getByRole( 'button', { name: 'Save settings' } ).click();
		await expect(
			page.getByText( /user name|password|credentials/i )
		).toBeVisible();
		await page.reload();
		await expect( page.getByLabel( 'API base URL' ) ).not.toHaveValue(
			/secret/
		);
	} );

	test.describe( 'the key stays with its server', () => {
		// The emulator under another name: another origin, so another server to the plugin.
		const OTHER_BASE_URL = BASE_URL.replace( '127.0.0.1', 'localhost' );

		test.beforeEach( async ( { requestUtils, page } ) => {
			await useApp( requestUtils );
			await page.reload();
		} );
		test.afterEach( async ( { requestUtils } ) => {
			await setSwitch( requestUtils, 'key_constant', false );
			await useApp( requestUtils );
		} );

		test( 'a base URL on another server is said to take the key away before saving, and it does', async ( {
			page,
		} ) => {
			// The notice's own element (it is also spoken, through a copy in a live region).
			const warning = page
				.locator( '.dify-chatbot-settings__moving' )
				.filter( { hasText: 'Saving this base URL removes it' } );
			await page
				.getByLabel( 'API base URL' )
				.fill( BASE_URL.replace( '/v1', '/other/v1' ) );
			await expect( warning ).toHaveCount( 0 );

			await page.getByLabel( 'API base URL' ).fill( OTHER_BASE_URL );
			await expect( warning ).toBeVisible();
			await expect( warning ).toContainText(
				OTHER_BASE_URL.replace( '/v1', '' )
			);
			const since = await lastSeq();
			await page.getByRole( 'button', { name: 'Save settings' } ).click();
			await expect(
				page.getByText( 'The saved API key was removed' )
			).toBeVisible();
			await page
				.getByRole( 'button', { name: 'Test connection' } )
				.click();
			await expect(
				page.getByText( 'No API key is saved yet.' )
			).toBeVisible();
			// Nothing went to the emulator, under either name.
			expect( await recordedRequests( { since } ) ).toEqual( [] );

			// Entered again for the new server, the key works there.
			await saveKey( page, API_KEY );
			await page
				.getByRole( 'button', { name: 'Test connection' } )
				.click();
			await expect(
				page.getByText( /Connected to .*\(chat\)/ )
			).toBeVisible();
			const calls = await recordedRequests( { since } );
			expect( calls.map( ( call ) => call.headers.host ) ).toEqual( [
				OTHER_BASE_URL.replace( /^http:\/\/|\/v1$/g, '' ),
			] );
		} );

		test( 'with the key in wp-config.php, the base URL is read-only and the route refuses to change it', async ( {
			page,
			requestUtils,
		} ) => {
			await setSwitch( requestUtils, 'key_constant', true );
			await page.reload();
			const field = page.getByLabel( 'API base URL' );
			await expect( field ).toHaveAttribute( 'readonly', '' );
			await expect(
				page.getByText( 'so the base URL cannot be changed here' )
			).toBeVisible();

			const since = await lastSeq();
			await expect(
				requestUtils.rest( {
					method: 'POST',
					path: '/dify-chatbot/v1/settings',
					data: { base_url: OTHER_BASE_URL },
				} )
			).rejects.toMatchObject( {
				code: 'dify_chatbot_base_url_locked',
			} );
			await page
				.getByRole( 'button', { name: 'Test connection' } )
				.click();
			await expect(
				page.getByText( 'the base URL is not set the same way' )
			).toBeVisible();
			expect( await recordedRequests( { since } ) ).toEqual( [] );
		} );
	} );
} );
