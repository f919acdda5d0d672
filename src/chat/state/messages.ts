/**
 * The messages of a conversation: what the reducer and the chat ask of them, and how one is
 * replaced without touching the others.
 */
import type { ChatMessage, ChatState } from './types';

/**
 * Whether an answer is on its way: a new question waits until it is done.
 *
 * @param state The conversation.
 */
export function isBusy( state: ChatState ): boolean {
	const last = state.messages[ state.messages.length - 1 ];
	return (
		!! last &&
		last.role === 'assistant' &&
		( last.status === 'pending' || last.status === 'streaming' )
	);
}

/**
 * Whether Retry applies to this answer: it is the last message and it failed.
 *
 * @param state    The conversation.
 * @param answerId The answer's local id.
 */
export function canRetry( state: ChatState, answerId: string ): boolean {
	const last = state.messages[ state.messages.length - 1 ];
	return !! last && last.id === answerId && last.status === 'error';
}

/**
 * Replaces one message by id; the others keep their identity (memoized components skip them).
 * Searches from the end: the message being written is almost always the last.
 *
 * @param state  The conversation.
 * @param id     The message's local id.
 * @param change Gives the new message, or null to leave the state untouched.
 */
export function replaceMessage(
	state: ChatState,
	id: string,
	change: ( message: ChatMessage ) => ChatMessage | null
): { state: ChatState; message: ChatMessage } | null {
	for ( let i = state.messages.length - 1; i >= 0; i-- ) {
		const message = state.messages[ i ] as ChatMessage;
		if ( message.id !== id ) {
			continue;
		}
		const next = change( message );
		if ( ! next ) {
			return null;
		}
		const messages = state.messages.slice();
		messages[ i ] = next;
		return { state: { ...state, messages }, message: next };
	}
	return null;
}

/**
 * Whether an answer may still take text (statuses after these ignore late events).
 *
 * @param message The message.
 */
export function isOpen( message: ChatMessage ): boolean {
	return message.status === 'pending' || message.status === 'streaming';
}

/**
 * An answer that is yet to come.
 *
 * @param id    Its local id.
 * @param query The question it answers.
 */
export function newAnswer( id: string, query: string ): ChatMessage {
	return {
		id,
		role: 'assistant',
		text: '',
		status: 'pending',
		error: null,
		query,
		messageId: null,
		taskId: null,
		citations: [],
		thoughts: [],
		files: [],
	};
}
