/**
 * A reasoning model's thinking (issue 11): off by default it never reaches the browser — not in
 * the answer, not in any response; with "Show the model's reasoning" on, it is a collapsed
 * "Thinking" section above the answer, never part of the answer's text. Streaming (inline
 * `<think>` cut mid-tag, and `reasoning_chunk` events) and blocking answers alike.
 */
import path from 'node:path';

import type { RequestUtils } from '@wordpress/e2e-test-utils-playwright';

import { bodiesContaining, recordBodies } from '../utils/bodies';
import { answerText, ask, watchAnswer } from '../utils/chat';
import { withApp } from '../utils/site';
import { expect, test } from '../utils/test';

const MARK = 'EMULATOR-REASONING';

test.use( { storageState: { cookies: [], origins: [] } } );

/**
 * Sets the plugin's settings through its REST route as the admin.
 *
 * @param requestUtils WordPress's request utilities.
 * @param data         The settings to change.
 */
async function settings(
	requestUtils: RequestUtils,
	data: Record< string, unknown >
): Promise< void > {
	await requestUtils.rest( {
		method: 'POST',
		path: '/dify-chatbot/v1/settings',
		data,
	} );
}

test.describe( 'reasoning hidden (the default)', () => {
	test( 'the thinking never reaches the browser', async ( { page } ) => {
		const bodies = await recordBodies( page, 'dify-chatbot/v1/chat' );
		await page.goto( '/dify-chatbot-block/' );
		await ask( page, 'Think it over #reasoning #delay:5' );
		const { final } = await watchAnswer( page, 0 );
		expect( final ).toContain( 'Chat answer about' );
		expect( final ).not.toContain( MARK );
		expect( final ).not.toContain( 'think>' );
		await expect( page.locator( '.dify-chatbot__reasoning' ) ).toHaveCount(
			0
		);
		const all = await bodiesContaining( bodies, 'message_end' );
		expect( all ).not.toContain( MARK );
		expect( all ).not.toContain( 'reasoning' );
	} );
} );

test.describe( 'reasoning hidden in a blocking workflow answer', () => {
	withApp( 'app-emulator-workflow' );
	test.afterEach( ( { requestUtils } ) =>
		settings( requestUtils, { response_mode: 'streaming' } )
	);

	test( 'the separated reasoning of its outputs is removed on the server', async ( {
		page,
		requestUtils,
	} ) => {
		await settings( requestUtils, { response_mode: 'blocking' } );
		const bodies = await recordBodies( page, 'dify-chatbot/v1/chat' );
		await page.goto( '/dify-chatbot-block/' );
		await ask( page, 'Think it over #reasoning:separated' );
		const answer = page
			.locator( '.dify-chatbot__message.is-assistant' )
			.first();
		await expect( answer ).toHaveAttribute( 'data-status', 'done', {
			timeout: 30_000,
		} );
		await expect( page.locator( '.dify-chatbot__reasoning' ) ).toHaveCount(
			0
		);
		const all = await bodiesContaining( bodies, 'Workflow answer about' );
		expect( all ).not.toContain( MARK );
		expect( all ).not.toContain( 'reasoning' );
	} );
} );

test.describe( 'reasoning shown', () => {
	test.beforeEach( ( { requestUtils } ) =>
		settings( requestUtils, { show_reasoning: true } )
	);
	test.afterEach( ( { requestUtils } ) =>
		settings( requestUtils, {
			show_reasoning: false,
			response_mode: 'streaming',
		} )
	);

	test( 'a collapsed Thinking section above the streamed answer, screenshotted', async ( {
		page,
	}, testInfo ) => {
		await page.goto( '/dify-chatbot-block/' );
		// Slow events make the thinking phase (before any answer text) visible to the test.
		await ask( page, 'Think it over #reasoning #delay:60' );
		const thinking = page.locator( '.dify-chatbot__reasoning' );
		const turn = page
			.locator( '.dify-chatbot__turn--assistant' )
			.filter( { has: thinking } );
		// While the model thinks, before any answer text, the section says so.
		await expect( thinking.locator( 'summary' ) ).toHaveText( 'Thinking…' );
		const { final } = await watchAnswer( page, 0 );
		expect( final ).toContain( 'Chat answer about' );
		expect( final ).not.toContain( MARK );
		expect( final ).not.toContain( 'think>' );

		await expect( thinking.locator( 'summary' ) ).toHaveText( 'Thinking' );
		// Collapsed: the thinking is there to open, not in the way.
		await expect( thinking ).not.toHaveAttribute( 'open', '' );
		const text = thinking.locator( '.dify-chatbot__reasoning-text' );
		await expect( text ).toBeHidden();
		await thinking.locator( 'summary' ).click();
		await expect( text ).toBeVisible();
		await expect( text ).toContainText( MARK );
		await expect( text ).not.toContainText( 'think>' );

		// Above the answer, outside its bubble (copying the answer copies no thinking).
		await expect(
			turn.locator( '.dify-chatbot__reasoning + .dify-chatbot__message' )
		).toHaveCount( 1 );
		await thinking.scrollIntoViewIfNeeded();
		const shot = await page
			.getByRole( 'region', { name: 'Chat' } )
			.screenshot( {
				path: path.join(
					process.env.WP_ARTIFACTS_PATH ?? 'artifacts',
					'screenshots',
					'thinking.png'
				),
			} );
		await testInfo.attach( 'thinking.png', {
			body: shot,
			contentType: 'image/png',
		} );
	} );

	test( 'a blocking answer shows its thinking the same way', async ( {
		page,
		requestUtils,
	} ) => {
		await settings( requestUtils, { response_mode: 'blocking' } );
		await page.goto( '/dify-chatbot-block/' );
		await ask( page, 'Think it over #reasoning' );
		const answer = page
			.locator( '.dify-chatbot__message.is-assistant' )
			.first();
		await expect( answer ).toHaveAttribute( 'data-status', 'done', {
			timeout: 30_000,
		} );
		expect( await answerText( answer ) ).not.toContain( MARK );
		const thinking = page.locator( '.dify-chatbot__reasoning' ).first();
		await thinking.locator( 'summary' ).click();
		await expect( thinking ).toContainText( MARK );
	} );

	test.describe( 'a blocking workflow whose outputs carry the separated reasoning', () => {
		withApp( 'app-emulator-workflow' );

		test( 'shows it as the Thinking section, never in the answer', async ( {
			page,
			requestUtils,
		} ) => {
			await settings( requestUtils, { response_mode: 'blocking' } );
			await page.goto( '/dify-chatbot-block/' );
			await ask( page, 'Think it over #reasoning:separated' );
			const answer = page
				.locator( '.dify-chatbot__message.is-assistant' )
				.first();
			await expect( answer ).toHaveAttribute( 'data-status', 'done', {
				timeout: 30_000,
			} );
			expect( await answerText( answer ) ).toContain(
				'Workflow answer about'
			);
			expect( await answerText( answer ) ).not.toContain( MARK );
			const thinking = page.locator( '.dify-chatbot__reasoning' ).first();
			await thinking.locator( 'summary' ).click();
			await expect( thinking ).toContainText( MARK );
		} );
	} );

	test.describe( 'a chatflow whose LLM node sends reasoning_chunk events', () => {
		withApp( 'app-emulator-chatflow' );

		test( 'shows them as the Thinking section', async ( { page } ) => {
			await page.goto( '/dify-chatbot-block/' );
			await ask( page, 'Think it over #reasoning:separated #delay:5' );
			const { final } = await watchAnswer( page, 0 );
			expect( final ).not.toContain( MARK );
			const thinking = page.locator( '.dify-chatbot__reasoning' ).first();
			await thinking.locator( 'summary' ).click();
			await expect( thinking ).toContainText( MARK );
		} );
	} );
} );
