/**
 * The app's upload rules, checked in the browser before a file is sent: the same rules the server
 * checks again (includes/Dify/File_Policy.php), so a visitor learns at once why a file is refused.
 */
import { __, _n, sprintf } from '@wordpress/i18n';

/** Dify's file types: what a file is sent as (`type` of a file object). */
export type FileType = 'image' | 'document' | 'audio' | 'video' | 'custom';

export interface UploadRules {
	/** Types the app takes. */
	types: string[];
	/** Extensions (lower case, no dot) the app takes as `custom`. */
	extensions: string[];
	/** Files per message. */
	count: number;
	/** Size limits in bytes by type. */
	limits: Record< FileType, number >;
}

/**
 * Dify's type of each extension (the rest is `custom`). The same table as the server's
 * (File_Policy::CATEGORIES) and the emulator's; tests/emulator/test/file-tables.test.ts keeps them equal.
 */
export const CATEGORIES: Record< Exclude< FileType, 'custom' >, string[] > = {
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

const MIB = 1024 * 1024;

function strings( value: unknown ): string[] {
	return Array.isArray( value )
		? value.filter( ( v ): v is string => typeof v === 'string' )
		: [];
}

function mib( value: unknown, fallback: number ): number {
	return ( typeof value === 'number' && value > 0 ? value : fallback ) * MIB;
}

/**
 * The rules from the app's parameters, or null when visitors cannot upload from their device.
 *
 * @param fileUpload `file_upload` of the parameters route (modern shape).
 * @param system     `system_parameters` (limits in MiB) and `site` (this site's, in bytes).
 */
export function uploadRules(
	fileUpload: Record< string, unknown > | null,
	system: Record< string, unknown > | null
): UploadRules | null {
	if (
		! fileUpload ||
		fileUpload.enabled !== true ||
		! strings( fileUpload.allowed_file_upload_methods ).includes(
			'local_file'
		)
	) {
		return null;
	}
	const count = fileUpload.number_limits;
	const site =
		typeof system?.site === 'number' && system.site > 0
			? system.site
			: Infinity;
	const limit = ( value: unknown, fallback: number ) =>
		Math.min( mib( value, fallback ), site );
	const other = limit( system?.file_size_limit, 15 );
	return {
		types: strings( fileUpload.allowed_file_types ),
		extensions: strings( fileUpload.allowed_file_extensions ).map( ( e ) =>
			e.replace( /^\./, '' ).toLowerCase()
		),
		count: typeof count === 'number' && count > 0 ? count : 3,
		limits: {
			image: limit( system?.image_file_size_limit, 10 ),
			video: limit( system?.video_file_size_limit, 100 ),
			audio: limit( system?.audio_file_size_limit, 50 ),
			document: other,
			custom: other,
		},
	};
}

/**
 * A file name's extension, lower case, without the dot.
 *
 * @param name File name.
 */
export function extensionOf( name: string ): string {
	const dot = name.lastIndexOf( '.' );
	return dot > 0 ? name.slice( dot + 1 ).toLowerCase() : '';
}

/**
 * Dify's type of an extension.
 *
 * @param extension Extension without the dot.
 */
export function categoryOf( extension: string ): FileType {
	for ( const [ category, list ] of Object.entries( CATEGORIES ) ) {
		if ( list.includes( extension ) ) {
			return category as FileType;
		}
	}
	return 'custom';
}

/**
 * The type a file is sent as, or null when the app does not take it.
 *
 * @param rules The app's rules.
 * @param name  File name.
 */
export function typeFor( rules: UploadRules, name: string ): FileType | null {
	const extension = extensionOf( name );
	if ( ! extension ) {
		return null;
	}
	const category = categoryOf( extension );
	if ( category !== 'custom' && rules.types.includes( category ) ) {
		return category;
	}
	return rules.types.includes( 'custom' ) &&
		rules.extensions.includes( extension )
		? 'custom'
		: null;
}

/**
 * The file input's `accept`: every extension the app takes.
 *
 * @param rules The app's rules.
 */
export function acceptAttribute( rules: UploadRules ): string {
	const extensions = Object.entries( CATEGORIES )
		.filter( ( [ category ] ) => rules.types.includes( category ) )
		.flatMap( ( [ , list ] ) => list );
	if ( rules.types.includes( 'custom' ) ) {
		extensions.push( ...rules.extensions );
	}
	return Array.from( new Set( extensions ) )
		.map( ( e ) => `.${ e }` )
		.join( ',' );
}

/**
 * A size for people ("2.5 MB").
 *
 * @param bytes Size in bytes.
 */
export function formatSize( bytes: number ): string {
	if ( bytes >= MIB ) {
		return `${ Math.round( ( bytes / MIB ) * 10 ) / 10 } MB`;
	}
	return `${ Math.max( 1, Math.round( bytes / 1024 ) ) } KB`;
}

/**
 * The message for one file too many.
 *
 * @param count The app's limit.
 */
export function tooMany( count: number ): string {
	return sprintf(
		/* translators: %d: largest number of files. */
		_n(
			'You can attach at most %d file to a message.',
			'You can attach at most %d files to a message.',
			count,
			'dify-chatbot'
		),
		count
	);
}

/**
 * Whether a file may be attached, and as which type; otherwise what to tell the visitor.
 *
 * @param rules     The app's rules.
 * @param file      The file (name and size).
 * @param file.name
 * @param file.size
 * @param attached  How many files are already attached.
 */
export function checkFile(
	rules: UploadRules,
	file: { name: string; size: number },
	attached: number
): { type: FileType } | { error: string } {
	if ( attached >= rules.count ) {
		return { error: tooMany( rules.count ) };
	}
	const type = typeFor( rules, file.name );
	if ( ! type ) {
		return {
			error: sprintf(
				/* translators: %s: file name. */
				__(
					'“%s” cannot be attached: files of this type are not accepted.',
					'dify-chatbot'
				),
				file.name
			),
		};
	}
	if ( file.size === 0 ) {
		return {
			error: sprintf(
				/* translators: %s: file name. */
				__( '“%s” is empty.', 'dify-chatbot' ),
				file.name
			),
		};
	}
	if ( file.size > rules.limits[ type ] ) {
		return {
			error: sprintf(
				/* translators: 1: file name, 2: largest size, e.g. "10 MB". */
				__( '“%1$s” is too large. The limit is %2$s.', 'dify-chatbot' ),
				file.name,
				formatSize( rules.limits[ type ] )
			),
		};
	}
	return { type };
}
