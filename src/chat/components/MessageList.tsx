/**
 * The conversation log. It re-renders per token (its `messages` array changes), but that is
 * only a map over memoized messages; the one being written is the only one that renders.
 */
import { useLayoutEffect, useRef } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

import type { FormAnswer, Rating } from '../api/types';
import type { ChatMessage } from '../state/types';
import Markdown from './Markdown';
import Message from './Message';
import Suggestions from './Suggestions';

interface MessageListProps {
	messages: ChatMessage[];
	/** The last answer's id when Retry applies to it. */
	retryId: string | null;
	onRetry: ( answerId: string ) => void;
	/** The app's opening statement (markdown), '' when it has none. */
	opening: string;
	/** Questions offered before the first one. */
	starters: string[];
	/** Sends a suggested question. */
	onSuggest: ( question: string ) => void;
	/** Follow-up questions for the last answer. */
	followUps: string[];
	/** Rates an answer. */
	onFeedback: (
		messageId: string,
		rating: Rating,
		content?: string
	) => Promise< void >;
	/** Answers the Human Input form of an answer. */
	onAnswerForm?: (
		answerId: string,
		handle: string,
		answer: FormAnswer
	) => void;
}

/** How close to the bottom (px) still counts as "following the answer". */
const STICKY = 48;

export default function MessageList( {
	messages,
	retryId,
	onRetry,
	opening,
	starters,
	onSuggest,
	followUps,
	onFeedback,
	onAnswerForm,
}: MessageListProps ) {
	const ref = useRef< HTMLDivElement >( null );
	// Follow the answer as it grows, unless the visitor scrolled up to read something.
	const follow = useRef( true );
	const count = useRef( messages.length );

	useLayoutEffect( () => {
		const log = ref.current;
		if ( ! log ) {
			return;
		}
		if ( messages.length > count.current ) {
			follow.current = true; // A new question: show it and its answer.
		}
		count.current = messages.length;
		if ( follow.current ) {
			// scrollTop, not scrollIntoView: only this box scrolls, never the page.
			log.scrollTop = log.scrollHeight;
		}
	}, [ messages, followUps ] );

	return (
		<div
			ref={ ref }
			className="dify-chatbot__messages"
			role="log"
			// Not live: it would read every token aloud. Finished answers are announced once
			// by the chat's own live region.
			aria-live="off"
			aria-label={ __( 'Conversation', 'dify-chatbot' ) }
			// Scrollable, so it must be reachable with the keyboard.
			tabIndex={ 0 }
			onScroll={ () => {
				const log = ref.current;
				if ( log ) {
					follow.current =
						log.scrollHeight - log.scrollTop - log.clientHeight <
						STICKY;
				}
			} }
		>
			{ /* The app's greeting opens every conversation, as in Dify's own web chat. */ }
			{ opening !== '' && (
				<div className="dify-chatbot__turn dify-chatbot__turn--assistant">
					<div className="dify-chatbot__opening">
						<Markdown text={ opening } />
					</div>
				</div>
			) }
			{ messages.length === 0 && starters.length > 0 && (
				<Suggestions questions={ starters } onSelect={ onSuggest } />
			) }
			{ messages.length === 0 &&
				opening === '' &&
				starters.length === 0 && (
					<p className="dify-chatbot__empty">
						{ __(
							'Send a message to start the conversation.',
							'dify-chatbot'
						) }
					</p>
				) }
			{ messages.map( ( message ) => (
				<Message
					key={ message.id }
					message={ message }
					onRetry={ message.id === retryId ? onRetry : undefined }
					onFeedback={ onFeedback }
					onAnswerForm={ onAnswerForm }
				/>
			) ) }
			{ messages.length > 0 && followUps.length > 0 && (
				<Suggestions
					questions={ followUps }
					onSelect={ onSuggest }
					label={ __( 'Follow-up questions', 'dify-chatbot' ) }
				/>
			) }
		</div>
	);
}
