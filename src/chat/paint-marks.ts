/**
 * Performance API marks per answer, so the time from an answer's first text reaching the browser
 * to that text on screen can be measured in a real browser (`npm run bench` reads them), and split
 * into what the chat's own code costs and what the display's frame cadence adds:
 * - `dify-chatbot:chunk` when the first update carrying answer text is read from the stream;
 * - `dify-chatbot:written` once that text has been written into the DOM (the chat's own work:
 *   parsing, rendering, Markdown);
 * - `dify-chatbot:frame` when the next frame starts (its animation-frame callback): the wait since
 *   `written` is the display's, not the code's (up to one frame, 16.7 ms at 60 Hz);
 * - `dify-chatbot:painted` after that frame was rendered (a task queued from its animation-frame
 *   callback runs after its paint, so the mark errs late, never early).
 * Always on: a mark is one timestamp in the page's performance timeline, four per answer, no
 * cheaper than a flag check would be worth.
 */
export const CHUNK_MARK = 'dify-chatbot:chunk';
export const WRITTEN_MARK = 'dify-chatbot:written';
export const FRAME_MARK = 'dify-chatbot:frame';
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

/** Answer text has just been written into the DOM: marks it, the frame that shows the first chunk and its paint. */
export function markWritten(): void {
	if ( ! waiting ) {
		return;
	}
	waiting = false;
	mark( WRITTEN_MARK );
	window.requestAnimationFrame( () => {
		mark( FRAME_MARK );
		window.setTimeout( () => mark( PAINTED_MARK ), 0 );
	} );
}
