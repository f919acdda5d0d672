/**
 * The app's input form (Dify's `user_input_form`), as a logged-out visitor meets it: the fields
 * before the first message, checks on the field, the values sent with every turn, and inputs the
 * site fills in on the server, which the browser neither sees nor overrides.
 */
import type { Page } from '@playwright/test';

import { test, expect } from '../utils/test';
import { setSwitch, withApp } from '../utils/site';
import { lastSeq, recordedRequests } from '../utils/emulator';

test.use( { storageState: { cookies: [], origins: [] } } );

async function ask( page: Page, question: string ) {
	const input = page.getByRole( 'textbox', { name: 'Message' } );
	await input.fill( question );
	await input.press( 'Enter' );
}

async function sentInputs( since: number ) {
	const posts = ( await recordedRequests( { since } ) ).filter(
		( r ) => r.method === 'POST' && r.path.endsWith( '/chat-messages' )
	);
	return posts.map(
		( r ) => ( r.body as { inputs: Record< string, unknown > } ).inputs
	);
}

test.describe( 'an app with an input form', () => {
	withApp( 'app-emulator-form' );
	test.afterEach( ( { requestUtils } ) =>
		setSwitch( requestUtils, 'site_inputs', false )
	);

	test( 'asks for the fields first, points at a mistake, and sends the values every turn', async ( {
		page,
	} ) => {
		await page.goto( '/dify-chatbot-block/' );
		const form = page.getByRole( 'group', { name: 'Before you start' } );
		await expect( form ).toBeVisible();
		const name = form.getByLabel( 'Your name' );
		const topic = form.getByLabel( 'Topic' );
		await expect( form.getByLabel( 'Age (optional)' ) ).toBeVisible();
		await expect(
			form.getByLabel( 'Send me news (optional)' )
		).not.toBeChecked();

		const since = await lastSeq();
		await ask( page, 'Hello there #delay:1' );
		// Nothing was sent: the name is required, and the keyboard is taken to it.
		await expect( name ).toBeFocused();
		await expect( name ).toHaveAttribute( 'aria-invalid', 'true' );
		await expect( name ).toHaveAccessibleDescription(
			'This field is required.'
		);
		await expect(
			page.getByRole( 'textbox', { name: 'Message' } )
		).toHaveValue( 'Hello there #delay:1' );

		await name.fill( 'A name far too long for it' );
		await topic.selectOption( 'support' );
		await page.getByRole( 'textbox', { name: 'Message' } ).press( 'Enter' );
		await expect( name ).toHaveAccessibleDescription(
			'At most 20 characters.'
		);
		expect( await sentInputs( since ) ).toEqual( [] );

		await name.fill( 'Ann' );
		await form.getByLabel( 'Age (optional)' ).fill( '42' );
		await form.getByLabel( 'Send me news (optional)' ).check();
		await page.getByRole( 'textbox', { name: 'Message' } ).press( 'Enter' );
		const answer = page.locator( '.dify-chatbot__message.is-assistant' );
		await expect( answer.first() ).toHaveAttribute( 'data-status', 'done', {
			timeout: 30_000,
		} );
		await expect( form ).toBeHidden();

		await ask( page, 'And a second question #delay:1' );
		await expect( answer.nth( 1 ) ).toHaveAttribute(
			'data-status',
			'done',
			{
				timeout: 30_000,
			}
		);
		const expected = {
			name: 'Ann',
			topic: 'support',
			age: 42,
			subscribe: true,
		};
		expect( await sentInputs( since ) ).toEqual( [ expected, expected ] );

		// After a reload the conversation continues with the same values.
		await page.reload();
		await expect( answer ).toHaveCount( 2 );
		await ask( page, 'Third #delay:1' );
		await expect( answer.nth( 2 ) ).toHaveAttribute(
			'data-status',
			'done',
			{
				timeout: 30_000,
			}
		);
		expect( ( await sentInputs( since ) )[ 2 ] ).toEqual( expected );
	} );

	test( 'a file field uploads by its own rules and sends Dify’s file object', async ( {
		page,
	} ) => {
		await page.goto( '/dify-chatbot-block/' );
		const form = page.getByRole( 'group', { name: 'Before you start' } );
		await form.getByLabel( 'Your name' ).fill( 'Ann' );
		await form.getByLabel( 'Topic' ).selectOption( 'billing' );
		const field = form.getByLabel( 'A document (optional)' );
		// A picture is not a document: refused in the browser, nothing uploaded.
		await field.setInputFiles( {
			name: 'photo.png',
			mimeType: 'image/png',
			buffer: Buffer.from( '89504e470d0a1a0a', 'hex' ),
		} );
		await expect( form ).toContainText(
			'files of this type are not accepted'
		);
		const since = await lastSeq();
		await field.setInputFiles( {
			name: 'notes.txt',
			mimeType: 'text/plain',
			buffer: Buffer.from( 'Meeting notes' ),
		} );
		await expect(
			form.getByRole( 'list', { name: 'Files for “A document”' } )
		).toContainText( 'notes.txt' );
		const uploads = (
			await recordedRequests( { since, path: '/files/upload' } )
		).filter( ( r ) => r.method === 'POST' );
		expect( uploads ).toHaveLength( 1 );
		await ask( page, 'Summarize my document #delay:1' );
		await expect(
			page.locator( '.dify-chatbot__message.is-assistant' ).first()
		).toHaveAttribute( 'data-status', 'done', { timeout: 30_000 } );
		const [ inputs ] = await sentInputs( since );
		expect( inputs?.document ).toEqual( {
			type: 'document',
			transfer_method: 'local_file',
			upload_file_id: expect.stringMatching( /^[0-9a-f-]{36}$/ ),
		} );
		expect( uploads[ 0 ]?.user ).toBe(
			(
				await recordedRequests( { since, path: '/chat-messages' } )
			).find( ( r ) => r.method === 'POST' )?.user
		);
	} );

	test( 'a field the site fills in is hidden, and the site’s value wins', async ( {
		page,
		requestUtils,
	} ) => {
		await setSwitch( requestUtils, 'site_inputs', true );
		await page.goto( '/dify-chatbot-shortcode/' );
		const form = page.getByRole( 'group', { name: 'Before you start' } );
		await expect( form.getByLabel( 'Your name' ) ).toBeVisible();
		await expect( form.getByLabel( 'Page title (optional)' ) ).toHaveCount(
			0
		);

		const since = await lastSeq();
		await form.getByLabel( 'Your name' ).fill( 'Ann' );
		await form.getByLabel( 'Topic' ).selectOption( 'sales' );
		// Even a browser that sends the field itself cannot override the site.
		await page.route( '**/dify-chatbot/v1/chat*', async ( route ) => {
			const body = JSON.parse( route.request().postData() ?? '{}' );
			body.inputs = {
				...body.inputs,
				page_title: 'Forged by the browser',
			};
			await route.continue( { postData: JSON.stringify( body ) } );
		} );
		await ask( page, 'Where am I? #delay:1' );
		await expect(
			page.locator( '.dify-chatbot__message.is-assistant' ).first()
		).toHaveAttribute( 'data-status', 'done', { timeout: 30_000 } );
		const [ inputs ] = await sentInputs( since );
		expect( inputs ).toMatchObject( {
			name: 'Ann',
			topic: 'sales',
			page_title: 'Dify Chatbot (shortcode)',
		} );
	} );
} );

test( 'an app with only optional fields keeps them behind a disclosure', async ( {
	page,
} ) => {
	await page.goto( '/dify-chatbot-shortcode/' );
	const disclosure = page.getByText( 'Add details (optional)' );
	await expect( disclosure ).toBeVisible();
	await expect( page.getByLabel( 'Your name (optional)' ) ).toBeHidden();
	await disclosure.click();
	await page.getByLabel( 'Your name (optional)' ).fill( 'Bo' );
	const since = await lastSeq();
	await ask( page, 'Hi #delay:1' );
	await expect(
		page.locator( '.dify-chatbot__message.is-assistant' ).first()
	).toHaveAttribute( 'data-status', 'done', { timeout: 30_000 } );
	// The name, and the app's defaults the form started with.
	expect( await sentInputs( since ) ).toEqual( [
		{ name: 'Bo', tone: 'friendly', verbose: false },
	] );
} );

test.describe( 'an app without a form', () => {
	withApp( 'app-emulator-plain' );

	test( 'shows none and sends no inputs', async ( { page } ) => {
		const parameters = page.waitForResponse( ( r ) =>
			r.url().includes( 'dify-chatbot/v1/parameters' )
		);
		await page.goto( '/dify-chatbot-shortcode/' );
		await parameters;
		const since = await lastSeq();
		await ask( page, 'Hi #delay:1' );
		await expect(
			page.locator( '.dify-chatbot__message.is-assistant' ).first()
		).toHaveAttribute( 'data-status', 'done', { timeout: 30_000 } );
		await expect( page.locator( '.dify-chatbot__inputs' ) ).toHaveCount(
			0
		);
		expect( await sentInputs( since ) ).toEqual( [ {} ] );
	} );
} );
