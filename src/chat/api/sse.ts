/**
 * Server-sent events over a fetch body, as async generators.
 *
 * EventSource cannot POST or send headers, so the chat reads the response body itself. Network
 * chunks are arbitrary: a frame, a line, even a multi-byte UTF-8 character can be split across
 * two chunks, so bytes are decoded in streaming mode and lines are only handled once complete.
 */

/** One dispatched SSE event (WHATWG "server-sent events" interpretation). */
export interface SseFrame {
	/** The `event:` field, 'message' when absent. Dify's keep-alive is `event: ping`. */
	event: string;
	/** The `data:` lines joined with "\n" ('' when there were none). */
	data: string;
}

/** A Dify stream event: its JSON payload, with the `event` key it always carries. */
export type DifyEvent = Record< string, unknown > & { event: string };

/**
 * Yields the events of an SSE stream.
 *
 * Follows the WHATWG parsing rules that matter here: "\r\n", "\r" and "\n" all end a line, a
 * blank line dispatches, lines starting with ":" are comments, one space after the colon is
 * dropped, and an event still open when the stream ends is discarded (it may be truncated).
 * Unlike EventSource, a frame with a name but no data is dispatched too, so Dify's keep-alive
 * (`event: ping`) is visible to callers that care about it.
 * Stopping the iteration early (break/return/throw in the consumer) cancels the stream, which
 * aborts the HTTP request.
 *
 * @param stream The response body.
 */
export async function* sseFrames(
	stream: ReadableStream< Uint8Array >
): AsyncGenerator< SseFrame, void, undefined > {
	const reader = stream.getReader();
	// `stream: true` keeps an incomplete multi-byte sequence for the next chunk; the BOM, if
	// any, is dropped by the decoder (ignoreBOM defaults to false).
	const decoder = new TextDecoder( 'utf-8' );
	let buffer = '';
	let event = '';
	let data: string[] = [];
	let hasData = false;
	let finished = false;

	function* take( final: boolean ): Generator< SseFrame > {
		let start = 0;
		for (;;) {
			const cr = buffer.indexOf( '\r', start );
			const lf = buffer.indexOf( '\n', start );
			let end: number;
			if ( cr === -1 && lf === -1 ) {
				break;
			}
			if ( cr === -1 || ( lf !== -1 && lf < cr ) ) {
				end = lf;
			} else {
				end = cr;
				// A "\r" at the very end may be the first half of "\r\n": wait for more.
				if ( end === buffer.length - 1 && ! final ) {
					break;
				}
			}
			const line = buffer.slice( start, end );
			start =
				buffer[ end ] === '\r' && buffer[ end + 1 ] === '\n'
					? end + 2
					: end + 1;

			if ( line === '' ) {
				if ( hasData || event !== '' ) {
					yield {
						event: event || 'message',
						data: data.join( '\n' ),
					};
				}
				event = '';
				data = [];
				hasData = false;
				continue;
			}
			if ( line.startsWith( ':' ) ) {
				continue;
			}
			const colon = line.indexOf( ':' );
			const field = colon === -1 ? line : line.slice( 0, colon );
			let value = colon === -1 ? '' : line.slice( colon + 1 );
			if ( value.startsWith( ' ' ) ) {
				value = value.slice( 1 );
			}
			if ( field === 'data' ) {
				data.push( value );
				hasData = true;
			} else if ( field === 'event' ) {
				event = value;
			}
			// `id` and `retry` mean nothing to a one-shot POST; unknown fields are ignored.
		}
		buffer = buffer.slice( start );
	}

	try {
		for (;;) {
			const { done, value } = await reader.read();
			if ( done ) {
				finished = true;
				buffer += decoder.decode();
				yield* take( true );
				return;
			}
			buffer += decoder.decode( value, { stream: true } );
			yield* take( false );
		}
	} finally {
		if ( ! finished ) {
			// The consumer stopped early: tell the server we are gone.
			await reader.cancel().catch( () => undefined );
		}
		reader.releaseLock();
	}
}

/**
 * Yields the JSON events of a Dify stream: keep-alive pings and frames whose data is not a JSON
 * object with a string `event` are skipped, never thrown, so one bad frame cannot end a chat.
 *
 * @param stream The response body.
 */
export async function* difyEvents(
	stream: ReadableStream< Uint8Array >
): AsyncGenerator< DifyEvent, void, undefined > {
	for await ( const frame of sseFrames( stream ) ) {
		if ( frame.event === 'ping' || frame.data === '' ) {
			continue;
		}
		let payload: unknown;
		try {
			payload = JSON.parse( frame.data );
		} catch {
			continue;
		}
		if (
			payload &&
			typeof payload === 'object' &&
			! Array.isArray( payload ) &&
			typeof ( payload as { event?: unknown } ).event === 'string'
		) {
			yield payload as DifyEvent;
		}
	}
}
