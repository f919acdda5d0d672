/**
 * Dictation: record with MediaRecorder, turn the recording into a 16 kHz mono WAV, and send it to
 * the plugin's `audio-to-text` route.
 *
 * Why WAV: Chromium's and Firefox's MediaRecorder write WebM/Opus (Safari MP4), and Dify 1.12
 * accepts only audio/{mp3,m4a,wav,amr,mpga} for speech to text. The browser decodes its own
 * recording and writes plain PCM, which every speech-to-text model reads; 16 kHz mono keeps a
 * minute under 2 MB.
 */
import { __ } from '@wordpress/i18n';

/** The sample rate speech models use. */
export const SPEECH_RATE = 16000;

/** Longest recording, in ms: stopped automatically after it. */
export const MAX_RECORDING_MS = 60_000;

/** Whether this browser can record (and the page may ask for the microphone). */
export function canRecord(): boolean {
	return (
		typeof window.MediaRecorder === 'function' &&
		!! window.navigator.mediaDevices?.getUserMedia
	);
}

/**
 * A WAV file (16-bit PCM, mono) of samples in [-1, 1].
 *
 * @param samples The samples.
 * @param rate    Samples per second.
 */
export function encodeWav( samples: Float32Array, rate: number ): ArrayBuffer {
	const buffer = new ArrayBuffer( 44 + samples.length * 2 );
	const view = new DataView( buffer );
	const text = ( offset: number, value: string ) => {
		for ( let i = 0; i < value.length; i++ ) {
			view.setUint8( offset + i, value.charCodeAt( i ) );
		}
	};
	text( 0, 'RIFF' );
	view.setUint32( 4, 36 + samples.length * 2, true );
	text( 8, 'WAVE' );
	text( 12, 'fmt ' );
	view.setUint32( 16, 16, true ); // fmt chunk size
	view.setUint16( 20, 1, true ); // PCM
	view.setUint16( 22, 1, true ); // mono
	view.setUint32( 24, rate, true );
	view.setUint32( 28, rate * 2, true ); // bytes per second
	view.setUint16( 32, 2, true ); // block align
	view.setUint16( 34, 16, true ); // bits per sample
	text( 36, 'data' );
	view.setUint32( 40, samples.length * 2, true );
	samples.forEach( ( sample, i ) => {
		const s = Math.max( -1, Math.min( 1, sample ) );
		view.setInt16( 44 + i * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true );
	} );
	return buffer;
}

/**
 * The recording as 16 kHz mono WAV.
 *
 * @param recording What MediaRecorder gave.
 */
export async function toWav( recording: Blob ): Promise< Blob > {
	const data = await recording.arrayBuffer();
	const context = new AudioContext();
	let decoded: AudioBuffer;
	try {
		decoded = await context.decodeAudioData( data );
	} finally {
		context.close().catch( () => undefined );
	}
	const length = Math.max( 1, Math.ceil( decoded.duration * SPEECH_RATE ) );
	const offline = new OfflineAudioContext( 1, length, SPEECH_RATE );
	const source = offline.createBufferSource();
	source.buffer = decoded;
	source.connect( offline.destination );
	source.start();
	const rendered = await offline.startRendering();
	return new Blob(
		[ encodeWav( rendered.getChannelData( 0 ), SPEECH_RATE ) ],
		{
			type: 'audio/wav',
		}
	);
}

/**
 * What to tell the visitor when the microphone cannot be used.
 *
 * @param error What getUserMedia or MediaRecorder threw.
 */
export function microphoneError( error: unknown ): string {
	const name =
		error && typeof error === 'object'
			? ( error as { name?: unknown } ).name
			: '';
	if ( name === 'NotAllowedError' || name === 'SecurityError' ) {
		return __(
			'Microphone access was denied. Allow it in your browser to speak your message, or type it instead.',
			'dify-chatbot'
		);
	}
	if ( name === 'NotFoundError' || name === 'OverconstrainedError' ) {
		return __( 'No microphone was found.', 'dify-chatbot' );
	}
	return __( 'The microphone could not be used.', 'dify-chatbot' );
}

/** A running recording. */
export interface Recording {
	/** Stops and gives what was recorded. */
	stop: () => Promise< Blob >;
	/** Stops and throws the recording away. */
	cancel: () => void;
}

/**
 * Starts recording from the microphone (asks for permission). Throws what getUserMedia throws.
 */
export async function startRecording(): Promise< Recording > {
	const stream = await window.navigator.mediaDevices.getUserMedia( {
		audio: true,
	} );
	const release = () => stream.getTracks().forEach( ( t ) => t.stop() );
	let recorder: MediaRecorder;
	try {
		recorder = new MediaRecorder( stream );
	} catch ( error ) {
		release();
		throw error;
	}
	const chunks: Blob[] = [];
	recorder.ondataavailable = ( event ) => {
		if ( event.data.size > 0 ) {
			chunks.push( event.data );
		}
	};
	const stopped = new Promise< Blob >( ( resolve ) => {
		recorder.onstop = () => {
			release();
			resolve( new Blob( chunks, { type: recorder.mimeType } ) );
		};
	} );
	recorder.start();
	return {
		stop: () => {
			if ( recorder.state !== 'inactive' ) {
				recorder.stop();
			}
			return stopped;
		},
		cancel: () => {
			if ( recorder.state !== 'inactive' ) {
				recorder.stop();
			}
			chunks.length = 0;
		},
	};
}
