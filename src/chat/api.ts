/**
 * The browser's client for the plugin's `POST chat` route.
 *
 * Streaming and blocking answers are turned into the same small sequence of updates, and every
 * failure into a `ChatError` whose message a visitor can read, so the UI has one code path.
 *
 * `fetch` is used directly rather than `@wordpress/api-fetch`: a streamed body needs
 * `parse: false`, and api-fetch's nonce-refresh retry does not apply then.
 */
import { __, _n, sprintf } from '@wordpress/i18n';

import { parseForm, type FormControl } from './inputs';
import type { ChatConfig } from './options';
import { difyEvents, type DifyEvent } from './sse';
import {
	citationsOf,
	isSafeUrl,
	type AnswerFile,
	type Citation,
} from './state';

/** A file sent with a question (an upload's id, dify-api §9.1). */
export interface ChatFile {
	type: string;
	transfer_method: 'local_file';
	upload_file_id: string;
}

export interface ChatRequest {
	query: string;
	conversationId?: string | null;
	inputs?: Record< string, unknown >;
	bot?: string;
	/** The page the chat is on (the server fills some inputs from it); 0 when unknown. */
	postId?: number;
	files?: ChatFile[];
}

export interface AnswerMetadata {
	retrieverResources: unknown[];
	usage: Record< string, unknown > | null;
}

/** What the UI learns while an answer arrives, in order: meta*, (append|replace)*, end. */
export type ChatUpdate =
	| {
			type: 'meta';
			conversationId: string | null;
			messageId: string | null;
			taskId: string | null;
	  }
	| { type: 'append'; text: string }
	| { type: 'replace'; text: string }
	/** An agent's tool round (re-sent with the same id as it progresses). */
	| { type: 'thought'; id: string; position: number; tools: string[] }
	/** A base64 MP3 chunk of the answer read aloud (`tts_message`, when the app auto-plays). */
	| { type: 'audio'; audio: string }
	/** A file an agent's tool made (only http(s) links are passed on). */
	| { type: 'file'; id: string; url: string; fileType: string }
	| {
			type: 'end';
			conversationId: string | null;
			messageId: string | null;
			metadata: AnswerMetadata;
	  };

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

/** The browser-safe part of the app's parameters (the plugin's `GET parameters`). */
export interface AppParameters {
	/** Markdown shown before the first question; '' when the app has none. */
	openingStatement: string;
	/** Questions a visitor can send with one click before the first one. */
	suggestedQuestions: string[];
	/** Whether follow-up questions can be asked for after each answer. */
	suggestedAfterAnswer: boolean;
	/** The input form's fields a visitor fills in (empty when the app has none). */
	form: FormControl[];
	/** `file_upload` when the app takes files, else null (read by the media chunk). */
	fileUpload?: Record< string, unknown > | null;
	/** `system_parameters`: upload limits in MiB; `site`: this site's limit in bytes. */
	limits?: Record< string, unknown >;
	speechToText?: boolean;
	textToSpeech?: boolean;
	/** Whether answers are read aloud as they come (`text_to_speech.autoPlay`). */
	autoPlay?: boolean;
}

export type Rating = 'like' | 'dislike' | null;

export interface ChatClient {
	/**
	 * Sends one question and yields the answer as it arrives. Throws a `ChatError`.
	 *
	 * Breaking out of the loop, or aborting `signal`, stops reading and closes the request.
	 */
	chat: (
		request: ChatRequest,
		signal?: AbortSignal
	) => AsyncGenerator< ChatUpdate, void, undefined >;
	/** The app's opening statement and suggestions. Throws a `ChatError`. */
	/** The app's parameters; `postId` is the page the chat is on (its form may differ). */
	parameters: ( postId?: number ) => Promise< AppParameters >;
	/** Asks Dify to stop writing an answer (by the stream's task id). Throws a `ChatError`. */
	stop: ( taskId: string ) => Promise< void >;
	/** Rates an answer (null takes the rating back). Throws a `ChatError`. */
	feedback: ( messageId: string, rating: Rating ) => Promise< void >;
	/** Follow-up questions for an answer. Throws a `ChatError`. */
	suggested: ( messageId: string ) => Promise< string[] >;
	/** The visitor's conversations, most recently updated first. Throws a `ChatError`. */
	conversations: () => Promise< ConversationSummary[] >;
	/** Renames one of the visitor's conversations. Throws a `ChatError`. */
	rename: ( conversationId: string, name: string ) => Promise< void >;
	/** Deletes one of the visitor's conversations. Throws a `ChatError`. */
	remove: ( conversationId: string ) => Promise< void >;
	/** The visitor's earlier turns of a conversation, oldest first. Throws a `ChatError`. */
	history: ( conversationId: string ) => Promise< HistoryTurn[] >;
	/** The page configuration (the media chunk calls its routes with it). */
	config?: ChatConfig;
}

/** One of the visitor's conversations, for the list. */
export interface ConversationSummary {
	id: string;
	name: string;
}

/** One question and its answer from the conversation's history. */
export interface HistoryTurn {
	messageId: string;
	query: string;
	answer: string;
	citations: Citation[];
	files: AnswerFile[];
}

type Fetch = typeof fetch;

function str( value: unknown ): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

function record( value: unknown ): Record< string, unknown > | null {
	return value && typeof value === 'object' && ! Array.isArray( value )
		? ( value as Record< string, unknown > )
		: null;
}

function metadataOf( value: unknown ): AnswerMetadata {
	const metadata = record( value );
	const resources = metadata?.retriever_resources;
	return {
		retrieverResources: Array.isArray( resources ) ? resources : [],
		usage: record( metadata?.usage ),
	};
}

function cutOff(): ChatError {
	return new ChatError(
		ERROR_CUT_OFF,
		__( 'The answer was cut off. Please try again.', 'dify-chatbot' )
	);
}

function badResponse( status = 0 ): ChatError {
	return new ChatError(
		ERROR_BAD_RESPONSE,
		__(
			'The chat service sent an answer that could not be read. Please try again.',
			'dify-chatbot'
		),
		status
	);
}

function isAbort( error: unknown ): boolean {
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
	const serverMessage = str( body?.message );
	const retryAfter = parseRetryAfter( response.headers.get( 'Retry-After' ) );

	let message: string;
	if ( code === ERROR_CONVERSATION_NOT_FOUND ) {
		message = __(
			'This conversation is no longer available, so a new one was started. Please try again.',
			'dify-chatbot'
		);
	} else if ( code === ERROR_INVALID_NONCE ) {
		message = __(
			'Your session has expired. Please reload the page.',
			'dify-chatbot'
		);
	} else if ( status === 429 ) {
		message =
			retryAfter !== null && retryAfter > 0 && retryAfter <= 300
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
	} else if ( serverMessage && code.startsWith( 'dify_chatbot_' ) ) {
		message = serverMessage;
	} else if ( status >= 500 || status === 0 ) {
		message = __(
			'The chat is not available right now. Please try again later.',
			'dify-chatbot'
		);
	} else {
		message = __(
			'Your message could not be sent. Please try again.',
			'dify-chatbot'
		);
	}
	return new ChatError( code, message, status, retryAfter );
}

/**
 * Turns Dify's stream events into updates.
 *
 * Text is any event with a string `answer` and no `url` (`message`, `agent_message`, and the
 * `message_file` mislabel of Dify 1.11–1.12), or `text_chunk.data.text` for workflow apps.
 * `message_end` finishes an answer, `error` fails it. `workflow_finished` is terminal only for
 * workflow apps (chatflows send `message_end` after it), so it is settled when the stream ends.
 *
 * @param body The response body.
 */
async function* streamUpdates(
	body: ReadableStream< Uint8Array >
): AsyncGenerator< ChatUpdate, void, undefined > {
	let conversationId: string | null = null;
	let messageId: string | null = null;
	let taskId: string | null = null;
	let workflow: Record< string, unknown > | null = null;
	let ended = false;

	const events = difyEvents( body );
	try {
		for (;;) {
			let next: IteratorResult< DifyEvent, void >;
			try {
				next = await events.next();
			} catch ( error ) {
				if ( ended ) {
					return; // The answer is complete; losing the tail does not matter.
				}
				// The connection broke mid-answer.
				throw isAbort( error ) ? error : cutOff();
			}
			if ( next.done ) {
				break;
			}
			const event = next.value;
			// Audio of the answer: Dify sends it after message_end (dify-api §8.4).
			const audio = str( event.audio );
			if ( event.event === 'tts_message' && audio ) {
				yield { type: 'audio', audio };
				continue;
			}
			if ( ended ) {
				// Only TTS audio may follow. The rest of the body is still read rather than the
				// request cancelled, so the server is not cut off while it finishes its work.
				continue;
			}

			if ( event.event === 'error' ) {
				// The assistant's own Retry-After (an upstream 429), passed on by the relay.
				const wait =
					typeof event.retry_after === 'number' &&
					event.retry_after > 0 &&
					event.retry_after <= 300
						? Math.ceil( event.retry_after )
						: null;
				const text =
					str( event.message ) ??
					__(
						'Something went wrong while answering. Please try again.',
						'dify-chatbot'
					);
				throw new ChatError(
					str( event.code ) ?? 'stream_error',
					wait === null
						? text
						: sprintf(
								/* translators: 1: why the answer failed, 2: number of seconds. */
								_n(
									'%1$s Retry is possible in %2$d second.',
									'%1$s Retry is possible in %2$d seconds.',
									wait,
									'dify-chatbot'
								),
								text,
								wait
							),
					typeof event.status === 'number' ? event.status : 0,
					wait
				);
			}

			// Ids come with the first event; keeping the task id allows stopping the answer.
			const ids: Record<
				'conversationId' | 'messageId' | 'taskId',
				string | null
			> = {
				conversationId: conversationId ?? str( event.conversation_id ),
				messageId: messageId ?? str( event.message_id ),
				taskId: taskId ?? str( event.task_id ),
			};
			if (
				ids.conversationId !== conversationId ||
				ids.messageId !== messageId ||
				ids.taskId !== taskId
			) {
				( { conversationId, messageId, taskId } = ids );
				yield { type: 'meta', conversationId, messageId, taskId };
			}

			switch ( event.event ) {
				case 'message_end':
					ended = true;
					yield {
						type: 'end',
						conversationId:
							str( event.conversation_id ) ?? conversationId,
						messageId: str( event.id ) ?? messageId,
						metadata: metadataOf( event.metadata ),
					};
					break;
				case 'message_replace':
					yield { type: 'replace', text: str( event.answer ) ?? '' };
					break;
				case 'agent_thought': {
					const id = str( event.id );
					const tools = ( str( event.tool ) ?? '' )
						.split( ';' )
						.map( ( tool ) => tool.trim() )
						.filter( ( tool ) => tool !== '' );
					if ( id ) {
						yield {
							type: 'thought',
							id,
							position:
								typeof event.position === 'number'
									? event.position
									: 0,
							tools,
						};
					}
					break;
				}
				case 'text_chunk': {
					const text = str( record( event.data )?.text );
					if ( text ) {
						yield { type: 'append', text };
					}
					break;
				}
				case 'workflow_finished':
					workflow = record( event.data ) ?? {};
					break;
				default:
					if ( event.event === 'message_file' && 'url' in event ) {
						const id = str( event.id );
						if ( id && isSafeUrl( event.url ) ) {
							yield {
								type: 'file',
								id,
								url: event.url,
								fileType: str( event.type ) ?? 'file',
							};
						}
					} else if (
						typeof event.answer === 'string' &&
						! ( 'url' in event )
					) {
						if ( event.answer !== '' ) {
							yield { type: 'append', text: event.answer };
						}
					}
				// Anything else (node events, TTS…) is not shown yet.
			}
		}
	} finally {
		// Closes the body when the answer ends early (error event, consumer gone).
		await events.return( undefined );
	}

	if ( ended ) {
		return;
	}
	if ( ! workflow ) {
		throw cutOff();
	}
	const status = str( workflow.status );
	if ( status === 'succeeded' || status === 'partial-succeeded' ) {
		yield {
			type: 'end',
			conversationId,
			messageId,
			metadata: { retrieverResources: [], usage: null },
		};
		return;
	}
	throw new ChatError(
		status === 'stopped' ? ERROR_ABORTED : 'workflow_failed',
		__(
			'The answer could not be completed. Please try again.',
			'dify-chatbot'
		)
	);
}

/**
 * A blocking (JSON) answer, as the same updates a stream gives.
 *
 * @param json The parsed body.
 */
function* blockingUpdates( json: unknown ): Generator< ChatUpdate > {
	const answer = record( json );
	if ( ! answer || typeof answer.answer !== 'string' ) {
		throw badResponse( 200 );
	}
	const conversationId = str( answer.conversation_id );
	const messageId = str( answer.message_id ) ?? str( answer.id );
	yield {
		type: 'meta',
		conversationId,
		messageId,
		taskId: str( answer.task_id ),
	};
	yield { type: 'replace', text: answer.answer };
	yield {
		type: 'end',
		conversationId,
		messageId,
		metadata: metadataOf( answer.metadata ),
	};
}

/**
 * A route path with a query string, for a REST root that may itself carry one
 * (`/?rest_route=/dify-chatbot/v1/` on sites without pretty permalinks).
 *
 * @param restUrl The REST root the path is appended to.
 * @param path    The route path.
 * @param params  Query parameters.
 */
export function withQuery(
	restUrl: string,
	path: string,
	params: Record< string, string >
): string {
	const query = new URLSearchParams( params ).toString();
	return `${ path }${ restUrl.includes( '?' ) ? '&' : '?' }${ query }`;
}

/**
 * The parameters the chat uses, from the route's answer (defaults for anything missing).
 *
 * @param json The parsed body.
 */
export function parseParameters( json: unknown ): AppParameters {
	const data = record( json );
	const questions = data?.suggested_questions;
	const upload = record( data?.file_upload );
	const tts = record( data?.text_to_speech );
	return {
		openingStatement:
			typeof data?.opening_statement === 'string'
				? data.opening_statement.trim()
				: '',
		suggestedQuestions: Array.isArray( questions )
			? questions
					.filter(
						( q ): q is string =>
							typeof q === 'string' && q.trim() !== ''
					)
					.slice( 0, 10 )
			: [],
		suggestedAfterAnswer:
			record( data?.suggested_questions_after_answer )?.enabled === true,
		form: parseForm( data?.user_input_form ),
		fileUpload: upload?.enabled === true ? upload : null,
		limits: {
			...record( data?.system_parameters ),
			site: data?.upload_limit,
		},
		speechToText: record( data?.speech_to_text )?.enabled === true,
		textToSpeech: tts?.enabled === true,
		autoPlay: tts?.enabled === true && tts.autoPlay === 'enabled',
	};
}

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
 * Creates the client. `config` is shared by every chat on the page: a refreshed nonce is
 * written back to it so all of them use it.
 *
 * @param config  Page configuration.
 * @param fetchFn The fetch to use (tests pass a mock); the global one by default.
 */
export function createClient(
	config: ChatConfig,
	fetchFn: Fetch = ( ...args ) => fetch( ...args )
): ChatClient {
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

	async function post(
		body: string | null,
		signal: AbortSignal | undefined,
		path = 'chat',
		accept = config.responseMode === 'blocking'
			? 'application/json'
			: 'text/event-stream',
		method = body === null ? 'GET' : 'POST'
	): Promise< { response: Response; nonce: string } > {
		const nonce = config.nonce;
		const headers: Record< string, string > = { Accept: accept };
		if ( body !== null ) {
			headers[ 'Content-Type' ] = 'application/json';
		}
		if ( nonce ) {
			headers[ 'X-WP-Nonce' ] = nonce;
		}
		try {
			const response = await fetchFn( config.restUrl + path, {
				method,
				headers,
				...( body === null ? {} : { body } ),
				credentials: 'same-origin',
				signal,
			} );
			return { response, nonce };
		} catch ( error ) {
			if ( isAbort( error ) ) {
				throw new ChatError( ERROR_ABORTED, '' );
			}
			throw new ChatError(
				ERROR_NETWORK,
				__(
					'The site could not be reached. Check your connection and try again.',
					'dify-chatbot'
				)
			);
		}
	}

	async function* chat(
		request: ChatRequest,
		signal?: AbortSignal
	): AsyncGenerator< ChatUpdate, void, undefined > {
		const payload: Record< string, unknown > = {
			query: request.query,
			inputs: request.inputs ?? {},
		};
		if ( request.conversationId ) {
			payload.conversation_id = request.conversationId;
		}
		if ( request.bot ) {
			payload.bot = request.bot;
		}
		if ( request.postId ) {
			payload.post_id = request.postId;
		}
		if ( request.files?.length ) {
			payload.files = request.files;
		}
		const body = JSON.stringify( payload );

		let { response, nonce } = await post( body, signal );
		if ( ! response.ok ) {
			const error = await errorFromResponse( response );
			// A page from a full-page cache carries a stale nonce. WordPress refused the request
			// before it reached Dify, so sending it once more with a fresh nonce is safe. No
			// other failure is retried: the question may already have reached Dify.
			if (
				error.code !== ERROR_INVALID_NONCE ||
				! config.nonceEndpoint
			) {
				throw error;
			}
			// Another chat on the page may have refreshed it meanwhile.
			const fresh =
				config.nonce !== nonce ? config.nonce : await refreshNonce();
			if ( ! fresh ) {
				throw error;
			}
			( { response, nonce } = await post( body, signal ) );
			if ( ! response.ok ) {
				throw await errorFromResponse( response );
			}
		}

		const type = response.headers.get( 'Content-Type' ) ?? '';
		try {
			if ( type.includes( 'text/event-stream' ) ) {
				if ( ! response.body ) {
					throw badResponse( response.status );
				}
				yield* streamUpdates( response.body );
				return;
			}
			// A JSON answer even when a stream was asked for (the server may be set to blocking).
			if ( type.includes( 'json' ) ) {
				let json: unknown;
				try {
					json = await response.json();
				} catch ( error ) {
					throw isAbort( error )
						? error
						: badResponse( response.status );
				}
				yield* blockingUpdates( json );
				return;
			}
			throw badResponse( response.status );
		} catch ( error ) {
			if ( isAbort( error ) ) {
				throw new ChatError( ERROR_ABORTED, '' );
			}
			throw error;
		}
	}

	/**
	 * A small JSON call (GET when `body` is null), with the same one-time nonce refresh as chat.
	 *
	 * @param path   Route below the namespace.
	 * @param body   JSON body, or null for a GET.
	 * @param method
	 */
	async function call(
		path: string,
		body: unknown,
		method?: string
	): Promise< unknown > {
		const text = body === null ? null : JSON.stringify( body );
		let { response, nonce } = await post(
			text,
			undefined,
			path,
			'application/json',
			method
		);
		if ( ! response.ok ) {
			const error = await errorFromResponse( response );
			if (
				error.code !== ERROR_INVALID_NONCE ||
				! config.nonceEndpoint
			) {
				throw error;
			}
			// Another chat on the page may have refreshed it meanwhile.
			const fresh =
				config.nonce !== nonce ? config.nonce : await refreshNonce();
			if ( ! fresh ) {
				throw error;
			}
			( { response } = await post(
				text,
				undefined,
				path,
				'application/json',
				method
			) );
			if ( ! response.ok ) {
				throw await errorFromResponse( response );
			}
		}
		try {
			return await response.json();
		} catch {
			throw badResponse( response.status );
		}
	}

	return {
		chat,
		config,
		parameters: async ( postId = 0 ) =>
			parseParameters(
				await call(
					postId > 0
						? withQuery( config.restUrl, 'parameters', {
								post_id: String( postId ),
							} )
						: 'parameters',
					null
				)
			),
		stop: async ( taskId ) => {
			await call( `chat/${ encodeURIComponent( taskId ) }/stop`, {} );
		},
		feedback: async ( messageId, rating ) => {
			await call(
				`messages/${ encodeURIComponent( messageId ) }/feedback`,
				{
					rating,
				}
			);
		},
		suggested: async ( messageId ) => {
			const data = record(
				await call(
					`messages/${ encodeURIComponent( messageId ) }/suggested`,
					null
				)
			);
			return Array.isArray( data?.data )
				? data.data
						.filter(
							( q ): q is string =>
								typeof q === 'string' && q.trim() !== ''
						)
						.slice( 0, 5 )
				: [];
		},
		conversations: async () => {
			const data = record( await call( 'conversations', null ) )?.data;
			const list: ConversationSummary[] = [];
			for ( const item of Array.isArray( data ) ? data : [] ) {
				const row = record( item );
				const id = str( row?.id );
				if ( id ) {
					list.push( { id, name: str( row?.name ) ?? '' } );
				}
			}
			return list;
		},
		rename: async ( conversationId, name ) => {
			await call(
				`conversations/${ encodeURIComponent( conversationId ) }/name`,
				{
					name,
				}
			);
		},
		remove: async ( conversationId ) => {
			await call(
				`conversations/${ encodeURIComponent( conversationId ) }`,
				{},
				'DELETE'
			);
		},
		history: async ( conversationId ) =>
			parseHistory(
				await call(
					// No query string: restUrl may itself be `?rest_route=…`.
					`conversations/${ encodeURIComponent( conversationId ) }/messages`,
					null
				)
			),
	};
}

/**
 * The turns of a `GET conversations/{id}/messages` answer (Dify gives them oldest first).
 *
 * @param json The parsed body.
 */
export function parseHistory( json: unknown ): HistoryTurn[] {
	const data = record( json )?.data;
	if ( ! Array.isArray( data ) ) {
		return [];
	}
	const turns: HistoryTurn[] = [];
	for ( const item of data ) {
		const message = record( item );
		const messageId = str( message?.id );
		if ( ! message || ! messageId ) {
			continue;
		}
		const files: AnswerFile[] = [];
		if ( Array.isArray( message.message_files ) ) {
			for ( const value of message.message_files ) {
				const file = record( value );
				const id = str( file?.id );
				if (
					file &&
					id &&
					isSafeUrl( file.url ) &&
					file.belongs_to === 'assistant'
				) {
					files.push( {
						id,
						url: file.url,
						type: str( file.type ) ?? 'file',
					} );
				}
			}
		}
		turns.push( {
			messageId,
			query: typeof message.query === 'string' ? message.query : '',
			answer: typeof message.answer === 'string' ? message.answer : '',
			citations: citationsOf( message.retriever_resources ),
			files,
		} );
	}
	return turns;
}
