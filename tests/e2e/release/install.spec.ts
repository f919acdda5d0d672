/**
 * The plugin's whole life on a site, the way a site owner lives it: on a WordPress that has never
 * had the plugin, the admin uploads the release zip (dify-chatbot.zip, `npm run zip`) on Plugins →
 * Add Plugin → Upload Plugin, activates it, enters the emulator's base URL and key on Settings →
 * Dify Chatbot, inserts the block, publishes, and a logged-out visitor chats (the answer streams
 * in). Then a newer zip replaces it ("Replace current with uploaded": settings kept, chat still
 * works), and finally it is deactivated and deleted in wp-admin: uninstall.php must leave no
 * option, table, transient, user meta or scheduled event of the plugin in the database.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import AdmZip from 'adm-zip';
import type { Page } from '@playwright/test';

import { test, expect, API_KEY } from '../utils/test';
import { EMULATOR_URL, recordedRequests, lastSeq } from '../utils/emulator';

const ZIP = process.env.DIFY_CHATBOT_ZIP ?? path.resolve( 'dify-chatbot.zip' );
const WP_DIR =
	process.env.WP_INSTALL_DIR ?? path.resolve( '.wp/install/wordpress' );
/**
 * The most to wait for a wp-admin page or a REST answer: on a loaded machine one can take tens of
 * seconds. A ceiling for waiting, not a measure of speed.
 */
const SLOW = { timeout: 60_000 };

/**
 * Rows of one SQL query on the site's MariaDB database, with the site's own credentials.
 *
 * @param query The SQL.
 */
function sql( query: string ): string[] {
	const config = fs.readFileSync( `${ WP_DIR }/wp-config.php`, 'utf8' );
	const setting = ( name: string ) =>
		new RegExp( `define\\( '${ name }', '([^']*)' \\)` ).exec(
			config
		)?.[ 1 ] ?? '';
	return execFileSync(
		'mariadb',
		[
			`--user=${ setting( 'DB_USER' ) }`,
			`--password=${ setting( 'DB_PASSWORD' ) }`,
			'--skip-column-names',
			'--batch',
			setting( 'DB_NAME' ),
			'--execute',
			query,
		],
		{ encoding: 'utf8' }
	)
		.split( '\n' )
		.filter( ( row ) => row !== '' );
}

/** What the database holds of the plugin before it is installed and after it is deleted. */
const NOTHING = { options: [], tables: [], userMeta: [], cron: [] };

/** Everything of the plugin's that the database can hold, by kind. */
function leftovers() {
	return {
		options: sql(
			"SELECT option_name FROM wp_options WHERE option_name LIKE '%dify\\_chatbot%' ORDER BY option_name"
		),
		tables: sql( "SHOW TABLES LIKE '%dify\\_chatbot%'" ),
		userMeta: sql(
			"SELECT meta_key FROM wp_usermeta WHERE meta_key LIKE '%dify\\_chatbot%'"
		),
		cron: sql(
			"SELECT option_name FROM wp_options WHERE option_name = 'cron' AND option_value LIKE '%dify\\_chatbot%'"
		),
	};
}

/**
 * The release zip with another version in its header, its version constant and its readme: what
 * an update looks like to WordPress.
 *
 * @param version The new version.
 */
function zipWithVersion( version: string ): Buffer {
	const zip = new AdmZip( ZIP );
	const edit = ( file: string, change: ( text: string ) => string ) => {
		const entry = zip.getEntry( `dify-chatbot/${ file }` );
		if ( ! entry ) {
			throw new Error( `${ file } is not in ${ ZIP }` );
		}
		const before = entry.getData().toString( 'utf8' );
		const after = change( before );
		if ( after === before ) {
			throw new Error( `No version to change in ${ file }` );
		}
		zip.updateFile( entry, Buffer.from( after ) );
	};
	edit( 'dify-chatbot.php', ( text ) =>
		text
			.replace( /^( \* Version:\s+).*$/m, `$1${ version }` )
			.replace(
				/define\( 'DIFY_CHATBOT_VERSION', '[^']*' \)/,
				`define( 'DIFY_CHATBOT_VERSION', '${ version }' )`
			)
	);
	edit( 'readme.txt', ( text ) =>
		text.replace( /^Stable tag: .*$/m, `Stable tag: ${ version }` )
	);
	return zip.toBuffer();
}

/**
 * Plugins → Add Plugin → Upload Plugin → Install Now, with a zip file.
 *
 * @param page The admin's page.
 * @param file The zip: a path, or a file made in memory.
 */
async function uploadPlugin(
	page: Page,
	file: string | { name: string; mimeType: string; buffer: Buffer }
) {
	await page.goto( '/wp-admin/plugins.php' );
	await page
		.locator( '.wrap' )
		.getByRole( 'link', { name: /^Add (New )?Plugin$/ } )
		.click();
	// The toggle becomes a button when the page's scripts have run: after its load event.
	await page.waitForURL( /\/plugin-install\.php$/ );
	await page.getByRole( 'button', { name: 'Upload Plugin' } ).click();
	await page.locator( '#pluginzip' ).setInputFiles( file );
	await page.getByRole( 'button', { name: 'Install Now' } ).click();
	await page.waitForURL( /\/update\.php\?action=upload-plugin/ );
}

/**
 * The visitor asks one question and the answer is watched while it is written: the text seen
 * before the end is returned with the final text.
 *
 * @param page     The visitor's page.
 * @param question The question.
 * @param index    Which answer on the page (0 is the first).
 */
async function chat( page: Page, question: string, index: number ) {
	const input = page.getByRole( 'textbox', { name: 'Message' } );
	await input.fill( question );
	await input.press( 'Enter' );
	const answer = page
		.locator( '.dify-chatbot__message.is-assistant' )
		.nth( index );
	const text = () =>
		answer
			.evaluate( ( element ) => {
				const copy = element.cloneNode( true ) as HTMLElement;
				copy.querySelectorAll( '.dify-chatbot__typing' ).forEach(
					( typing ) => typing.remove()
				);
				return ( copy.textContent ?? '' ).trim();
			} )
			.catch( () => '' );
	let partial = '';
	await expect
		.poll( async () => ( partial = await text() ).length, {
			intervals: [ 20 ],
			timeout: 15_000,
		} )
		.toBeGreaterThan( 0 );
	await expect( answer ).toHaveAttribute( 'data-status', 'done', {
		timeout: 30_000,
	} );
	return { partial, final: await text() };
}

test( 'installed from the zip in wp-admin, used, replaced by a newer zip, and deleted without a trace', async ( {
	page,
	browser,
	admin,
	editor,
} ) => {
	expect( fs.existsSync( ZIP ), `${ ZIP } is missing: run npm run zip` ).toBe(
		true
	);
	const version = /^ \* Version:\s+(\S+)$/m.exec(
		new AdmZip( ZIP ).readAsText( 'dify-chatbot/dify-chatbot.php' )
	)?.[ 1 ];
	expect( version, 'the zip’s plugin header has a Version' ).toBeTruthy();
	const newer = String( version ).replace(
		/(\d+)$/,
		( last ) => `${ Number( last ) + 1 }`
	);

	await test.step( 'the site starts without the plugin', async () => {
		expect(
			fs.existsSync( `${ WP_DIR }/wp-content/plugins/dify-chatbot` )
		).toBe( false );
		expect( leftovers() ).toEqual( NOTHING );
	} );

	await test.step( 'the admin logs in', async () => {
		await page.goto( '/wp-login.php' );
		await page.getByLabel( 'Username or Email Address' ).fill( 'admin' );
		await page.getByLabel( 'Password', { exact: true } ).fill( 'password' );
		await page.getByRole( 'button', { name: 'Log In' } ).click();
		await page.waitForURL( /\/wp-admin\/?$/ );
	} );

	await test.step( 'uploads the zip and activates the plugin', async () => {
		await uploadPlugin( page, ZIP );
		await expect(
			page.getByText( 'Plugin installed successfully.' )
		).toBeVisible( SLOW );
		await page.getByRole( 'link', { name: 'Activate Plugin' } ).click();
		// Only the next page says so (its URL loses `activate=true` as soon as it has loaded).
		await expect( page.getByText( 'Plugin activated.' ) ).toBeVisible(
			SLOW
		);
		const row = page.locator( 'tr[data-slug="dify-chatbot"]' );
		await expect( row ).toHaveClass( /\bactive\b/ );
		await expect( row ).toContainText( `Version ${ version }` );
		// A real folder, unpacked by WordPress from the upload (not a link to the source).
		const installed = `${ WP_DIR }/wp-content/plugins/dify-chatbot`;
		expect( fs.lstatSync( installed ).isSymbolicLink() ).toBe( false );
		expect( fs.existsSync( `${ installed }/build/chat/app.js` ) ).toBe(
			true
		);
		// Activation made the rate-limit and usage tables and scheduled their pruning.
		expect( leftovers().tables ).toEqual( [
			'wp_dify_chatbot_counters',
			'wp_dify_chatbot_usage',
		] );
		expect( leftovers().cron ).toEqual( [ 'cron' ] );
	} );

	await test.step( 'the "no key yet" notice can be dismissed', async () => {
		const notice = page.locator( '.notice', {
			hasText: 'Dify Chatbot needs the API key of your Dify app',
		} );
		await expect( notice ).toBeVisible();
		await notice.getByRole( 'link', { name: 'Dismiss' } ).click();
		// admin-post.php records it and sends the admin back to the same page, without the notice.
		await expect( notice ).toHaveCount( 0, SLOW );
		expect( leftovers().userMeta ).toEqual( [
			'dify_chatbot_notice_dismissed',
		] );
	} );

	await test.step( 'configures it on Settings → Dify Chatbot', async () => {
		await page.locator( '#menu-settings' ).hover();
		await page
			.locator( '#menu-settings' )
			.getByRole( 'link', { name: 'Dify Chatbot' } )
			.click();
		await page.waitForURL( /options-general\.php\?page=dify-chatbot/ );
		// The screen renders once its settings have come over REST.
		await expect( page.getByLabel( 'API base URL' ) ).toBeVisible( SLOW );
		await page.getByLabel( 'API base URL' ).fill( `${ EMULATOR_URL }/v1` );
		await page.getByLabel( 'API key', { exact: true } ).fill( API_KEY );
		await page.getByRole( 'button', { name: 'Save settings' } ).click();
		await expect(
			page.getByText(
				`A key is saved (ends in …${ API_KEY.slice( -4 ) })`
			)
		).toBeVisible( SLOW );
		await page.getByRole( 'button', { name: 'Test connection' } ).click();
		await expect( page.getByText( /Connected to .*\(chat\)/ ) ).toBeVisible(
			SLOW
		);
	} );

	let postId = 0;
	await test.step( 'inserts the block and publishes a page', async () => {
		await admin.createNewPost( {
			postType: 'page',
			title: 'Ask the installed bot',
		} );
		await editor.insertBlock( { name: 'dify-chatbot/chat' } );
		await expect(
			editor.canvas.locator( '.dify-chatbot.is-preview' )
		).toBeVisible();
		postId = Number( await editor.publishPost() );
		expect( postId ).toBeGreaterThan( 0 );
	} );

	await test.step( 'a logged-out visitor chats; the answer streams in', async () => {
		const visitor = await browser.newContext( {
			storageState: { cookies: [], origins: [] },
		} );
		const visitorPage = await visitor.newPage();
		const since = await lastSeq();
		await visitorPage.goto( `/?page_id=${ postId }` );
		// Slow events (#delay) make the streaming visible, not just its end state.
		const answer = await chat(
			visitorPage,
			'Hello from a fresh install #delay:60',
			0
		);
		expect( answer.partial.length ).toBeLessThan( answer.final.length );
		expect( answer.final.startsWith( answer.partial.slice( 0, 10 ) ) ).toBe(
			true
		);
		const sent = await recordedRequests( {
			since,
			path: '/chat-messages',
		} );
		expect( sent ).toHaveLength( 1 );
		expect( sent[ 0 ]?.user ).toMatch( /^visitor-/ );
		await visitor.close();
		// What the plugin keeps while it is in use (all of it must go on uninstall).
		const { options } = leftovers();
		for ( const name of [
			'dify_chatbot_api_key',
			'dify_chatbot_bots',
			'dify_chatbot_db_version',
			'dify_chatbot_schema',
			'dify_chatbot_settings',
		] ) {
			expect( options ).toContain( name );
		}
		expect(
			options.filter( ( name ) =>
				name.startsWith( '_transient_dify_chatbot_' )
			).length
		).toBeGreaterThan( 0 );
	} );

	await test.step( `a newer zip (${ newer }) replaces it`, async () => {
		await uploadPlugin( page, {
			name: 'dify-chatbot.zip',
			mimeType: 'application/zip',
			buffer: zipWithVersion( newer ),
		} );
		await expect(
			page.getByText( 'This plugin is already installed.' )
		).toBeVisible( SLOW );
		await page
			.getByRole( 'link', { name: 'Replace current with uploaded' } )
			.click();
		await page.waitForURL( /overwrite=update-plugin/ );
		await expect(
			page.getByText( 'Plugin updated successfully.' )
		).toBeVisible( SLOW );
		await page.goto( '/wp-admin/plugins.php' );
		const row = page.locator( 'tr[data-slug="dify-chatbot"]' );
		await expect( row ).toHaveClass( /\bactive\b/ );
		await expect( row ).toContainText( `Version ${ newer }` );
		// The settings survive the update, and the chat works on the new files.
		await page.goto( '/wp-admin/options-general.php?page=dify-chatbot' );
		await expect( page.getByLabel( 'API base URL' ) ).toHaveValue(
			`${ EMULATOR_URL }/v1`,
			SLOW
		);
		const visitor = await browser.newContext( {
			storageState: { cookies: [], origins: [] },
		} );
		const visitorPage = await visitor.newPage();
		await visitorPage.goto( `/?page_id=${ postId }` );
		const answer = await chat( visitorPage, 'Still there?', 0 );
		expect( answer.final.length ).toBeGreaterThan( 0 );
		await visitor.close();
	} );

	await test.step( 'deactivated and deleted in wp-admin: nothing is left', async () => {
		await page.goto( '/wp-admin/plugins.php' );
		const row = page.locator( 'tr[data-slug="dify-chatbot"]' );
		await row.getByRole( 'link', { name: /^Deactivate/ } ).click();
		await expect( page.getByText( 'Plugin deactivated.' ) ).toBeVisible(
			SLOW
		);
		// Delete runs over admin-ajax.php once the page's scripts are in; before that, the link
		// leads to WordPress's no-script confirmation screen instead.
		await page.waitForLoadState( 'load' );
		page.once( 'dialog', ( dialog ) => dialog.accept() );
		await page
			.locator( 'tr[data-slug="dify-chatbot"]' )
			.getByRole( 'link', { name: /^Delete/ } )
			.click();
		// Deleting runs uninstall.php.
		await expect(
			page.getByText( 'Dify Chatbot was successfully deleted.' )
		).toBeVisible( SLOW );
		expect(
			fs.existsSync( `${ WP_DIR }/wp-content/plugins/dify-chatbot` )
		).toBe( false );
		expect( leftovers() ).toEqual( NOTHING );
	} );
} );
