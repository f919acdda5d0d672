/**
 * What one of Dify's stream events means to the chat: text, a tool round, a file, the end's
 * metadata, or the error an answer fails with. updates.ts puts them in order.
 */
import { __, _n, sprintf } from '@wordpress/i18n';

import { isSafeUrl } from '../url';
import { ChatError } from './errors';
import { record, str } from './json';
import type { DifyEvent } from './sse';
import type { AnswerMetadata, ChatUpdate } from './types';

/**
 * The metadata of an answer (`message_end`, or a blocking answer).
 *
 * @param value Its `metadata`.
 */
export function metadataOf( value: unknown ): AnswerMetadata {
	const metadata = record( value );
	const resources = metadata?.retriever_resources;
	return {
		retrieverResources: Array.isArray( resources ) ? resources : [],
		usage: record( metadata?.usage ),
	};
}

/**
 * A stream's `error` event as the error the answer fails with.
 *
 * @param event The event.
 */
export function streamError( event: DifyEvent ): ChatError {
	// The assistant's own Retry-After (an upstream 429), passed on by the relay.
	const wait =
		typeof event.retry_after === 'number' &&
		event.retry_after > 0 &&
		event.retry_after <= 300
			? Math.ceil( event.retry_after )
			: null;
	const text =
		str( event.message ) ??
		__(
			'Something went wrong while answering. Please try again.',
			'dify-chatbot'
		);
	return new ChatError(
		str( event.code ) ?? 'stream_error',
		wait === null
			? text
			: sprintf(
					/* translators: 1: why the answer failed, 2: number of seconds. */
					_n(
						'%1$s Retry is possible in %2$d second.',
						'%1$s Retry is possible in %2$d seconds.',
						wait,
						'dify-chatbot'
					),
					text,
					wait
				),
		typeof event.status === 'number' ? event.status : 0,
		wait
	);
}

/**
 * A workflow step event as a row of the steps list. The nodes inside an iteration or loop are
 * not rows of their own: their iteration or loop counts its rounds instead, so the list stays
 * short.
 *
 * @param name The event's name.
 * @param data Its `data`.
 */
function stepOf(
	name: string,
	data: Record< string, unknown > | null
): ChatUpdate | null {
	const nodeId = str( data?.node_id );
	if (
		! data ||
		! nodeId ||
		str( data.iteration_id ) ||
		str( data.loop_id )
	) {
		return null;
	}
	const ended = /_(finished|completed)$/.test( name );
	const next = /_next$/.test( name );
	return {
		type: 'step',
		nodeId,
		title: str( data.title ) ?? str( data.node_type ) ?? nodeId,
		status: ended ? ( str( data.status ) ?? 'succeeded' ) : 'running',
		elapsed:
			ended && typeof data.elapsed_time === 'number'
				? data.elapsed_time
				: null,
		rounds: next && typeof data.index === 'number' ? data.index + 1 : 0,
	};
}

/**
 * What one event adds to the answer's text, thoughts or files (ids and the end are handled by
 * the stream itself).
 *
 * Text is any event with a string `answer` and no `url` (`message`, `agent_message`, and the
 * `message_file` mislabel of Dify 1.11–1.12), or `text_chunk.data.text` for workflow apps.
 *
 * @param event The event.
 */
export function contentOf( event: DifyEvent ): ChatUpdate | null {
	switch ( event.event ) {
		case 'message_replace':
			return { type: 'replace', text: str( event.answer ) ?? '' };
		case 'agent_thought': {
			const id = str( event.id );
			const tools = ( str( event.tool ) ?? '' )
				.split( ';' )
				.map( ( tool ) => tool.trim() )
				.filter( ( tool ) => tool !== '' );
			return id
				? {
						type: 'thought',
						id,
						position:
							typeof event.position === 'number'
								? event.position
								: 0,
						tools,
					}
				: null;
		}
		case 'node_started':
		case 'node_retry':
		case 'node_finished':
		case 'iteration_started':
		case 'iteration_next':
		case 'iteration_completed':
		case 'loop_started':
		case 'loop_next':
		case 'loop_completed':
			return stepOf( event.event, record( event.data ) );
		case 'reasoning_chunk': {
			// The server sends reasoning only when the site shows it, always apart from the text.
			const text = str( record( event.data )?.reasoning );
			return text ? { type: 'reasoning', text } : null;
		}
		case 'text_chunk': {
			const text = str( record( event.data )?.text );
			return text ? { type: 'append', text } : null;
		}
	}
	if ( event.event === 'message_file' && 'url' in event ) {
		const id = str( event.id );
		return id && isSafeUrl( event.url )
			? {
					type: 'file',
					id,
					url: event.url,
					fileType: str( event.type ) ?? 'file',
				}
			: null;
	}
	if (
		typeof event.answer === 'string' &&
		! ( 'url' in event ) &&
		event.answer !== ''
	) {
		return { type: 'append', text: event.answer };
	}
	// Anything else (node events, …) is not shown.
	return null;
}
