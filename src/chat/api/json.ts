/**
 * Readers for JSON of unknown shape (what the server or Dify sent): they never throw, and give
 * null for anything that is not what was expected.
 */

/**
 * A non-empty string, else null.
 *
 * @param value Any JSON value.
 */
export function str( value: unknown ): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * An object (not an array), else null.
 *
 * @param value Any JSON value.
 */
export function record( value: unknown ): Record< string, unknown > | null {
	return value && typeof value === 'object' && ! Array.isArray( value )
		? ( value as Record< string, unknown > )
		: null;
}
