/**
 * Parity with Dify's web chat, as a logged-out visitor sees it: the app's opening statement and
 * suggested questions, stopping an answer, and answers rendered as markdown that can never run
 * anything.
 */
import type { Locator, Page } from '@playwright/test';

import { test, expect } from '../utils/test';
import { withApp } from '../utils/site';
import { lastSeq, recordedRequests } from '../utils/emulator';

test.use( { storageState: { cookies: [], origins: [] } } );

async function ask( page: Page, question: string ) {
	const input = page.getByRole( 'textbox', { name: 'Message' } );
	await input.fill( question );
	await input.press( 'Enter' );
}

function answer( page: Page, index = 0 ): Locator {
	return page.locator( '.dify-chatbot__message.is-assistant' ).nth( index );
}

async function finished( page: Page, index = 0 ) {
	await expect( answer( page, index ) ).toHaveAttribute(
		'data-status',
		'done',
		{ timeout: 30_000 }
	);
}

test.describe( 'opening statement and suggested questions', () => {
	test( 'are shown before the first message, and a suggestion is sent with one click', async ( {
		page,
	} ) => {
		await page.goto( '/dify-chatbot-block/' );
		const opening = page.locator( '.dify-chatbot__opening' );
		await expect( opening ).toContainText(
			'Hello! I am the Dify emulator.'
		);
		const suggestions = page.getByRole( 'list', {
			name: 'Suggested questions',
		} );
		await expect( suggestions.getByRole( 'button' ) ).toHaveText( [
			'What can you do?',
			'Show me a table',
			'Write some code',
		] );
		// The greeting is not an answer: the conversation's answers are still counted from 0.
		await expect(
			page.locator( '.dify-chatbot__message.is-assistant' )
		).toHaveCount( 0 );

		const since = await lastSeq();
		await suggestions
			.getByRole( 'button', { name: 'Show me a table' } )
			.click();
		await expect(
			page.locator( '.dify-chatbot__message.is-user' )
		).toHaveText( 'Show me a table' );
		await finished( page );
		// Sent like a typed question; the starters make room for the conversation.
		const [ chat ] = (
			await recordedRequests( { since, path: '/chat-messages' } )
		).filter( ( r ) => r.method === 'POST' );
		expect( ( chat?.body as Record< string, unknown > ).query ).toBe(
			'Show me a table'
		);
		await expect( suggestions ).toHaveCount( 0 );
		await expect( opening ).toBeVisible();
	} );

	test.describe( 'for an app without them', () => {
		withApp( 'app-emulator-plain' );

		test( 'nothing is shown but the usual hint', async ( { page } ) => {
			const parameters = page.waitForResponse( ( r ) =>
				r.url().includes( 'dify-chatbot/v1/parameters' )
			);
			await page.goto( '/dify-chatbot-shortcode/' );
			expect( ( await parameters ).status() ).toBe( 200 );
			await expect(
				page.getByText( 'Send a message to start the conversation.' )
			).toBeVisible();
			await expect(
				page.locator( '.dify-chatbot__opening' )
			).toHaveCount( 0 );
			await expect(
				page.locator( '.dify-chatbot__suggestions' )
			).toHaveCount( 0 );
		} );
	} );

	test( 'the browser never sees the moderation settings', async ( {
		request,
	} ) => {
		const response = await request.get(
			'/?rest_route=/dify-chatbot/v1/parameters'
		);
		expect( response.status() ).toBe( 200 );
		const body = await response.text();
		expect( body ).not.toContain( 'sensitive_word_avoidance' );
		expect( body ).not.toContain( 'EMULATOR-MODERATION-SECRET' );
		expect( body ).not.toContain( 'emulator-secret-extension-id-0001' );
		expect( JSON.parse( body ).suggested_questions ).toHaveLength( 3 );
	} );
} );

test( 'Stop ends the answer being written and keeps what was written', async ( {
	page,
} ) => {
	await page.goto( '/dify-chatbot-block/' );
	const since = await lastSeq();
	await ask( page, 'Tell me a long story #delay:150' );
	const written = answer( page );
	await expect( written ).toHaveAttribute( 'data-status', 'streaming', {
		timeout: 15_000,
	} );
	await expect
		.poll( async () => ( await written.textContent() )?.length ?? 0 )
		.toBeGreaterThan( 20 );

	await page.getByRole( 'button', { name: 'Stop' } ).click();
	await expect( written ).toHaveAttribute( 'data-status', 'stopped' );
	await expect( page.getByText( 'The answer was stopped.' ) ).toBeVisible();
	await expect( page.getByRole( 'button', { name: 'Stop' } ) ).toHaveCount(
		0
	);
	const kept = ( await written.textContent() ) ?? '';
	expect( kept.length ).toBeGreaterThan( 20 );

	// Dify was told to stop that task, as the same visitor who started it.
	let stop:
		Awaited< ReturnType< typeof recordedRequests > >[ number ] | undefined;
	await expect
		.poll( async () => {
			stop = ( await recordedRequests( { since, path: '/stop' } ) ).find(
				( r ) => r.method === 'POST'
			);
			return !! stop;
		} )
		.toBe( true );
	const [ chat ] = (
		await recordedRequests( { since, path: '/chat-messages' } )
	).filter(
		( r ) => r.method === 'POST' && r.path.endsWith( '/chat-messages' )
	);
	expect( stop?.path ).toMatch( /\/chat-messages\/[^/]+\/stop$/ );
	expect( stop?.user ).toBe( chat?.user );

	// Nothing more arrives in the stopped answer.
	await page.waitForTimeout( 600 );
	expect( ( await written.textContent() ) ?? '' ).toBe( kept );

	// The conversation goes on.
	await ask( page, 'Next question #delay:1' );
	await finished( page, 1 );
} );

test.describe( 'markdown answers', () => {
	test( 'headings, lists, tables, code and links render as elements', async ( {
		page,
	} ) => {
		await page.goto( '/dify-chatbot-shortcode/' );
		await ask( page, 'Explain markdown #markdown #delay:1' );
		await finished( page );
		const written = answer( page );
		await expect( written.locator( 'h2' ) ).toContainText( 'answer about' );
		await expect( written.locator( 'ul > li' ) ).toHaveCount( 3 );
		await expect( written.locator( 'ol > li' ) ).toHaveCount( 3 );
		await expect( written.locator( 'pre > code' ) ).toHaveCount( 1 );
		await expect( written.locator( 'p code' ).first() ).toBeVisible();
		await expect( written.locator( 'table th' ) ).toHaveText( [
			'Property',
			'Value',
		] );
		await expect( written.locator( 'table tbody tr' ) ).toHaveCount( 4 );
		const link = written.locator( 'a' );
		await expect( link ).toHaveCount( 1 );
		await expect( link ).toHaveAttribute( 'href', /^https?:\/\// );
		await expect( link ).toHaveAttribute( 'target', '_blank' );
		await expect( link ).toHaveAttribute( 'rel', /noopener/ );
		await expect( link ).toHaveAttribute( 'rel', /nofollow/ );
		// No markdown syntax is left as text.
		await expect( written ).not.toContainText( '## ' );
		await expect( written ).not.toContainText( '| --- |' );
	} );

	test( 'code is highlighted, and the highlighter loads only once code appears', async ( {
		page,
	} ) => {
		const highlighter: string[] = [];
		page.on( 'request', ( request ) => {
			if ( /\/build\/chat\/highlight\.js/.test( request.url() ) ) {
				highlighter.push( request.url() );
			}
		} );
		await page.goto( '/dify-chatbot-shortcode/' );
		await ask( page, 'Just words, no code. #echo' );
		await finished( page );
		await expect( answer( page ) ).toHaveText( 'Just words, no code.' );
		expect( highlighter ).toEqual( [] );

		await ask( page, 'Write some code #markdown #delay:1' );
		await finished( page, 1 );
		const code = answer( page, 1 ).locator( 'pre > code' );
		await expect( code ).toHaveAttribute( 'data-highlighted', '' );
		// The emulator's fences are ts, python or bash: each has keywords or strings.
		await expect(
			code.locator( '[class^="hljs-"]' ).first()
		).toBeVisible();
		expect( highlighter ).toHaveLength( 1 );
		// Highlighting kept every character of the code.
		expect( await code.textContent() ).not.toContain( '<span' );
	} );

	for ( const sanitizer of [ 'the browser’s Sanitizer API', 'DOMPurify' ] ) {
		test( `an XSS corpus renders inert with ${ sanitizer }: no dialog, no injected element`, async ( {
			page,
		} ) => {
			const purify: string[] = [];
			page.on( 'request', ( request ) => {
				if ( /\/build\/chat\/purify\.js/.test( request.url() ) ) {
					purify.push( request.url() );
				}
			} );
			if ( sanitizer === 'DOMPurify' ) {
				// A browser without the HTML Sanitizer API (Safari today): the chat fetches DOMPurify.
				await page.addInitScript( () => {
					const scope = window as unknown as Record<
						string,
						unknown
					>;
					delete scope.Sanitizer;
					delete ( Document as unknown as Record< string, unknown > )
						.parseHTML;
					delete (
						Element.prototype as unknown as Record<
							string,
							unknown
						>
					 ).setHTML;
				} );
			}
			const dialogs: string[] = [];
			page.on( 'dialog', async ( dialog ) => {
				dialogs.push( dialog.message() );
				await dialog.dismiss();
			} );
			await page.goto( '/dify-chatbot-block/' );
			await ask( page, 'Please render this #xss #delay:1' );
			await finished( page );

			const log = page.locator( '.dify-chatbot__messages' );
			await expect( answer( page ) ).toContainText( 'XSS test corpus' );
			for ( const selector of [
				'script',
				'iframe',
				'object',
				'embed',
				'style',
				'svg',
				'[onerror]',
				'[onload]',
				'[ontoggle]',
				'a[href^="javascript:" i]',
				'a[href^="data:" i]',
				'img[src^="data:" i]',
			] ) {
				await expect( log.locator( selector ), selector ).toHaveCount(
					0
				);
			}
			// The unterminated fence at the end shows its script as text, inside code.
			await expect(
				answer( page ).locator( 'pre code' ).last()
			).toContainText(
				'<script>alert("inside an unterminated fence")</script>'
			);
			// Give any injected handler a moment to fire.
			await page.waitForTimeout( 300 );
			expect( dialogs ).toEqual( [] );
			// The page itself is untouched (a <style> from the answer would hide the body).
			await expect( page.locator( 'body' ) ).toBeVisible();
			// Formatting survived too: the corpus has headings, links and code.
			await expect(
				answer( page ).locator( 'pre code' ).first()
			).toBeVisible();
			// DOMPurify is downloaded only where the browser has no sanitizer of its own.
			expect( purify ).toHaveLength( sanitizer === 'DOMPurify' ? 1 : 0 );
		} );
	}
} );

test( 'an answer can be copied and rated, and offers follow-up questions', async ( {
	page,
	context,
} ) => {
	await context.grantPermissions( [ 'clipboard-read', 'clipboard-write' ] );
	await page.goto( '/dify-chatbot-block/' );
	const since = await lastSeq();
	await ask( page, 'Rate this answer #delay:1' );
	await finished( page );
	const turn = page.locator( '.dify-chatbot__turn--assistant' ).filter( {
		has: answer( page ),
	} );

	// The app cites its knowledge: a closed "Sources (2)" list under the answer.
	const sources = turn.locator( 'details.dify-chatbot__citations' );
	await expect( sources.locator( 'summary' ) ).toHaveText( 'Sources (2)' );
	await expect( sources ).not.toHaveAttribute( 'open' );
	await sources.locator( 'summary' ).click();
	await expect( sources.locator( '.dify-chatbot__citation' ) ).toHaveCount(
		2
	);
	await expect(
		sources.locator( '.dify-chatbot__citation-name' ).first()
	).not.toBeEmpty();

	await turn.getByRole( 'button', { name: 'Copy' } ).click();
	await expect(
		turn.getByRole( 'button', { name: 'Copied' } )
	).toBeVisible();
	const copied = await page.evaluate( () =>
		window.navigator.clipboard.readText()
	);
	expect( copied ).toMatch( /^## Chat answer about/ );

	const like = turn.getByRole( 'button', { name: 'Like', exact: true } );
	await like.click();
	await expect( like ).toHaveAttribute( 'aria-pressed', 'true' );
	await like.click();
	await expect( like ).toHaveAttribute( 'aria-pressed', 'false' );

	const [ chat ] = (
		await recordedRequests( { since, path: '/chat-messages' } )
	).filter( ( r ) => r.method === 'POST' );
	let feedbacks: Awaited< ReturnType< typeof recordedRequests > > = [];
	await expect
		.poll( async () => {
			feedbacks = (
				await recordedRequests( { since, path: '/feedbacks' } )
			).filter( ( r ) => r.method === 'POST' );
			return feedbacks.length;
		} )
		.toBe( 2 );
	expect(
		feedbacks.map( ( r ) => ( r.body as Record< string, unknown > ).rating )
	).toEqual( [ 'like', null ] );
	for ( const feedback of feedbacks ) {
		expect( feedback.user ).toBe( chat?.user );
		expect( feedback.path ).toMatch(
			/^\/v1\/messages\/[0-9a-f-]{36}\/feedbacks$/
		);
	}

	// Follow-ups come from Dify for this answer, and one click sends one.
	const followUps = page.getByRole( 'list', { name: 'Follow-up questions' } );
	await expect( followUps.getByRole( 'button' ).first() ).toBeVisible();
	const question =
		( await followUps.getByRole( 'button' ).first().textContent() ) ?? '';
	await followUps.getByRole( 'button' ).first().click();
	await expect(
		page.locator( '.dify-chatbot__message.is-user' ).nth( 1 )
	).toHaveText( question );
	await finished( page, 1 );
	const suggested = (
		await recordedRequests( { since, path: '/suggested' } )
	)[ 0 ];
	expect( suggested?.user ).toBe( chat?.user );
} );

test( 'an answer replaced by moderation shows only the replacement', async ( {
	page,
} ) => {
	await page.goto( '/dify-chatbot-block/' );
	await ask( page, 'Moderate this #replace #delay:1' );
	await finished( page );
	// The streamed text is gone; what is left is the replacement alone.
	await expect( answer( page ) ).toHaveText(
		'This answer was replaced by output moderation. (emulated by #replace)'
	);
} );

test.describe( 'an agent app', () => {
	withApp( 'app-emulator-agent' );

	test( 'shows the tools it used and the image a tool made', async ( {
		page,
	} ) => {
		await page.goto( '/dify-chatbot-block/' );
		await ask( page, 'Find and draw a cat #delay:1' );
		await finished( page );
		const turn = page.locator( '.dify-chatbot__turn--assistant' );
		const trail = turn.locator( 'details.dify-chatbot__thoughts' );
		await expect( trail.locator( 'summary' ) ).toHaveText(
			/^Used tool .*web_search.*image_generator/
		);
		await expect( trail ).not.toHaveAttribute( 'open' );
		const image = answer( page ).locator( 'img' );
		await expect( image ).toHaveCount( 1 );
		await expect( image ).toHaveAttribute( 'src', /^https?:\/\// );
		await expect( image ).toHaveAttribute( 'alt', /.+/ );
		await expect
			.poll( () =>
				image.evaluate(
					( element ) => ( element as HTMLImageElement ).naturalWidth
				)
			)
			.toBeGreaterThan( 0 );
	} );
} );
