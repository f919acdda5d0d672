/*
 * @jest-environment node
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { describe, expect, it } from '@jest/globals';

import { isSafeUrl } from '../url';

describe( 'isSafeUrl for a resource (an image, a file of the answer)', () => {
	it.each( [
		[ 'https://dify.example/files/tools/f1.png?sign=x', true ],
		[ 'HTTP://x.test/a.png', true ],
		[ ' https://x.test', false ],
		[ '\u0001https://x.test', false ],
		[ 'https:///x.test', false ],
		[ '/files/tools/f4.png', false ],
		[ '//example.org/a.png', false ],
		[ 'x.png', false ],
		[ 'javascript:alert(1)', false ],
		[ 'data:image/png;base64,AAAA', false ],
		[ 'blob:https://example.org/x', false ],
		[ 'mailto:a@example.org', false ],
	] )( '%j → %s', ( url, safe ) => {
		expect( isSafeUrl( url ) ).toBe( safe );
		expect( isSafeUrl( url, 'resource' ) ).toBe( safe );
	} );

	it( 'refuses anything but a string', () => {
		expect( isSafeUrl( null ) ).toBe( false );
		expect( isSafeUrl( undefined, 'link' ) ).toBe( false );
		expect( isSafeUrl( { url: 'https://x.test' } ) ).toBe( false );
	} );
} );

describe( 'isSafeUrl for a link', () => {
	it.each( [
		[ 'https://example.org', true ],
		[ 'http://example.org', true ],
		[ 'mailto:a@example.org', true ],
		[ 'TEL:+123', true ],
		[ '/relative', true ],
		[ 'relative/path', true ],
		[ '#anchor', true ],
		[ '//example.org', true ],
		[ 'javascript:alert(1)', false ],
		[ ' javascript:alert(1)', false ],
		[ 'java\nscript:alert(1)', false ],
		[ 'java\u0000script:alert(1)', false ],
		[ 'data:text/html,x', false ],
		[ 'blob:https://example.org/x', false ],
		[ 'ftp://example.org', false ],
	] )( '%j → %s', ( url, safe ) => {
		expect( isSafeUrl( url, 'link' ) ).toBe( safe );
	} );
} );
