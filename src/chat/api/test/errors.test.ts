/*
 * @jest-environment node
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { describe, expect, it } from '@jest/globals';

import { errorFromResponse, parseRetryAfter } from '../errors';
import { json } from './utils/fetch';

describe( 'errorFromResponse and parseRetryAfter', () => {
	it( 'reads Retry-After as seconds or a date', () => {
		expect( parseRetryAfter( null ) ).toBeNull();
		expect( parseRetryAfter( '12' ) ).toBe( 12 );
		expect( parseRetryAfter( 'soon' ) ).toBeNull();
		const inAMinute = new Date( Date.now() + 60_000 ).toUTCString();
		const seconds = parseRetryAfter( inAMinute ) ?? 0;
		expect( seconds ).toBeGreaterThan( 55 );
		expect( seconds ).toBeLessThanOrEqual( 60 );
	} );

	it( 'keeps the server code and status', async () => {
		const error = await errorFromResponse(
			json( 413, {
				code: 'dify_chatbot_too_long',
				message: 'The message is too long.',
			} )
		);
		expect( error ).toMatchObject( {
			code: 'dify_chatbot_too_long',
			status: 413,
			message: 'The message is too long.',
		} );
	} );
} );
