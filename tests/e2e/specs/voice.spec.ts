/**
 * Voice, as a logged-out visitor in Chromium with a fake microphone (playwright.config.ts):
 * dictation lands in the question box, an answer is read aloud, a refused microphone is
 * explained, and an app without voice shows neither button.
 */
import type { Page } from '@playwright/test';

import { bodiesContaining, recordBodies } from '../utils/bodies';
import { test, expect } from '../utils/test';
import { withApp } from '../utils/site';
import { lastSeq, recordedRequests } from '../utils/emulator';

test.use( { storageState: { cookies: [], origins: [] } } );

async function ask( page: Page, question: string ) {
	const input = page.getByRole( 'textbox', { name: 'Message' } );
	await input.fill( question );
	await input.press( 'Enter' );
	await expect(
		page.locator( '.dify-chatbot__message.is-assistant' ).last()
	).toHaveAttribute( 'data-status', 'done', { timeout: 30_000 } );
}

test( 'a visitor speaks a message: the recording is transcribed into the question box', async ( {
	page,
} ) => {
	await page.goto( '/dify-chatbot-block/' );
	const since = await lastSeq();
	const microphone = page.getByRole( 'button', {
		name: 'Speak your message',
	} );
	await microphone.click();
	const stop = page.getByRole( 'button', { name: 'Stop recording' } );
	await expect( stop ).toHaveAttribute( 'aria-pressed', 'true' );
	// Let the fake microphone record a little sound.
	await page.waitForTimeout( 1200 );
	const transcribed = page.waitForResponse( ( r ) =>
		r.url().includes( 'dify-chatbot/v1/audio-to-text' )
	);
	await stop.click();
	expect( ( await transcribed ).status() ).toBe( 200 );

	const input = page.getByRole( 'textbox', { name: 'Message' } );
	await expect( input ).toHaveValue(
		/^Hello from the Dify emulator\. This is the transcript of speech\.wav \(\d+ bytes\)\.$/
	);
	await expect( input ).toBeFocused();
	await expect( microphone ).toBeVisible();

	// Dify received a WAV recording from this visitor (MediaRecorder's WebM is converted).
	const [ upload ] = await recordedRequests( {
		since,
		path: '/audio-to-text',
	} );
	expect( upload?.status ).toBe( 200 );
	expect( upload?.user ).toMatch( /^visitor-/ );
	const part = (
		upload?.body as { files: Array< Record< string, unknown > > }
	 ).files[ 0 ];
	expect( part ).toMatchObject( {
		filename: 'speech.wav',
		type: 'audio/wav',
	} );
	expect( part?.size as number ).toBeGreaterThan( 44 + 16000 );
} );

test( 'a refused microphone is explained', async ( { page } ) => {
	await page.addInitScript( () => {
		navigator.mediaDevices.getUserMedia = () =>
			Promise.reject(
				new DOMException( 'Permission denied', 'NotAllowedError' )
			);
	} );
	await page.goto( '/dify-chatbot-block/' );
	await page.getByRole( 'button', { name: 'Speak your message' } ).click();
	await expect( page.getByRole( 'alert' ) ).toContainText(
		'Microphone access was denied.'
	);
	await expect(
		page.getByRole( 'button', { name: 'Speak your message' } )
	).toBeVisible();
} );

test( 'an answer is read aloud with the app’s voice', async ( { page } ) => {
	await page.goto( '/dify-chatbot-block/' );
	await ask( page, 'Say something #echo Reading this aloud works.' );
	const since = await lastSeq();
	const spoken = page.waitForResponse( ( r ) =>
		r.url().includes( 'dify-chatbot/v1/text-to-audio' )
	);
	await page.getByRole( 'button', { name: 'Read aloud' } ).click();
	const response = await spoken;
	expect( response.status() ).toBe( 200 );
	expect( response.headers()[ 'content-type' ] ).toBe( 'audio/mpeg' );
	const bytes = await response.body();
	expect( bytes.subarray( 0, 2 ) ).toEqual( Buffer.from( [ 0xff, 0xfb ] ) );

	const audio = page.locator( 'audio.dify-chatbot__audio' );
	await expect( audio ).toHaveAttribute( 'src', /^blob:/ );
	await expect
		.poll( () =>
			audio.evaluate(
				( el: HTMLAudioElement ) =>
					! el.error && ( ! el.paused || el.ended )
			)
		)
		.toBe( true );

	const [ request ] = await recordedRequests( {
		since,
		path: '/text-to-audio',
	} );
	expect( request?.user ).toMatch( /^visitor-/ );
	expect( request?.body ).toEqual( {
		user: request?.user,
		text: 'Say something Reading this aloud works.',
	} );
} );

test( 'audio that comes with an answer is not played when the app does not auto-play', async ( {
	page,
} ) => {
	await page.addInitScript( () => {
		( window as unknown as { plays: number } ).plays = 0;
		const play = HTMLMediaElement.prototype.play;
		HTMLMediaElement.prototype.play = function () {
			( window as unknown as { plays: number } ).plays++;
			return play.call( this );
		};
	} );
	const bodies = await recordBodies( page, 'dify-chatbot/v1/chat' );
	await page.goto( '/dify-chatbot-block/' );
	await ask( page, 'Hello #tts' );
	// The stream carried tts_message audio (the emulator sends it after message_end).
	await bodiesContaining( bodies, '"event":"tts_message"' );
	expect(
		await page.evaluate(
			() => ( window as unknown as { plays: number } ).plays
		)
	).toBe( 0 );
} );

test.describe( 'an app without voice', () => {
	withApp( 'app-emulator-plain' );

	test( 'shows no microphone and no Read aloud, and loads no media script', async ( {
		page,
	} ) => {
		const scripts: string[] = [];
		page.on( 'request', ( r ) => scripts.push( r.url() ) );
		await page.goto( '/dify-chatbot-block/' );
		await ask( page, 'Hello #delay:0' );
		await expect(
			page.getByRole( 'button', { name: 'Copy' } )
		).toBeVisible();
		await expect(
			page.getByRole( 'button', { name: 'Read aloud' } )
		).toHaveCount( 0 );
		await expect(
			page.getByRole( 'button', { name: 'Speak your message' } )
		).toHaveCount( 0 );
		expect(
			scripts.filter( ( url ) => url.includes( 'media.js' ) )
		).toEqual( [] );
	} );
} );
