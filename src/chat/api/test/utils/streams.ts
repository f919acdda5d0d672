/**
 * Test helpers: byte streams cut exactly where a test wants, like a network would.
 */
const encoder = new TextEncoder();

/**
 * A stream that delivers each chunk as its own read.
 *
 * @param chunks Strings (UTF-8 encoded) or raw bytes.
 */
export function streamOf(
	chunks: Array< string | Uint8Array >
): ReadableStream< Uint8Array > {
	const queue = chunks.map( ( chunk ) =>
		typeof chunk === 'string' ? encoder.encode( chunk ) : chunk
	);
	return new ReadableStream< Uint8Array >( {
		pull( controller ) {
			const next = queue.shift();
			if ( next ) {
				controller.enqueue( next );
			} else {
				controller.close();
			}
		},
	} );
}

/**
 * Splits text into byte chunks of a given size (cuts through multi-byte characters).
 *
 * @param text The text.
 * @param size Bytes per chunk.
 */
export function bytesOf( text: string, size: number ): Uint8Array[] {
	const bytes = encoder.encode( text );
	const chunks: Uint8Array[] = [];
	for ( let i = 0; i < bytes.length; i += size ) {
		chunks.push( bytes.slice( i, i + size ) );
	}
	return chunks;
}

export async function collect< T >(
	iterable: AsyncIterable< T >
): Promise< T[] > {
	const items: T[] = [];
	for await ( const item of iterable ) {
		items.push( item );
	}
	return items;
}

/**
 * One Dify data frame.
 *
 * @param payload The event.
 */
export function frame( payload: Record< string, unknown > ): string {
	return `data: ${ JSON.stringify( payload ) }\n\n`;
}
