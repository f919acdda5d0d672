/**
 * Request validation as Dify 1.12.1 does it: pydantic payload/query models
 * (reproduced as a tiny schema checker), input-form rules (§9.3) and file
 * mappings (§9.1). Every failure is a 400 `invalid_param` unless noted.
 */
import type { AppDef, FileUploadConfig, InputControl } from './apps';
import {
	HttpError,
	internalServerError,
	invalidParam,
	pydanticError,
	type PydanticIssue,
} from './errors';
import { isPlainObject, pyRepr } from './json';
import type { EndUser, Store } from './store';

/**
 * Who references an upload (Dify 1.14+ lets only the uploading end user do
 * so); `ownership: 'tenant'` is 1.12.1's workspace-wide rule.
 */
export interface FileAccess {
	owner: EndUser;
	ownership: 'user' | 'tenant';
}

/** Another user's upload: 400 `invalid_param` `Invalid upload file`. */
export class OwnershipError extends HttpError {
	constructor() {
		super( 400, 'invalid_param', 'Invalid upload file' );
	}
}

export type Spec =
	| { kind: 'dict'; required: boolean; nullable?: boolean }
	| { kind: 'str'; required: boolean; nullable?: boolean }
	| {
			kind: 'literal';
			values: string[];
			required: boolean;
			nullable?: boolean;
	  }
	| { kind: 'bool'; required: boolean; nullable?: boolean }
	| { kind: 'list'; required: boolean; nullable?: boolean; items?: 'dict' }
	| { kind: 'any'; required: boolean }
	| { kind: 'uuidOrBlank'; required?: boolean; error: string }
	| { kind: 'int'; required: boolean; min?: number; max?: number }
	| {
			kind: 'pattern';
			required: boolean;
			pattern: RegExp;
			min: number;
			max: number;
	  };

const UUID_RE =
	/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/**
 * Python `uuid.UUID(str)` acceptance, normalised to the canonical form.
 * @param value
 */
export function normalizeUuid( value: string ): string | null {
	let v = value.trim();
	if ( v.toLowerCase().startsWith( 'urn:uuid:' ) ) {
		v = v.slice( 9 );
	}
	if ( v.startsWith( '{' ) && v.endsWith( '}' ) ) {
		v = v.slice( 1, -1 );
	}
	if ( ! UUID_RE.test( v ) ) {
		return null;
	}
	const hex = v.replace( /-/g, '' ).toLowerCase();
	if ( hex.length !== 32 ) {
		return null;
	}
	return `${ hex.slice( 0, 8 ) }-${ hex.slice( 8, 12 ) }-${ hex.slice( 12, 16 ) }-${ hex.slice( 16, 20 ) }-${ hex.slice( 20 ) }`;
}

/** The werkzeug `<uuid:...>` route converter (hyphenated form only). */
export const ROUTE_UUID_RE =
	/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function literalList( values: string[] ): string {
	const quoted = values.map( ( v ) => `'${ v }'` );
	if ( quoted.length <= 1 ) {
		return quoted.join( '' );
	}
	return (
		quoted.slice( 0, -1 ).join( ', ' ) +
		' or ' +
		quoted[ quoted.length - 1 ]
	);
}

const TRUE_STRINGS = new Set( [ '1', 'on', 't', 'true', 'y', 'yes' ] );
const FALSE_STRINGS = new Set( [ '0', 'off', 'f', 'false', 'n', 'no' ] );

/**
 * Validate `input` against a field list the way a pydantic model would,
 * collecting every issue; returns the coerced values.
 * @param model
 * @param input
 * @param fields
 */
export function validateModel(
	model: string,
	input: Record< string, unknown >,
	fields: Array< [ string, Spec ] >
): Record< string, unknown > {
	const issues: PydanticIssue[] = [];
	const out: Record< string, unknown > = {};
	for ( const [ name, spec ] of fields ) {
		const present =
			Object.prototype.hasOwnProperty.call( input, name ) &&
			input[ name ] !== undefined;
		const value = present ? input[ name ] : undefined;
		const issue = (
			msg: string,
			type: string,
			loc: Array< string | number > = [ name ],
			inp: unknown = value
		): void => {
			issues.push( { loc, msg, type, input: inp } );
		};
		if ( spec.kind === 'uuidOrBlank' ) {
			if ( ! present ) {
				if ( spec.required ) {
					issue( 'Field required', 'missing', [ name ], input );
				} else {
					out[ name ] = null;
				}
				continue;
			}
			if ( value === null ) {
				out[ name ] = null;
				continue;
			}
			if ( typeof value !== 'string' ) {
				issue( `Value error, ${ spec.error }`, 'value_error' );
				continue;
			}
			if ( ! value.trim() ) {
				out[ name ] = null;
				continue;
			}
			const norm = normalizeUuid( value );
			if ( ! norm ) {
				issue( `Value error, ${ spec.error }`, 'value_error' );
				continue;
			}
			out[ name ] = norm;
			continue;
		}
		if ( ! present ) {
			if ( spec.required ) {
				issue( 'Field required', 'missing', [ name ], input );
			}
			continue;
		}
		const nullable = 'nullable' in spec && spec.nullable === true;
		if ( value === null && nullable ) {
			out[ name ] = null;
			continue;
		}
		switch ( spec.kind ) {
			case 'any':
				out[ name ] = value;
				break;
			case 'dict':
				if ( isPlainObject( value ) ) {
					out[ name ] = value;
				} else {
					issue( 'Input should be a valid dictionary', 'dict_type' );
				}
				break;
			case 'str':
				if ( typeof value === 'string' ) {
					out[ name ] = value;
				} else {
					issue( 'Input should be a valid string', 'string_type' );
				}
				break;
			case 'pattern':
				if ( typeof value !== 'string' ) {
					issue( 'Input should be a valid string', 'string_type' );
				} else if ( Array.from( value ).length < spec.min ) {
					issue(
						`String should have at least ${ spec.min } character${ spec.min === 1 ? '' : 's' }`,
						'string_too_short'
					);
				} else if ( Array.from( value ).length > spec.max ) {
					issue(
						`String should have at most ${ spec.max } characters`,
						'string_too_long'
					);
				} else if ( ! spec.pattern.test( value ) ) {
					issue(
						`String should match pattern '${ spec.pattern.source }'`,
						'string_pattern_mismatch'
					);
				} else {
					out[ name ] = value;
				}
				break;
			case 'literal':
				if (
					typeof value === 'string' &&
					spec.values.includes( value )
				) {
					out[ name ] = value;
				} else {
					issue(
						`Input should be ${ literalList( spec.values ) }`,
						'literal_error'
					);
				}
				break;
			case 'bool':
				if ( typeof value === 'boolean' ) {
					out[ name ] = value;
				} else if (
					typeof value === 'number' &&
					( value === 0 || value === 1 )
				) {
					out[ name ] = value === 1;
				} else if (
					typeof value === 'string' &&
					TRUE_STRINGS.has( value.toLowerCase() )
				) {
					out[ name ] = true;
				} else if (
					typeof value === 'string' &&
					FALSE_STRINGS.has( value.toLowerCase() )
				) {
					out[ name ] = false;
				} else if (
					typeof value === 'string' ||
					typeof value === 'number'
				) {
					issue(
						'Input should be a valid boolean, unable to interpret input',
						'bool_parsing'
					);
				} else {
					issue( 'Input should be a valid boolean', 'bool_type' );
				}
				break;
			case 'list':
				if ( ! Array.isArray( value ) ) {
					issue( 'Input should be a valid list', 'list_type' );
				} else {
					let ok = true;
					if ( spec.items === 'dict' ) {
						value.forEach( ( item, i ) => {
							if ( ! isPlainObject( item ) ) {
								ok = false;
								issue(
									'Input should be a valid dictionary',
									'dict_type',
									[ name, i ],
									item
								);
							}
						} );
					}
					if ( ok ) {
						out[ name ] = value;
					}
				}
				break;
			case 'int': {
				let n: number | null = null;
				if ( typeof value === 'number' ) {
					if ( Number.isInteger( value ) ) {
						n = value;
					} else {
						issue(
							'Input should be a valid integer, got a number with a fractional part',
							'int_from_float'
						);
						break;
					}
				} else if (
					typeof value === 'string' &&
					/^\s*[+-]?\d+\s*$/.test( value )
				) {
					n = Number.parseInt( value, 10 );
				} else if ( typeof value === 'string' ) {
					issue(
						'Input should be a valid integer, unable to parse string as an integer',
						'int_parsing'
					);
					break;
				} else {
					issue( 'Input should be a valid integer', 'int_type' );
					break;
				}
				if ( spec.min !== undefined && n < spec.min ) {
					issue(
						`Input should be greater than or equal to ${ spec.min }`,
						'greater_than_equal'
					);
				} else if ( spec.max !== undefined && n > spec.max ) {
					issue(
						`Input should be less than or equal to ${ spec.max }`,
						'less_than_equal'
					);
				} else {
					out[ name ] = n;
				}
				break;
			}
		}
	}
	if ( issues.length ) {
		throw pydanticError( model, issues );
	}
	return out;
}

/**
 * `request.args.to_dict()` — first value of each key.
 * @param query
 */
export function queryDict( query: URLSearchParams ): Record< string, unknown > {
	const out: Record< string, unknown > = {};
	for ( const [ k, v ] of query ) {
		if ( ! ( k in out ) ) {
			out[ k ] = v;
		}
	}
	return out;
}

// ---------------------------------------------------------------------------
// Files (§9.1)

/** Dify's type of each extension; kept equal to the plugin's tables by test/file-tables.test.ts. */
export const TYPE_EXTENSIONS: Record< string, string[] > = {
	image: [ 'jpg', 'jpeg', 'png', 'webp', 'gif', 'svg' ],
	video: [ 'mp4', 'mov', 'mpeg', 'webm' ],
	audio: [ 'mp3', 'm4a', 'wav', 'amr', 'mpga' ],
	document: [
		'txt',
		'markdown',
		'md',
		'mdx',
		'pdf',
		'html',
		'htm',
		'xlsx',
		'xls',
		'docx',
		'csv',
		'vtt',
		'properties',
	],
};

const MIME_BY_EXT: Record< string, string > = {
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	png: 'image/png',
	webp: 'image/webp',
	gif: 'image/gif',
	svg: 'image/svg+xml',
	mp4: 'video/mp4',
	mov: 'video/quicktime',
	mpeg: 'video/mpeg',
	webm: 'video/webm',
	mp3: 'audio/mpeg',
	m4a: 'audio/mp4',
	wav: 'audio/wav',
	amr: 'audio/amr',
	mpga: 'audio/mpeg',
	txt: 'text/plain',
	md: 'text/markdown',
	markdown: 'text/markdown',
	pdf: 'application/pdf',
	html: 'text/html',
	htm: 'text/html',
	csv: 'text/csv',
	json: 'application/json',
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export function extensionOf( filename: string ): string {
	const dot = filename.lastIndexOf( '.' );
	return dot > 0 ? filename.slice( dot + 1 ).toLowerCase() : '';
}

export function mimeForExtension( ext: string ): string {
	return MIME_BY_EXT[ ext.toLowerCase() ] ?? 'application/octet-stream';
}

/**
 * Dify's file type detection: by extension, then by MIME type.
 * @param ext
 * @param mime
 */
export function detectFileType( ext: string, mime: string ): string {
	for ( const [ type, exts ] of Object.entries( TYPE_EXTENSIONS ) ) {
		if ( exts.includes( ext.toLowerCase() ) ) {
			return type;
		}
	}
	const major = mime.split( '/' )[ 0 ] ?? '';
	if ( major === 'image' || major === 'video' || major === 'audio' ) {
		return major;
	}
	if ( mime === 'application/pdf' || mime.startsWith( 'text/' ) ) {
		return 'document';
	}
	return 'custom';
}

export function sizeCategory(
	ext: string
): 'image' | 'video' | 'audio' | 'file' {
	const type = detectFileType( ext, '' );
	return type === 'image' || type === 'video' || type === 'audio'
		? type
		: 'file';
}

export interface ResolvedFile {
	type: string;
	transferMethod: 'local_file' | 'remote_url';
	uploadFileId: string | null;
	remoteUrl: string | null;
	filename: string;
	extension: string;
	mimeType: string;
	size: number;
}

const FILE_TYPES = new Set( [
	'image',
	'document',
	'audio',
	'video',
	'custom',
] );

/**
 * One file mapping → resolved file, or null when Dify drops it silently.
 * @param entry
 * @param store
 * @param strict
 * @param single
 * @param access
 */
export function resolveFileMapping(
	entry: Record< string, unknown >,
	store: Store,
	strict: boolean,
	single: boolean,
	access: FileAccess
): ResolvedFile | null {
	const tm = entry.transfer_method;
	if ( tm === undefined || tm === null || tm === '' ) {
		if ( single ) {
			throw invalidParam( 'transfer_method is required in file mapping' );
		}
		return null;
	}
	const givenType = entry.type;
	if (
		givenType !== undefined &&
		givenType !== null &&
		! ( typeof givenType === 'string' && FILE_TYPES.has( givenType ) )
	) {
		throw invalidParam(
			`${ pyRepr( givenType ) } is not a valid FileType`
		);
	}
	let resolved: ResolvedFile;
	if ( tm === 'local_file' ) {
		const id = entry.upload_file_id;
		if ( ! id ) {
			throw invalidParam( 'Invalid upload file id' );
		}
		const norm = typeof id === 'string' ? normalizeUuid( id ) : null;
		if ( ! norm ) {
			throw invalidParam( 'Invalid upload file id format' );
		}
		const upload = store.uploads.get( norm );
		if ( ! upload ) {
			throw invalidParam( 'Invalid upload file' );
		}
		if (
			access.ownership === 'user' &&
			upload.createdBy !== access.owner.id
		) {
			throw new OwnershipError();
		}
		resolved = {
			type: '',
			transferMethod: 'local_file',
			uploadFileId: upload.id,
			remoteUrl: null,
			filename: upload.name,
			extension: upload.extension ? '.' + upload.extension : '',
			mimeType: upload.mimeType,
			size: upload.size,
		};
	} else if ( tm === 'remote_url' ) {
		const url = entry.url ?? entry.remote_url;
		if ( ! url ) {
			if ( single ) {
				throw invalidParam( 'Invalid file url' );
			}
			return null;
		}
		if ( typeof url !== 'string' || ! url.startsWith( 'http' ) ) {
			throw invalidParam( 'Invalid file url' );
		}
		let filename = '';
		try {
			const last = new URL( url ).pathname.split( '/' ).pop() ?? '';
			filename = decodeURIComponent( last );
		} catch {
			filename = '';
		}
		const ext = extensionOf( filename );
		resolved = {
			type: '',
			transferMethod: 'remote_url',
			uploadFileId: null,
			remoteUrl: url,
			filename,
			extension: ext ? '.' + ext : '',
			mimeType: mimeForExtension( ext ),
			size: -1,
		};
	} else {
		throw invalidParam(
			`No matching enum found for value ${ pyRepr( tm ) }`
		);
	}
	const detected = detectFileType(
		resolved.extension.replace( /^\./, '' ),
		resolved.mimeType
	);
	const given = typeof givenType === 'string' ? givenType : 'custom';
	if ( strict && given !== detected ) {
		throw invalidParam(
			'Detected file type does not match the specified type. Please verify the file.'
		);
	}
	resolved.type = given !== 'custom' ? given : detected;
	return resolved;
}

function checkAllowed(
	file: ResolvedFile,
	types: string[],
	extensions: string[],
	methods: string[]
): void {
	const typeOk =
		types.includes( file.type ) ||
		( types.includes( 'custom' ) &&
			extensions
				.map( ( e ) => e.toLowerCase() )
				.includes( file.extension.toLowerCase() ) );
	if ( ! typeOk || ! methods.includes( file.transferMethod ) ) {
		throw invalidParam(
			`File validation failed for file: ${ file.filename }`
		);
	}
}

/**
 * The `files` array of a generation request.
 * @param app
 * @param files
 * @param store
 * @param access
 */
export function resolveFiles(
	app: AppDef,
	files: unknown,
	store: Store,
	access: FileAccess
): ResolvedFile[] {
	const cfg: FileUploadConfig | null = app.fileUpload;
	const workflowApp = app.mode === 'workflow';
	if ( ! Array.isArray( files ) || files.length === 0 ) {
		return [];
	}
	if ( ! workflowApp && ! ( cfg && cfg.enabled ) ) {
		return []; // ignored entirely when the feature is off
	}
	const out: ResolvedFile[] = [];
	for ( const entry of files ) {
		if ( ! isPlainObject( entry ) ) {
			continue;
		}
		const f = resolveFileMapping(
			entry,
			store,
			workflowApp,
			false,
			access
		);
		if ( ! f ) {
			continue;
		}
		if ( cfg && cfg.enabled ) {
			checkAllowed(
				f,
				cfg.allowedFileTypes,
				cfg.allowedFileExtensions,
				cfg.allowedFileUploadMethods
			);
		}
		out.push( f );
	}
	if ( cfg && cfg.enabled && out.length > cfg.numberLimits ) {
		throw invalidParam(
			`Number of files exceeds the maximum limit ${ cfg.numberLimits }`
		);
	}
	return out;
}

// ---------------------------------------------------------------------------
// Input form (§9.3)

function stripNul< T >( value: T ): T {
	if ( typeof value === 'string' ) {
		return value.replace( /\u0000/g, '' ) as T;
	}
	return value;
}

/**
 * Validate and normalise `inputs` against the app's form. Undeclared keys
 * are dropped; every declared variable appears in the result.
 * @param app
 * @param inputs
 * @param store
 * @param access
 */
export function validateInputs(
	app: AppDef,
	inputs: Record< string, unknown >,
	store: Store,
	access: FileAccess
): Record< string, unknown > {
	const byName = new Map( app.form.map( ( c ) => [ c.variable, c ] ) );
	const dictKeys = Object.entries( inputs )
		.filter( ( [ k, v ] ) => {
			const c = byName.get( k );
			return (
				c &&
				isPlainObject( v ) &&
				c.type !== 'file' &&
				c.type !== 'json_object'
			);
		} )
		.map( ( [ k ] ) => k );
	if ( dictKeys.length ) {
		throw invalidParam( `Invalid input type for ${ pyRepr( dictKeys ) }` );
	}
	const out: Record< string, unknown > = {};
	for ( const control of app.form ) {
		out[ control.variable ] = validateControl(
			control,
			inputs[ control.variable ],
			store,
			app,
			access
		);
	}
	return out;
}

function validateControl(
	c: InputControl,
	raw: unknown,
	store: Store,
	app: AppDef,
	access: FileAccess
): unknown {
	const v = c.variable;
	const value = stripNul( raw );
	if ( value === undefined || value === null ) {
		if ( c.required ) {
			throw invalidParam( `${ v } is required in input form` );
		}
		return c.default !== undefined && c.default !== '' ? c.default : null;
	}
	if (
		( c.type === 'text-input' ||
			c.type === 'select' ||
			c.type === 'paragraph' ) &&
		typeof value !== 'string'
	) {
		throw invalidParam(
			`(type '${ c.type }') ${ v } in input form must be a string`
		);
	}
	switch ( c.type ) {
		case 'text-input':
		case 'paragraph':
			if (
				c.maxLength &&
				Array.from( value as string ).length > c.maxLength
			) {
				throw invalidParam(
					`${ v } in input form must be less than ${ c.maxLength } characters`
				);
			}
			return value;
		case 'select':
			if ( ! ( c.options ?? [] ).includes( value as string ) ) {
				throw invalidParam(
					`${ v } in input form must be one of the following: ${ pyRepr( c.options ?? [] ) }`
				);
			}
			return value;
		case 'number':
			if ( typeof value === 'string' ) {
				const s = value.trim();
				if ( ! s ) {
					return null;
				}
				let n = Number.NaN;
				if ( s.includes( '.' ) ) {
					n = Number( s );
				} else if ( /^[+-]?\d+$/.test( s ) ) {
					n = Number.parseInt( s, 10 );
				}
				if ( ! Number.isFinite( n ) ) {
					throw invalidParam(
						`${ v } in input form must be a valid number`
					);
				}
				return n;
			}
			if ( typeof value === 'number' || typeof value === 'boolean' ) {
				return value;
			}
			// A list/object reaches a float() call → TypeError → 500.
			throw internalServerError();
		case 'checkbox':
			if ( typeof value === 'boolean' ) {
				return value;
			}
			if ( typeof value === 'number' && ( value === 0 || value === 1 ) ) {
				return value === 1;
			}
			if ( typeof value === 'string' ) {
				const s = value.trim().toLowerCase();
				if ( [ 'true', '1', 'yes', 'on' ].includes( s ) ) {
					return true;
				}
				if ( [ 'false', '0', 'no', 'off' ].includes( s ) ) {
					return false;
				}
			}
			throw invalidParam(
				`${ v } in input form must be a valid boolean value`
			);
		case 'file': {
			if ( value === '' && ! c.required ) {
				return null;
			}
			if ( ! isPlainObject( value ) ) {
				throw invalidParam( `${ v } in input form must be a file` );
			}
			const f = resolveFileMapping(
				value,
				store,
				app.mode === 'workflow',
				true,
				access
			);
			if ( ! f ) {
				throw invalidParam( `${ v } in input form must be a file` );
			}
			checkAllowed(
				f,
				c.allowedFileTypes ?? [],
				c.allowedFileExtensions ?? [],
				c.allowedFileUploadMethods ?? [ 'local_file', 'remote_url' ]
			);
			return fileInputValue( f );
		}
		case 'file-list':
			if ( ! Array.isArray( value ) ) {
				throw invalidParam(
					`${ v } in input form must be a list of files`
				);
			}
			if ( c.maxLength && value.length > c.maxLength ) {
				throw invalidParam(
					`${ v } in input form must be less than ${ c.maxLength } files`
				);
			}
			return value;
		case 'json_object':
			if ( ! isPlainObject( value ) ) {
				throw invalidParam( `${ v } in input form must be a dict` );
			}
			return value;
	}
	return value;
}

/**
 * How a file input is echoed back (workflow_started inputs, history inputs).
 * @param f
 */
export function fileInputValue( f: ResolvedFile ): Record< string, unknown > {
	return {
		dify_model_identity: '__dify__file__',
		id: null,
		type: f.type,
		transfer_method: f.transferMethod,
		remote_url: f.remoteUrl,
		related_id: f.uploadFileId,
		filename: f.filename,
		extension: f.extension,
		mime_type: f.mimeType,
		size: f.size,
	};
}
