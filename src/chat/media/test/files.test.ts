/**
 * The browser's check of a file against the app's upload rules.
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { describe, expect, it } from '@jest/globals';

import {
	acceptAttribute,
	checkFile,
	typeFor,
	uploadRules,
	type UploadRules,
} from '../files';

const MIB = 1024 * 1024;

function rules( overrides: Record< string, unknown > = {} ): UploadRules {
	const made = uploadRules(
		{
			enabled: true,
			allowed_file_types: [ 'image', 'document' ],
			allowed_file_extensions: [],
			allowed_file_upload_methods: [ 'local_file', 'remote_url' ],
			number_limits: 3,
			...overrides,
		},
		{ image_file_size_limit: 10, file_size_limit: 15 }
	);
	if ( ! made ) {
		throw new Error( 'no rules' );
	}
	return made;
}

describe( 'upload rules', () => {
	it( 'are none when the app takes no files from the device', () => {
		expect( uploadRules( null, null ) ).toBeNull();
		expect( uploadRules( { enabled: false }, {} ) ).toBeNull();
		expect(
			uploadRules(
				{
					enabled: true,
					allowed_file_types: [ 'image' ],
					allowed_file_upload_methods: [ 'remote_url' ],
				},
				{}
			)
		).toBeNull();
	} );

	it( 'take the limits in MiB, with Dify’s defaults', () => {
		const made = uploadRules(
			{ enabled: true, allowed_file_upload_methods: [ 'local_file' ] },
			{ image_file_size_limit: 2 }
		);
		expect( made?.limits.image ).toBe( 2 * MIB );
		expect( made?.limits.document ).toBe( 15 * MIB );
		expect( made?.limits.video ).toBe( 100 * MIB );
		expect( made?.count ).toBe( 3 );
	} );

	it( 'never allow more than the site takes', () => {
		const made = uploadRules(
			{ enabled: true, allowed_file_upload_methods: [ 'local_file' ] },
			{ image_file_size_limit: 10, site: 2 * MIB }
		);
		expect( made?.limits.image ).toBe( 2 * MIB );
		expect( made?.limits.video ).toBe( 2 * MIB );
	} );
} );

describe( 'checkFile', () => {
	it( 'accepts an image and a document as their Dify types', () => {
		expect(
			checkFile( rules(), { name: 'Cat.PNG', size: 10 }, 0 )
		).toEqual( { type: 'image' } );
		expect( checkFile( rules(), { name: 'a.pdf', size: 10 }, 2 ) ).toEqual(
			{
				type: 'document',
			}
		);
	} );

	it( 'refuses a type the app does not take, naming the file', () => {
		const result = checkFile( rules(), { name: 'song.mp3', size: 10 }, 0 );
		expect( result ).toEqual( {
			error: expect.stringContaining( 'song.mp3' ),
		} );
		expect( typeFor( rules(), 'README' ) ).toBeNull();
	} );

	it( 'refuses a file over its type’s limit, saying the limit', () => {
		expect(
			checkFile( rules(), { name: 'big.jpg', size: 10 * MIB + 1 }, 0 )
		).toEqual( { error: expect.stringContaining( '10 MB' ) } );
		// The same size is fine for a document (15 MB).
		expect(
			checkFile( rules(), { name: 'big.pdf', size: 10 * MIB + 1 }, 0 )
		).toEqual( { type: 'document' } );
	} );

	it( 'refuses an empty file and one file too many', () => {
		expect( checkFile( rules(), { name: 'a.png', size: 0 }, 0 ) ).toEqual( {
			error: expect.stringContaining( 'empty' ),
		} );
		expect( checkFile( rules(), { name: 'a.png', size: 5 }, 3 ) ).toEqual( {
			error: 'You can attach at most 3 files to a message.',
		} );
	} );

	it( 'takes listed extensions as custom files', () => {
		const custom = rules( {
			allowed_file_types: [ 'custom' ],
			allowed_file_extensions: [ '.LOG', 'cfg' ],
		} );
		expect( checkFile( custom, { name: 'x.log', size: 1 }, 0 ) ).toEqual( {
			type: 'custom',
		} );
		expect( typeFor( custom, 'x.cfg' ) ).toBe( 'custom' );
		expect( typeFor( custom, 'x.png' ) ).toBeNull();
	} );
} );

describe( 'acceptAttribute', () => {
	it( 'lists every extension the app takes', () => {
		const accept = acceptAttribute(
			rules( {
				allowed_file_types: [ 'image', 'custom' ],
				allowed_file_extensions: [ '.log' ],
			} )
		).split( ',' );
		expect( accept ).toEqual(
			expect.arrayContaining( [ '.png', '.jpg', '.svg', '.log' ] )
		);
		expect( accept ).not.toContain( '.pdf' );
	} );
} );
