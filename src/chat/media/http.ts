/**
 * The media routes: upload with progress (XMLHttpRequest: fetch reports no upload progress),
 * transcription and text-to-speech. Failures become `MediaError`s whose message a visitor can
 * read: the plugin's own messages (`dify_chatbot_*` codes, written for visitors) as they are,
 * anything else by its status.
 *
 * Nothing here imports the chat's own modules at run time: a module shared with the main chunk
 * would lose its scope hoisting there, and the main chunk must stay light.
 */
import { __ } from '@wordpress/i18n';

import type { ChatConfig } from '../options';
import type { FileType } from './files';

/** What the `files` route answers. */
export interface UploadedFile {
	id: string;
	name: string;
	size: number;
	type: FileType;
}

/** A failed media request; `message` is meant for the visitor ('' when it was cancelled). */
export class MediaError extends Error {
	readonly status: number;

	constructor( message: string, status = 0 ) {
		super( message );
		this.name = 'MediaError';
		this.status = status;
	}
}

/**
 * The visitor's message for a failure: the MediaError's own, else `fallback`.
 *
 * @param error    What was thrown.
 * @param fallback What to say otherwise.
 */
export function messageOf( error: unknown, fallback: string ): string {
	return error instanceof MediaError && error.message
		? error.message
		: fallback;
}

function networkError(): MediaError {
	return new MediaError(
		__(
			'The site could not be reached. Check your connection and try again.',
			'dify-chatbot'
		)
	);
}

/**
 * The error of a failed answer.
 *
 * @param status HTTP status.
 * @param body   The body's text.
 */
export function errorOf( status: number, body: string ): MediaError {
	let data: { code?: unknown; message?: unknown } | null = null;
	try {
		data = JSON.parse( body );
	} catch {
		// A proxy's or the web server's page.
	}
	const code = typeof data?.code === 'string' ? data.code : '';
	if (
		code.startsWith( 'dify_chatbot_' ) &&
		typeof data?.message === 'string' &&
		data.message !== ''
	) {
		return new MediaError( data.message, status );
	}
	let message: string;
	if ( code === 'rest_cookie_invalid_nonce' ) {
		message = __(
			'Your session has expired. Please reload the page.',
			'dify-chatbot'
		);
	} else if ( status === 413 ) {
		message = __( 'This file is too large.', 'dify-chatbot' );
	} else if ( status === 429 ) {
		message = __(
			'Too many requests in a short time. Please wait a moment and try again.',
			'dify-chatbot'
		);
	} else if ( status >= 500 || status === 0 ) {
		message = __(
			'This is not available right now. Please try again later.',
			'dify-chatbot'
		);
	} else {
		message = __(
			'This could not be done. Please try again.',
			'dify-chatbot'
		);
	}
	return new MediaError( message, status );
}

function headers( config: ChatConfig ): Record< string, string > {
	return config.nonce ? { 'X-WP-Nonce': config.nonce } : {};
}

/**
 * Uploads one file; `onProgress` gets the fraction sent (0–1).
 *
 * @param config     Page configuration.
 * @param bot        The chat's bot ('' for the default one; a form field like the others).
 * @param file       The file.
 * @param onProgress Progress callback.
 * @param signal     Cancels the upload.
 * @param field      The input-form field it is for (its rules apply), if any.
 * @param form       The handle of the Human Input form whose `field` it is for, if any.
 */
export function uploadFile(
	config: ChatConfig,
	bot: string,
	file: File,
	onProgress: ( fraction: number ) => void,
	signal?: AbortSignal,
	field?: string,
	form?: string
): Promise< UploadedFile > {
	return new Promise( ( resolve, reject ) => {
		const xhr = new XMLHttpRequest();
		xhr.open( 'POST', config.restUrl + 'files' );
		Object.entries( headers( config ) ).forEach( ( [ name, value ] ) =>
			xhr.setRequestHeader( name, value )
		);
		xhr.setRequestHeader( 'Accept', 'application/json' );
		xhr.upload.onprogress = ( event ) => {
			if ( event.lengthComputable && event.total > 0 ) {
				onProgress( event.loaded / event.total );
			}
		};
		xhr.onerror = () => reject( networkError() );
		xhr.onabort = () => reject( new MediaError( '' ) );
		xhr.onload = () => {
			let data: Record< string, unknown > | null = null;
			try {
				data = JSON.parse( xhr.responseText );
			} catch {
				// An error page: handled below.
			}
			if (
				xhr.status === 201 &&
				data &&
				typeof data.id === 'string' &&
				typeof data.type === 'string'
			) {
				resolve( {
					id: data.id,
					name: typeof data.name === 'string' ? data.name : file.name,
					size: typeof data.size === 'number' ? data.size : file.size,
					type: data.type as FileType,
				} );
				return;
			}
			reject( errorOf( xhr.status, xhr.responseText ) );
		};
		signal?.addEventListener( 'abort', () => xhr.abort() );
		const body = new FormData();
		body.append( 'file', file, file.name );
		if ( field ) {
			body.append( 'field', field );
		}
		if ( form ) {
			body.append( 'form', form );
		}
		if ( bot ) {
			body.append( 'bot', bot );
		}
		xhr.send( body );
	} );
}

async function post(
	config: ChatConfig,
	path: string,
	body: BodyInit,
	json: boolean
): Promise< Response > {
	let response: Response;
	try {
		response = await fetch( config.restUrl + path, {
			method: 'POST',
			headers: {
				...headers( config ),
				...( json ? { 'Content-Type': 'application/json' } : {} ),
			},
			body,
			credentials: 'same-origin',
		} );
	} catch {
		throw networkError();
	}
	if ( ! response.ok ) {
		throw errorOf(
			response.status,
			await response.text().catch( () => '' )
		);
	}
	return response;
}

/**
 * The text of a recording.
 *
 * @param config Page configuration.
 * @param bot    The chat's bot ('' for the default one).
 * @param wav    The recording as WAV.
 */
export async function transcribe(
	config: ChatConfig,
	bot: string,
	wav: Blob
): Promise< string > {
	const form = new FormData();
	form.append( 'file', wav, 'speech.wav' );
	if ( bot ) {
		form.append( 'bot', bot );
	}
	const response = await post( config, 'audio-to-text', form, false );
	const data: unknown = await response.json().catch( () => null );
	const text = ( data as { text?: unknown } | null )?.text;
	return typeof text === 'string' ? text.trim() : '';
}

/**
 * A text read aloud, as MP3.
 *
 * @param config Page configuration.
 * @param bot    The chat's bot ('' for the default one).
 * @param text   The text.
 */
export async function speak(
	config: ChatConfig,
	bot: string,
	text: string
): Promise< Blob > {
	const response = await post(
		config,
		'text-to-audio',
		JSON.stringify( bot ? { text, bot } : { text } ),
		true
	);
	return new Blob( [ await response.arrayBuffer() ], { type: 'audio/mpeg' } );
}
