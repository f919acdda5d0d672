/**
 * Settings → Connectors (WordPress 7.0 and newer): the Dify connection is listed there, says
 * whether it is set up, and its link opens Settings → Dify Chatbot, where the key is kept.
 */
import { test, expect } from '../utils/test';

test( 'Settings → Connectors shows Dify and leads to the plugin’s screen', async ( {
	admin,
	page,
} ) => {
	await admin.visitAdminPage( 'options-connectors.php' );
	const card = page.getByRole( 'group', { name: 'Dify', exact: true } );
	await expect( card ).toBeVisible();
	await expect(
		card.getByText(
			'The API key stays encrypted in the plugin’s own settings.',
			{
				exact: false,
			}
		)
	).toBeVisible();
	// The test site is set up with the emulator's key.
	await expect(
		card.getByText( 'Connected', { exact: true } )
	).toBeVisible();

	await card.getByRole( 'link', { name: 'Manage in Dify Chatbot' } ).click();
	await expect( page ).toHaveURL(
		/options-general\.php\?page=dify-chatbot$/
	);
	await expect( page.getByLabel( 'API base URL' ) ).toBeVisible();
} );
