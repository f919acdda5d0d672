/**
 * Dictation helpers that need no microphone: the WAV writer, the microphone error messages,
 * the media routes' error messages and the text read aloud.
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { describe, expect, it } from '@jest/globals';

import { errorOf } from '../http';
import { encodeWav, microphoneError } from '../speech';

describe( 'encodeWav', () => {
	it( 'writes a 16-bit mono PCM WAV with clipped samples', () => {
		const wav = encodeWav( new Float32Array( [ 0, 1, -1, 2 ] ), 16000 );
		const view = new DataView( wav );
		const text = ( at: number ) =>
			String.fromCharCode( ...new Uint8Array( wav.slice( at, at + 4 ) ) );
		expect( wav.byteLength ).toBe( 44 + 8 );
		expect( text( 0 ) ).toBe( 'RIFF' );
		expect( view.getUint32( 4, true ) ).toBe( 36 + 8 );
		expect( text( 8 ) ).toBe( 'WAVE' );
		expect( view.getUint16( 22, true ) ).toBe( 1 );
		expect( view.getUint32( 24, true ) ).toBe( 16000 );
		expect( view.getUint16( 34, true ) ).toBe( 16 );
		expect( text( 36 ) ).toBe( 'data' );
		expect( view.getUint32( 40, true ) ).toBe( 8 );
		expect(
			[ 44, 46, 48, 50 ].map( ( at ) => view.getInt16( at, true ) )
		).toEqual( [ 0, 32767, -32768, 32767 ] );
	} );
} );

describe( 'microphoneError', () => {
	it( 'tells a refused permission apart from a missing microphone', () => {
		expect(
			microphoneError( new DOMException( 'no', 'NotAllowedError' ) )
		).toContain( 'Microphone access was denied' );
		expect(
			microphoneError( new DOMException( 'no', 'NotFoundError' ) )
		).toBe( 'No microphone was found.' );
		expect( microphoneError( new Error( 'x' ) ) ).toBe(
			'The microphone could not be used.'
		);
	} );
} );

describe( 'errorOf', () => {
	it( 'shows the plugin’s own messages and a plain one for anything else', () => {
		expect(
			errorOf(
				415,
				JSON.stringify( {
					code: 'dify_chatbot_unsupported_file',
					message: 'Files of this type cannot be attached here.',
				} )
			)
		).toMatchObject( {
			message: 'Files of this type cannot be attached here.',
			status: 415,
		} );
		expect(
			errorOf(
				400,
				JSON.stringify( {
					code: 'rest_invalid_param',
					message: 'Invalid parameter(s): text',
				} )
			).message
		).toBe( 'This could not be done. Please try again.' );
		expect( errorOf( 413, '<html>Too large</html>' ).message ).toBe(
			'This file is too large.'
		);
		expect( errorOf( 502, '' ).message ).toContain( 'not available' );
	} );
} );
