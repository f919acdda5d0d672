/**
 * Settings → Dify Chatbot → "Check streaming": the screen's verdict on the server it runs on. Run
 * on php -S with the rest of the suite and, by `npm test`'s `stacks` suite, on each real Debian
 * stack (bin/stacks/) — once per web server:
 *
 * - wherever the plugin's own measures let events through (all the stacks here), the screen says
 *   answers stream;
 * - on Apache + PHP-FPM with the padding turned off by the `dify_chatbot_stream_padding` filter
 *   (tests/e2e/mu-plugins/no-padding.php), mod_proxy_fcgi holds the events back until the end:
 *   the screen sees the burst and recommends `flushpackets=on` or the padding, or Blocking.
 *
 * The verdict is printed (and kept as an annotation) for the stack table.
 */
import type { Page } from '@playwright/test';

import { test, expect } from '../utils/test';
import { setSwitch } from '../utils/site';

const STACK = process.env.WP_STACK ?? 'php -S';
/*
 * Once per web server: the `+zlib` runs of the stacks suite skip these tests (the plugin turns zlib
 * off for a stream, which streaming.stack.spec.ts proves there, and the settings page takes about
 * ten seconds to load on a busy machine).
 */
const ZLIB = STACK.endsWith( '+zlib' );
const APACHE_FPM = STACK === 'apache-fpm';

function report( name: string, description: string ) {
	test.info().annotations.push( { type: name, description } );
	// eslint-disable-next-line no-console -- the numbers of the stack table.
	console.log( `[stack ${ STACK }] ${ name }: ${ description }` );
}

/**
 * Runs the check on the settings screen; returns the verdict once it is announced, and the
 * measurements shown under it.
 *
 * @param page The admin's page.
 */
async function checkStreaming(
	page: Page
): Promise< { verdict: string; details: string } > {
	await page.goto( '/wp-admin/options-general.php?page=dify-chatbot' );
	await page.getByRole( 'button', { name: 'Check streaming' } ).click();
	// The verdict replaces the "Checking…" note in the live region after the ~2 s stream.
	const verdict = page
		.locator( '.dify-chatbot-settings__result[aria-live="polite"]' )
		.locator( '.components-notice__content' )
		.filter( { hasText: /Answers (do not )?stream|cut off|could not/ } );
	await expect( verdict ).toBeVisible( { timeout: 20_000 } );
	const details = page.locator( '.dify-chatbot-settings__stream-details' );
	return {
		verdict: ( await verdict.textContent() ) ?? '',
		details: ( await details.textContent() ) ?? '',
	};
}

test( 'the streaming check says answers stream where events get through', async ( {
	page,
} ) => {
	test.skip( ZLIB, 'once per web server' );
	const { verdict, details } = await checkStreaming( page );
	report( 'self-test', `${ verdict } ${ details }` );
	expect( verdict ).toContain( 'Answers stream on this server' );
} );

test.describe( 'padding turned off behind Apache + PHP-FPM', () => {
	test.skip( ! APACHE_FPM, 'only Apache + PHP-FPM holds small events back' );
	test.beforeEach( ( { requestUtils } ) =>
		setSwitch( requestUtils, 'no_padding', true )
	);
	test.afterEach( ( { requestUtils } ) =>
		setSwitch( requestUtils, 'no_padding', false )
	);

	test( 'the check sees the burst and recommends flushpackets or Blocking', async ( {
		page,
	} ) => {
		const { verdict, details } = await checkStreaming( page );
		report( 'self-test, padding off', `${ verdict } ${ details }` );
		expect( verdict ).toContain( 'Answers do not stream' );
		expect( verdict ).toContain( 'flushpackets=on' );
		expect( verdict ).toContain( 'Blocking' );
	} );
} );
