/**
 * What an answer's "Read aloud" reads: its text without markdown symbols.
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { describe, expect, it } from '@jest/globals';

import { plainText } from '../plain-text';

describe( 'plainText', () => {
	it( 'drops markdown markup and keeps the words', () => {
		expect(
			plainText(
				'# Title\n\nSome **bold** and `code`, a [link](https://x.org).\n\n- one\n- two\n\n```js\nlet a;\n```\n| a | b |\n|---|---|'
			)
		).toBe( 'Title\nSome bold and code, a link.\none\ntwo\nlet a;\n a  b' );
	} );

	it( 'keeps at most 4000 characters (the route’s limit)', () => {
		expect( plainText( 'a'.repeat( 5000 ) ) ).toHaveLength( 4000 );
	} );
} );
