/**
 * Accessibility, measured by axe-core in Chromium: 0 violations on the block page, the shortcode
 * page and the open bubble, before and after a conversation (markdown, citations, answer actions,
 * follow-up questions), and with the app's input form showing problems. The whole page is
 * checked, the theme included (but for its navigation, see below): a chat that made its page
 * fail would count.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';

import { test, expect } from '../utils/test';
import { withApp } from '../utils/site';

test.use( { storageState: { cookies: [], origins: [] } } );

/**
 * Runs axe on the page; the full result is attached to the report, the violations are listed in
 * the failure message.
 *
 * @param page     The page.
 * @param testInfo The test (for the attachment).
 * @param name     What was checked.
 */
async function expectNoViolations(
	page: Page,
	testInfo: TestInfo,
	name: string
) {
	const results = await new AxeBuilder( { page } )
		// The theme's header navigation (core's page-list fallback) has a `list` violation of its
		// own, on every page of this site with or without a chat; it is not ours to fix.
		.exclude( '.wp-block-navigation' )
		.withTags( [
			'wcag2a',
			'wcag2aa',
			'wcag21a',
			'wcag21aa',
			'wcag22aa',
			'best-practice',
		] )
		.analyze();
	await testInfo.attach( `axe-${ name }.json`, {
		body: JSON.stringify( results, null, 2 ),
		contentType: 'application/json',
	} );
	const summary = results.violations.map(
		( v ) =>
			`${ v.id } (${ v.impact }): ${ v.help } — ${ v.nodes
				.map( ( n ) => n.target.join( ' ' ) )
				.join( ', ' ) }`
	);
	expect( summary, `axe violations on ${ name }` ).toEqual( [] );
	// axe looked at the chat itself, not a page without it.
	expect( results.passes.length ).toBeGreaterThan( 10 );
}

async function ask( page: Page, question: string ) {
	const input = page.getByRole( 'textbox', { name: 'Message' } );
	await input.fill( question );
	await input.press( 'Enter' );
}

async function answered( page: Page, index = 0 ) {
	await expect(
		page.locator( '.dify-chatbot__message.is-assistant' ).nth( index )
	).toHaveAttribute( 'data-status', 'done', { timeout: 30_000 } );
}

for ( const slug of [ 'dify-chatbot-block', 'dify-chatbot-shortcode' ] ) {
	test( `/${ slug }/ has no violations, empty and after an answer`, async ( {
		page,
	}, testInfo ) => {
		await page.goto( `/${ slug }/` );
		await expect(
			page.locator( '.dify-chatbot__suggestions' )
		).toBeVisible();
		await expectNoViolations( page, testInfo, `${ slug }-empty` );

		await ask( page, 'Explain markdown with sources #markdown #delay:1' );
		await answered( page );
		await expect(
			page.locator( '.dify-chatbot__actions' ).first()
		).toBeVisible();
		await expectNoViolations( page, testInfo, `${ slug }-answered` );
	} );
}

test( 'a dark theme keeps every color readable (the chat mixes its tints from the text color)', async ( {
	page,
}, testInfo ) => {
	await page.goto( '/dify-chatbot-block/' );
	// What a dark theme (or a dark style variation of this one) does: swap the palette.
	await page.addStyleTag( {
		content:
			':root, body { --wp--preset--color--base: #111111; --wp--preset--color--contrast: #eeeeee; background: #111111; color: #eeeeee; }',
	} );
	await ask( page, 'Explain markdown with sources #markdown #delay:1' );
	await answered( page );
	await expectNoViolations( page, testInfo, 'dark' );
} );

test( 'the open bubble has no violations, and keyboard use works', async ( {
	page,
}, testInfo ) => {
	await page.goto( '/dify-chatbot-bubble/' );
	const launcher = page.getByRole( 'button', { name: 'Ask us' } );
	await expectNoViolations( page, testInfo, 'bubble-closed' );
	await launcher.focus();
	await page.keyboard.press( 'Enter' );
	const input = page.getByRole( 'textbox', { name: 'Message' } );
	await expect( input ).toBeFocused();
	await expectNoViolations( page, testInfo, 'bubble-open' );
	await ask( page, 'Hello #delay:1' );
	await answered( page );
	await expectNoViolations( page, testInfo, 'bubble-answered' );
} );

test.describe( 'the input form', () => {
	withApp( 'app-emulator-form' );

	test( 'has no violations, also while it shows problems', async ( {
		page,
	}, testInfo ) => {
		await page.goto( '/dify-chatbot-block/' );
		await expect( page.getByLabel( 'Your name' ) ).toBeVisible();
		await expectNoViolations( page, testInfo, 'form' );
		await ask( page, 'Hi' );
		await expect( page.getByLabel( 'Your name' ) ).toHaveAttribute(
			'aria-invalid',
			'true'
		);
		await expectNoViolations( page, testInfo, 'form-problems' );
	} );
} );
