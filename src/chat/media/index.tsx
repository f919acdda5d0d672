/**
 * Uploads and voice: a separate script, loaded by the chat (media-context.ts, loadMedia) only
 * when the app takes files, dictation or reading aloud, so chats without them never download it.
 * It is its own webpack entry rather than a dynamic import(): webpack's chunk-loading runtime
 * alone would add about 1 KB (gzipped) to the chat app.
 *
 * - `Tools`: the question box's attach and microphone buttons, attached files with previews,
 *   upload progress and the reasons a file or recording was refused;
 * - `ReadAloud`: the "Read aloud" button under an answer;
 * - `playChunks`: plays the `tts_message` audio of an answer when the app auto-plays;
 * - `FormFile`: a file field of the app's input form (./form-file.tsx).
 */
import { useEffect, useMemo, useRef, useState } from '@wordpress/element';
import type { Dispatch, SetStateAction } from 'react';
import { __, sprintf } from '@wordpress/i18n';

// Types only: the chat's own modules stay out of this chunk (see http.ts).
import type { AppParameters } from '../api';
import type { PendingFile } from '../media-context';
import type { ChatConfig } from '../options';
import { acceptAttribute, checkFile, tooMany, uploadRules } from './files';
import { FormFile } from './form-file';

export { FormFile };
import { MediaError, speak, transcribe, uploadFile } from './http';
import {
	MAX_RECORDING_MS,
	canRecord,
	microphoneError,
	startRecording,
	toWav,
	type Recording,
} from './speech';

function message( error: unknown, fallback: string ): string {
	return error instanceof MediaError && error.message
		? error.message
		: fallback;
}

interface ToolsProps {
	config: ChatConfig;
	parameters: AppParameters;
	files: PendingFile[];
	setFiles: Dispatch< SetStateAction< PendingFile[] > >;
	/** Puts dictated text in the question box. */
	onTranscript: ( text: string ) => void;
}

let keys = 0;

export function Tools( {
	config,
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
							error: message(
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
			{ files.length > 0 && (
				<ul
					className="dify-chatbot__attachments"
					aria-label={ __( 'Attached files', 'dify-chatbot' ) }
				>
					{ files.map( ( file ) => (
						<li
							key={ file.key }
							className="dify-chatbot__attachment"
							data-status={
								// eslint-disable-next-line no-nested-ternary -- three states.
								file.error
									? 'error'
									: file.id
										? 'done'
										: 'uploading'
							}
						>
							{ file.url && (
								<img
									className="dify-chatbot__attachment-preview"
									src={ file.url }
									alt=""
								/>
							) }
							<span className="dify-chatbot__attachment-name">
								{ file.name }
							</span>
							{ ! file.id && ! file.error && (
								<span
									className="dify-chatbot__progress"
									role="progressbar"
									aria-label={ sprintf(
										/* translators: %s: file name. */
										__( 'Uploading %s', 'dify-chatbot' ),
										file.name
									) }
									aria-valuemin={ 0 }
									aria-valuemax={ 100 }
									aria-valuenow={ Math.round(
										file.progress * 100
									) }
								>
									<span
										style={ {
											width: `${ Math.round( file.progress * 100 ) }%`,
										} }
									/>
								</span>
							) }
							{ file.error && (
								<span className="dify-chatbot__attachment-error">
									{ file.error }
								</span>
							) }
							<button
								type="button"
								className="dify-chatbot__attachment-remove"
								aria-label={ sprintf(
									/* translators: %s: file name. */
									__( 'Remove %s', 'dify-chatbot' ),
									file.name
								) }
								onClick={ () => remove( file ) }
							>
								×
							</button>
						</li>
					) ) }
				</ul>
			) }
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
					onTranscript={ onTranscript }
					onNotice={ setNotice }
				/>
			) }
		</>
	);
}

interface MicrophoneProps {
	config: ChatConfig;
	onTranscript: ( text: string ) => void;
	onNotice: ( text: string ) => void;
}

function Microphone( { config, onTranscript, onNotice }: MicrophoneProps ) {
	const [ state, setState ] = useState< 'idle' | 'recording' | 'working' >(
		'idle'
	);
	const recording = useRef< Recording | null >( null );
	const timer = useRef< number | undefined >( undefined );

	useEffect(
		() => () => {
			recording.current?.cancel();
			window.clearTimeout( timer.current );
		},
		[]
	);

	const stop = async () => {
		const current = recording.current;
		if ( ! current ) {
			return;
		}
		recording.current = null;
		window.clearTimeout( timer.current );
		setState( 'working' );
		try {
			const text = await transcribe(
				config,
				await toWav( await current.stop() )
			);
			if ( text ) {
				onTranscript( text );
			} else {
				onNotice(
					__(
						'No speech was recognized. Please try again.',
						'dify-chatbot'
					)
				);
			}
		} catch ( error ) {
			onNotice(
				message(
					error,
					__(
						'Your recording could not be used. Please type your message instead.',
						'dify-chatbot'
					)
				)
			);
		} finally {
			setState( 'idle' );
		}
	};

	const start = async () => {
		onNotice( '' );
		setState( 'working' );
		try {
			recording.current = await startRecording();
		} catch ( error ) {
			setState( 'idle' );
			onNotice( microphoneError( error ) );
			return;
		}
		setState( 'recording' );
		timer.current = window.setTimeout( stop, MAX_RECORDING_MS );
	};

	const recordingNow = state === 'recording';
	const label = recordingNow
		? __( 'Stop recording', 'dify-chatbot' )
		: __( 'Speak your message', 'dify-chatbot' );
	return (
		<>
			<button
				type="button"
				className="dify-chatbot__tool"
				aria-label={ label }
				title={ label }
				aria-pressed={ recordingNow }
				aria-disabled={ state === 'working' }
				data-state={ state }
				onClick={ () => {
					if ( state === 'idle' ) {
						start();
					} else if ( recordingNow ) {
						stop();
					}
				} }
			>
				<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
					<path d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11z" />
				</svg>
			</button>
			<span className="dify-chatbot__sr-only" role="status">
				{ recordingNow && __( 'Recording…', 'dify-chatbot' ) }
				{ state === 'working' &&
					__( 'Working on your recording…', 'dify-chatbot' ) }
			</span>
		</>
	);
}

/**
 * What to read: the answer's markdown without its markup, as Dify's voice would read symbols.
 *
 * @param markdown The answer.
 */
export function plainText( markdown: string ): string {
	return markdown
		.replace( /```[^\n]*\n?/g, '' )
		.replace( /!?\[([^\]]*)\]\([^)]*\)/g, '$1' )
		.replace( /^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+/gm, '' )
		.replace( /[*_`~|]+/g, '' )
		.replace( /^[\s:-]+$/gm, '' )
		.replace( /\n{2,}/g, '\n' )
		.trim()
		.slice( 0, 4000 );
}

export function ReadAloud( {
	config,
	text,
}: {
	config: ChatConfig;
	text: string;
} ) {
	const [ source, setSource ] = useState< string | null >( null );
	const [ busy, setBusy ] = useState( false );
	const [ error, setError ] = useState( '' );
	const audio = useRef< HTMLAudioElement >( null );

	useEffect(
		() => () => {
			if ( source ) {
				URL.revokeObjectURL( source );
			}
		},
		[ source ]
	);

	const read = async () => {
		if ( busy ) {
			return;
		}
		if ( source ) {
			audio.current?.play().catch( () => undefined );
			return;
		}
		setBusy( true );
		setError( '' );
		try {
			setSource(
				URL.createObjectURL( await speak( config, plainText( text ) ) )
			);
		} catch ( failure ) {
			setError(
				message(
					failure,
					__( 'The answer could not be read aloud.', 'dify-chatbot' )
				)
			);
		} finally {
			setBusy( false );
		}
	};
	return (
		<>
			<button
				type="button"
				className="dify-chatbot__action"
				aria-disabled={ busy }
				onClick={ read }
			>
				{ busy
					? __( 'Loading audio…', 'dify-chatbot' )
					: __( 'Read aloud', 'dify-chatbot' ) }
			</button>
			{ source && (
				<audio
					ref={ audio }
					className="dify-chatbot__audio"
					src={ source }
					controls
					autoPlay
				/>
			) }
			{ error && (
				<span className="dify-chatbot__action-error" role="alert">
					{ error }
				</span>
			) }
		</>
	);
}

/**
 * Plays an answer's `tts_message` audio (base64 MP3 chunks; MP3 frames simply follow each other).
 *
 * @param chunks The chunks, in order.
 */
export function playChunks( chunks: string[] ): void {
	const parts = chunks.map( ( chunk ) => {
		const binary = window.atob( chunk );
		const bytes = new Uint8Array( binary.length );
		for ( let i = 0; i < binary.length; i++ ) {
			bytes[ i ] = binary.charCodeAt( i );
		}
		return bytes;
	} );
	const url = URL.createObjectURL(
		new Blob( parts, { type: 'audio/mpeg' } )
	);
	const player = new Audio( url );
	player.className = 'dify-chatbot__autoplay';
	const free = () => URL.revokeObjectURL( url );
	player.onended = free;
	player.onerror = free;
	// Browsers refuse to play before the visitor interacted with the page: nothing to do then.
	player.play().catch( free );
}

window.difyChatbotMedia = { Tools, ReadAloud, playChunks, FormFile };
