/**
 * A Human Input form inside an answer: the run waits until the visitor chooses one of its
 * buttons. Its Markdown goes through the chat's own renderer (and sanitizer); paragraph fields
 * start with their defaults, selects offer their options, file fields upload from the device
 * through the media chunk (as the same visitor, by the field's own rules: types, extensions,
 * count), each button keeps Dify's style, and the expiry is shown. Files by web address are not
 * offered here. Loaded as its own chunk, only when an answer brings a form.
 */
import { useCallback, useContext, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

import {
	formInputs,
	formText,
	initialFormValues,
	type HumanFormValue,
} from '../api/forms';
import type { FormAnswer } from '../api/types';
import { MediaContext } from '../media-context';
import type { FormState } from '../state/types';
import Markdown from './Markdown';
import './human-input.scss';

export interface HumanInputFormProps {
	/** Unique per answer: the fields' ids start with it. */
	idPrefix: string;
	state: FormState;
	onAnswer: ( answer: FormAnswer ) => void;
}

export default function HumanInputForm( {
	idPrefix,
	state,
	onAnswer,
}: HumanInputFormProps ) {
	const { form } = state;
	const [ values, setValues ] = useState< Record< string, HumanFormValue > >(
		() => initialFormValues( form )
	);
	// File fields upload through the media chunk, which the chat loads for such a form.
	const media = useContext( MediaContext );
	// File fields still uploading: answering now would leave their files out.
	const [ uploads, setUploads ] = useState( 0 );
	const onBusy = useCallback(
		( busy: boolean ) =>
			setUploads( ( count ) => Math.max( 0, count + ( busy ? 1 : -1 ) ) ),
		[]
	);
	const waiting = uploads > 0;
	const waitId = `${ idPrefix }-uploading`;
	const text = ( name: string ) => {
		const value = values[ name ];
		return typeof value === 'string' ? value : '';
	};
	const open = state.state === 'open';
	const chosen = form.actions.find( ( a ) => a.id === state.action );
	const expires =
		form.expiresAt !== null ? new Date( form.expiresAt * 1000 ) : null;

	const answer = ( action: string ) =>
		onAnswer( { action, inputs: formInputs( form, values ) } );

	return (
		<form
			className="dify-chatbot__human-form"
			data-state={ state.state }
			aria-label={ form.title || __( 'Form', 'dify-chatbot' ) }
			onSubmit={ ( event ) => event.preventDefault() }
		>
			<Markdown text={ formText( form ) } settled />
			{ form.fields.map( ( field ) => {
				const id = `${ idPrefix }-${ field.name }`;
				let control;
				if ( field.type === 'paragraph' ) {
					control = (
						<textarea
							id={ id }
							name={ field.name }
							rows={ 3 }
							value={ text( field.name ) }
							disabled={ ! open }
							onChange={ ( event ) =>
								setValues( {
									...values,
									[ field.name ]: event.target.value,
								} )
							}
						/>
					);
				} else if ( field.type === 'select' && field.options ) {
					control = (
						<select
							id={ id }
							name={ field.name }
							value={ text( field.name ) }
							disabled={ ! open }
							onChange={ ( event ) =>
								setValues( {
									...values,
									[ field.name ]: event.target.value,
								} )
							}
						>
							{ field.options.map( ( option ) => (
								<option key={ option } value={ option }>
									{ option }
								</option>
							) ) }
						</select>
					);
				} else if ( field.type === 'select' ) {
					control = (
						<input
							id={ id }
							name={ field.name }
							type="text"
							value={ text( field.name ) }
							disabled={ ! open }
							onChange={ ( event ) =>
								setValues( {
									...values,
									[ field.name ]: event.target.value,
								} )
							}
						/>
					);
				} else {
					const Upload = media?.module.FormFile;
					const files = values[ field.name ];
					control = Upload ? (
						<Upload
							config={ media.config }
							bot={ media.bot }
							parameters={ media.parameters }
							id={ id }
							variable={ field.name }
							label={ field.name }
							multiple={ field.type === 'file-list' }
							max={ field.max }
							types={ field.fileTypes }
							extensions={ field.extensions }
							methods={ field.methods }
							invalid={ false }
							form={ form.handle }
							disabled={ ! open }
							onBusy={ onBusy }
							value={ Array.isArray( files ) ? files : [] }
							onChange={ ( next ) =>
								setValues( ( current ) => ( {
									...current,
									[ field.name ]: next,
								} ) )
							}
						/>
					) : (
						<p id={ id } className="dify-chatbot__field-note">
							{ __( 'Loading…', 'dify-chatbot' ) }
						</p>
					);
				}
				return (
					<div
						className="dify-chatbot__human-field"
						key={ field.name }
					>
						<label htmlFor={ id }>{ field.name }</label>
						{ control }
					</div>
				);
			} ) }
			{ state.error && (
				<p className="dify-chatbot__human-error" role="alert">
					{ state.error }
				</p>
			) }
			{ open ? (
				<div className="dify-chatbot__human-actions">
					{ form.actions.map( ( action ) => (
						<button
							key={ action.id }
							type="button"
							className={ `dify-chatbot__human-action is-${ action.style }` }
							disabled={ waiting }
							aria-describedby={ waiting ? waitId : undefined }
							onClick={ () => answer( action.id ) }
						>
							{ action.title }
						</button>
					) ) }
					{ waiting && (
						<p id={ waitId } className="dify-chatbot__human-wait">
							{ __(
								'Waiting for the files to finish uploading…',
								'dify-chatbot'
							) }
						</p>
					) }
				</div>
			) : (
				chosen && (
					<p className="dify-chatbot__human-answered">
						{ sprintf(
							/* translators: %s: the button the visitor chose. */
							__( 'Answered: %s', 'dify-chatbot' ),
							chosen.title
						) }
					</p>
				)
			) }
			{ open && expires && (
				<p className="dify-chatbot__human-expiry">
					{ sprintf(
						/* translators: %s: date and time. */
						__( 'Please answer by %s.', 'dify-chatbot' ),
						expires.toLocaleString()
					) }
				</p>
			) }
		</form>
	);
}
