/**
 * The question box. It keeps its own text, so typing re-renders only this form, and it is
 * memoized, so streaming tokens do not re-render it.
 */
import { memo, useContext, useId, useState } from '@wordpress/element';
import type { KeyboardEvent, RefObject } from 'react';
import { __ } from '@wordpress/i18n';

import { MediaContext } from '../media-context';
import type { PendingFile } from '../media/types';

interface ComposerProps {
	/** The textarea's accessible name (and placeholder, unless one is given). */
	label: string;
	/** The hint in the empty textarea (the app's own, from its branding). */
	placeholder?: string;
	/** An answer is on its way: typing goes on, sending waits. */
	busy: boolean;
	/** A file of the app's input form is still uploading: sending waits (else it is left out). */
	formUploading: boolean;
	/** Sends a question with its uploaded files; false when it was not accepted (all is kept). */
	onSend: ( query: string, files: PendingFile[] ) => boolean;
	/** Stops the answer on its way (shown while `busy`). */
	onStop: () => void;
	inputRef: RefObject< HTMLTextAreaElement >;
}

function Composer( {
	label,
	placeholder,
	busy,
	formUploading,
	onSend,
	onStop,
	inputRef,
}: ComposerProps ) {
	const [ text, setText ] = useState( '' );
	// Attached files (only with the media chunk, when the app takes files).
	const [ files, setFiles ] = useState< PendingFile[] >( [] );
	const media = useContext( MediaContext );
	const id = useId();
	const waitId = `${ id }-wait`;
	const empty = text.trim() === '';
	const uploading =
		formUploading || files.some( ( f ) => ! f.id && ! f.error );

	const submit = () => {
		if ( busy || empty || uploading ) {
			return;
		}
		if ( onSend( text.trim(), files ) ) {
			setText( '' );
			// Sent previews now belong to the question shown; refused files are let go.
			files.forEach(
				( f ) => f.error && f.url && URL.revokeObjectURL( f.url )
			);
			setFiles( [] );
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
			{ media && (
				<media.module.Tools
					config={ media.config }
					bot={ media.bot }
					parameters={ media.parameters }
					files={ files }
					setFiles={ setFiles }
					onTranscript={ ( said ) => {
						setText(
							( t ) =>
								( t.trim() ? `${ t.trimEnd() } ` : '' ) + said
						);
						inputRef.current?.focus();
					} }
				/>
			) }
			<label className="dify-chatbot__sr-only" htmlFor={ id }>
				{ label }
			</label>
			<textarea
				ref={ inputRef }
				id={ id }
				className="dify-chatbot__input"
				rows={ 1 }
				placeholder={ placeholder || label }
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
				aria-disabled={ busy || empty || uploading }
				aria-describedby={ uploading ? waitId : undefined }
			>
				{ __( 'Send', 'dify-chatbot' ) }
			</button>
			{ uploading && (
				<span id={ waitId } className="dify-chatbot__sr-only">
					{ __(
						'Waiting for the files to finish uploading…',
						'dify-chatbot'
					) }
				</span>
			) }
		</form>
	);
}

export default memo( Composer );
