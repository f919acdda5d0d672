/** A small multipart/form-data parser (enough for werkzeug-compatible checks). */

export interface Part {
	name: string;
	/** undefined for a plain form field; '' when the part has filename="". */
	filename: string | undefined;
	/** The part's Content-Type without parameters, '' when the header is absent. */
	contentType: string;
	data: Buffer;
}

export interface Multipart {
	fields: Record< string, string >;
	files: Part[];
}

function boundaryOf( contentType: string ): string | null {
	const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec( contentType );
	return m ? ( m[ 1 ] ?? m[ 2 ] ?? null ) : null;
}

function dispositionParam( header: string, key: string ): string | undefined {
	// filename*=UTF-8''... wins over filename="..."
	if ( key === 'filename' ) {
		const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec( header );
		if ( star && star[ 2 ] !== undefined ) {
			try {
				return decodeURIComponent( star[ 2 ].trim() );
			} catch {
				return star[ 2 ].trim();
			}
		}
	}
	const re = new RegExp(
		`(?:^|;)\\s*${ key }\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`,
		'i'
	);
	const m = re.exec( header );
	if ( ! m ) {
		return undefined;
	}
	if ( m[ 1 ] !== undefined ) {
		return m[ 1 ].replace( /\\(.)/g, '$1' );
	}
	return ( m[ 2 ] ?? '' ).trim();
}

/**
 * Parse a multipart body; returns empty results for anything unparsable
 * (werkzeug then simply sees no form and no files).
 * @param contentType
 * @param body
 */
export function parseMultipart( contentType: string, body: Buffer ): Multipart {
	const result: Multipart = { fields: {}, files: [] };
	if ( ! /^multipart\/form-data/i.test( contentType.trim() ) ) {
		return result;
	}
	const boundary = boundaryOf( contentType );
	if ( ! boundary ) {
		return result;
	}
	const delimiter = Buffer.from( `--${ boundary }` );
	let pos = body.indexOf( delimiter );
	if ( pos < 0 ) {
		return result;
	}
	for (;;) {
		pos += delimiter.length;
		if ( body.subarray( pos, pos + 2 ).toString() === '--' ) {
			break;
		}
		// Skip the line break after the delimiter.
		if ( body[ pos ] === 0x0d && body[ pos + 1 ] === 0x0a ) {
			pos += 2;
		} else if ( body[ pos ] === 0x0a ) {
			pos += 1;
		}
		const headerEnd = body.indexOf( '\r\n\r\n', pos );
		if ( headerEnd < 0 ) {
			break;
		}
		const headerText = body.subarray( pos, headerEnd ).toString( 'utf8' );
		const next = body.indexOf(
			Buffer.concat( [ Buffer.from( '\r\n' ), delimiter ] ),
			headerEnd + 4
		);
		if ( next < 0 ) {
			break;
		}
		const data = body.subarray( headerEnd + 4, next );
		const headers = new Map< string, string >();
		for ( const line of headerText.split( '\r\n' ) ) {
			const colon = line.indexOf( ':' );
			if ( colon > 0 ) {
				headers.set(
					line.slice( 0, colon ).trim().toLowerCase(),
					line.slice( colon + 1 ).trim()
				);
			}
		}
		const disposition = headers.get( 'content-disposition' ) ?? '';
		const name = dispositionParam( disposition, 'name' );
		if ( name !== undefined ) {
			const filename = dispositionParam( disposition, 'filename' );
			const contentTypeHeader =
				( headers.get( 'content-type' ) ?? '' )
					.split( ';' )[ 0 ]
					?.trim() ?? '';
			if ( filename === undefined ) {
				if ( ! ( name in result.fields ) ) {
					result.fields[ name ] = data.toString( 'utf8' );
				}
			} else {
				result.files.push( {
					name,
					filename,
					contentType: contentTypeHeader,
					data: Buffer.from( data ),
				} );
			}
		}
		pos = next + 2;
	}
	return result;
}
