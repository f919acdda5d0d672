/**
 * Where a chat keeps its conversation id between page views: localStorage, one key per bot,
 * visitor (WordPress user id, 0 for visitors), page and chat. Storage can be blocked (privacy
 * settings, sandboxed frames) or full; the chat then simply starts a new conversation.
 */
import type { ChatConfig } from './options';

/**
 * A chat's key. Each bot has its own conversations (another bot does not know their ids), so
 * a bot other than the default one is part of the key's first segment: `difyChatbot:conv@{bot}`.
 * The default bot's keys stay as they were before there were several bots.
 *
 * @param config Page configuration.
 * @param rootId The chat root's id.
 * @param bot    The chat's bot ('' for the default one).
 */
export function conversationKey(
	config: ChatConfig,
	rootId: string,
	bot = ''
): string {
	const kind = bot ? `conv@${ bot }` : 'conv';
	return `difyChatbot:${ kind }:${ config.user }:${ window.location.pathname }:${ rootId }`;
}

export function loadConversation( key: string ): string | null {
	try {
		const value = window.localStorage.getItem( key );
		return value && value.length <= 200 ? value : null;
	} catch {
		return null;
	}
}

export function saveConversation( key: string, id: string | null ): void {
	try {
		if ( id ) {
			window.localStorage.setItem( key, id );
		} else {
			window.localStorage.removeItem( key );
		}
	} catch {
		// Not kept: the next page view starts a new conversation.
	}
}

/**
 * Sent on `window` when the visitor deleted all of their conversations with a bot: every chat
 * of that bot on the page starts over (the conversations they show are gone). Its `detail` is
 * the chat's conversation key; chats whose key has the same first three segments (the bot and
 * the visitor, see visitorOf()) are concerned.
 */
export const FORGET_EVENT = 'dify-chatbot:forget';

/**
 * The part of a conversation key that names the bot and the visitor (`difyChatbot:conv…:{user}:`).
 *
 * @param key A conversation key.
 */
export function visitorOf( key: string ): string {
	return key.split( ':' ).slice( 0, 3 ).join( ':' ) + ':';
}

/**
 * Forgets what this browser keeps of the visitor's chats with one bot on this site: the
 * conversation id and form values of every chat of that bot on every page (the keys of this
 * visitor and bot, taken from one chat's key).
 *
 * @param key A conversation key of this visitor (`difyChatbot:conv[@bot]:{user}:…`).
 */
export function forgetConversations( key: string ): void {
	const visitor = visitorOf( key );
	const prefixes = [ visitor, inputsKey( visitor ) ];
	try {
		const keys: string[] = [];
		for ( let i = 0; i < window.localStorage.length; i++ ) {
			const name = window.localStorage.key( i );
			if ( name && prefixes.some( ( p ) => name.startsWith( p ) ) ) {
				keys.push( name );
			}
		}
		keys.forEach( ( name ) => window.localStorage.removeItem( name ) );
	} catch {
		// Storage blocked: nothing was kept.
	}
}

/**
 * The key of the input-form values a visitor entered for one chat (kept per site visitor, page
 * and chat like the conversation; Dify needs required inputs again on every turn, also after a
 * reload).
 *
 * @param conversation The chat's conversation key.
 */
export function inputsKey( conversation: string ): string {
	return conversation.replace( /^difyChatbot:conv/, 'difyChatbot:inputs' );
}

export function loadInputs(
	key: string
): Record< string, string | boolean > | null {
	try {
		const raw = window.localStorage.getItem( key );
		const parsed: unknown =
			raw && raw.length <= 20000 ? JSON.parse( raw ) : null;
		if (
			! parsed ||
			typeof parsed !== 'object' ||
			Array.isArray( parsed )
		) {
			return null;
		}
		const values: Record< string, string | boolean > = {};
		for ( const [ name, value ] of Object.entries( parsed ) ) {
			if ( typeof value === 'string' || typeof value === 'boolean' ) {
				values[ name ] = value;
			}
		}
		return values;
	} catch {
		return null;
	}
}

export function saveInputs(
	key: string,
	values: Record< string, unknown >
): void {
	// Text and choices only: uploaded files are picked again on another page view.
	const kept = Object.fromEntries(
		Object.entries( values ).filter(
			( [ , value ] ) =>
				typeof value === 'string' || typeof value === 'boolean'
		)
	);
	try {
		window.localStorage.setItem( key, JSON.stringify( kept ) );
	} catch {
		// Not kept: the form starts empty on the next page view.
	}
}
