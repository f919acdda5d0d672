/**
 * The question box's tools: attach files (checked against the app's rules, uploaded at once with
 * progress), the attached files, and the microphone when the app transcribes speech.
 */
import { useEffect, useMemo, useRef, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

import Attachments from './Attachments';
import { acceptAttribute, checkFile, tooMany, uploadRules } from './files';
import { messageOf, uploadFile } from './http';
import Microphone from './Microphone';
import { canRecord } from './speech';
import type { PendingFile, ToolsProps } from './types';

let keys = 0;

export default function Tools( {
	config,
	bot,
	parameters,
	files,
	setFiles,
	onTranscript,
}: ToolsProps ) {
	const rules = useMemo(
		() =>
			uploadRules(
				parameters.fileUpload ?? null,
				parameters.limits ?? null
			),
		[ parameters ]
	);
	const [ notice, setNotice ] = useState( '' );
	const input = useRef< HTMLInputElement >( null );
	const uploads = useRef( new Map< string, AbortController >() );
	const latest = useRef( files );
	latest.current = files;

	// Leaving: stop the uploads, free the previews of files that were not sent.
	useEffect(
		() => () => {
			uploads.current.forEach( ( c ) => c.abort() );
			latest.current.forEach(
				( f ) => f.url && URL.revokeObjectURL( f.url )
			);
		},
		[]
	);

	const update = ( key: string, change: Partial< PendingFile > ) =>
		setFiles( ( list ) =>
			list.map( ( f ) => ( f.key === key ? { ...f, ...change } : f ) )
		);

	const add = ( list: FileList | null ) => {
		if ( ! rules || ! list ) {
			return;
		}
		let count = latest.current.length;
		const added: PendingFile[] = [];
		const refused: string[] = [];
		for ( const file of Array.from( list ) ) {
			const check = checkFile( rules, file, count );
			if ( 'error' in check ) {
				refused.push( check.error );
				continue;
			}
			count++;
			const pending: PendingFile = {
				key: `file-${ ++keys }`,
				name: file.name,
				type: check.type,
				url:
					check.type === 'image' ? URL.createObjectURL( file ) : null,
				id: null,
				progress: 0,
				error: null,
			};
			added.push( pending );
			const controller = new AbortController();
			uploads.current.set( pending.key, controller );
			uploadFile(
				config,
				bot,
				file,
				( progress ) => update( pending.key, { progress } ),
				controller.signal
			)
				.then(
					( uploaded ) =>
						update( pending.key, { id: uploaded.id, progress: 1 } ),
					( error ) =>
						controller.signal.aborted ||
						update( pending.key, {
							error: messageOf(
								error,
								__(
									'The file could not be uploaded.',
									'dify-chatbot'
								)
							),
						} )
				)
				.finally( () => uploads.current.delete( pending.key ) );
		}
		setFiles( ( current ) => [ ...current, ...added ] );
		setNotice( refused.join( ' ' ) );
	};

	const remove = ( file: PendingFile ) => {
		uploads.current.get( file.key )?.abort();
		if ( file.url ) {
			URL.revokeObjectURL( file.url );
		}
		setFiles( ( list ) => list.filter( ( f ) => f.key !== file.key ) );
		setNotice( '' );
	};

	const full = !! rules && files.length >= rules.count;
	return (
		<>
			<Attachments files={ files } onRemove={ remove } />
			{ notice && (
				<p className="dify-chatbot__notice" role="alert">
					{ notice }
				</p>
			) }
			{ rules && (
				<>
					<button
						type="button"
						className="dify-chatbot__tool"
						aria-label={ __( 'Attach files', 'dify-chatbot' ) }
						title={ __( 'Attach files', 'dify-chatbot' ) }
						aria-disabled={ full }
						onClick={ () => {
							if ( full ) {
								setNotice( tooMany( rules.count ) );
								return;
							}
							input.current?.click();
						} }
					>
						<svg
							viewBox="0 0 24 24"
							aria-hidden="true"
							focusable="false"
						>
							<path d="M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z" />
						</svg>
					</button>
					<input
						ref={ input }
						type="file"
						className="dify-chatbot__file-input"
						accept={ acceptAttribute( rules ) }
						multiple={ rules.count > 1 }
						tabIndex={ -1 }
						aria-hidden="true"
						onChange={ ( event ) => {
							add( event.target.files );
							event.target.value = '';
						} }
					/>
				</>
			) }
			{ parameters.speechToText && canRecord() && (
				<Microphone
					config={ config }
					bot={ bot }
					onTranscript={ onTranscript }
					onNotice={ setNotice }
				/>
			) }
		</>
	);
}
