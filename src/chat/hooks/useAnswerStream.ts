/**
 * Sends a question and streams its answer into the conversation: each update of the client
 * becomes a reducer action (state/answer-actions.ts), so only the answer being written changes
 * per token. An answer's request can be closed by its id; leaving the chat closes them all.
 */
import { useCallback, useEffect, useRef } from '@wordpress/element';
import type { Dispatch, RefObject } from 'react';

import { ChatError } from '../api/errors';
import type {
	ChatClient,
	ChatRequest,
	ChatUpdate,
	FormAnswer,
} from '../api/types';
import type { MediaContextValue } from '../media-context';
import { markFirstChunk } from '../paint-marks';
import { actionOf, failureOf } from '../state/answer-actions';
import type { ChatAction } from '../state/types';

/** Refusals after which a form cannot be answered any more. */
const FORM_CLOSED = [
	'dify_chatbot_form_submitted',
	'dify_chatbot_form_expired',
	'dify_chatbot_form_not_found',
];

/** The conversation and the Dify message an answer belongs to. */
export interface AnswerOrigin {
	conversationId: string;
	messageId: string;
}

/**
 * The whole text of an answer as the conversation's history keeps it, or null when it is not
 * there (yet) or the history cannot be read.
 *
 * @param client The chat client.
 * @param from   The answer's conversation and message.
 * @param signal Cancels the wait.
 */
async function storedAnswer(
	client: ChatClient,
	from: AnswerOrigin,
	signal: AbortSignal
): Promise< string | null > {
	try {
		const turns = await client.history( from.conversationId );
		if ( signal.aborted ) {
			return null;
		}
		const turn = turns.find( ( t ) => t.messageId === from.messageId );
		return turn && turn.answer !== '' ? turn.answer : null;
	} catch {
		return null;
	}
}

/**
 * @param client   The chat client.
 * @param dispatch The conversation's dispatch.
 * @param media    The media chunk, once loaded: it plays an answer read aloud.
 */
export function useAnswerStream(
	client: ChatClient,
	dispatch: Dispatch< ChatAction >,
	media: RefObject< MediaContextValue | null >
) {
	// The request of each answer on its way, by the answer's local id.
	const controllers = useRef( new Map< string, AbortController >() );

	// Leaving (unmount) closes any answer still on its way.
	useEffect( () => {
		const running = controllers.current;
		return () => running.forEach( ( controller ) => controller.abort() );
	}, [] );

	const ask = useCallback(
		async ( request: ChatRequest, answerId: string ) => {
			const controller = new AbortController();
			const audio: string[] = [];
			controllers.current.set( answerId, controller );
			let firstText = true;
			// Nothing of a closed request reaches the conversation any more.
			const act = ( action: ChatAction | null ) => {
				if ( action && ! controller.signal.aborted ) {
					dispatch( action );
				}
			};
			try {
				for await ( const update of client.chat(
					request,
					controller.signal
				) ) {
					if ( update.type === 'audio' ) {
						audio.push( update.audio );
					}
					if (
						firstText &&
						( update.type === 'append' ||
							update.type === 'replace' ) &&
						update.text !== ''
					) {
						firstText = false;
						markFirstChunk();
					}
					act( actionOf( update, answerId ) );
				}
				const played = media.current;
				if ( audio.length && played?.parameters.autoPlay ) {
					played.module.playChunks( audio );
				}
			} catch ( error ) {
				act( failureOf( error, answerId ) );
			} finally {
				controllers.current.delete( answerId );
			}
		},
		[ client, dispatch, media ]
	);

	/**
	 * Answers the Human Input form of an answer: the resumed run streams into the same answer. A
	 * refusal puts the form back with the reason (or closes it when it cannot be answered any more).
	 *
	 * A run can finish before the resumed stream follows it (Dify then answers with the finished
	 * run alone, or with nothing): when the resumed part brings no text, the answer is taken
	 * from the conversation's history instead, so the visitor still sees it in the same bubble.
	 */
	const answerForm = useCallback(
		async (
			answerId: string,
			handle: string,
			answer: FormAnswer,
			from: AnswerOrigin | null = null
		) => {
			const controller = new AbortController();
			controllers.current.set( answerId, controller );
			const act = ( action: ChatAction | null ) => {
				if ( action && ! controller.signal.aborted ) {
					dispatch( action );
				}
			};
			act( { type: 'form_send', answerId, action: answer.action } );
			let resumed = false;
			let text = false;
			let end: ChatUpdate | null = null;
			try {
				for await ( const update of client.answerForm(
					handle,
					answer,
					controller.signal
				) ) {
					resumed = true;
					text ||=
						update.type === 'append' || update.type === 'replace';
					if ( update.type === 'end' && ! text ) {
						// Held until the fallback had its chance (an ended answer takes no text).
						end = update;
						continue;
					}
					act( actionOf( update, answerId ) );
				}
				if ( ! text ) {
					const whole = from
						? await storedAnswer( client, from, controller.signal )
						: null;
					if ( whole !== null ) {
						act(
							actionOf(
								{ type: 'replace', text: whole },
								answerId
							)
						);
					}
					act(
						actionOf(
							end ?? {
								type: 'end',
								conversationId: from?.conversationId ?? null,
								messageId: from?.messageId ?? null,
								metadata: {
									retrieverResources: [],
									usage: null,
								},
							},
							answerId
						)
					);
				}
			} catch ( error ) {
				act(
					! resumed && error instanceof ChatError
						? {
								type: 'form_fail',
								answerId,
								error: error.message,
								closed: FORM_CLOSED.includes( error.code ),
							}
						: failureOf( error, answerId )
				);
			} finally {
				controllers.current.delete( answerId );
			}
		},
		[ client, dispatch ]
	);

	/** Closes an answer's request (the answer itself is marked stopped by the caller). */
	const close = useCallback( ( answerId: string ) => {
		controllers.current.get( answerId )?.abort();
	}, [] );

	return { ask, answerForm, close };
}
