/**
 * One message. Memoized: while an answer streams, the reducer gives only that message a new
 * object, so every other message skips rendering.
 */
import { memo } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

import type { ChatMessage } from '../state';

interface MessageProps {
	message: ChatMessage;
	/** Set only on the last answer when it failed (a stable callback, so memo holds). */
	onRetry?: ( answerId: string ) => void;
}

function Message( { message, onRetry }: MessageProps ) {
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
				{ message.text }
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
