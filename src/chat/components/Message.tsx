/**
 * One message. Memoized: while an answer streams, the reducer gives only that message a new
 * object, so every other message skips rendering.
 */
import { Suspense, lazy, memo, useEffect, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';

import type { Citation, FormAnswer, Rating, Step, Thought } from '../api/types';
import { isOpen } from '../state/messages';
import type { ChatMessage } from '../state/types';
import AnswerActions from './AnswerActions';
import Markdown from './Markdown';

// Its own chunk: most answers never bring a form.
const HumanInputForm = lazy(
	() =>
		import( /* webpackChunkName: "chat/human-input" */ './HumanInputForm' )
);

interface MessageProps {
	message: ChatMessage;
	/** Set only on the last answer when it failed (a stable callback, so memo holds). */
	onRetry?: ( answerId: string ) => void;
	/** Rates an answer (a stable callback). */
	onFeedback?: (
		messageId: string,
		rating: Rating,
		content?: string
	) => Promise< void >;
	/** Answers the Human Input form of an answer (a stable callback). */
	onAnswerForm?: (
		answerId: string,
		handle: string,
		answer: FormAnswer
	) => void;
}

function Message( {
	message,
	onRetry,
	onFeedback,
	onAnswerForm,
}: MessageProps ) {
	const isUser = message.role === 'user';
	// The dots stay while the model is still thinking and no text has come yet.
	const waiting =
		message.status === 'pending' ||
		( ! isUser && isOpen( message ) && message.text === '' );
	// A form sits where the run paused: the text of the resumed run comes after it.
	const split = message.form ? message.form.offset : message.text.length;
	const before = message.text.slice( 0, split );
	const after = message.text.slice( split );
	const attachments = message.attachments;
	// The previews of the visitor's images go with the question (a new chat drops them).
	useEffect(
		() => () =>
			attachments?.forEach(
				( a ) => a.url && URL.revokeObjectURL( a.url )
			),
		[ attachments ]
	);
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
			{ ! isUser && message.reasoning && (
				<Reasoning
					text={ message.reasoning }
					thinking={ isOpen( message ) && message.text === '' }
				/>
			) }
			{ ! isUser && message.steps && message.steps.length > 0 && (
				<Steps steps={ message.steps } />
			) }
			{ ! isUser && message.thoughts.length > 0 && (
				<Thoughts thoughts={ message.thoughts } />
			) }
			<div
				className={ `dify-chatbot__message ${
					isUser ? 'is-user' : 'is-assistant'
				}` }
				data-status={ message.status }
			>
				{ isUser && message.text }
				{ attachments && attachments.length > 0 && (
					<span className="dify-chatbot__sent-files">
						{ attachments.map( ( a, index ) =>
							a.url ? (
								<img
									key={ index }
									src={ a.url }
									alt={ a.name }
								/>
							) : (
								<span key={ index }>{ a.name }</span>
							)
						) }
					</span>
				) }
				{ /* Nothing at all for a failed answer without text, so the empty bubble hides. */ }
				{ ! isUser && before !== '' && (
					<Markdown
						text={ before }
						settled={ ! isOpen( message ) || after !== '' }
					/>
				) }
				{ ! isUser &&
					message.files.map( ( file ) =>
						file.type === 'image' ? (
							<img
								key={ file.id }
								className="dify-chatbot__file-image"
								src={ file.url }
								alt={ __(
									'Image from the assistant',
									'dify-chatbot'
								) }
								loading="lazy"
								referrerPolicy="no-referrer"
							/>
						) : (
							<a
								key={ file.id }
								className="dify-chatbot__file-link"
								href={ file.url }
								target="_blank"
								rel="noopener noreferrer nofollow"
							>
								{ __( 'Open file', 'dify-chatbot' ) }
							</a>
						)
					) }
				{ ! isUser && message.form && (
					<Suspense fallback={ null }>
						<HumanInputForm
							key={ message.form.form.handle }
							idPrefix={ message.id }
							state={ message.form }
							onAnswer={ ( answer ) =>
								onAnswerForm?.(
									message.id,
									message.form?.form.handle ?? '',
									answer
								)
							}
						/>
					</Suspense>
				) }
				{ ! isUser && after !== '' && (
					<Markdown text={ after } settled={ ! isOpen( message ) } />
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
			{ ! isUser && message.citations.length > 0 && (
				<Citations citations={ message.citations } />
			) }
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
						<RetryButton
							wait={ message.retryAfter ?? null }
							onRetry={ () => onRetry( message.id ) }
						/>
					) }
				</div>
			) }
		</div>
	);
}

/**
 * The model's reasoning, collapsed: it is how the answer came about, not the answer. Plain text
 * (never Markdown or HTML): it is read for what it says, and may be half a sentence mid-stream.
 *
 * @param props          The props.
 * @param props.text     The reasoning so far.
 * @param props.thinking Whether the model is still thinking (no answer text yet).
 */
function Reasoning( { text, thinking }: { text: string; thinking: boolean } ) {
	return (
		<details className="dify-chatbot__reasoning">
			<summary>
				{ thinking
					? __( 'Thinking…', 'dify-chatbot' )
					: __( 'Thinking', 'dify-chatbot' ) }
			</summary>
			<div className="dify-chatbot__reasoning-text">{ text.trim() }</div>
		</details>
	);
}

/**
 * A run's steps, collapsed, like Dify's own web app: each node's title, how it went and how
 * long it took; an iteration or loop with its rounds.
 *
 * @param props       The props.
 * @param props.steps The steps, in the order they started.
 */
function Steps( { steps }: { steps: Step[] } ) {
	const status = ( step: Step ) => {
		switch ( step.status ) {
			case 'running':
				return __( 'running', 'dify-chatbot' );
			case 'succeeded':
				return __( 'done', 'dify-chatbot' );
			case 'failed':
			case 'exception':
				return __( 'failed', 'dify-chatbot' );
			case 'stopped':
				return __( 'stopped', 'dify-chatbot' );
		}
		return step.status;
	};
	const details = ( step: Step ) =>
		[
			step.rounds > 0
				? sprintf(
						/* translators: %d: rounds of an iteration or loop. */
						_n(
							'%d round',
							'%d rounds',
							step.rounds,
							'dify-chatbot'
						),
						step.rounds
					)
				: '',
			status( step ),
			step.elapsed !== null
				? sprintf(
						/* translators: %s: seconds, like 0.42. */
						__( '%s s', 'dify-chatbot' ),
						step.elapsed.toFixed( 2 )
					)
				: '',
		]
			.filter( ( part ) => part !== '' )
			.join( ' · ' );
	return (
		<details className="dify-chatbot__steps">
			<summary>
				{ sprintf(
					/* translators: %d: number of workflow steps. */
					_n(
						'Workflow (%d step)',
						'Workflow (%d steps)',
						steps.length,
						'dify-chatbot'
					),
					steps.length
				) }
			</summary>
			<ol className="dify-chatbot__step-list">
				{ steps.map( ( step ) => (
					<li
						key={ step.nodeId }
						className="dify-chatbot__step"
						data-status={ step.status }
					>
						<span className="dify-chatbot__step-title">
							{ step.title }
						</span>{ ' ' }
						<span className="dify-chatbot__step-detail">
							{ details( step ) }
						</span>
					</li>
				) ) }
			</ol>
		</details>
	);
}

function Thoughts( { thoughts }: { thoughts: Thought[] } ) {
	const tools = thoughts.flatMap( ( thought ) => thought.tools );
	if ( tools.length === 0 ) {
		return null;
	}
	return (
		<details className="dify-chatbot__thoughts">
			<summary>
				{ sprintf(
					/* translators: %s: tool names, comma-separated. */
					__( 'Used tool %s', 'dify-chatbot' ),
					Array.from( new Set( tools ) ).join( ', ' )
				) }
			</summary>
			<ol className="dify-chatbot__thought-list">
				{ thoughts.map( ( thought ) => (
					<li key={ thought.id }>
						{ thought.tools.length > 0
							? sprintf(
									/* translators: %s: tool names, comma-separated. */
									__( 'Used tool %s', 'dify-chatbot' ),
									thought.tools.join( ', ' )
								)
							: __( 'Thinking', 'dify-chatbot' ) }
					</li>
				) ) }
			</ol>
		</details>
	);
}

function Citations( { citations }: { citations: Citation[] } ) {
	return (
		<details className="dify-chatbot__citations">
			<summary>
				{ sprintf(
					/* translators: %d: number of sources. */
					_n(
						'Sources (%d)',
						'Sources (%d)',
						citations.length,
						'dify-chatbot'
					),
					citations.length
				) }
			</summary>
			<ol className="dify-chatbot__citation-list">
				{ citations.map( ( citation, index ) => (
					<li
						key={ `${ citation.position }-${ index }` }
						className="dify-chatbot__citation"
					>
						<span className="dify-chatbot__citation-name">
							{ citation.documentName ||
								__( 'Untitled document', 'dify-chatbot' ) }
						</span>
						{ citation.score !== null && (
							<span className="dify-chatbot__citation-score">
								{ sprintf(
									/* translators: %s: relevance score, e.g. 0.87. */
									__( 'score %s', 'dify-chatbot' ),
									citation.score.toFixed( 2 )
								) }
							</span>
						) }
						{ citation.content !== '' && (
							<p className="dify-chatbot__citation-snippet">
								{ citation.content.length > 300
									? citation.content.slice( 0, 300 ) + '…'
									: citation.content }
							</p>
						) }
					</li>
				) ) }
			</ol>
		</details>
	);
}

export default memo( Message );

/**
 * Retry, held back while the assistant asked to wait (Retry-After): a message that reached a busy
 * assistant is not sent again before it said it could take one.
 *
 * @param props         Props.
 * @param props.wait    Seconds to wait, or null.
 * @param props.onRetry Sends the question again.
 */
function RetryButton( {
	wait,
	onRetry,
}: {
	wait: number | null;
	onRetry: () => void;
} ) {
	const [ held, setHeld ] = useState( wait !== null && wait > 0 );
	useEffect( () => {
		if ( wait === null || wait <= 0 ) {
			return;
		}
		const timer = window.setTimeout( () => setHeld( false ), wait * 1000 );
		return () => window.clearTimeout( timer );
	}, [ wait ] );
	return (
		<button
			type="button"
			className="dify-chatbot__button"
			disabled={ held }
			onClick={ onRetry }
		>
			{ __( 'Retry', 'dify-chatbot' ) }
		</button>
	);
}
