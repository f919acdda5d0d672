/**
 * A file field of the app's input form (`file` and `file-list` controls): the visitor picks files,
 * they are uploaded at once through the plugin's `files` route, naming the field, so the server
 * checks them against that field's own rules; the field's value is the uploaded files, sent as
 * Dify's file objects with every message (../inputs.ts). A Human Input form's file field works the
 * same way, naming its form's handle too (`form`): the server then checks the handle is this
 * visitor's and applies that field's rules.
 */
import { useEffect, useMemo, useRef, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

import type { FormFileValue } from '../inputs';
import { acceptAttribute, checkFile, uploadRules } from './files';
import { messageOf, uploadFile } from './http';
import type { FormFileProps } from './types';

export function FormFile( props: FormFileProps ) {
	const { config, bot, parameters, id, variable, value, onChange } = props;
	const rules = useMemo(
		() =>
			uploadRules(
				{
					enabled: true,
					allowed_file_types: props.types,
					allowed_file_extensions: props.extensions,
					allowed_file_upload_methods: props.methods.length
						? props.methods
						: [ 'local_file' ],
					number_limits: props.multiple ? props.max || 5 : 1,
				},
				parameters.limits ?? null
			),
		[
			props.types,
			props.extensions,
			props.methods,
			props.multiple,
			props.max,
			parameters,
		]
	);
	const [ busy, setBusy ] = useState< string | null >( null );
	const [ notice, setNotice ] = useState( '' );
	const latest = useRef( value );
	latest.current = value;
	const upload = useRef< AbortController | null >( null );
	useEffect( () => () => upload.current?.abort(), [] );
	// The form holds its actions while a file is on its way (else the file would be left out):
	// told once when uploads start, and once when they end, fail or the field goes away.
	const onBusy = useRef( props.onBusy );
	onBusy.current = props.onBusy;
	const uploading = busy !== null;
	useEffect( () => {
		if ( ! uploading ) {
			return;
		}
		onBusy.current?.( true );
		return () => onBusy.current?.( false );
	}, [ uploading ] );

	if ( ! rules ) {
		return (
			<p className="dify-chatbot__field-note">
				{ __(
					'Files cannot be added to this field here.',
					'dify-chatbot'
				) }
			</p>
		);
	}

	const add = async ( list: FileList | null ) => {
		for ( const file of Array.from( list ?? [] ) ) {
			const count = props.multiple ? latest.current.length : 0;
			const check = checkFile( rules, file, count );
			if ( 'error' in check ) {
				setNotice( check.error );
				continue;
			}
			const controller = new AbortController();
			upload.current = controller;
			setBusy( file.name );
			try {
				const uploaded = await uploadFile(
					config,
					bot,
					file,
					() => undefined,
					controller.signal,
					variable,
					props.form
				);
				const item: FormFileValue = {
					type: uploaded.type,
					transfer_method: 'local_file',
					upload_file_id: uploaded.id,
					name: uploaded.name,
				};
				const next = props.multiple
					? [ ...latest.current, item ]
					: [ item ];
				latest.current = next;
				onChange( next );
				setNotice( '' );
			} catch ( error ) {
				if ( ! controller.signal.aborted ) {
					setNotice(
						messageOf(
							error,
							__(
								'The file could not be uploaded.',
								'dify-chatbot'
							)
						)
					);
				}
			}
		}
		// Only after the last one: between two files of one pick the form stays held.
		setBusy( null );
	};

	const full = props.multiple ? value.length >= rules.count : false;
	return (
		<div className="dify-chatbot__form-file">
			<input
				id={ id }
				name={ variable }
				type="file"
				accept={ acceptAttribute( rules ) || undefined }
				multiple={ props.multiple }
				disabled={ busy !== null || full || props.disabled }
				aria-invalid={ props.invalid ? 'true' : undefined }
				aria-describedby={ props.describedBy }
				onChange={ ( event ) => {
					const input = event.target;
					add( input.files ).finally( () => {
						input.value = '';
					} );
				} }
			/>
			{ value.length > 0 && (
				<ul
					className="dify-chatbot__attachments"
					aria-label={ sprintf(
						/* translators: %s: the form field's label. */
						__( 'Files for “%s”', 'dify-chatbot' ),
						props.label
					) }
				>
					{ value.map( ( file ) => (
						<li
							key={ file.upload_file_id }
							className="dify-chatbot__attachment"
						>
							<span className="dify-chatbot__attachment-name">
								{ file.name }
							</span>
							<button
								type="button"
								disabled={ props.disabled }
								className="dify-chatbot__button is-small"
								aria-label={ sprintf(
									/* translators: %s: file name. */
									__( 'Remove %s', 'dify-chatbot' ),
									file.name
								) }
								onClick={ () =>
									onChange(
										latest.current.filter(
											( f ) =>
												f.upload_file_id !==
												file.upload_file_id
										)
									)
								}
							>
								{ __( 'Remove', 'dify-chatbot' ) }
							</button>
						</li>
					) ) }
				</ul>
			) }
			<p className="dify-chatbot__field-note" aria-live="polite">
				{ busy !== null
					? sprintf(
							/* translators: %s: file name. */
							__( 'Uploading %s…', 'dify-chatbot' ),
							busy
						)
					: notice }
			</p>
		</div>
	);
}
