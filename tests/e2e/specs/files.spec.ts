/**
 * Files and images, as a logged-out visitor: attach an image (preview, upload progress), send it
 * with a question, see it in the question, and what Dify received; a refused type; and an app
 * without uploads, which shows no attach button.
 */
import type { Page } from '@playwright/test';

import { makePng } from '../../emulator/media';
import { test, expect } from '../utils/test';
import { withApp } from '../utils/site';
import { lastSeq, recordedRequests } from '../utils/emulator';

test.use( { storageState: { cookies: [], origins: [] } } );

async function choose(
	page: Page,
	files: Array< { name: string; mimeType: string; buffer: Buffer } >
) {
	const chooser = page.waitForEvent( 'filechooser' );
	await page.getByRole( 'button', { name: 'Attach files' } ).click();
	await ( await chooser ).setFiles( files );
}

const isUpload = ( url: string ) => url.includes( 'dify-chatbot/v1/files' );

test( 'a visitor attaches an image, sees its preview and progress, and sends it with the question', async ( {
	page,
} ) => {
	await page.goto( '/dify-chatbot-block/' );
	const since = await lastSeq();

	// The upload waits until the progress bar has been seen.
	let release = () => {};
	const held = new Promise< void >( ( resolve ) => ( release = resolve ) );
	await page.route(
		( url ) => isUpload( url.href ),
		async ( route ) => {
			await held;
			await route.continue();
		}
	);
	const uploaded = page.waitForResponse( ( r ) => isUpload( r.url() ) );
	await choose( page, [
		{ name: 'cat.png', mimeType: 'image/png', buffer: makePng( 7, 16 ) },
	] );

	const attached = page.getByRole( 'list', { name: 'Attached files' } );
	await expect( attached.getByRole( 'listitem' ) ).toHaveCount( 1 );
	await expect( attached ).toContainText( 'cat.png' );
	await expect(
		attached.locator( 'img.dify-chatbot__attachment-preview' )
	).toHaveAttribute( 'src', /^blob:/ );
	const progress = attached.getByRole( 'progressbar', {
		name: 'Uploading cat.png',
	} );
	await expect( progress ).toBeVisible();
	await expect( progress ).toHaveAttribute( 'aria-valuenow', /^\d+$/ );
	// Sending waits for the upload.
	await expect(
		page.getByRole( 'button', { name: 'Send' } )
	).toHaveAttribute( 'aria-disabled', 'true' );

	release();
	const response = await uploaded;
	expect( response.status() ).toBe( 201 );
	const file = ( await response.json() ) as Record< string, unknown >;
	expect( Object.keys( file ).sort() ).toEqual(
		[ 'extension', 'id', 'mime_type', 'name', 'size', 'type' ].sort()
	);
	await expect( progress ).toHaveCount( 0 );
	await expect( attached.getByRole( 'listitem' ) ).toHaveAttribute(
		'data-status',
		'done'
	);

	const input = page.getByRole( 'textbox', { name: 'Message' } );
	await input.fill( 'What is in this picture? #delay:0' );
	await input.press( 'Enter' );

	// The question shows the image; the question box is empty again.
	const question = page.locator( '.dify-chatbot__message.is-user' );
	await expect(
		question.getByRole( 'img', { name: 'cat.png' } )
	).toHaveAttribute( 'src', /^blob:/ );
	await expect( attached ).toHaveCount( 0 );
	await expect(
		page.locator( '.dify-chatbot__message.is-assistant' )
	).toHaveAttribute( 'data-status', 'done', { timeout: 30_000 } );

	// Dify got the file from this visitor, then the question with the upload's id.
	const upload = (
		await recordedRequests( { since, path: '/files/upload' } )
	)[ 0 ];
	expect( upload?.status ).toBe( 201 );
	expect( upload?.user ).toMatch( /^visitor-/ );
	const part = (
		upload?.body as { files: Array< Record< string, unknown > > }
	 ).files[ 0 ];
	expect( part ).toMatchObject( {
		field: 'file',
		filename: 'cat.png',
		type: 'image/png',
		size: makePng( 7, 16 ).length,
	} );
	const chat = (
		await recordedRequests( { since, path: '/chat-messages' } )
	).find( ( r ) => r.method === 'POST' );
	expect( chat?.user ).toBe( upload?.user );
	expect( ( chat?.body as Record< string, unknown > ).files ).toEqual( [
		{
			type: 'image',
			transfer_method: 'local_file',
			upload_file_id: file.id,
		},
	] );
} );

test( 'a file of a type the app does not take is refused with a message, and a file can be removed', async ( {
	page,
} ) => {
	await page.goto( '/dify-chatbot-block/' );
	const since = await lastSeq();
	await choose( page, [
		{
			name: 'setup.exe',
			mimeType: 'application/octet-stream',
			buffer: Buffer.from( 'MZ' ),
		},
	] );
	await expect( page.getByRole( 'alert' ) ).toContainText(
		'“setup.exe” cannot be attached: files of this type are not accepted.'
	);
	await expect(
		page.getByRole( 'list', { name: 'Attached files' } )
	).toHaveCount( 0 );

	await choose( page, [
		{
			name: 'notes.txt',
			mimeType: 'text/plain',
			buffer: Buffer.from( 'Some notes.\n' ),
		},
	] );
	const attached = page.getByRole( 'list', { name: 'Attached files' } );
	await expect( attached.getByRole( 'listitem' ) ).toHaveAttribute(
		'data-status',
		'done'
	);
	await page.getByRole( 'button', { name: 'Remove notes.txt' } ).click();
	await expect( attached ).toHaveCount( 0 );

	// Only the accepted file reached Dify; the refused one never left the browser.
	const uploads = await recordedRequests( { since, path: '/files/upload' } );
	expect(
		uploads.map(
			( r ) =>
				( r.body as { files: Array< { filename: string } > } )
					.files[ 0 ]?.filename
		)
	).toEqual( [ 'notes.txt' ] );
} );

test.describe( 'a logged-in user', () => {
	test.use( {
		storageState: process.env.STORAGE_STATE_PATH as string,
	} );

	test( 'uploads as their WordPress account (the REST nonce is sent with the upload)', async ( {
		page,
	} ) => {
		await page.goto( '/dify-chatbot-block/' );
		const since = await lastSeq();
		const uploaded = page.waitForResponse( ( r ) => isUpload( r.url() ) );
		await choose( page, [
			{
				name: 'notes.txt',
				mimeType: 'text/plain',
				buffer: Buffer.from( 'Notes.\n' ),
			},
		] );
		const response = await uploaded;
		expect( response.status() ).toBe( 201 );
		expect( response.request().headers()[ 'x-wp-nonce' ] ).toMatch(
			/^[a-z0-9]+$/
		);
		const [ upload ] = await recordedRequests( {
			since,
			path: '/files/upload',
		} );
		expect( upload?.user ).toMatch( /^wp-user-\d+-[0-9a-f]{8}$/ );
	} );
} );

test.describe( 'an app without uploads', () => {
	withApp( 'app-emulator-plain' );

	test( 'shows no attach button, and the route refuses a file', async ( {
		page,
	} ) => {
		const parameters = page.waitForResponse( ( r ) =>
			r.url().includes( 'dify-chatbot/v1/parameters' )
		);
		await page.goto( '/dify-chatbot-block/' );
		expect( ( await parameters ).status() ).toBe( 200 );
		const input = page.getByRole( 'textbox', { name: 'Message' } );
		await expect( input ).toBeVisible();
		await expect(
			page.getByRole( 'button', { name: 'Attach files' } )
		).toHaveCount( 0 );

		// Even a hand-made upload is refused before Dify is asked.
		const since = await lastSeq();
		const status = await page.evaluate( async () => {
			const form = new FormData();
			form.append( 'file', new Blob( [ 'x' ] ), 'a.png' );
			const config = window.difyChatbotConfig;
			const response = await fetch( `${ config?.restUrl }files`, {
				method: 'POST',
				body: form,
			} );
			return response.status;
		} );
		expect( status ).toBe( 403 );
		expect(
			await recordedRequests( { since, path: '/files/upload' } )
		).toEqual( [] );
	} );
} );
