/**
 * The browser's client for the plugin's chat routes: `POST chat` and the small calls around a
 * conversation (parameters, stop, feedback, suggestions, the visitor's conversations and history).
 * Each goes through one `request()` (request.ts); answers are read by updates.ts and parse.ts.
 */
import type { ChatConfig, ResponseMode } from '../options';
import { badResponse } from './errors';
import {
	parseConversations,
	parseDeleted,
	parseHistory,
	parseParameters,
	parseSuggested,
} from './parse';
import { createRequest } from './request';
import type {
	ChatClient,
	ChatRequest,
	ChatUpdate,
	DeletedConversations,
	FormAnswer,
} from './types';
import { answerUpdates } from './updates';

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

/** Which bot a chat talks to, and how its answers come. */
export interface ChatTarget {
	/** The bot's slug; '' for the site's default bot. */
	bot: string;
	/** The bot's response mode as the server rendered it with the chat; null: the page's. */
	responseMode?: ResponseMode | null;
}

/**
 * At most this many `DELETE conversations` requests for one "delete all": the server deletes
 * up to 20 per request, so 1000 conversations; beyond that the visitor is told some remain.
 */
export const DELETE_ALL_ROUNDS = 50;

/**
 * The chat route's body.
 *
 * @param request The question and what goes with it.
 * @param bot     The chat's bot ('' for the default one).
 */
function payloadOf( request: ChatRequest, bot: string ): string {
	const payload: Record< string, unknown > = {
		query: request.query,
		inputs: request.inputs ?? {},
	};
	if ( request.conversationId ) {
		payload.conversation_id = request.conversationId;
	}
	if ( bot ) {
		payload.bot = bot;
	}
	if ( request.postId ) {
		payload.post_id = request.postId;
	}
	if ( request.files?.length ) {
		payload.files = request.files;
	}
	return JSON.stringify( payload );
}

/**
 * Creates the client of one bot. `config` is shared by every chat on the page: a refreshed
 * nonce is written back to it so all of them use it.
 *
 * Every request names the bot when it is not the default one: in the JSON body of a POST, in
 * the query string of a GET or DELETE (the server reads no body there).
 *
 * @param config  Page configuration.
 * @param fetchFn The fetch to use (tests pass a mock); the global one by default.
 * @param target  The bot and its response mode; the default bot and the page's mode otherwise.
 */
export function createClient(
	config: ChatConfig,
	fetchFn: typeof fetch = ( ...args ) => fetch( ...args ),
	target: ChatTarget = { bot: '' }
): ChatClient {
	const request = createRequest( config, fetchFn );
	const bot = target.bot;
	const responseMode = target.responseMode ?? config.responseMode;

	/**
	 * A GET or DELETE route with the bot (and `params`) in its query string.
	 *
	 * @param path   Route below the namespace.
	 * @param params Other query parameters.
	 */
	function query( path: string, params: Record< string, string > = {} ) {
		const all = bot ? { ...params, bot } : params;
		return Object.keys( all ).length
			? withQuery( config.restUrl, path, all )
			: path;
	}

	/**
	 * A POST route's JSON body with the bot in it.
	 *
	 * @param body The route's own fields.
	 */
	function withBot( body: Record< string, unknown > ) {
		return bot ? { ...body, bot } : body;
	}

	async function* chat(
		question: ChatRequest,
		signal?: AbortSignal
	): AsyncGenerator< ChatUpdate, void, undefined > {
		const response = await request( {
			path: 'chat',
			body: payloadOf( question, bot ),
			accept:
				responseMode === 'blocking'
					? 'application/json'
					: 'text/event-stream',
			signal,
		} );
		yield* answerUpdates( response );
	}

	async function* answerForm(
		handle: string,
		answer: FormAnswer,
		signal?: AbortSignal
	): AsyncGenerator< ChatUpdate, void, undefined > {
		const response = await request( {
			path: `forms/${ encodeURIComponent( handle ) }`,
			body: JSON.stringify(
				withBot( {
					action: answer.action,
					inputs: answer.inputs,
				} )
			),
			accept: 'text/event-stream',
			signal,
		} );
		yield* answerUpdates( response );
	}

	/**
	 * A small JSON call.
	 *
	 * @param path   Route below the namespace.
	 * @param body   JSON body, or null for a GET.
	 * @param method The HTTP method, when not GET/POST by the body.
	 */
	async function call(
		path: string,
		body: unknown,
		method?: string
	): Promise< unknown > {
		const response = await request( {
			path,
			body: body === null ? null : JSON.stringify( body ),
			accept: 'application/json',
			method,
		} );
		try {
			return await response.json();
		} catch {
			throw badResponse( response.status );
		}
	}

	// Ids are path segments. A query string is only ever added through query()/withQuery: the
	// REST root may carry one itself (`?rest_route=…`).
	const id = encodeURIComponent;
	return {
		chat,
		answerForm,
		config,
		bot,
		parameters: async ( postId = 0 ) =>
			parseParameters(
				await call(
					query(
						'parameters',
						postId > 0 ? { post_id: String( postId ) } : {}
					),
					null
				)
			),
		stop: async ( taskId ) => {
			await call( `chat/${ id( taskId ) }/stop`, withBot( {} ) );
		},
		feedback: async ( messageId, rating, content ) => {
			// A comment goes with a rating (Dify's feedback `content`), never alone.
			await call(
				`messages/${ id( messageId ) }/feedback`,
				withBot( {
					rating,
					...( rating && content ? { content } : {} ),
				} )
			);
		},
		suggested: async ( messageId ) =>
			parseSuggested(
				await call(
					query( `messages/${ id( messageId ) }/suggested` ),
					null
				)
			),
		conversations: async () =>
			parseConversations( await call( query( 'conversations' ), null ) ),
		rename: async ( conversationId, name ) => {
			await call(
				`conversations/${ id( conversationId ) }/name`,
				withBot( { name } )
			);
		},
		remove: async ( conversationId ) => {
			await call(
				query( `conversations/${ id( conversationId ) }` ),
				{},
				'DELETE'
			);
		},
		removeAll: async (): Promise< DeletedConversations > => {
			let deleted = 0;
			for ( let round = 0; round < DELETE_ALL_ROUNDS; round++ ) {
				const page = parseDeleted(
					await call( query( 'conversations' ), {}, 'DELETE' )
				);
				deleted += page.deleted;
				// None deleted yet more remain: asking again at once would only spin.
				if ( ! page.more || page.deleted === 0 ) {
					return { deleted, more: page.more };
				}
			}
			return { deleted, more: true };
		},
		history: async ( conversationId ) =>
			parseHistory(
				await call(
					query( `conversations/${ id( conversationId ) }/messages` ),
					null
				)
			),
	};
}
