/**
 * Settings → Dify Chatbot: an admin saves the base URL and key, sees only the key's last four
 * characters, and Test connection explains success and a wrong key in plain words.
 */
import { test, expect, API_KEY } from '../utils/test';
import { EMULATOR_URL } from '../utils/emulator';

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
} );
