/**
 * One message. Memoized: while an answer streams, the reducer gives only that message a new
 * object, so every other message skips rendering.
 */
import { memo } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

import type { Rating } from '../api';
import type { ChatMessage } from '../state';
import AnswerActions from './AnswerActions';
import Markdown from './Markdown';

interface MessageProps {
	message: ChatMessage;
	/** Set only on the last answer when it failed (a stable callback, so memo holds). */
	onRetry?: ( answerId: string ) => void;
	/** Rates an answer (a stable callback). */
	onFeedback?: ( messageId: string, rating: Rating ) => Promise< void >;
}

function Message( { message, onRetry, onFeedback }: MessageProps ) {
	const isUser = message.role === 'user';
	const waiting = message.status === 'pending';
	return (
		<div
			className={ `dify-chatbot__turn dify-chatbot__turn--${ message.role }` }
		>
			{ /* Who said it, for screen readers; outside the message so its text stays the answer. */ }
			<span className="dify-chatbot__sr-only">
				{ isUser
					? __( 'You:', 'dify-chatbot' )
					: __( 'Assistant:', 'dify-chatbot' ) }
			</span>
			<div
				className={ `dify-chatbot__message ${
					isUser ? 'is-user' : 'is-assistant'
				}` }
				data-status={ message.status }
			>
				{ isUser && message.text }
				{ /* Nothing at all for a failed answer without text, so the empty bubble hides. */ }
				{ ! isUser && message.text !== '' && (
					<Markdown text={ message.text } />
				) }
				{ waiting && (
					<span className="dify-chatbot__typing">
						<span className="dify-chatbot__dot" />
						<span className="dify-chatbot__dot" />
						<span className="dify-chatbot__dot" />
						<span className="dify-chatbot__sr-only">
							{ __( 'Writing an answer…', 'dify-chatbot' ) }
						</span>
					</span>
				) }
			</div>
			{ ! isUser &&
				message.text !== '' &&
				( message.status === 'done' ||
					message.status === 'stopped' ) && (
					<AnswerActions
						text={ message.text }
						messageId={ message.messageId }
						onFeedback={ onFeedback }
					/>
				) }
			{ message.status === 'stopped' && (
				<p className="dify-chatbot__note">
					{ __( 'The answer was stopped.', 'dify-chatbot' ) }
				</p>
			) }
			{ message.status === 'error' && message.error !== null && (
				<div className="dify-chatbot__error">
					<p className="dify-chatbot__error-text">
						{ message.error }
					</p>
					{ onRetry && (
						<button
							type="button"
							className="dify-chatbot__button"
							onClick={ () => onRetry( message.id ) }
						>
							{ __( 'Retry', 'dify-chatbot' ) }
						</button>
					) }
				</div>
			) }
		</div>
	);
}

export default memo( Message );
