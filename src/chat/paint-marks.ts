/**
 * Two Performance API marks per answer, so the time from an answer's first text reaching the
 * browser to that text on screen can be measured in a real browser (`npm run bench` reads them):
 * - `dify-chatbot:chunk` when the first update carrying answer text is read from the stream;
 * - `dify-chatbot:painted` once that text has been written into the DOM and the frame showing it
 *   has been rendered (a task queued from that frame's animation-frame callback runs after its
 *   paint, so the mark errs late, never early).
 * Always on: a mark is one timestamp in the page's performance timeline, two per answer, no
 * cheaper than a flag check would be worth.
 */
export const CHUNK_MARK = 'dify-chatbot:chunk';
export const PAINTED_MARK = 'dify-chatbot:painted';

/** A first chunk was read and its text has not been written yet. */
let waiting = false;

function mark( name: string ): void {
	// Browsers without User Timing (and test DOMs) still chat; they measure nothing.
	if ( typeof performance !== 'undefined' && performance.mark ) {
		performance.mark( name );
	}
}

/** The first update with answer text of an answer has been read from the stream. */
export function markFirstChunk(): void {
	waiting = true;
	mark( CHUNK_MARK );
}

/** Answer text has just been written into the DOM: marks the paint that shows the first chunk. */
export function markWritten(): void {
	if ( ! waiting ) {
		return;
	}
	waiting = false;
	window.requestAnimationFrame( () =>
		window.setTimeout( () => mark( PAINTED_MARK ), 0 )
	);
}
