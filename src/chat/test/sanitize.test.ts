/**
 * The sanitizer's two ways (jsdom has no HTML Sanitizer API, so these run DOMPurify; Chromium's
 * own API is exercised by the e2e suite) and what comes out before one is ready.
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { describe, expect, it, jest } from '@jest/globals';

type Sanitize = typeof import( '../sanitize' );
type Markdown = typeof import( '../markdown' );

function fresh< T >( path: string ): T {
	let module: T | undefined;
	jest.isolateModules( () => {
		module = jest.requireActual< T >( path );
	} );
	return module as T;
}

describe( 'before a sanitizer is ready', () => {
	it( 'sanitizes nothing, and an answer shows as plain text, never parsed', () => {
		const sanitize = fresh< Sanitize >( '../sanitize' );
		const markdown = fresh< Markdown >( '../markdown' );
		expect( sanitize.sanitizerReady() ).toBe( false );
		expect( sanitize.sanitize( '<b>x</b>', 'answer' ) ).toBeNull();
		const root = document.createElement( 'div' );
		root.appendChild(
			markdown.renderMarkdown( '**Hi** <img src=x onerror=alert(1)>' )
		);
		expect( root.children ).toHaveLength( 0 );
		expect( root.textContent ).toBe(
			'**Hi** <img src=x onerror=alert(1)>'
		);
	} );

	it( 'is ready once DOMPurify has loaded, and loads it once', async () => {
		const sanitize = fresh< Sanitize >( '../sanitize' );
		const first = sanitize.whenSanitizerReady();
		expect( sanitize.whenSanitizerReady() ).toBe( first );
		await first;
		expect( sanitize.sanitizerReady() ).toBe( true );
		const root = document.createElement( 'div' );
		root.appendChild(
			sanitize.sanitize( '<b onclick="x()">x</b>', 'answer' ) as Node
		);
		expect( root.innerHTML ).toBe( '<b>x</b>' );
	} );
} );

describe( 'the code profile (highlight.js tokens)', () => {
	it( 'keeps only spans with highlight.js classes', async () => {
		const sanitize = fresh< Sanitize >( '../sanitize' );
		await sanitize.whenSanitizerReady();
		const root = document.createElement( 'div' );
		root.appendChild(
			sanitize.sanitize(
				'<span class="hljs-keyword">const</span> <span class="evil">x</span> <b>y</b><img src=x onerror=alert(1)><span class="hljs-title function_">f</span>',
				'code'
			) as Node
		);
		expect( root.innerHTML ).toBe(
			'<span class="hljs-keyword">const</span> <span>x</span> y<span class="hljs-title function_">f</span>'
		);
	} );
} );
