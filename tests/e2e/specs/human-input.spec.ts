/**
 * Human Input forms in the chat, as a logged-out visitor: a chatflow pauses at a form, the form
 * shows inside the answer, a button answers it and the resumed run streams into the same bubble.
 * Dify's form token never reaches the browser; another visitor's handle is 404; a second answer,
 * an expired form are refused with a sentence; a reload brings a pending form back. Screenshots of
 * a pending and an answered form go to artifacts/screenshots/.
 */
import path from 'path';
import type { Locator, Page } from '@playwright/test';

import { recordBodies } from '../utils/bodies';
import { test, expect } from '../utils/test';
import { withApp } from '../utils/site';
import { lastSeq, recordedRequests } from '../utils/emulator';

test.use( { storageState: { cookies: [], origins: [] } } );

const SHOTS = path.join(
	process.env.WP_ARTIFACTS_PATH ?? 'artifacts',
	'screenshots'
);

async function ask( page: Page, question: string ) {
	const input = page.getByRole( 'textbox', { name: 'Message' } );
	await input.fill( question );
	await input.press( 'Enter' );
}

function answer( page: Page ): Locator {
	return page.locator( '.dify-chatbot__message.is-assistant' ).last();
}

/**
 * Scrolls the page and the chat's log so that an element is in the middle of both (for a
 * screenshot that shows it).
 *
 * @param element The element.
 */
async function centre( element: Locator ) {
	await element.evaluate( ( node ) =>
		node.scrollIntoView( { block: 'center' } )
	);
}

/**
 * Every response body the page receives, to scan for what must not reach it.
 * @param page
 */
/**
 * POSTs an answer to a form handle from a page (as that page's visitor).
 * @param page
 * @param handle
 */
function answerFrom( page: Page, handle: string ) {
	return page.evaluate( async ( form ) => {
		const response = await fetch(
			`/?rest_route=/dify-chatbot/v1/forms/${ form }`,
			{
				method: 'POST',
				headers: {
					'Content-Type': 'application/json',
					Accept: 'application/json',
				},
				body: JSON.stringify( {
					action: 'approve',
					inputs: { priority: 'low' },
				} ),
			}
		);
		return {
			status: response.status,
			body: ( await response.json() ) as Record< string, unknown >,
		};
	}, handle );
}

/**
 * The form handle the page's last answer holds (read from the stream the page received).
 * @param page
 * @param bodies
 */
async function handleOf( page: Page, bodies: string[] ): Promise< string > {
	await expect(
		answer( page ).locator( '.dify-chatbot__human-form' )
	).toBeVisible( {
		timeout: 30_000,
	} );
	const match = bodies
		.join( '\n' )
		.match( /"form":"([A-Za-z0-9_-]{16,128})"/ );
	expect( match ).not.toBeNull();
	return match?.[ 1 ] ?? '';
}

test.describe( 'Human Input forms', () => {
	withApp( 'app-emulator-approval' );

	test( 'a paused answer shows its form; a button resumes the run in the same bubble', async ( {
		page,
		browser,
	}, testInfo ) => {
		const bodies = await recordBodies( page );
		await page.goto( '/dify-chatbot-block/' );
		await ask( page, 'Please approve the refund #human:simple #delay:10' );
		const form = answer( page ).locator( '.dify-chatbot__human-form' );
		await expect( form ).toBeVisible( { timeout: 30_000 } );
		await expect( answer( page ) ).toHaveAttribute( 'data-status', 'done' );
		await expect( form.getByRole( 'heading' ) ).toHaveText(
			'Review the draft'
		);
		await expect( form.locator( 'textarea' ) ).not.toHaveValue( '' );
		await expect( form.locator( 'select option' ) ).toHaveText( [
			'low',
			'normal',
			'high',
		] );
		await expect( form.getByRole( 'button' ) ).toHaveText( [
			'Approve',
			'Request changes',
			'Escalate',
			'Skip review',
		] );
		await expect(
			form.locator( '.dify-chatbot__human-expiry' )
		).toBeVisible();
		await expect( page.locator( '.dify-chatbot__error' ) ).toHaveCount( 0 );
		const handle = await handleOf( page, bodies );
		const draft = ( await answer( page ).textContent() ) ?? '';
		await centre( form.locator( '.dify-chatbot__human-field' ).first() );
		const pending = await page.screenshot( {
			path: path.join( SHOTS, 'human-input-pending.png' ),
		} );
		await testInfo.attach( 'human-input-pending.png', {
			body: pending,
			contentType: 'image/png',
		} );

		const since = await lastSeq();
		await form.locator( 'select' ).selectOption( 'high' );
		await form.getByRole( 'button', { name: 'Approve' } ).click();
		await expect( answer( page ) ).toHaveAttribute( 'data-status', 'done', {
			timeout: 30_000,
		} );
		await expect(
			page.locator( '.dify-chatbot__message.is-assistant' )
		).toHaveCount( 1 );
		await expect(
			form.locator( '.dify-chatbot__human-answered' )
		).toHaveText( 'Answered: Approve' );
		await expect( form.getByRole( 'button' ) ).toHaveCount( 0 );
		const resumed = ( await answer( page ).textContent() ) ?? '';
		expect( resumed.length ).toBeGreaterThan( draft.length );
		// The resumed run's text follows the form, in the same bubble.
		await expect(
			answer( page ).locator( '.dify-chatbot__human-form ~ *' ).first()
		).toBeVisible();
		await centre( form.locator( '.dify-chatbot__human-answered' ) );
		const answered = await page.screenshot( {
			path: path.join( SHOTS, 'human-input-answered.png' ),
		} );
		await testInfo.attach( 'human-input-answered.png', {
			body: answered,
			contentType: 'image/png',
		} );

		// What Dify received: the token (the browser never had it) and the visitor's answer.
		const [ submit ] = (
			await recordedRequests( { since, path: '/form/human_input/' } )
		).filter( ( r ) => r.method === 'POST' );
		const token = ( submit?.path ?? '' ).split( '/' ).pop() ?? '';
		expect( token.length ).toBeGreaterThan( 10 );
		expect(
			( submit?.body as { inputs: Record< string, unknown > } ).inputs
				.priority
		).toBe( 'high' );
		const seen = bodies.join( '\n' );
		expect( seen ).not.toContain( token );
		expect( seen ).not.toContain( 'form_token' );
		expect( seen ).not.toContain( 'sys.user_id' );

		// A second answer is refused with a sentence; Dify is not asked again.
		const again = await answerFrom( page, handle );
		expect( again.status ).toBe( 409 );
		expect( again.body.message ).toBe(
			'This form has already been answered.'
		);

		// Another visitor (another browser, no cookie) does not find the form.
		const other = await browser.newContext( {
			baseURL: testInfo.project.use.baseURL,
		} );
		const stranger = await other.newPage();
		await stranger.goto( '/dify-chatbot-block/' );
		const foreign = await answerFrom( stranger, handle );
		expect( foreign.status ).toBe( 404 );
		expect( foreign.body.code ).toBe( 'dify_chatbot_form_not_found' );
		await other.close();
		expect(
			(
				await recordedRequests( { since, path: '/form/human_input/' } )
			).filter( ( r ) => r.method === 'POST' )
		).toHaveLength( 1 );
	} );

	test( 'file fields upload as the visitor and the resumed answer names the files', async ( {
		page,
	} ) => {
		await page.goto( '/dify-chatbot-block/' );
		await ask( page, 'Approve with my files #human #delay:10' );
		const form = answer( page ).locator( '.dify-chatbot__human-form' );
		await expect( form ).toBeVisible( { timeout: 30_000 } );
		await expect( form ).not.toContainText( 'Files cannot be added' );
		const attachment = form.locator(
			'input[type="file"][name="attachment"]'
		);
		const evidence = form.locator( 'input[type="file"][name="evidence"]' );
		await expect( attachment ).not.toHaveAttribute( 'multiple' );
		await expect( evidence ).toHaveAttribute( 'multiple', '' );
		// The field's types: images and documents.
		await expect( attachment ).toHaveAttribute( 'accept', /\.pdf/ );
		await expect( attachment ).not.toHaveAttribute( 'accept', /\.mp3/ );

		const since = await lastSeq();
		await attachment.setInputFiles( {
			name: 'brief.txt',
			mimeType: 'text/plain',
			buffer: Buffer.from( 'The brief.\n' ),
		} );
		await expect(
			form.getByRole( 'button', { name: 'Remove brief.txt' } )
		).toBeVisible();
		await evidence.setInputFiles( [
			{
				name: 'one.txt',
				mimeType: 'text/plain',
				buffer: Buffer.from( 'One.\n' ),
			},
			{
				name: 'two.txt',
				mimeType: 'text/plain',
				buffer: Buffer.from( 'Two.\n' ),
			},
		] );
		// Listed (with its Remove button) once uploaded: "Uploading two.txt…" also names the file.
		await expect(
			form.getByRole( 'button', { name: 'Remove two.txt' } )
		).toBeVisible();
		await form.getByRole( 'button', { name: 'Approve' } ).click();
		await expect( answer( page ) ).toHaveAttribute( 'data-status', 'done', {
			timeout: 30_000,
		} );
		await expect( answer( page ) ).toContainText(
			'with 3 file(s): brief.txt, one.txt, two.txt'
		);

		// Each upload and the submit reached Dify as the same user.
		const uploads = await recordedRequests( {
			since,
			path: '/files/upload',
		} );
		expect( uploads ).toHaveLength( 3 );
		const [ submit ] = (
			await recordedRequests( { since, path: '/form/human_input/' } )
		).filter( ( r ) => r.method === 'POST' );
		expect( new Set( uploads.map( ( u ) => u.user ) ) ).toEqual(
			new Set( [ submit?.user ] )
		);
		const inputs = ( submit?.body as { inputs: Record< string, unknown > } )
			.inputs;
		expect( inputs.attachment ).toMatchObject( {
			type: 'document',
			transfer_method: 'local_file',
		} );
		expect( inputs.evidence ).toHaveLength( 2 );
	} );

	test( 'a run that ended before the chat followed it still shows its answer (from the history)', async ( {
		page,
	} ) => {
		await page.goto( '/dify-chatbot-block/' );
		await ask(
			page,
			'Approve at once #human:simple #variant:form_submit:after_run #delay:0'
		);
		const form = answer( page ).locator( '.dify-chatbot__human-form' );
		await expect( form ).toBeVisible( { timeout: 30_000 } );
		const since = await lastSeq();
		await form.getByRole( 'button', { name: 'Approve' } ).click();
		await expect( answer( page ) ).toHaveAttribute( 'data-status', 'done', {
			timeout: 30_000,
		} );
		// The resumed stream brought only the finished run; the text came from the history.
		await expect(
			answer( page ).locator( '.dify-chatbot__human-form ~ *' ).first()
		).toContainText( 'Approved by the reviewer' );
		await expect( page.locator( '.dify-chatbot__error' ) ).toHaveCount( 0 );
		await expect(
			page.locator( '.dify-chatbot__message.is-assistant' )
		).toHaveCount( 1 );
		expect(
			await recordedRequests( { since, path: '/messages' } )
		).not.toHaveLength( 0 );
	} );

	test( 'a reload brings a pending form back, and it can still be answered', async ( {
		page,
	} ) => {
		const bodies = await recordBodies( page );
		await page.goto( '/dify-chatbot-block/' );
		await ask( page, 'Approve after a reload #human:simple #delay:10' );
		const handle = await handleOf( page, bodies );
		await page.reload();
		const form = answer( page ).locator( '.dify-chatbot__human-form' );
		await expect( form ).toBeVisible( { timeout: 30_000 } );
		expect( bodies.join( '\n' ) ).toContain( `"form":"${ handle }"` );
		await form.getByRole( 'button', { name: 'Request changes' } ).click();
		await expect(
			form.locator( '.dify-chatbot__human-answered' )
		).toHaveText( 'Answered: Request changes', { timeout: 30_000 } );
		await expect( answer( page ) ).toHaveAttribute( 'data-status', 'done', {
			timeout: 30_000,
		} );
	} );

	test( 'an expired form says so and takes no answer', async ( { page } ) => {
		await page.goto( '/dify-chatbot-block/' );
		await ask( page, 'Approve quickly #human:simple #expire:2 #delay:0' );
		const form = answer( page ).locator( '.dify-chatbot__human-form' );
		await expect( form ).toBeVisible( { timeout: 30_000 } );
		await page.waitForTimeout( 3_000 );
		const since = await lastSeq();
		await form.getByRole( 'button', { name: 'Approve' } ).click();
		await expect( form.locator( '.dify-chatbot__human-error' ) ).toHaveText(
			'This form has expired: the assistant no longer waits for an answer.'
		);
		await expect( form.getByRole( 'button' ) ).toHaveCount( 0 );
		expect(
			(
				await recordedRequests( { since, path: '/form/human_input/' } )
			).filter( ( r ) => r.method === 'POST' )
		).toHaveLength( 0 );
	} );
} );
