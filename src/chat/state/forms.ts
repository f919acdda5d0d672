/**
 * What Human Input forms do to the conversation: a form arrives in an answer (the run waits), the
 * visitor answers it (the same answer goes on streaming), or the answer is refused (the form
 * stays open with the reason, or closes when it cannot be answered any more).
 */
import { replaceMessage } from './messages';
import type { ChatAction, ChatState } from './types';

type FormAction = Extract<
	ChatAction,
	{ type: 'form' | 'form_send' | 'form_fail' }
>;

/**
 * @param state  The conversation.
 * @param action A form action.
 */
export function formReducer( state: ChatState, action: FormAction ): ChatState {
	switch ( action.type ) {
		case 'form': {
			const result = replaceMessage(
				state,
				action.answerId,
				( message ) => ( {
					...message,
					form: {
						form: action.form,
						state: 'open',
						action: null,
						error: null,
						offset: message.text.length,
					},
				} )
			);
			return result ? result.state : state;
		}
		case 'form_send': {
			if ( state.taskId ) {
				return state;
			}
			const result = replaceMessage(
				state,
				action.answerId,
				( message ) =>
					message.form?.state === 'open'
						? {
								...message,
								// The answer is written again: the resumed run adds to it.
								status: 'streaming',
								error: null,
								form: {
									...message.form,
									state: 'sending',
									action: action.action,
									error: null,
								},
							}
						: null
			);
			return result ? result.state : state;
		}
		case 'form_fail': {
			const result = replaceMessage(
				state,
				action.answerId,
				( message ) =>
					message.form
						? {
								...message,
								status: 'done',
								form: {
									...message.form,
									state: action.closed ? 'closed' : 'open',
									error: action.error,
								},
							}
						: null
			);
			return result ? { ...result.state, taskId: null } : state;
		}
	}
	return state;
}
