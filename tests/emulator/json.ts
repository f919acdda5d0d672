/**
 * The three JSON flavours Dify puts on the wire (dify-api.md §1.1) and a few
 * Python renderings (repr/str/type names) that Dify error texts contain.
 */

const NON_ASCII_UJSON = /[\u0080-\uffff]/g;
const NON_ASCII_PY = /[\u007f-\uffff]/g;

function uEscape( c: string ): string {
	return '\\u' + c.charCodeAt( 0 ).toString( 16 ).padStart( 4, '0' );
}

/**
 * flask-restx output with ujson: compact, `/` escaped as `\/`, non-ASCII as
 * `\uXXXX`. The caller appends the trailing newline.
 * @param value
 */
export function ujsonDumps( value: unknown ): string {
	// JSON can only contain "/" inside strings, so a global replace is safe.
	return ( JSON.stringify( value ) ?? 'null' )
		.replace( NON_ASCII_UJSON, uEscape )
		.replace( /\//g, '\\/' );
}

function pyString( s: string, ensureAscii: boolean ): string {
	const json = JSON.stringify( s );
	return ensureAscii ? json.replace( NON_ASCII_PY, uEscape ) : json;
}

/**
 * Python's `json.dumps`: `", "` / `": "` separators, `/` not escaped, no
 * trailing newline (blocking generation results). ASCII only by default;
 * `ensureAscii: false` keeps UTF-8 as `json.dumps(…, ensure_ascii=False)`.
 * @param value
 * @param ensureAscii
 */
export function pyJsonDumps( value: unknown, ensureAscii = true ): string {
	if ( value === null || value === undefined ) {
		return 'null';
	}
	if ( Array.isArray( value ) ) {
		return value.length
			? '[' +
					value
						.map( ( v ) => pyJsonDumps( v, ensureAscii ) )
						.join( ', ' ) +
					']'
			: '[]';
	}
	if ( typeof value === 'object' ) {
		const entries = Object.entries(
			value as Record< string, unknown >
		).filter( ( [ , v ] ) => v !== undefined );
		return entries.length
			? '{' +
					entries
						.map(
							( [ k, v ] ) =>
								pyString( k, ensureAscii ) +
								': ' +
								pyJsonDumps( v, ensureAscii )
						)
						.join( ', ' ) +
					'}'
			: '{}';
	}
	if ( typeof value === 'string' ) {
		return pyString( value, ensureAscii );
	}
	if ( typeof value === 'number' && ! Number.isFinite( value ) ) {
		if ( Number.isNaN( value ) ) {
			return 'NaN';
		}
		return value > 0 ? 'Infinity' : '-Infinity';
	}
	return JSON.stringify( value ) ?? 'null';
}

/**
 * SSE payloads: orjson — compact, raw UTF-8, `/` not escaped.
 * @param value
 */
export function sseJson( value: unknown ): string {
	return JSON.stringify( value ) ?? 'null';
}

function pyStrRepr( s: string ): string {
	const quote = s.includes( "'" ) && ! s.includes( '"' ) ? '"' : "'";
	let out = '';
	for ( const ch of s ) {
		const code = ch.codePointAt( 0 ) ?? 0;
		if ( ch === '\\' ) {
			out += '\\\\';
		} else if ( ch === quote ) {
			out += '\\' + quote;
		} else if ( ch === '\n' ) {
			out += '\\n';
		} else if ( ch === '\r' ) {
			out += '\\r';
		} else if ( ch === '\t' ) {
			out += '\\t';
		} else if ( code < 0x20 || code === 0x7f ) {
			out += '\\x' + code.toString( 16 ).padStart( 2, '0' );
		} else {
			out += ch;
		}
	}
	return quote + out + quote;
}

function pyNumber( n: number ): string {
	if ( Number.isNaN( n ) ) {
		return 'nan';
	}
	if ( ! Number.isFinite( n ) ) {
		return n > 0 ? 'inf' : '-inf';
	}
	return String( n );
}

/**
 * Python `repr()` of a JSON value as Dify would have it after `json.loads`.
 * @param value
 */
export function pyRepr( value: unknown ): string {
	if ( value === null || value === undefined ) {
		return 'None';
	}
	if ( value === true ) {
		return 'True';
	}
	if ( value === false ) {
		return 'False';
	}
	if ( typeof value === 'number' ) {
		return pyNumber( value );
	}
	if ( typeof value === 'string' ) {
		return pyStrRepr( value );
	}
	if ( Array.isArray( value ) ) {
		return '[' + value.map( ( v ) => pyRepr( v ) ).join( ', ' ) + ']';
	}
	if ( typeof value === 'object' ) {
		return (
			'{' +
			Object.entries( value as Record< string, unknown > )
				.map( ( [ k, v ] ) => pyStrRepr( k ) + ': ' + pyRepr( v ) )
				.join( ', ' ) +
			'}'
		);
	}
	return String( value );
}

/**
 * Python `str()`.
 * @param value
 */
export function pyStr( value: unknown ): string {
	return typeof value === 'string' ? value : pyRepr( value );
}

/**
 * Python type name of a JSON value (`dict`, `list`, `str`, `int`, ...).
 * @param value
 */
export function pyTypeName( value: unknown ): string {
	if ( value === null || value === undefined ) {
		return 'NoneType';
	}
	if ( typeof value === 'boolean' ) {
		return 'bool';
	}
	if ( typeof value === 'number' ) {
		return Number.isInteger( value ) ? 'int' : 'float';
	}
	if ( typeof value === 'string' ) {
		return 'str';
	}
	if ( Array.isArray( value ) ) {
		return 'list';
	}
	return 'dict';
}

export function isPlainObject(
	value: unknown
): value is Record< string, unknown > {
	return (
		typeof value === 'object' && value !== null && ! Array.isArray( value )
	);
}
