/**
 * The conversation as a reducer: pure, so it is tested without a browser, and immutable per
 * message, so only the message being written gets a new object (and re-renders) per token.
 */
import type { ChatFile } from './api';

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
	/** For a failed answer: seconds to wait before Retry (the assistant's Retry-After), else null. */
	retryAfter?: number | null;
	/** For an answer: the question it answers, so Retry can send it again. */
	query: string;
	/** Dify's message id, once known. */
	messageId: string | null;
	/** Dify's task id while the answer is written (a stop button needs it). */
	taskId: string | null;
	/** For an answer: the knowledge it was built from (`retriever_resources`). */
	citations: Citation[];
	/** For an agent's answer: the tool rounds, in order. */
	thoughts: Thought[];
	/** For an answer: images the agent's tools made (http(s) links only). */
	files: AnswerFile[];
	/** Brought back from the conversation's history (not answered on this page). */
	restored?: boolean;
	/** For a question: the files the visitor attached (an image's preview is an object URL). */
	attachments?: Attachment[];
	/** For an answer: the files sent with its question, so Retry sends them again. */
	sent?: ChatFile[];
}

export interface Attachment {
	name: string;
	/** Object URL of an image's preview; null for other files. */
	url: string | null;
}

export interface Citation {
	position: number;
	documentName: string;
	content: string;
	/** Relevance, 0–1; null when Dify gives none. */
	score: number | null;
}

export interface Thought {
	/** Dify's thought id: the same thought is re-sent as it progresses. */
	id: string;
	position: number;
	/** The tools used in this round (names only). */
	tools: string[];
}

export interface AnswerFile {
	id: string;
	url: string;
	/** Dify's file type (`image`, …). */
	type: string;
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
	| {
			type: 'send';
			query: string;
			userId: string;
			answerId: string;
			attachments?: Attachment[];
			files?: ChatFile[];
	  }
	| {
			type: 'meta';
			answerId: string;
			conversationId: string | null;
			messageId: string | null;
			taskId: string | null;
	  }
	| { type: 'append'; answerId: string; text: string }
	| ( { type: 'thought'; answerId: string } & Thought )
	| {
			type: 'file';
			answerId: string;
			id: string;
			url: string;
			fileType: string;
	  }
	| {
			type: 'restore';
			conversationId: string;
			turns: Array< {
				query: string;
				answer: string;
				messageId: string;
				citations: Citation[];
				files: AnswerFile[];
			} >;
	  }
	| { type: 'replace'; answerId: string; text: string }
	| {
			type: 'end';
			answerId: string;
			conversationId: string | null;
			messageId: string | null;
			citations?: Citation[];
	  }
	| {
			type: 'fail';
			answerId: string;
			error: string;
			/** Seconds before a retry may go (an upstream Retry-After). */
			retryAfter?: number | null;
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
 * Whether an answer may still take text (statuses after these ignore late events).
 *
 * @param message The message.
 */
export function isOpen( message: ChatMessage ): boolean {
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
		citations: [],
		thoughts: [],
		files: [],
	};
}

function num( value: unknown ): number | null {
	return typeof value === 'number' && Number.isFinite( value ) ? value : null;
}

/**
 * The citations to show, from Dify's `retriever_resources` (anything malformed is skipped).
 *
 * @param resources `metadata.retriever_resources` of an answer.
 */
export function citationsOf( resources: unknown ): Citation[] {
	if ( ! Array.isArray( resources ) ) {
		return [];
	}
	const citations: Citation[] = [];
	resources.forEach( ( item: unknown, index ) => {
		if ( ! item || typeof item !== 'object' ) {
			return;
		}
		const r = item as Record< string, unknown >;
		const name = [ r.document_name, r.title, r.dataset_name ].find(
			( v ): v is string => typeof v === 'string' && v.trim() !== ''
		);
		const content = typeof r.content === 'string' ? r.content : '';
		if ( ! name && content === '' ) {
			return;
		}
		citations.push( {
			position: num( r.position ) ?? index + 1,
			documentName: name ?? '',
			content,
			score: num( r.score ),
		} );
	} );
	return citations;
}

/**
 * An image link a page may show: http(s) only.
 *
 * @param url A link from the stream.
 */
export function isSafeUrl( url: unknown ): url is string {
	return typeof url === 'string' && /^https?:\/\//i.test( url );
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
				citations: [],
				thoughts: [],
				files: [],
				attachments: action.attachments,
			};
			return {
				...state,
				messages: [
					...state.messages,
					question,
					{
						...answer( action.answerId, action.query ),
						sent: action.files,
					},
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

		case 'thought': {
			const thought: Thought = {
				id: action.id,
				position: action.position,
				tools: action.tools,
			};
			const result = update( state, action.answerId, ( message ) => {
				if ( ! isOpen( message ) ) {
					return null;
				}
				const known = message.thoughts.findIndex(
					( t ) => t.id === thought.id
				);
				const thoughts = message.thoughts.slice();
				if ( known >= 0 ) {
					thoughts[ known ] = thought;
				} else {
					thoughts.push( thought );
				}
				return { ...message, thoughts };
			} );
			return result ? result.state : state;
		}

		case 'file': {
			const file: AnswerFile = {
				id: action.id,
				url: action.url,
				type: action.fileType,
			};
			if ( ! isSafeUrl( file.url ) ) {
				return state;
			}
			const result = update( state, action.answerId, ( message ) =>
				isOpen( message ) &&
				! message.files.some( ( f ) => f.id === file.id )
					? { ...message, files: [ ...message.files, file ] }
					: null
			);
			return result ? result.state : state;
		}

		case 'restore': {
			// Only into an empty chat: history never mixes with a conversation already shown.
			if ( state.messages.length > 0 ) {
				return state;
			}
			const messages: ChatMessage[] = [];
			action.turns.forEach( ( turn ) => {
				messages.push( {
					...answer( `${ turn.messageId }-q`, turn.query ),
					role: 'user',
					text: turn.query,
					status: 'done',
				} );
				messages.push( {
					...answer( `${ turn.messageId }-a`, turn.query ),
					text: turn.answer,
					status: 'done',
					messageId: turn.messageId,
					citations: turn.citations,
					files: turn.files.filter( ( f ) => isSafeUrl( f.url ) ),
					restored: true,
				} );
			} );
			return {
				...state,
				messages,
				conversationId: action.conversationId,
			};
		}

		case 'end': {
			const result = update( state, action.answerId, ( message ) =>
				isOpen( message )
					? {
							...message,
							status: 'done',
							taskId: null,
							messageId: action.messageId ?? message.messageId,
							citations: action.citations ?? message.citations,
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
							retryAfter: action.retryAfter ?? null,
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
					? {
							...answer( action.newAnswerId, message.query ),
							sent: message.sent,
						}
					: null
			);
			return result ? result.state : state;
		}

		case 'reset':
			return initialState();
	}
	return state;
}
