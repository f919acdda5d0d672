/**
 * Every failure of the chat's requests becomes a `ChatError` whose message a visitor can read, so
 * the UI has one way to show what went wrong.
 */
import { __, _n, sprintf } from '@wordpress/i18n';

import { record, str } from './json';

/** Codes the client itself gives; the others come from the server or Dify. */
export const ERROR_NETWORK = 'network';
export const ERROR_CUT_OFF = 'cut_off';
export const ERROR_BAD_RESPONSE = 'bad_response';
export const ERROR_ABORTED = 'aborted';
export const ERROR_INVALID_NONCE = 'rest_cookie_invalid_nonce';
export const ERROR_CONVERSATION_NOT_FOUND =
	'dify_chatbot_conversation_not_found';

/** A failed chat request; `message` is meant for the visitor. */
export class ChatError extends Error {
	readonly code: string;
	/** HTTP status (of the response, or the one in a stream `error` event); 0 when none. */
	readonly status: number;
	/** Seconds to wait before trying again, from `Retry-After`. */
	readonly retryAfter: number | null;

	constructor(
		code: string,
		message: string,
		status = 0,
		retryAfter: number | null = null
	) {
		super( message );
		this.name = 'ChatError';
		this.code = code;
		this.status = status;
		this.retryAfter = retryAfter;
	}
}

/** An answer that ended before it was complete. */
export function cutOff(): ChatError {
	return new ChatError(
		ERROR_CUT_OFF,
		__( 'The answer was cut off. Please try again.', 'dify-chatbot' )
	);
}

/**
 * A response that could not be read.
 *
 * @param status Its HTTP status.
 */
export function badResponse( status = 0 ): ChatError {
	return new ChatError(
		ERROR_BAD_RESPONSE,
		__(
			'The chat service sent an answer that could not be read. Please try again.',
			'dify-chatbot'
		),
		status
	);
}

/** The site could not be reached at all. */
export function networkError(): ChatError {
	return new ChatError(
		ERROR_NETWORK,
		__(
			'The site could not be reached. Check your connection and try again.',
			'dify-chatbot'
		)
	);
}

/** A request the chat itself cancelled (Stop, or the chat went away): nothing to tell. */
export function aborted(): ChatError {
	return new ChatError( ERROR_ABORTED, '' );
}

/**
 * Whether fetch or a body read failed because its signal was aborted.
 *
 * @param error What was thrown.
 */
export function isAbort( error: unknown ): boolean {
	return (
		!! error &&
		typeof error === 'object' &&
		( error as { name?: unknown } ).name === 'AbortError'
	);
}

/**
 * Seconds from a `Retry-After` header (delta-seconds or an HTTP date).
 *
 * @param header The header's value.
 */
export function parseRetryAfter( header: string | null ): number | null {
	if ( ! header ) {
		return null;
	}
	if ( /^\s*\d+\s*$/.test( header ) ) {
		return parseInt( header, 10 );
	}
	const date = Date.parse( header );
	return Number.isNaN( date )
		? null
		: Math.max( 0, Math.ceil( ( date - Date.now() ) / 1000 ) );
}

/**
 * The visitor's message for a refused request.
 *
 * @param code          The error code.
 * @param status        The HTTP status.
 * @param serverMessage The server's own message, if any.
 * @param retryAfter    Seconds from Retry-After, if any.
 */
function messageFor(
	code: string,
	status: number,
	serverMessage: string | null,
	retryAfter: number | null
): string {
	if ( code === ERROR_CONVERSATION_NOT_FOUND ) {
		return __(
			'This conversation is no longer available, so a new one was started. Please try again.',
			'dify-chatbot'
		);
	}
	if ( code === ERROR_INVALID_NONCE ) {
		return __(
			'Your session has expired. Please reload the page.',
			'dify-chatbot'
		);
	}
	if ( status === 429 ) {
		return retryAfter !== null && retryAfter > 0 && retryAfter <= 300
			? sprintf(
					/* translators: %d: number of seconds. */
					_n(
						'Too many messages in a short time. Please try again in %d second.',
						'Too many messages in a short time. Please try again in %d seconds.',
						retryAfter,
						'dify-chatbot'
					),
					retryAfter
				)
			: __(
					'Too many messages in a short time. Please wait a moment and try again.',
					'dify-chatbot'
				);
	}
	if ( serverMessage && code.startsWith( 'dify_chatbot_' ) ) {
		return serverMessage;
	}
	if ( status >= 500 || status === 0 ) {
		return __(
			'The chat is not available right now. Please try again later.',
			'dify-chatbot'
		);
	}
	return __(
		'Your message could not be sent. Please try again.',
		'dify-chatbot'
	);
}

/**
 * Turns a non-2xx response (ordinary WP_Error JSON, or whatever a proxy sent) into a ChatError.
 *
 * Only the plugin's own messages (`dify_chatbot_*` codes) are shown as they are: they are
 * written for visitors. Core and unknown errors get a plain message chosen by their status.
 *
 * @param response The failed response; its body is consumed.
 */
export async function errorFromResponse(
	response: Response
): Promise< ChatError > {
	const { status } = response;
	let body: Record< string, unknown > | null = null;
	try {
		body = record( await response.json() );
	} catch {
		// Not JSON: a proxy's or the web server's error page.
	}
	const code = str( body?.code ) ?? `http_${ status }`;
	const retryAfter = parseRetryAfter( response.headers.get( 'Retry-After' ) );
	return new ChatError(
		code,
		messageFor( code, status, str( body?.message ), retryAfter ),
		status,
		retryAfter
	);
}
