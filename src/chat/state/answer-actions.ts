/**
 * What an answer's updates and its failure do to the conversation: the client's `ChatUpdate`s and
 * `ChatError`s as reducer actions. Pure, so it is tested without a browser.
 */
import { __ } from '@wordpress/i18n';

import {
	ChatError,
	ERROR_ABORTED,
	ERROR_CONVERSATION_NOT_FOUND,
} from '../api/errors';
import { citationsOf } from '../api/parse';
import type { ChatUpdate } from '../api/types';
import type { ChatAction } from './types';

/**
 * The action an update of one answer stands for; null for audio, which the chat plays rather
 * than shows.
 *
 * @param update   What the client yielded.
 * @param answerId The answer's local id.
 */
export function actionOf(
	update: ChatUpdate,
	answerId: string
): ChatAction | null {
	switch ( update.type ) {
		case 'append':
		case 'replace':
		case 'reasoning':
			return { type: update.type, answerId, text: update.text };
		case 'end':
			return {
				type: 'end',
				answerId,
				conversationId: update.conversationId,
				messageId: update.messageId,
				citations: citationsOf( update.metadata.retrieverResources ),
			};
		case 'audio':
			return null;
		case 'form':
			return { type: 'form', answerId, form: update.form };
		case 'meta':
		case 'step':
		case 'thought':
		case 'file':
			return { ...update, answerId };
	}
}

/**
 * The action a failed answer stands for: stopped when the chat itself cancelled it, else failed
 * with a message for the visitor.
 *
 * @param error    What the client threw.
 * @param answerId The answer's local id.
 */
export function failureOf( error: unknown, answerId: string ): ChatAction {
	if ( ! ( error instanceof ChatError ) ) {
		return {
			type: 'fail',
			answerId,
			error: __(
				'Something went wrong. Please try again.',
				'dify-chatbot'
			),
			retryAfter: null,
			forgetConversation: false,
		};
	}
	if ( error.code === ERROR_ABORTED ) {
		return { type: 'stop', answerId };
	}
	return {
		type: 'fail',
		answerId,
		error:
			error.message ||
			__( 'Something went wrong. Please try again.', 'dify-chatbot' ),
		retryAfter: error.retryAfter,
		// The stored conversation is gone: the next question starts a new one.
		forgetConversation: error.code === ERROR_CONVERSATION_NOT_FOUND,
	};
}
