/**
 * Under a finished answer: copy its text, and rate it (like / dislike; pressing the same one
 * again takes the rating back), as in Dify's web chat.
 */
import { useContext, useEffect, useRef, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

import type { Rating } from '../api/types';
import { MediaContext } from '../media-context';

interface AnswerActionsProps {
	/** The answer's markdown (what is copied). */
	text: string;
	/** Dify's message id; rating needs it. */
	messageId: string | null;
	/** Sends a rating; rejects when it could not be saved. */
	onFeedback?: (
		messageId: string,
		rating: Rating,
		content?: string
	) => Promise< void >;
}

/** How long "Copied" shows, in ms. */
const COPIED_FOR = 2000;

export default function AnswerActions( {
	text,
	messageId,
	onFeedback,
}: AnswerActionsProps ) {
	const media = useContext( MediaContext );
	const [ copied, setCopied ] = useState( false );
	const [ rating, setRating ] = useState< Rating >( null );
	// After a dislike, like Dify's web app: an optional comment on what was wrong.
	const [ comment, setComment ] = useState( '' );
	const [ commented, setCommented ] = useState( false );
	const timer = useRef< number | null >( null );

	useEffect(
		() => () => {
			if ( timer.current !== null ) {
				window.clearTimeout( timer.current );
			}
		},
		[]
	);

	const copy = async () => {
		try {
			await window.navigator.clipboard.writeText( text );
		} catch {
			return; // No clipboard (insecure page, permission): nothing to confirm.
		}
		setCopied( true );
		if ( timer.current !== null ) {
			window.clearTimeout( timer.current );
		}
		timer.current = window.setTimeout(
			() => setCopied( false ),
			COPIED_FOR
		);
	};

	// Ratings are sent one after another, in the order pressed; the button shows the new
	// rating at once and goes back to the last saved one if the server refuses.
	const saved = useRef< Rating >( null );
	const queue = useRef< Promise< void > >( Promise.resolve() );
	const rate = ( pressed: 'like' | 'dislike' ) => {
		if ( ! messageId || ! onFeedback ) {
			return;
		}
		const next: Rating = rating === pressed ? null : pressed;
		setRating( next );
		setComment( '' );
		setCommented( false );
		queue.current = queue.current.then( async () => {
			if ( next === saved.current ) {
				return;
			}
			try {
				await onFeedback( messageId, next );
				saved.current = next;
			} catch {
				setRating( saved.current );
			}
		} );
	};

	const sendComment = () => {
		const said = comment.trim();
		if ( ! messageId || ! onFeedback || said === '' ) {
			return;
		}
		setCommented( true );
		queue.current = queue.current.then( async () => {
			try {
				await onFeedback( messageId, 'dislike', said );
			} catch {
				setCommented( false );
			}
		} );
	};

	return (
		<div className="dify-chatbot__actions">
			<button
				type="button"
				className="dify-chatbot__action"
				onClick={ copy }
			>
				{ copied
					? __( 'Copied', 'dify-chatbot' )
					: __( 'Copy', 'dify-chatbot' ) }
			</button>
			{ messageId && onFeedback && (
				<>
					<button
						type="button"
						className="dify-chatbot__action"
						aria-pressed={ rating === 'like' }
						onClick={ () => rate( 'like' ) }
					>
						{ __( 'Like', 'dify-chatbot' ) }
					</button>
					<button
						type="button"
						className="dify-chatbot__action"
						aria-pressed={ rating === 'dislike' }
						onClick={ () => rate( 'dislike' ) }
					>
						{ __( 'Dislike', 'dify-chatbot' ) }
					</button>
				</>
			) }
			{ rating === 'dislike' && ! commented && (
				<form
					className="dify-chatbot__comment"
					onSubmit={ ( event ) => {
						event.preventDefault();
						sendComment();
					} }
				>
					<textarea
						aria-label={ __( 'What was wrong?', 'dify-chatbot' ) }
						value={ comment }
						maxLength={ 1000 }
						rows={ 2 }
						placeholder={ __(
							'What was wrong? (optional)',
							'dify-chatbot'
						) }
						onChange={ ( event ) =>
							setComment( event.target.value )
						}
					/>
					<button
						type="submit"
						className="dify-chatbot__action"
						disabled={ comment.trim() === '' }
					>
						{ __( 'Send comment', 'dify-chatbot' ) }
					</button>
				</form>
			) }
			{ rating === 'dislike' && commented && (
				<span className="dify-chatbot__note" role="status">
					{ __( 'Thanks for your feedback.', 'dify-chatbot' ) }
				</span>
			) }
			{ media?.parameters.textToSpeech && (
				<media.module.ReadAloud
					config={ media.config }
					bot={ media.bot }
					text={ text }
				/>
			) }
		</div>
	);
}
