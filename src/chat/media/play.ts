/**
 * An answer read aloud as it came (`tts_message`), for apps that auto-play.
 */

/**
 * Plays an answer's `tts_message` audio (base64 MP3 chunks; MP3 frames simply follow each other).
 *
 * @param chunks The chunks, in order.
 */
export function playChunks( chunks: string[] ): void {
	const parts = chunks.map( ( chunk ) => {
		const binary = window.atob( chunk );
		const bytes = new Uint8Array( binary.length );
		for ( let i = 0; i < binary.length; i++ ) {
			bytes[ i ] = binary.charCodeAt( i );
		}
		return bytes;
	} );
	const url = URL.createObjectURL(
		new Blob( parts, { type: 'audio/mpeg' } )
	);
	const player = new Audio( url );
	player.className = 'dify-chatbot__autoplay';
	const free = () => URL.revokeObjectURL( url );
	player.onended = free;
	player.onerror = free;
	// Browsers refuse to play before the visitor interacted with the page: nothing to do then.
	player.play().catch( free );
}
