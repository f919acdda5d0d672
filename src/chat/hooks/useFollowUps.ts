/**
 * Follow-up questions for the last answer, when the app offers them: asked for once the answer
 * is done, and shown only while it is the last message and nothing else is on its way.
 */
import { useEffect, useState } from '@wordpress/element';

import type { ChatClient } from '../api/types';
import { isBusy } from '../state/messages';
import type { ChatState } from '../state/types';

/** A stable empty list, so memoized children do not re-render for a new one. */
const NONE: string[] = [];

/**
 * @param client  The chat client.
 * @param state   The conversation.
 * @param enabled Whether the app suggests questions after an answer.
 */
export function useFollowUps(
	client: ChatClient,
	state: ChatState,
	enabled: boolean
): string[] {
	const [ followUps, setFollowUps ] = useState< {
		answerId: string;
		questions: string[];
	} | null >( null );
	const last = state.messages[ state.messages.length - 1 ];
	const finishedId =
		last?.role === 'assistant' &&
		last.status === 'done' &&
		! last.restored &&
		last.messageId
			? last.messageId
			: null;
	const finishedAnswer = finishedId ? ( last?.id ?? null ) : null;
	useEffect( () => {
		if ( ! finishedId || ! finishedAnswer || ! enabled ) {
			return;
		}
		let live = true;
		client.suggested( finishedId ).then(
			( questions ) =>
				live && setFollowUps( { answerId: finishedAnswer, questions } ),
			() => undefined
		);
		return () => {
			live = false;
		};
	}, [ client, finishedId, finishedAnswer, enabled ] );

	return followUps &&
		last &&
		followUps.answerId === last.id &&
		! isBusy( state )
		? followUps.questions
		: NONE;
}
