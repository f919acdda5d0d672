/**
 * The conversation as a reducer: pure, so it is tested without a browser, and immutable per
 * message, so only the message being written gets a new object (and re-renders) per token.
 */
import { isSafeUrl } from '../url';
import { formReducer } from './forms';
import {
	canRetry,
	isBusy,
	isOpen,
	newAnswer,
	replaceMessage,
} from './messages';
import type {
	Announcement,
	AnswerFile,
	ChatAction,
	ChatMessage,
	ChatState,
	Step,
	Thought,
} from './types';

export function initialState(
	conversationId: string | null = null
): ChatState {
	return { messages: [], conversationId, taskId: null, announcement: null };
}

function announce( state: ChatState, text: string ): Announcement | null {
	return text.trim() === ''
		? state.announcement
		: { id: ( state.announcement?.id ?? 0 ) + 1, text };
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
						...newAnswer( action.answerId, action.query ),
						sent: action.files,
					},
				],
			};
		}

		case 'meta': {
			const result = replaceMessage(
				state,
				action.answerId,
				( message ) =>
					isOpen( message )
						? {
								...message,
								messageId:
									action.messageId ?? message.messageId,
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
			const result = replaceMessage(
				state,
				action.answerId,
				( message ) =>
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

		case 'reasoning': {
			const result = replaceMessage(
				state,
				action.answerId,
				( message ) =>
					isOpen( message )
						? {
								...message,
								reasoning:
									( message.reasoning ?? '' ) + action.text,
								status: 'streaming',
							}
						: null
			);
			return result ? result.state : state;
		}

		case 'step': {
			const { type, answerId, ...step } = action;
			const result = replaceMessage( state, answerId, ( message ) => {
				if ( ! isOpen( message ) || type !== 'step' ) {
					return null;
				}
				const steps = ( message.steps ?? [] ).slice();
				const known = steps.findIndex(
					( s ) => s.nodeId === step.nodeId
				);
				if ( known >= 0 ) {
					const before = steps[ known ] as Step;
					steps[ known ] = {
						...step,
						rounds: Math.max( before.rounds, step.rounds ),
					};
				} else {
					steps.push( step );
				}
				return { ...message, steps };
			} );
			return result ? result.state : state;
		}

		case 'thought': {
			const thought: Thought = {
				id: action.id,
				position: action.position,
				tools: action.tools,
			};
			const result = replaceMessage(
				state,
				action.answerId,
				( message ) => {
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
				}
			);
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
			const result = replaceMessage(
				state,
				action.answerId,
				( message ) =>
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
					...newAnswer( `${ turn.messageId }-q`, turn.query ),
					role: 'user',
					text: turn.query,
					status: 'done',
				} );
				messages.push( {
					...newAnswer( `${ turn.messageId }-a`, turn.query ),
					text: turn.answer,
					...( turn.reasoning ? { reasoning: turn.reasoning } : {} ),
					status: 'done',
					messageId: turn.messageId,
					citations: turn.citations,
					files: turn.files.filter( ( f ) => isSafeUrl( f.url ) ),
					restored: true,
					...( turn.form
						? {
								form: {
									form: turn.form,
									state: 'open' as const,
									action: null,
									error: null,
									offset: turn.answer.length,
								},
							}
						: {} ),
				} );
			} );
			return {
				...state,
				messages,
				conversationId: action.conversationId,
			};
		}

		case 'end': {
			const result = replaceMessage(
				state,
				action.answerId,
				( message ) =>
					isOpen( message )
						? {
								...message,
								status: 'done',
								taskId: null,
								messageId:
									action.messageId ?? message.messageId,
								citations:
									action.citations ?? message.citations,
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
			const result = replaceMessage(
				state,
				action.answerId,
				( message ) =>
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
			const result = replaceMessage(
				state,
				action.answerId,
				( message ) =>
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
			const result = replaceMessage(
				state,
				action.answerId,
				( message ) =>
					message.status === 'error'
						? {
								...newAnswer(
									action.newAnswerId,
									message.query
								),
								sent: message.sent,
							}
						: null
			);
			return result ? result.state : state;
		}

		case 'form':
		case 'form_send':
		case 'form_fail':
			return formReducer( state, action );

		case 'reset':
			return initialState();
	}
	return state;
}
