/**
 * `make-pot` (@wp-blocks/make-pot, a Node port of `wp i18n make-pot`) with its block.json handling
 * put right, so the .pot matches what WordPress looks up:
 * - its bundled block.json schema is handed over as a module namespace (`{ default: … }`), so no
 *   block.json string would be found: the schema goes into its cache as it should be (which also
 *   spares a download from develop.svn.wordpress.org, keeping the result the same offline);
 * - it writes a block.json string's kind ("block title") as a comment, while WordPress translates
 *   block.json with gettext context (translate_settings_using_i18n_schema → _x): once the file is
 *   written, those comments become `msgctxt` lines, as `wp i18n make-pot` writes them.
 * Arguments are make-pot's own (see package.json `makepot` and bin/check-pot.sh).
 */

const fs = require( 'node:fs' );
const path = require( 'node:path' );
const {
	JsonSchemaExtractor,
} = require( '@wp-blocks/make-pot/lib/extractors/schema.js' );
const block = require( '@wp-blocks/make-pot/lib/assets/block-i18n.js' );

const schema = block.default ?? block;
JsonSchemaExtractor.schemaCache[ JsonSchemaExtractor.blockJsonSource ] = schema;

/**
 * Every context the block.json schema names ("block title", "block keyword", …).
 *
 * @param {unknown}     node  Part of the schema.
 * @param {Set<string>} found Contexts found so far.
 * @return {Set<string>} The contexts.
 */
function contexts( node, found = new Set() ) {
	if ( typeof node === 'string' ) {
		found.add( node );
	} else if ( node && typeof node === 'object' ) {
		Object.values( node ).forEach( ( value ) => contexts( value, found ) );
	}
	return found;
}

const [ , , , destination = '.' ] = process.argv;
const slug = process.argv[ process.argv.indexOf( '--slug' ) + 1 ];
/**
 * One entry's lines with its block.json kinds split off: the kinds become entries of their own
 * (`msgctxt`), and what is left stays an entry when another file uses the string too.
 *
 * @param {string[]}    lines An entry's lines.
 * @param {Set<string>} known The schema's contexts.
 * @return {string[][]} The entries.
 */
function split( lines, known ) {
	const kinds = lines
		.filter( ( l ) => l.startsWith( '#. ' ) && known.has( l.slice( 3 ) ) )
		.map( ( l ) => l.slice( 3 ) );
	if ( kinds.length === 0 ) {
		return [ lines ];
	}
	const body = lines.filter( ( l ) => ! l.startsWith( '#' ) );
	const rest = lines.filter(
		( l ) =>
			l !== '#: block.json' &&
			! ( l.startsWith( '#. ' ) && known.has( l.slice( 3 ) ) )
	);
	const entries = [ ...new Set( kinds ) ].map( ( kind ) => [
		'#: src/block/block.json',
		`msgctxt ${ JSON.stringify( kind ) }`,
		...body,
	] );
	return rest.some( ( l ) => l.startsWith( '#: ' ) )
		? [ rest, ...entries ]
		: entries;
}

process.on( 'exit', ( code ) => {
	const file = path.resolve( destination, `${ slug }.pot` );
	if ( code !== 0 || ! fs.existsSync( file ) ) {
		return;
	}
	const known = contexts( schema );
	const entries = fs
		.readFileSync( file, 'utf8' )
		.trimEnd()
		.split( /\n\n/ )
		.flatMap( ( entry ) => split( entry.split( '\n' ), known ) );
	fs.writeFileSync(
		file,
		entries.map( ( lines ) => lines.join( '\n' ) ).join( '\n\n' ) + '\n'
	);
} );

require( '@wp-blocks/make-pot/lib/makePot.js' );
