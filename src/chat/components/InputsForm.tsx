/**
 * The app's input form, shown before the first message (as in Dify's own web chat). Loaded as its
 * own chunk, only for apps that have a form: most chats never download it.
 *
 * Controlled by the chat, which checks the values when a message is sent (../inputs.ts) and
 * passes the problems back here; each is tied to its field with aria-describedby.
 */
import { useContext, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

import {
	isFileControl,
	type FormControl,
	type InputValue,
	type InputValues,
} from '../inputs';
import { MediaContext } from '../media-context';
import './inputs-form.scss';

export interface InputsFormProps {
	/** Prefix of the fields' ids (unique per chat on the page). */
	idPrefix: string;
	controls: FormControl[];
	values: InputValues;
	errors: Record< string, string >;
	onChange: ( variable: string, value: InputValue ) => void;
	/** A file field starts (true) or ends (false) an upload: the chat holds sending meanwhile. */
	onBusy: ( busy: boolean ) => void;
}

export default function InputsForm( {
	idPrefix,
	controls,
	values,
	errors,
	onChange,
	onBusy,
}: InputsFormProps ) {
	const optional = controls.every( ( control ) => ! control.required );
	// File fields upload through the media chunk, which the chat loads for such a form.
	const media = useContext( MediaContext );
	const [ open, setOpen ] = useState( false );
	const fields = (
		<fieldset className="dify-chatbot__inputs-fields">
			<legend
				className={
					optional
						? 'dify-chatbot__sr-only'
						: 'dify-chatbot__inputs-legend'
				}
			>
				{ __( 'Before you start', 'dify-chatbot' ) }
			</legend>
			{ controls.map( ( control ) => {
				const id = `${ idPrefix }-input-${ control.variable }`;
				const error = errors[ control.variable ];
				const errorId = `${ id }-error`;
				const value = values[ control.variable ];
				const common = {
					id,
					name: control.variable,
					'aria-invalid': error ? ( 'true' as const ) : undefined,
					'aria-describedby': error ? errorId : undefined,
					'aria-required': control.required || undefined,
				};
				const text = typeof value === 'string' ? value : '';
				let field;
				if ( isFileControl( control ) ) {
					const Upload = media?.module.FormFile;
					field = Upload ? (
						<Upload
							config={ media.config }
							bot={ media.bot }
							parameters={ media.parameters }
							id={ id }
							variable={ control.variable }
							label={ control.label }
							multiple={ control.type === 'file-list' }
							max={ control.maxLength }
							types={ control.fileTypes }
							extensions={ control.fileExtensions }
							methods={ control.fileMethods }
							describedBy={ common[ 'aria-describedby' ] }
							invalid={ !! error }
							value={ Array.isArray( value ) ? value : [] }
							onChange={ ( files ) =>
								onChange( control.variable, files )
							}
							onBusy={ onBusy }
						/>
					) : (
						<p id={ id } className="dify-chatbot__field-note">
							{ __( 'Loading…', 'dify-chatbot' ) }
						</p>
					);
				} else if ( control.type === 'checkbox' ) {
					field = (
						<input
							{ ...common }
							type="checkbox"
							checked={ value === true }
							onChange={ ( event ) =>
								onChange(
									control.variable,
									event.target.checked
								)
							}
						/>
					);
				} else if ( control.type === 'paragraph' ) {
					field = (
						<textarea
							{ ...common }
							rows={ 3 }
							value={ text }
							onChange={ ( event ) =>
								onChange( control.variable, event.target.value )
							}
						/>
					);
				} else if ( control.type === 'select' ) {
					field = (
						<select
							{ ...common }
							value={ text }
							onChange={ ( event ) =>
								onChange( control.variable, event.target.value )
							}
						>
							<option value="">
								{ __( 'Choose…', 'dify-chatbot' ) }
							</option>
							{ control.options.map( ( option ) => (
								<option key={ option } value={ option }>
									{ option }
								</option>
							) ) }
						</select>
					);
				} else {
					field = (
						<input
							{ ...common }
							type="text"
							inputMode={
								control.type === 'number'
									? 'decimal'
									: undefined
							}
							value={ text }
							onChange={ ( event ) =>
								onChange( control.variable, event.target.value )
							}
						/>
					);
				}
				return (
					<div
						key={ control.variable }
						className={ `dify-chatbot__field is-${ control.type }` }
					>
						<label htmlFor={ id }>
							{ control.label }
							{ ! control.required && (
								<span className="dify-chatbot__optional">
									{ ' ' }
									{ __( '(optional)', 'dify-chatbot' ) }
								</span>
							) }
						</label>
						{ field }
						{ error && (
							<p
								id={ errorId }
								className="dify-chatbot__field-error"
							>
								{ error }
							</p>
						) }
					</div>
				);
			} ) }
		</fieldset>
	);
	if ( ! optional ) {
		return <div className="dify-chatbot__inputs">{ fields }</div>;
	}
	// Nothing is required: the fields wait behind a disclosure, so the chat stays clear.
	return (
		<details
			className="dify-chatbot__inputs"
			open={ open || Object.keys( errors ).length > 0 }
			onToggle={ ( event ) =>
				setOpen( ( event.target as HTMLDetailsElement ).open )
			}
		>
			<summary>
				{ __( 'Add details (optional)', 'dify-chatbot' ) }
			</summary>
			{ fields }
		</details>
	);
}
