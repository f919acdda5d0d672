/**
 * What "Read aloud" reads of an answer.
 */

/**
 * What to read: the answer's markdown without its markup, as Dify's voice would read symbols.
 *
 * @param markdown The answer.
 */
export function plainText( markdown: string ): string {
	return markdown
		.replace( /```[^\n]*\n?/g, '' )
		.replace( /!?\[([^\]]*)\]\([^)]*\)/g, '$1' )
		.replace( /^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+/gm, '' )
		.replace( /[*_`~|]+/g, '' )
		.replace( /^[\s:-]+$/gm, '' )
		.replace( /\n{2,}/g, '\n' )
		.trim()
		.slice( 0, 4000 );
}
