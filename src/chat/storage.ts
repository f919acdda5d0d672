/**
 * Where a chat keeps its conversation id between page views: localStorage, one key per
 * visitor (WordPress user id, 0 for visitors), page and chat. Storage can be blocked (privacy
 * settings, sandboxed frames) or full; the chat then simply starts a new conversation.
 */
import type { ChatConfig } from './options';

export function conversationKey( config: ChatConfig, rootId: string ): string {
	return `difyChatbot:conv:${ config.user }:${ window.location.pathname }:${ rootId }`;
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
