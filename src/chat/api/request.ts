/**
 * One request to the plugin's REST routes, the way every chat call makes it: same-origin
 * credentials, the REST nonce when the visitor is logged in, and failures as `ChatError`s.
 *
 * `fetch` is used directly rather than `@wordpress/api-fetch`: a streamed body needs
 * `parse: false`, and api-fetch's nonce-refresh retry does not apply then. So the retry is here,
 * once for every route.
 */
import type { ChatConfig } from '../options';
import {
	ERROR_INVALID_NONCE,
	aborted,
	errorFromResponse,
	isAbort,
	networkError,
} from './errors';

export interface RequestOptions {
	/** The route below the namespace (may carry a query string). */
	path: string;
	/** A JSON body; null (a GET unless `method` says otherwise) when there is none. */
	body: string | null;
	/** What the caller can read: `application/json` or `text/event-stream`. */
	accept: string;
	method?: string;
	signal?: AbortSignal;
}

/** Makes a request; resolves with a 2xx response, else throws a `ChatError`. */
export type Request = ( options: RequestOptions ) => Promise< Response >;

/**
 * Whether a string looks like a nonce (admin-ajax answers "0" or "-1" when it cannot give one).
 *
 * @param value Candidate.
 */
function isNonce( value: string ): boolean {
	return (
		/^[A-Za-z0-9_-]{4,128}$/.test( value ) &&
		value !== '0' &&
		value !== '-1'
	);
}

/**
 * Creates the request function. `config` is shared by every chat on the page: a refreshed nonce
 * is written back to it so all of them use it.
 *
 * @param config  Page configuration.
 * @param fetchFn The fetch to use.
 */
export function createRequest(
	config: ChatConfig,
	fetchFn: typeof fetch
): Request {
	let refreshing: Promise< string | null > | null = null;

	/** Fetches a fresh nonce once, however many chats ask at the same time. */
	function refreshNonce(): Promise< string | null > {
		if ( ! refreshing ) {
			refreshing = ( async () => {
				try {
					const response = await fetchFn( config.nonceEndpoint, {
						credentials: 'same-origin',
						cache: 'no-store',
					} );
					const nonce = response.ok
						? ( await response.text() ).trim()
						: '';
					if ( ! isNonce( nonce ) ) {
						return null;
					}
					config.nonce = nonce;
					return nonce;
				} catch {
					return null;
				} finally {
					refreshing = null;
				}
			} )();
		}
		return refreshing;
	}

	/**
	 * Sends the request once, with the nonce the page has now.
	 *
	 * @param options What to send.
	 * @param nonce   The nonce to send ('' for none).
	 */
	async function send(
		options: RequestOptions,
		nonce: string
	): Promise< Response > {
		const headers: Record< string, string > = { Accept: options.accept };
		if ( options.body !== null ) {
			headers[ 'Content-Type' ] = 'application/json';
		}
		if ( nonce ) {
			headers[ 'X-WP-Nonce' ] = nonce;
		}
		try {
			return await fetchFn( config.restUrl + options.path, {
				method:
					options.method ??
					( options.body === null ? 'GET' : 'POST' ),
				headers,
				...( options.body === null ? {} : { body: options.body } ),
				credentials: 'same-origin',
				signal: options.signal,
			} );
		} catch ( error ) {
			throw isAbort( error ) ? aborted() : networkError();
		}
	}

	return async ( options ) => {
		const nonce = config.nonce;
		const response = await send( options, nonce );
		if ( response.ok ) {
			return response;
		}
		const error = await errorFromResponse( response );
		// A page from a full-page cache carries a stale nonce. WordPress refused the request
		// before it reached Dify, so sending it once more with a fresh nonce is safe. No other
		// failure is retried: a question may already have reached Dify.
		if ( error.code !== ERROR_INVALID_NONCE || ! config.nonceEndpoint ) {
			throw error;
		}
		// Another chat on the page may have refreshed it meanwhile.
		const fresh =
			config.nonce !== nonce ? config.nonce : await refreshNonce();
		if ( ! fresh ) {
			throw error;
		}
		const retried = await send( options, config.nonce );
		if ( ! retried.ok ) {
			throw await errorFromResponse( retried );
		}
		return retried;
	};
}
