/**
 * The conversation of one chat: its reducer, the id kept between page views (storage.ts), the
 * turns of a kept conversation brought back from its history, and switching to another one of
 * the visitor's conversations.
 */
import { useCallback, useEffect, useReducer, useRef } from '@wordpress/element';

import { ChatError, ERROR_CONVERSATION_NOT_FOUND } from '../api/errors';
import type { ChatClient } from '../api/types';
import { isBusy } from '../state/messages';
import { initialState, reducer } from '../state/reducer';
import type { ChatAction, ChatState } from '../state/types';
import {
	FORGET_EVENT,
	forgetConversations,
	visitorOf,
	loadConversation,
	saveConversation,
} from '../storage';

/**
 * @param client     The chat client.
 * @param storageKey localStorage key of this chat's conversation id.
 */
export function useConversation( client: ChatClient, storageKey: string ) {
	const [ state, dispatch ] = useReducer(
		reducer,
		storageKey,
		( key: string ): ChatState => initialState( loadConversation( key ) )
	);
	// Callbacks read the latest state through this ref, so they never change and the memoized
	// composer and messages are not re-rendered by them.
	const latest = useRef( state );
	latest.current = state;

	/**
	 * Dispatches, and applies the action to `latest` at once: a second Enter before React
	 * renders already finds the chat busy, so a question cannot be sent twice.
	 */
	const apply = useCallback( ( action: ChatAction ) => {
		dispatch( action );
		latest.current = reducer( latest.current, action );
	}, [] );

	useEffect( () => {
		saveConversation( storageKey, state.conversationId );
	}, [ storageKey, state.conversationId ] );

	// A conversation kept from an earlier page view: its turns come back into the chat.
	useEffect( () => {
		const conversationId = latest.current.conversationId;
		if ( ! conversationId ) {
			return;
		}
		let live = true;
		client.history( conversationId ).then(
			( turns ) => {
				if ( live && turns.length > 0 ) {
					dispatch( { type: 'restore', conversationId, turns } );
				}
			},
			( error ) => {
				// Gone (deleted, or the app changed): forget it, unless the visitor already chats.
				if (
					live &&
					error instanceof ChatError &&
					error.code === ERROR_CONVERSATION_NOT_FOUND &&
					latest.current.messages.length === 0
				) {
					dispatch( { type: 'reset' } );
				}
			}
		);
		return () => {
			live = false;
		};
	}, [ client ] );

	/**
	 * Shows another of the visitor's conversations (not while an answer is on its way).
	 *
	 * @param conversationId The conversation to show.
	 */
	const show = useCallback(
		( conversationId: string ) => {
			if (
				isBusy( latest.current ) ||
				conversationId === latest.current.conversationId
			) {
				return;
			}
			apply( { type: 'reset' } );
			client.history( conversationId ).then(
				( turns ) =>
					dispatch( { type: 'restore', conversationId, turns } ),
				() => undefined
			);
		},
		[ apply, client ]
	);

	/**
	 * A conversation was deleted: when it is the one shown, the chat starts over.
	 *
	 * @param conversationId The deleted conversation.
	 */
	const forget = useCallback( ( conversationId: string ) => {
		if (
			conversationId === latest.current.conversationId &&
			! isBusy( latest.current )
		) {
			dispatch( { type: 'reset' } );
		}
	}, [] );

	// All of the visitor's conversations with this chat's bot were deleted (in this chat or
	// another on the page). A chat of another bot keeps its conversation: it was not deleted.
	useEffect( () => {
		const startOver = ( event: Event ) => {
			const key = ( event as CustomEvent< unknown > ).detail;
			if (
				typeof key === 'string' &&
				visitorOf( key ) === visitorOf( storageKey ) &&
				! isBusy( latest.current )
			) {
				dispatch( { type: 'reset' } );
			}
		};
		window.addEventListener( FORGET_EVENT, startOver );
		return () => window.removeEventListener( FORGET_EVENT, startOver );
	}, [ storageKey ] );

	/**
	 * All of the visitor's conversations with this bot were deleted: what the browser keeps of
	 * them goes, and every chat of this bot on the page starts over.
	 */
	const forgetAll = useCallback( () => {
		forgetConversations( storageKey );
		window.dispatchEvent(
			new CustomEvent( FORGET_EVENT, { detail: storageKey } )
		);
	}, [ storageKey ] );

	return { state, latest, dispatch, apply, show, forget, forgetAll };
}
