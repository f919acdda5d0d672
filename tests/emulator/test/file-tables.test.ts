/**
 * Three copies of Dify's file-type table must agree: the server's (includes/Dify/App/File_Policy.php,
 * which decides what is sent to Dify), the browser's (src/chat/media/files.ts, which tells the visitor
 * at once why a file is refused) and this emulator's (validate.ts, which plays Dify). When one drifts,
 * the browser refuses what the server would send, or the tests pass against rules Dify does not have.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
	CATEGORIES,
	categoryOf,
	uploadRules,
} from '../../../src/chat/media/files';
import { TYPE_EXTENSIONS, detectFileType } from '../validate';

const ROOT = path.resolve( __dirname, '../../..' );
const MIB = 1024 * 1024;

interface ServerTables {
	categories: Record< string, string[] >;
	limits: Record< string, [ string, number ] >;
	category: Record< string, string >;
}

/**
 * The server's tables and answers, from PHP itself (the class needs no WordPress for these).
 * @param extensions Extensions to ask File_Policy::category() about.
 */
function serverTables( extensions: string[] ): ServerTables {
	const code = `
		require $argv[1];
		$class = new ReflectionClass( Dify_Chatbot\\Dify\\App\\File_Policy::class );
		$category = array();
		foreach ( json_decode( $argv[2], true ) as $extension ) {
			$category[ $extension ] = Dify_Chatbot\\Dify\\App\\File_Policy::category( $extension );
		}
		echo json_encode( array(
			'categories' => $class->getConstant( 'CATEGORIES' ),
			'limits'     => $class->getConstant( 'LIMITS' ),
			'category'   => (object) $category,
		) );`;
	const out = execFileSync(
		'php',
		[
			'-r',
			code,
			'--',
			path.join( ROOT, 'includes/Dify/App/File_Policy.php' ),
			JSON.stringify( extensions ),
		],
		{ encoding: 'utf8' }
	);
	return JSON.parse( out ) as ServerTables;
}

const sorted = ( table: Record< string, string[] > ) =>
	Object.fromEntries(
		Object.entries( table )
			.sort( ( [ a ], [ b ] ) => a.localeCompare( b ) )
			.map( ( [ k, v ] ) => [ k, [ ...v ].sort() ] )
	);

// Every extension any table lists, in both cases, and some no table lists.
const listed = [
	...new Set( [
		...Object.values( serverTables( [] ).categories ).flat(),
		...Object.values( CATEGORIES ).flat(),
		...Object.values( TYPE_EXTENSIONS ).flat(),
	] ),
];
const unlisted = [ 'exe', 'zip', 'json', 'heic', 'ogg', 'doc', 'pptx', '' ];
const probes = [
	...listed,
	...listed.map( ( e ) => e.toUpperCase() ),
	...unlisted,
];
const server = serverTables( probes );

describe( 'the three file-type tables', () => {
	it( 'list the same extensions under the same types', () => {
		assert.deepEqual( sorted( CATEGORIES ), sorted( server.categories ) );
		assert.deepEqual(
			sorted( TYPE_EXTENSIONS ),
			sorted( server.categories )
		);
	} );

	it( 'give every extension the same type (case-blind), and custom to the rest', () => {
		for ( const extension of probes ) {
			const lower = extension.toLowerCase();
			const expected = server.category[ extension ];
			assert.equal(
				categoryOf( lower ),
				expected,
				`browser: ${ extension }`
			);
			assert.equal(
				detectFileType( extension, '' ),
				expected,
				`emulator: ${ extension }`
			);
		}
		for ( const extension of unlisted ) {
			assert.equal( server.category[ extension ], 'custom', extension );
		}
	} );

	it( 'share the default size limits when the app sends none', () => {
		const rules = uploadRules(
			{ enabled: true, allowed_file_upload_methods: [ 'local_file' ] },
			{}
		);
		assert.ok( rules );
		for ( const [ type, [ , mib ] ] of Object.entries( server.limits ) ) {
			assert.equal(
				rules.limits[ type as keyof typeof rules.limits ],
				mib * MIB,
				type
			);
		}
	} );
} );
