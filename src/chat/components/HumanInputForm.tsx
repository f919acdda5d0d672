/**
 * A Human Input form inside an answer: the run waits until the visitor chooses one of its
 * buttons. Its Markdown goes through the chat's own renderer (and sanitizer); paragraph fields
 * start with their defaults, selects offer their options, each button keeps Dify's style, and the
 * expiry is shown. Loaded as its own chunk, only when an answer brings a form.
 */
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

import { formText, type HumanFormField } from '../api/forms';
import type { FormAnswer } from '../api/types';
import type { FormState } from '../state/types';
import Markdown from './Markdown';
import './human-input.scss';

export interface HumanInputFormProps {
	/** Unique per answer: the fields' ids start with it. */
	idPrefix: string;
	state: FormState;
	onAnswer: ( answer: FormAnswer ) => void;
}

/**
 * The values the form starts with: paragraphs with their defaults, selects with their first
 * option.
 *
 * @param fields   The fields.
 * @param defaults Dify's resolved defaults.
 */
function initialValues(
	fields: HumanFormField[],
	defaults: Record< string, string >
): Record< string, string > {
	const values: Record< string, string > = {};
	for ( const field of fields ) {
		if ( field.type === 'paragraph' ) {
			values[ field.name ] = defaults[ field.name ] ?? '';
		} else if ( field.type === 'select' ) {
			values[ field.name ] =
				defaults[ field.name ] ?? field.options?.[ 0 ] ?? '';
		}
	}
	return values;
}

export default function HumanInputForm( {
	idPrefix,
	state,
	onAnswer,
}: HumanInputFormProps ) {
	const { form } = state;
	const [ values, setValues ] = useState( () =>
		initialValues( form.fields, form.defaults )
	);
	const open = state.state === 'open';
	const chosen = form.actions.find( ( a ) => a.id === state.action );
	const expires =
		form.expiresAt !== null ? new Date( form.expiresAt * 1000 ) : null;

	const answer = ( action: string ) => {
		const inputs: Record< string, unknown > = {};
		for ( const field of form.fields ) {
			if ( field.type === 'paragraph' || field.type === 'select' ) {
				inputs[ field.name ] = values[ field.name ] ?? '';
			}
		}
		onAnswer( { action, inputs } );
	};

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
							value={ values[ field.name ] ?? '' }
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
							value={ values[ field.name ] ?? '' }
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
							value={ values[ field.name ] ?? '' }
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
					control = (
						<p id={ id } className="dify-chatbot__field-note">
							{ __(
								'Files cannot be added to this form here.',
								'dify-chatbot'
							) }
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
							onClick={ () => answer( action.id ) }
						>
							{ action.title }
						</button>
					) ) }
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
