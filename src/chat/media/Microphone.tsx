/**
 * The microphone button: records up to a minute, has it transcribed through the plugin's
 * `audio-to-text` route, and puts the text in the question box.
 */
import { useEffect, useRef, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

import type { ChatConfig } from '../options';
import { messageOf, transcribe } from './http';
import {
	MAX_RECORDING_MS,
	microphoneError,
	startRecording,
	toWav,
	type Recording,
} from './speech';

interface MicrophoneProps {
	config: ChatConfig;
	/** The chat's bot ('' for the default one). */
	bot: string;
	onTranscript: ( text: string ) => void;
	onNotice: ( text: string ) => void;
}

export default function Microphone( {
	config,
	bot,
	onTranscript,
	onNotice,
}: MicrophoneProps ) {
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
				bot,
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
				messageOf(
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
