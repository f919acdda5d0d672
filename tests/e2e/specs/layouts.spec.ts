/**
 * The two layouts as a visitor meets them: `bubble` (a launcher that opens a panel; nothing but
 * the loader until it is used; full screen on a phone; Esc closes and gives focus back; left or
 * right) and `inline` (in the content, with its height). Phone-sized screenshots of both are
 * attached to the test report (artifacts/playwright-report, and artifacts/screenshots/).
 */
import path from 'node:path';
import type { Page, Request } from '@playwright/test';

import { test, expect } from '../utils/test';
import { withSwitch } from '../utils/site';

test.use( { storageState: { cookies: [], origins: [] } } );

const PHONE = { width: 390, height: 844 };

function appRequests( page: Page ): Request[] {
	const seen: Request[] = [];
	page.on( 'request', ( request ) => {
		if ( /\/build\/chat\/app\.js/.test( request.url() ) ) {
			seen.push( request );
		}
	} );
	return seen;
}

test( 'a bubble loads the app only when used, opens a panel, and Esc gives focus back', async ( {
	page,
} ) => {
	const app = appRequests( page );
	await page.goto( '/dify-chatbot-bubble/' );
	const launcher = page.getByRole( 'button', { name: 'Ask us' } );
	await expect( launcher ).toBeVisible();
	await expect( launcher ).toHaveAttribute( 'aria-expanded', 'false' );
	const panel = page.getByRole( 'region', { name: 'Ask us' } );
	await expect( panel ).toBeHidden();
	// Scrolling and waiting do not load it: only the visitor reaching for the launcher does.
	await page.mouse.wheel( 0, 400 );
	await page.waitForTimeout( 500 );
	expect( app ).toHaveLength( 0 );

	await launcher.click();
	await expect( panel ).toBeVisible();
	await expect( launcher ).toHaveAttribute( 'aria-expanded', 'true' );
	const input = page.getByRole( 'textbox', { name: 'Message' } );
	await expect( input ).toBeFocused();
	expect( app ).toHaveLength( 1 );

	// Bottom right by default, above its launcher.
	const box = await panel.boundingBox();
	const viewport = page.viewportSize();
	expect( box && viewport ).toBeTruthy();
	expect( ( box?.x ?? 0 ) + ( box?.width ?? 0 ) ).toBeGreaterThan(
		( viewport?.width ?? 0 ) - 40
	);

	await page.keyboard.press( 'Escape' );
	await expect( panel ).toBeHidden();
	await expect( launcher ).toBeFocused();
	await expect( launcher ).toHaveAttribute( 'aria-expanded', 'false' );

	// Opening again keeps the conversation; the header's close button closes too.
	await page.keyboard.press( 'Enter' );
	await expect( input ).toBeFocused();
	await page.getByRole( 'button', { name: 'Close chat' } ).click();
	await expect( panel ).toBeHidden();
	await expect( launcher ).toBeFocused();
	expect( app ).toHaveLength( 1 );
} );

test( 'a bubble on the left sits on the left', async ( { page } ) => {
	await page.goto( '/dify-chatbot-bubble/' );
	// The same page's chat, re-rendered with position="left" as the shortcode would write it.
	await page.route( '**/dify-chatbot-bubble/', async ( route ) => {
		const response = await route.fetch();
		const html = ( await response.text() ).replace(
			/(data-dify-chatbot="[^"]*)&quot;position&quot;:&quot;right&quot;/,
			'$1&quot;position&quot;:&quot;left&quot;'
		);
		await route.fulfill( { response, body: html } );
	} );
	await page.reload();
	const launcher = page.getByRole( 'button', { name: 'Ask us' } );
	await launcher.click();
	const panel = page.getByRole( 'region', { name: 'Ask us' } );
	await expect( panel ).toBeVisible();
	const box = await panel.boundingBox();
	const launcherBox = await launcher.boundingBox();
	expect( box?.x ?? 999 ).toBeLessThan( 40 );
	expect( launcherBox?.x ?? 999 ).toBeLessThan( 40 );
} );

test( 'an inline chat sits in the content with its height, and loads when near', async ( {
	page,
} ) => {
	await page.goto( '/dify-chatbot-block/' );
	const chat = page
		.locator( '.dify-chatbot--inline, .wp-block-dify-chatbot-chat' )
		.first();
	await expect( chat.locator( '.dify-chatbot__app' ) ).toBeVisible();
	const box = await chat.boundingBox();
	expect( Math.round( box?.height ?? 0 ) ).toBe( 480 );
	// In the flow of the page: after the paragraph that introduces it.
	const intro = await page
		.getByText( 'The chat below is the Dify Chatbot block.' )
		.boundingBox();
	expect( box?.y ?? 0 ).toBeGreaterThan( intro?.y ?? 0 );
} );

test( 'look options become the chat’s colors and corners (accent on launcher, send button and the visitor’s bubbles)', async ( {
	page,
} ) => {
	// The bubble page's shortcode has accent="#0b5cad" radius="16px".
	await page.goto( '/dify-chatbot-bubble/' );
	const launcher = page.getByRole( 'button', { name: 'Ask us' } );
	const accent = 'rgb(11, 92, 173)';
	await expect( launcher ).toHaveCSS( 'background-color', accent );
	await expect( launcher ).toHaveCSS( 'color', 'rgb(255, 255, 255)' );
	await launcher.click();
	const panel = page.getByRole( 'region', { name: 'Ask us' } );
	await expect( panel ).toHaveCSS( 'border-top-left-radius', '16px' );
	const input = page.getByRole( 'textbox', { name: 'Message' } );
	await input.fill( 'Colors? #delay:1' );
	await expect( page.getByRole( 'button', { name: 'Send' } ) ).toHaveCSS(
		'background-color',
		accent
	);
	await input.press( 'Enter' );
	await expect( page.locator( '.dify-chatbot__message.is-user' ) ).toHaveCSS(
		'background-color',
		accent
	);
	// A chat that sets no accent takes the Dify app's own colour (`chat_color_theme` of its
	// /site, #1C64F2 in the emulator's chat app), not the shortcode's of another page.
	await page.goto( '/dify-chatbot-block/' );
	const chat = page.locator( '.wp-block-dify-chatbot-chat' );
	await expect( chat ).toHaveClass( /has-accent/ );
	await expect( chat.getByRole( 'button', { name: 'Send' } ) ).toHaveCSS(
		'background-color',
		'rgb(28, 100, 242)'
	);
} );

test.describe( 'right to left', () => {
	withSwitch( 'rtl' );

	test( 'the chat mirrors: RTL styles, the bubble at the start side, the visitor’s messages on the left', async ( {
		page,
	} ) => {
		const rtlCss: string[] = [];
		page.on( 'request', ( request ) => {
			if ( /\/build\/chat\/app-rtl\.css/.test( request.url() ) ) {
				rtlCss.push( request.url() );
			}
		} );
		await page.goto( '/dify-chatbot-bubble/' );
		await expect( page.locator( 'html' ) ).toHaveAttribute( 'dir', 'rtl' );
		expect( rtlCss ).toHaveLength( 1 );
		const launcher = page.getByRole( 'button', { name: 'Ask us' } );
		await launcher.click();
		const panel = page.getByRole( 'region', { name: 'Ask us' } );
		await expect( panel ).toBeVisible();
		// position="right" means the end side: on the left in a right-to-left page.
		expect( ( await panel.boundingBox() )?.x ?? 999 ).toBeLessThan( 40 );
		expect( ( await launcher.boundingBox() )?.x ?? 999 ).toBeLessThan( 40 );
		const input = page.getByRole( 'textbox', { name: 'Message' } );
		await input.fill( 'שלום #delay:1' );
		await input.press( 'Enter' );
		const mine = page.locator( '.dify-chatbot__message.is-user' );
		const theirs = page.locator( '.dify-chatbot__message.is-assistant' );
		await expect( theirs ).toHaveAttribute( 'data-status', 'done', {
			timeout: 30_000,
		} );
		const mineBox = await mine.boundingBox();
		const panelBox = await panel.boundingBox();
		// The visitor's bubble hugs the left edge of the panel, the answer the right.
		expect( ( mineBox?.x ?? 999 ) - ( panelBox?.x ?? 0 ) ).toBeLessThan(
			40
		);
		expect(
			( panelBox?.x ?? 0 ) +
				( panelBox?.width ?? 0 ) -
				( ( ( await theirs.boundingBox() )?.x ?? 0 ) +
					( ( await theirs.boundingBox() )?.width ?? 0 ) )
		).toBeLessThan( 40 );
	} );
} );

test.describe( 'on a phone', () => {
	test.use( { viewport: PHONE, hasTouch: true, isMobile: true } );

	test( 'the bubble opens full screen, and both layouts are screenshotted for the report', async ( {
		page,
	}, testInfo ) => {
		const shots = path.join(
			process.env.WP_ARTIFACTS_PATH ?? 'artifacts',
			'screenshots'
		);
		await page.goto( '/dify-chatbot-bubble/' );
		await page.getByRole( 'button', { name: 'Ask us' } ).click();
		const panel = page.getByRole( 'region', { name: 'Ask us' } );
		await expect( panel ).toBeVisible();
		const input = page.getByRole( 'textbox', { name: 'Message' } );
		await input.fill( 'What can you do? #delay:1' );
		await input.press( 'Enter' );
		await expect(
			page.locator( '.dify-chatbot__message.is-assistant' ).first()
		).toHaveAttribute( 'data-status', 'done', { timeout: 30_000 } );
		const box = await panel.boundingBox();
		expect( box ).toEqual( {
			x: 0,
			y: 0,
			width: PHONE.width,
			height: PHONE.height,
		} );
		const bubble = await page.screenshot( {
			path: path.join( shots, 'phone-bubble.png' ),
		} );
		await testInfo.attach( 'phone-bubble.png', {
			body: bubble,
			contentType: 'image/png',
		} );

		await page.goto( '/dify-chatbot-block/' );
		const chat = page.locator( '.wp-block-dify-chatbot-chat' );
		await expect( chat.locator( '.dify-chatbot__app' ) ).toBeVisible();
		await chat.scrollIntoViewIfNeeded();
		const chatBox = await chat.boundingBox();
		// Inside the phone's width: no sideways scrolling of the page.
		expect(
			( chatBox?.x ?? 0 ) + ( chatBox?.width ?? 0 )
		).toBeLessThanOrEqual( PHONE.width );
		expect(
			await page.evaluate(
				() => document.documentElement.scrollWidth <= window.innerWidth
			)
		).toBe( true );
		const inline = await page.screenshot( {
			path: path.join( shots, 'phone-inline.png' ),
		} );
		await testInfo.attach( 'phone-inline.png', {
			body: inline,
			contentType: 'image/png',
		} );
	} );
} );
