/**
 * The smoke test of one WordPress version (tests/e2e/versions.config.ts runs it on each version
 * site): an admin activates the plugin, inserts the block in the editor and publishes, a visitor
 * chats on the block page and on the shortcode page (the answer streams in), and the admin saves a
 * setting. Each test stands alone, so a version's failures show one by one.
 *
 * The editor differs across versions: the canvas is an iframe on some, not on others, and the
 * inserter's button has had several names. WordPress's Playwright utilities are used where they
 * work on every version (login, REST, creating a post, publishing); the rest finds its way on the
 * page itself.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { request, type FrameLocator, type Page } from '@playwright/test';
import { RequestUtils } from '@wordpress/e2e-test-utils-playwright';

import { test as base, expect, API_KEY } from '../utils/test';
import { ask, watchAnswer } from '../utils/chat';
import type { VersionSite } from '../versions.config';

const test = base.extend< { site: VersionSite; pageErrors: string[] } >( {
	// WordPress's utilities find the REST API through WP_BASE_URL, one site per process; here each
	// project is its own site. So the admin logs in to the project's site, and the REST root and
	// login are saved where the project's storageState points, before any page opens.
	requestUtils: [
		async ( {}, use, workerInfo ) => {
			const baseURL = workerInfo.project.use.baseURL as string;
			const statePath = workerInfo.project.use.storageState as string;
			const context = await request.newContext( { baseURL } );
			const nonce = await new RequestUtils( context, {
				baseURL,
			} ).login();
			const storageState = {
				cookies: ( await context.storageState() ).cookies,
				nonce,
				rootURL: new URL( 'wp-json/', `${ baseURL }/` ).href,
			};
			await mkdir( path.dirname( statePath ), { recursive: true } );
			await writeFile( statePath, JSON.stringify( storageState ) );
			await use(
				new RequestUtils( context, {
					baseURL,
					storageState,
					storageStatePath: statePath,
				} )
			);
			await context.dispose();
		},
		// Automatic like the fixture it replaces (Playwright insists; its types leave `auto` out of
		// an override's options).
		{ scope: 'worker', auto: true } as { scope: 'worker' },
	],
	// The project's site: its version, URL and emulator.
	site: [
		async ( {}, use, testInfo ) => {
			await use( testInfo.project.metadata as VersionSite );
		},
		{ auto: false },
	],
	// A script error on any page fails the test: a dropped or broken script shows here first.
	pageErrors: [
		async ( { page }, use ) => {
			const errors: string[] = [];
			page.on( 'pageerror', ( error ) => errors.push( error.message ) );
			await use( errors );
			expect( errors, 'uncaught errors in the page' ).toEqual( [] );
		},
		{ auto: true },
	],
} );

const PLUGIN = 'dify-chatbot';

test.describe( 'smoke', () => {
	// Each test starts with the plugin active and pointed at the site's emulator. Where WordPress
	// refuses either, the test goes on and fails on what it checks itself, so every cell of the
	// matrix tells its own story.
	test.beforeEach( async ( { requestUtils, site }, testInfo ) => {
		try {
			await requestUtils.activatePlugin( PLUGIN );
			await requestUtils.rest( {
				method: 'POST',
				path: '/dify-chatbot/v1/settings',
				data: { base_url: site.emulator, api_key: API_KEY },
			} );
		} catch ( error ) {
			testInfo.annotations.push( {
				type: 'setup refused',
				description: JSON.stringify( error ),
			} );
		}
	} );

	test( 'activate', async ( { admin, page, requestUtils, site } ) => {
		await requestUtils.deactivatePlugin( PLUGIN );
		await admin.visitAdminPage( 'plugins.php' );
		// The matrix really runs the version it names ("Version 6.2.6", or "You are using a
		// development version (6.6-RC3)").
		await expect( page.locator( '#footer-upgrade' ) ).toContainText(
			site.version.replace( /-rc$/, '-RC' )
		);
		const row = page.locator( `tr[data-slug="${ PLUGIN }"]` );
		await row
			.getByRole( 'link', { name: 'Activate Dify Chatbot' } )
			.click();
		await expect( page.locator( '#message' ) ).toContainText(
			'Plugin activated.'
		);
		await expect(
			row.getByRole( 'link', { name: 'Deactivate Dify Chatbot' } )
		).toBeVisible();
		// The plugin did not switch itself off (its notice names what it needs).
		await expect(
			page
				.locator( '.notice' )
				.filter( { hasText: 'Dify Chatbot needs' } )
		).toHaveCount( 0 );
		// Its routes are there.
		const index = await requestUtils.rest( { path: '/' } );
		expect( ( index as { namespaces: string[] } ).namespaces ).toContain(
			'dify-chatbot/v1'
		);
	} );

	test( 'block insert', async ( { admin, editor, page, site } ) => {
		await admin.createNewPost( {
			postType: 'page',
			title: `Chat on WordPress ${ site.version }`,
		} );
		const canvas = await editorCanvas( page );
		await insertFromInserter( page, 'Dify Chatbot' );
		// The canvas shows the block's preview: the block's editor script ran.
		await expect(
			canvas.locator( '.dify-chatbot.is-preview' )
		).toBeVisible();

		const postId = await editor.publishPost();
		expect( postId ).toBeGreaterThan( 0 );
		await page.goto( `/?page_id=${ postId }` );
		await expect( page.locator( '[data-dify-chatbot]' ) ).toHaveCount( 1 );
		// The chat app and its dependencies load when the chat is on screen.
		await expect(
			page.getByRole( 'textbox', { name: 'Message' } )
		).toBeVisible();
	} );

	for ( const [ cell, slug ] of [
		[ 'chat', 'dify-chatbot-block' ],
		[ 'shortcode', 'dify-chatbot-shortcode' ],
	] as const ) {
		test( cell, async ( { browser, site } ) => {
			// A logged-out visitor.
			const context = await browser.newContext( {
				baseURL: site.url,
				storageState: { cookies: [], origins: [] },
			} );
			const visitor = await context.newPage();
			const errors: string[] = [];
			visitor.on( 'pageerror', ( error ) =>
				errors.push( error.message )
			);
			await visitor.goto( `/${ slug }/` );
			await ask( visitor, 'Tell me about WordPress #delay:60' );
			const answer = await watchAnswer( visitor, 0 );
			// Streamed: part of the answer was on screen before all of it.
			expect( answer.partial.length ).toBeGreaterThan( 0 );
			expect( answer.partial.length ).toBeLessThan( answer.final.length );
			expect( errors ).toEqual( [] );
			await context.close();
		} );
	}

	test( 'settings', async ( { admin, page } ) => {
		await admin.visitAdminPage(
			'options-general.php',
			'page=dify-chatbot'
		);
		const perDay = page.getByLabel( 'Messages per day (per visitor)' );
		const value = String( 100 + Math.floor( Math.random() * 800 ) );
		await perDay.fill( value );
		await page.getByRole( 'button', { name: 'Save settings' } ).click();
		await expect( page.getByText( 'Settings saved.' ) ).toBeVisible();
		await page.reload();
		await expect(
			page.getByLabel( 'Messages per day (per visitor)' )
		).toHaveValue( value );
	} );
} );

/**
 * The editor's canvas: an iframe on some versions, the page itself on others.
 *
 * @param page The editor's page.
 */
async function editorCanvas( page: Page ): Promise< Page | FrameLocator > {
	const iframe = page.locator( 'iframe[name="editor-canvas"]' );
	const inline = page.locator( '.editor-styles-wrapper' );
	await expect( iframe.or( inline ).first() ).toBeVisible();
	if ( await iframe.count() ) {
		const canvas = page.frameLocator( 'iframe[name="editor-canvas"]' );
		await expect( canvas.locator( 'body' ) ).toBeVisible();
		return canvas;
	}
	return page;
}

/**
 * Inserts a block the way an editor does: the top bar's inserter, a search, a click.
 *
 * @param page  The editor's page.
 * @param title The block's title.
 */
async function insertFromInserter(
	page: Page,
	title: string
): Promise< void > {
	// "Toggle block inserter" up to 6.7, "Block Inserter" since.
	await page
		.getByRole( 'region', { name: 'Editor top bar' } )
		.getByRole( 'button', {
			name: /^(Toggle block inserter|Block Inserter)$/i,
		} )
		.click();
	await page.getByRole( 'searchbox', { name: /Search/i } ).fill( title );
	// (The option's name starts with its icon's blank on some versions: not an exact match.)
	await page.getByRole( 'option', { name: title } ).click();
}
