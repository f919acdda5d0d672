/**
 * The release zip that `npm run zip` wrote (dify-chatbot.zip at the repository's root): one top
 * folder named after the plugin; everything a site runs, byte for byte as in this tree; the
 * human-readable sources of the built JavaScript; nothing WordPress.org refuses or a site does not
 * need (dotfiles, tests, dev scripts and configs, lock files); one version everywhere.
 *
 * Run by `npm test`'s `zip` suite right after bin/zip.sh: `node --import tsx --test tests/release/`.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import AdmZip from 'adm-zip';

const ROOT = path.resolve( __dirname, '../..' );
const ZIP =
	process.env.DIFY_CHATBOT_ZIP ?? path.join( ROOT, 'dify-chatbot.zip' );
const TOP = 'dify-chatbot/';

const zip = new AdmZip( ZIP );
/** The zip's files, relative to its top folder. */
const files = zip
	.getEntries()
	.filter( ( entry ) => ! entry.isDirectory )
	.map( ( entry ) => entry.entryName );
const inside = files
	.filter( ( name ) => name.startsWith( TOP ) )
	.map( ( name ) => name.slice( TOP.length ) );

/**
 * The files below a folder of this tree, relative to the tree's root.
 *
 * @param dir The folder, relative to the root.
 */
function treeFiles( dir: string ): string[] {
	return fs
		.readdirSync( path.join( ROOT, dir ), {
			recursive: true,
			withFileTypes: true,
		} )
		.filter( ( entry ) => entry.isFile() )
		.map( ( entry ) =>
			path.relative( ROOT, path.join( entry.parentPath, entry.name ) )
		);
}

/**
 * A file of the zip as text.
 *
 * @param name Its path below the top folder.
 */
function text( name: string ): string {
	return zip.readAsText( TOP + name );
}

test( 'every file is inside the one top folder dify-chatbot/', () => {
	assert.ok( files.length > 0, `${ ZIP } has no files` );
	assert.deepEqual(
		files.filter( ( name ) => ! name.startsWith( TOP ) ),
		[]
	);
} );

test( 'the plugin a site runs is there, byte for byte as in this tree', () => {
	const shipped = [
		'dify-chatbot.php',
		'uninstall.php',
		'readme.txt',
		...treeFiles( 'includes' ),
		// Core's react-jsx-runtime, registered on WordPress 6.2–6.5 (includes/Frontend/Assets.php).
		...treeFiles( 'assets' ),
		...treeFiles( 'languages' ),
		// The build's freshness marker (bin/env.sh, bin/zip.sh) is a dotfile and stays home.
		...treeFiles( 'build' ).filter(
			( name ) => ! path.basename( name ).startsWith( '.' )
		),
	];
	assert.ok( shipped.includes( 'build/chat/app.js' ), 'nothing is built' );
	for ( const name of shipped ) {
		assert.ok( inside.includes( name ), `${ name } is not in the zip` );
		assert.ok(
			zip
				.readFile( TOP + name )
				?.equals( fs.readFileSync( path.join( ROOT, name ) ) ),
			`${ name } in the zip differs from the tree's (an old zip or build?)`
		);
	}
} );

test( 'the sources of the built JavaScript ship, without their tests', () => {
	const sources = treeFiles( 'src' ).filter(
		( name ) => ! name.split( path.sep ).includes( 'test' )
	);
	assert.ok( sources.includes( 'src/chat/app.tsx' ) );
	for ( const name of [ ...sources, 'webpack.config.js', 'package.json' ] ) {
		assert.ok( inside.includes( name ), `${ name } is not in the zip` );
	}
	assert.match( text( 'readme.txt' ), /^== Source code ==$/m );
} );

test( 'nothing a site does not need, nor what WordPress.org refuses', () => {
	const refused = inside.filter(
		( name ) =>
			// Dotfiles anywhere (build/.stamp, .gitignore, ...).
			name.split( '/' ).some( ( part ) => part.startsWith( '.' ) ) ||
			// Tests, dev scripts, installed dependencies, local sites.
			/^(tests|bin|node_modules|vendor|artifacts)\//.test( name ) ||
			/(^|\/)test\//.test( name ) ||
			// Lock files, dev tool configs, scripts and archives.
			/(^|\/)(package-lock\.json|composer\.(json|lock)|jest\.config\.js|tsconfig\.json)$/.test(
				name
			) ||
			/\.(dist|sh|zip|phar|log)$/.test( name )
	);
	assert.deepEqual( refused, [] );
} );

test( 'one version: plugin header, version constant, readme Stable tag, package.json', () => {
	const main = text( 'dify-chatbot.php' );
	const header = /^ \* Version:\s+(\S+)$/m.exec( main )?.[ 1 ];
	assert.ok( header, 'the plugin header has no Version' );
	assert.equal(
		/define\( 'DIFY_CHATBOT_VERSION', '([^']+)' \)/.exec( main )?.[ 1 ],
		header
	);
	assert.equal(
		/^Stable tag:\s*(\S+)$/m.exec( text( 'readme.txt' ) )?.[ 1 ],
		header
	);
	assert.equal( JSON.parse( text( 'package.json' ) ).version, header );
} );
