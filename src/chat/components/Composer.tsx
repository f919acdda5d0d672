/**
 * The question box. It keeps its own text, so typing re-renders only this form, and it is
 * memoized, so streaming tokens do not re-render it.
 */
import { memo, useId, useState } from '@wordpress/element';
import type { KeyboardEvent, RefObject } from 'react';
import { __ } from '@wordpress/i18n';

interface ComposerProps {
	/** The textarea's accessible name (and placeholder). */
	label: string;
	/** An answer is on its way: typing goes on, sending waits. */
	busy: boolean;
	/** Sends a question; false when it was not accepted (the text is then kept). */
	onSend: ( query: string ) => boolean;
	/** Stops the answer on its way (shown while `busy`). */
	onStop: () => void;
	inputRef: RefObject< HTMLTextAreaElement >;
}

function Composer( { label, busy, onSend, onStop, inputRef }: ComposerProps ) {
	const [ text, setText ] = useState( '' );
	const id = useId();
	const empty = text.trim() === '';

	const submit = () => {
		if ( busy || empty ) {
			return;
		}
		if ( onSend( text.trim() ) ) {
			setText( '' );
		}
		// After a click on Send, the next question is typed right away.
		inputRef.current?.focus();
	};

	const onKeyDown = ( event: KeyboardEvent< HTMLTextAreaElement > ) => {
		// Enter sends, Shift+Enter is a new line. Not while an input method is composing: its
		// Enter confirms the characters (Chinese, Japanese, Korean…).
		if (
			event.key === 'Enter' &&
			! event.shiftKey &&
			! event.nativeEvent.isComposing &&
			event.nativeEvent.keyCode !== 229
		) {
			event.preventDefault();
			submit();
		}
	};

	return (
		<form
			className="dify-chatbot__composer"
			onSubmit={ ( event ) => {
				event.preventDefault();
				submit();
			} }
		>
			<label className="dify-chatbot__sr-only" htmlFor={ id }>
				{ label }
			</label>
			<textarea
				ref={ inputRef }
				id={ id }
				className="dify-chatbot__input"
				rows={ 1 }
				placeholder={ label }
				value={ text }
				enterKeyHint="send"
				onChange={ ( event ) => setText( event.target.value ) }
				onKeyDown={ onKeyDown }
			/>
			{ busy && (
				<button
					type="button"
					className="dify-chatbot__stop dify-chatbot__button"
					onClick={ onStop }
				>
					{ __( 'Stop', 'dify-chatbot' ) }
				</button>
			) }
			<button
				type="submit"
				className="dify-chatbot__send wp-element-button"
				// aria-disabled, not disabled: the button keeps focus and stays discoverable.
				aria-disabled={ busy || empty }
			>
				{ __( 'Send', 'dify-chatbot' ) }
			</button>
		</form>
	);
}

export default memo( Composer );
