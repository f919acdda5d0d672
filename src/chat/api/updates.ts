/**
 * An answer as the UI reads it: Dify's stream events (through sse.ts), or a blocking JSON answer,
 * become the same small sequence of `ChatUpdate`s, and every way an answer can fail becomes a
 * `ChatError`, so the UI has one code path.
 */
import { __ } from '@wordpress/i18n';

import {
	ChatError,
	ERROR_ABORTED,
	aborted,
	badResponse,
	cutOff,
	isAbort,
} from './errors';
import { contentOf, metadataOf, streamError } from './events';
import { formOf } from './forms';
import { record, str } from './json';
import { difyEvents, type DifyEvent } from './sse';
import type { ChatUpdate } from './types';

/**
 * Turns Dify's stream events into updates.
 *
 * `message_end` finishes an answer, `error` fails it. `workflow_finished` is terminal only for
 * workflow apps (chatflows send `message_end` after it), so it is settled when the stream ends.
 *
 * @param body The response body.
 */
export async function* streamUpdates(
	body: ReadableStream< Uint8Array >
): AsyncGenerator< ChatUpdate, void, undefined > {
	let conversationId: string | null = null;
	let messageId: string | null = null;
	let taskId: string | null = null;
	let workflow: Record< string, unknown > | null = null;
	let ended = false;
	// A New Agent streams `agent_message` deltas, then one `message` that is the whole answer.
	let agentText = false;

	const events = difyEvents( body );
	try {
		for (;;) {
			let next: IteratorResult< DifyEvent, void >;
			try {
				next = await events.next();
			} catch ( error ) {
				if ( ended ) {
					return; // The answer is complete; losing the tail does not matter.
				}
				// The connection broke mid-answer.
				throw isAbort( error ) ? error : cutOff();
			}
			if ( next.done ) {
				break;
			}
			const event = next.value;
			// The answer read aloud: Dify sends its audio after message_end too.
			const audio = str( event.audio );
			if ( event.event === 'tts_message' && audio ) {
				yield { type: 'audio', audio };
				continue;
			}
			if ( ended ) {
				// Only TTS audio may follow. The rest of the body is still read rather than the
				// request cancelled, so the server is not cut off while it finishes its work.
				continue;
			}
			if ( event.event === 'error' ) {
				throw streamError( event );
			}

			// Ids come with the first event; keeping the task id allows stopping the answer.
			const ids: Record<
				'conversationId' | 'messageId' | 'taskId',
				string | null
			> = {
				conversationId: conversationId ?? str( event.conversation_id ),
				messageId: messageId ?? str( event.message_id ),
				taskId: taskId ?? str( event.task_id ),
			};
			if (
				ids.conversationId !== conversationId ||
				ids.messageId !== messageId ||
				ids.taskId !== taskId
			) {
				( { conversationId, messageId, taskId } = ids );
				yield { type: 'meta', conversationId, messageId, taskId };
			}

			if ( event.event === 'message_end' ) {
				ended = true;
				yield {
					type: 'end',
					conversationId:
						str( event.conversation_id ) ?? conversationId,
					messageId: str( event.id ) ?? messageId,
					metadata: metadataOf( event.metadata ),
				};
			} else if ( event.event === 'workflow_finished' ) {
				workflow = record( event.data ) ?? {};
			} else if ( event.event === 'human_input_required' ) {
				const form = formOf( event.data );
				if ( form ) {
					yield { type: 'form', form };
				}
			} else if ( event.event === 'workflow_paused' ) {
				// The run waits for the visitor: this part of the answer is complete.
				ended = true;
				yield {
					type: 'end',
					conversationId,
					messageId,
					metadata: { retrieverResources: [], usage: null },
				};
			} else if (
				event.event === 'message' &&
				agentText &&
				typeof event.answer === 'string'
			) {
				yield { type: 'replace', text: event.answer };
			} else {
				agentText ||= event.event === 'agent_message';
				const content = contentOf( event );
				if ( content ) {
					yield content;
				}
			}
		}
	} finally {
		// Closes the body when the answer ends early (error event, consumer gone).
		await events.return( undefined );
	}

	if ( ended ) {
		return;
	}
	if ( ! workflow ) {
		throw cutOff();
	}
	const status = str( workflow.status );
	if ( status === 'succeeded' || status === 'partial-succeeded' ) {
		yield {
			type: 'end',
			conversationId,
			messageId,
			metadata: { retrieverResources: [], usage: null },
		};
		return;
	}
	throw new ChatError(
		status === 'stopped' ? ERROR_ABORTED : 'workflow_failed',
		__(
			'The answer could not be completed. Please try again.',
			'dify-chatbot'
		)
	);
}

/**
 * A blocking (JSON) answer, as the same updates a stream gives.
 *
 * @param json The parsed body.
 */
export function* blockingUpdates( json: unknown ): Generator< ChatUpdate > {
	const answer = record( json );
	if ( ! answer || typeof answer.answer !== 'string' ) {
		throw badResponse( 200 );
	}
	const conversationId = str( answer.conversation_id );
	const messageId = str( answer.message_id ) ?? str( answer.id );
	yield {
		type: 'meta',
		conversationId,
		messageId,
		taskId: str( answer.task_id ),
	};
	const reasoning = str( answer.reasoning );
	if ( reasoning ) {
		yield { type: 'reasoning', text: reasoning };
	}
	yield { type: 'replace', text: answer.answer };
	yield {
		type: 'end',
		conversationId,
		messageId,
		metadata: metadataOf( answer.metadata ),
	};
}

/**
 * The updates of an accepted answer, by what the server sent: a stream, or JSON (also when a
 * stream was asked for: the server may be set to blocking).
 *
 * @param response The chat route's 2xx response.
 */
export async function* answerUpdates(
	response: Response
): AsyncGenerator< ChatUpdate, void, undefined > {
	const type = response.headers.get( 'Content-Type' ) ?? '';
	try {
		if ( type.includes( 'text/event-stream' ) ) {
			if ( ! response.body ) {
				throw badResponse( response.status );
			}
			yield* streamUpdates( response.body );
			return;
		}
		if ( type.includes( 'json' ) ) {
			let json: unknown;
			try {
				json = await response.json();
			} catch ( error ) {
				throw isAbort( error ) ? error : badResponse( response.status );
			}
			yield* blockingUpdates( json );
			return;
		}
		throw badResponse( response.status );
	} catch ( error ) {
		throw isAbort( error ) ? aborted() : error;
	}
}
