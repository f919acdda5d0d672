/**
 * The one check for addresses that come with an answer. Answers are written by a model a visitor
 * can steer, so an address in one is hostile until checked.
 */

/**
 * What an address is used for:
 * - `resource`: something the page loads or offers as a file (an image, an agent tool's file).
 *   Only an absolute http(s) address with a host, written plainly: never data:, blob: or
 *   javascript:, and never a relative one, which would point into this site rather than at
 *   the assistant's files.
 * - `link`: a link the visitor may choose to follow: http(s), mailto:, tel:, or relative.
 */
export type UrlUse = 'resource' | 'link';

const LINK_SCHEMES = [ 'http', 'https', 'mailto', 'tel' ];

/**
 * Whether an address from an answer may be used as `use` says. Whitespace and control
 * characters, which browsers skip inside a scheme, cannot hide one from the check.
 *
 * @param value The address.
 * @param use   What it is for.
 */
export function isSafeUrl(
	value: unknown,
	use: UrlUse = 'resource'
): value is string {
	if ( typeof value !== 'string' ) {
		return false;
	}
	if ( use === 'resource' ) {
		// Nothing may stand before the scheme, so nothing can hide another one there.
		return /^https?:\/\/[^/]/i.test( value );
	}
	const url = value.replace( /[\u0000-\u0020\u007f-\u00a0]/g, '' );
	const scheme = /^([a-z][a-z0-9+.-]*):/i.exec( url )?.[ 1 ];
	return ! scheme || LINK_SCHEMES.includes( scheme.toLowerCase() );
}
