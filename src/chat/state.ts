/**
 * The conversation as a reducer: pure, so it is tested without a browser, and immutable per
 * message, so only the message being written gets a new object (and re-renders) per token.
 */

export type Role = 'user' | 'assistant';
export type MessageStatus =
	'pending' | 'streaming' | 'done' | 'error' | 'stopped';

export interface ChatMessage {
	/** Local id (React key); stable for the message's life. */
	id: string;
	role: Role;
	text: string;
	status: MessageStatus;
	/** For a failed answer: what to tell the visitor. */
	error: string | null;
	/** For an answer: the question it answers, so Retry can send it again. */
	query: string;
	/** Dify's message id, once known. */
	messageId: string | null;
	/** Dify's task id while the answer is written (a stop button needs it). */
	taskId: string | null;
}

export interface Announcement {
	/** Changes with every announcement, so the same text twice is still spoken twice. */
	id: number;
	text: string;
}

export interface ChatState {
	messages: ChatMessage[];
	conversationId: string | null;
	/** The task of the answer being written, if any. */
	taskId: string | null;
	/** What the polite live region says: each finished answer or failure, once. */
	announcement: Announcement | null;
}

export type ChatAction =
	| { type: 'send'; query: string; userId: string; answerId: string }
	| {
			type: 'meta';
			answerId: string;
			conversationId: string | null;
			messageId: string | null;
			taskId: string | null;
	  }
	| { type: 'append'; answerId: string; text: string }
	| { type: 'replace'; answerId: string; text: string }
	| {
			type: 'end';
			answerId: string;
			conversationId: string | null;
			messageId: string | null;
	  }
	| {
			type: 'fail';
			answerId: string;
			error: string;
			/** The stored conversation is gone (404): the next question starts a new one. */
			forgetConversation?: boolean;
	  }
	| { type: 'stop'; answerId: string }
	| { type: 'retry'; answerId: string; newAnswerId: string }
	| { type: 'reset' };

export function initialState(
	conversationId: string | null = null
): ChatState {
	return { messages: [], conversationId, taskId: null, announcement: null };
}

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

function announce( state: ChatState, text: string ): Announcement | null {
	return text.trim() === ''
		? state.announcement
		: { id: ( state.announcement?.id ?? 0 ) + 1, text };
}

/**
 * Replaces one message by id; the others keep their identity (memoized components skip them).
 * Searches from the end: the message being written is almost always the last.
 *
 * @param state  The conversation.
 * @param id     The message's local id.
 * @param change Gives the new message, or null to leave the state untouched.
 */
function update(
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
 * Statuses after which an answer takes no more text (late events are ignored).
 * @param message
 */
function isOpen( message: ChatMessage ): boolean {
	return message.status === 'pending' || message.status === 'streaming';
}

function answer( id: string, query: string ): ChatMessage {
	return {
		id,
		role: 'assistant',
		text: '',
		status: 'pending',
		error: null,
		query,
		messageId: null,
		taskId: null,
	};
}

export function reducer( state: ChatState, action: ChatAction ): ChatState {
	switch ( action.type ) {
		case 'send': {
			if ( isBusy( state ) ) {
				return state;
			}
			const question: ChatMessage = {
				id: action.userId,
				role: 'user',
				text: action.query,
				status: 'done',
				error: null,
				query: action.query,
				messageId: null,
				taskId: null,
			};
			return {
				...state,
				messages: [
					...state.messages,
					question,
					answer( action.answerId, action.query ),
				],
			};
		}

		case 'meta': {
			const result = update( state, action.answerId, ( message ) =>
				isOpen( message )
					? {
							...message,
							messageId: action.messageId ?? message.messageId,
							taskId: action.taskId ?? message.taskId,
						}
					: null
			);
			if ( ! result ) {
				return state;
			}
			return {
				...result.state,
				conversationId: action.conversationId ?? state.conversationId,
				taskId: result.message.taskId,
			};
		}

		case 'append':
		case 'replace': {
			const result = update( state, action.answerId, ( message ) =>
				isOpen( message )
					? {
							...message,
							text:
								action.type === 'append'
									? message.text + action.text
									: action.text,
							status: 'streaming',
						}
					: null
			);
			return result ? result.state : state;
		}

		case 'end': {
			const result = update( state, action.answerId, ( message ) =>
				isOpen( message )
					? {
							...message,
							status: 'done',
							taskId: null,
							messageId: action.messageId ?? message.messageId,
						}
					: null
			);
			if ( ! result ) {
				return state;
			}
			return {
				...result.state,
				conversationId: action.conversationId ?? state.conversationId,
				taskId: null,
				announcement: announce( state, result.message.text ),
			};
		}

		case 'fail': {
			const result = update( state, action.answerId, ( message ) =>
				isOpen( message )
					? {
							...message,
							status: 'error',
							error: action.error,
							taskId: null,
						}
					: null
			);
			if ( ! result ) {
				return state;
			}
			return {
				...result.state,
				conversationId: action.forgetConversation
					? null
					: state.conversationId,
				taskId: null,
				announcement: announce( state, action.error ),
			};
		}

		case 'stop': {
			const result = update( state, action.answerId, ( message ) =>
				isOpen( message )
					? { ...message, status: 'stopped', taskId: null }
					: null
			);
			return result ? { ...result.state, taskId: null } : state;
		}

		case 'retry': {
			// Only the last answer, if it failed, can be asked again: an older one would come back
			// in the middle of the conversation.
			if ( ! canRetry( state, action.answerId ) ) {
				return state;
			}
			const result = update( state, action.answerId, ( message ) =>
				message.status === 'error'
					? answer( action.newAnswerId, message.query )
					: null
			);
			return result ? result.state : state;
		}

		case 'reset':
			return initialState();
	}
	return state;
}
