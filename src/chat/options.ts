/**
 * The chat's options (from the root's `data-dify-chatbot` attribute) and the page configuration
 * (`window.difyChatbotConfig`), shared by the loader and the app.
 *
 * This module must stay free of imports: the loader bundles it and has no dependencies.
 */

export type Layout = 'inline' | 'bubble';
export type Position = 'left' | 'right';
export type ResponseMode = 'streaming' | 'blocking';

/** One chat's options, as the PHP renderer writes them (block and shortcode alike). */
export interface ChatOptions {
	/** The bot's slug; '' for the site's default bot. */
	bot: string;
	/** The bot's response mode, rendered next to `bot`; null: the page configuration's. */
	responseMode: ResponseMode | null;
	layout: Layout;
	title: string;
	placeholder: string;
	height: string;
	position: Position;
	/** The post the chat is on (0 when none): the server fills some app inputs from it. */
	post: number;
}

/** What the page tells the browser about the REST routes (see includes/Frontend/Assets.php). */
export interface ChatConfig {
	restUrl: string;
	/** The `wp_rest` nonce for logged-in users, '' for visitors. Replaced when it goes stale. */
	nonce: string;
	/** Where a fresh nonce can be fetched ('' for visitors). */
	nonceEndpoint: string;
	/** Id of the inert <template> holding the app's script tags. */
	template: string;
	/** WordPress user id, 0 for visitors: part of the key the conversation id is stored under. */
	user: number;
	responseMode: ResponseMode;
	/** Origins (`scheme://host[:port]`) answers' images may load from; any other is a link. */
	imageOrigins: string[];
	/**
	 * Translated words the loader needs before WordPress's i18n is loaded (the loader has no
	 * dependencies). Optional on the server side; the loader falls back to the chat's label.
	 */
	l10n: { openChat: string };
}

/** What app.js exposes for the loader. */
export interface ChatApp {
	/** Renders a chat into its root; settles once it is drawn (its styles loaded). */
	mount: (
		root: HTMLElement,
		options: ChatOptions,
		config: ChatConfig
	) => Promise< void > | void;
}

declare global {
	interface Window {
		difyChatbotConfig?: Partial< ChatConfig >;
		difyChatbotApp?: ChatApp;
		/** The loader's runner of an inert template's scripts (the app's media chunk). */
		difyChatbotScripts?: ( id: string ) => Promise< void >;
	}
}

/** Events the loader and the app exchange on a bubble chat's root element. */
export const OPEN_EVENT = 'dify-chatbot:open';
export const CLOSE_EVENT = 'dify-chatbot:close';

function text( value: unknown ): string {
	return typeof value === 'string' ? value.trim() : '';
}

/**
 * Reads a root's options. The server already normalized them; this only guards against a
 * theme or cache plugin having mangled the attribute, so a bad value never breaks the page.
 *
 * @param raw The attribute's value.
 */
export function parseOptions( raw: string | null | undefined ): ChatOptions {
	let data: Record< string, unknown > = {};
	try {
		const parsed: unknown = JSON.parse( raw || '{}' );
		if ( parsed && typeof parsed === 'object' ) {
			data = parsed as Record< string, unknown >;
		}
	} catch {
		// Keep the defaults.
	}
	const height = text( data.height );
	return {
		bot: text( data.bot ),
		responseMode:
			data.responseMode === 'streaming' ||
			data.responseMode === 'blocking'
				? data.responseMode
				: null,
		layout: data.layout === 'bubble' ? 'bubble' : 'inline',
		title: text( data.title ),
		placeholder: text( data.placeholder ),
		height: /^\d{2,4}(px|vh|em|rem)$/.test( height ) ? height : '480px',
		position: data.position === 'left' ? 'left' : 'right',
		post:
			typeof data.post === 'number' &&
			Number.isInteger( data.post ) &&
			data.post > 0
				? data.post
				: 0,
	};
}

/**
 * Reads the page configuration, with safe defaults for anything missing.
 *
 * @param raw `window.difyChatbotConfig`.
 */
export function readConfig(
	raw: Partial< ChatConfig > | undefined
): ChatConfig {
	const config = raw ?? {};
	let restUrl = text( config.restUrl ) || '/wp-json/dify-chatbot/v1/';
	if ( ! restUrl.endsWith( '/' ) ) {
		restUrl += '/';
	}
	return {
		restUrl,
		nonce: text( config.nonce ),
		nonceEndpoint: text( config.nonceEndpoint ),
		template: text( config.template ) || 'dify-chatbot-app-scripts',
		user: typeof config.user === 'number' ? config.user : 0,
		responseMode:
			config.responseMode === 'blocking' ? 'blocking' : 'streaming',
		imageOrigins: Array.isArray( config.imageOrigins )
			? config.imageOrigins.filter(
					( origin ): origin is string =>
						typeof origin === 'string' &&
						/^https?:\/\/[^/]+$/i.test( origin )
				)
			: [],
		l10n: { openChat: text( config.l10n?.openChat ) },
	};
}
