/**
 * Highlighting of fenced code: known languages get token spans, and nothing else changes.
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { beforeAll, describe, expect, it } from '@jest/globals';

import { whenSanitizerReady } from '../sanitize';

import { highlightWithin, languageOf } from '../highlight';
import { renderMarkdown } from '../markdown';

function render( text: string ): HTMLElement {
	const root = document.createElement( 'div' );
	root.appendChild( renderMarkdown( text ) );
	return root;
}

// jsdom has no HTML Sanitizer API: answers go through DOMPurify, loaded on demand.
beforeAll( () => whenSanitizerReady() );

describe( 'markdown keeps a fence language for the highlighter', () => {
	it( 'keeps language-* on code and nothing else', () => {
		const root = render(
			'```php\n<?php echo 1;\n```\n\n<p class="evil">x</p><span class="language-js">y</span>'
		);
		expect( root.querySelector( 'pre > code' )?.className ).toBe(
			'language-php'
		);
		expect( root.querySelector( '.evil' ) ).toBeNull();
		expect( root.querySelector( 'span[class]' ) ).toBeNull();
	} );

	it( 'drops a class that only starts like a language', () => {
		const root = render(
			'<pre><code class="language-js evil">x</code></pre>'
		);
		expect( root.querySelector( 'code' )?.hasAttribute( 'class' ) ).toBe(
			false
		);
	} );
} );

describe( 'highlightWithin', () => {
	it( 'wraps tokens of a known language and keeps the text', () => {
		const source = 'const answer = "42"; // why';
		const root = render( '```javascript\n' + source + '\n```' );
		expect( highlightWithin( root ) ).toBe( 1 );
		const code = root.querySelector( 'code' ) as HTMLElement;
		expect( code.textContent ).toBe( source + '\n' );
		expect( code.querySelector( '.hljs-keyword' )?.textContent ).toBe(
			'const'
		);
		expect( code.querySelector( '.hljs-string' )?.textContent ).toBe(
			'"42"'
		);
		expect( code.classList.contains( 'hljs' ) ).toBe( true );
	} );

	it( 'leaves unknown languages and plain fences alone', () => {
		const root = render( '```klingon\nqapla\n```\n\n```\nplain\n```' );
		expect( highlightWithin( root ) ).toBe( 0 );
		expect( root.querySelectorAll( 'code span' ) ).toHaveLength( 0 );
	} );

	it( 'does a block once, however often it is asked', () => {
		const root = render( '```python\ndef f(): pass\n```' );
		expect( highlightWithin( root ) ).toBe( 1 );
		expect( highlightWithin( root ) ).toBe( 0 );
	} );

	it( 'keeps markup inside code as text', () => {
		const root = render(
			'```html\n<img src=x onerror=alert(1)><script>alert(2)</script>\n```'
		);
		highlightWithin( root );
		expect( root.querySelectorAll( 'img, script' ) ).toHaveLength( 0 );
		expect( root.querySelector( 'code' )?.textContent ).toContain(
			'<script>alert(2)</script>'
		);
	} );

	it( 'knows aliases highlight.js registers (js, ts, sh)', () => {
		for ( const name of [ 'js', 'ts', 'sh', 'html' ] ) {
			const code = document.createElement( 'code' );
			code.className = `language-${ name }`;
			expect( languageOf( code ) ).toBe( name );
		}
	} );
} );
