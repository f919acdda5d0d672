/**
 * Sends a question and streams its answer into the conversation: each update of the client
 * becomes a reducer action (state/answer-actions.ts), so only the answer being written changes
 * per token. An answer's request can be closed by its id; leaving the chat closes them all.
 */
import { useCallback, useEffect, useRef } from '@wordpress/element';
import type { Dispatch, RefObject } from 'react';

import type { ChatClient, ChatRequest } from '../api/types';
import type { MediaContextValue } from '../media-context';
import { actionOf, failureOf } from '../state/answer-actions';
import type { ChatAction } from '../state/types';

/**
 * @param client   The chat client.
 * @param dispatch The conversation's dispatch.
 * @param media    The media chunk, once loaded: it plays an answer read aloud.
 */
export function useAnswerStream(
	client: ChatClient,
	dispatch: Dispatch< ChatAction >,
	media: RefObject< MediaContextValue | null >
) {
	// The request of each answer on its way, by the answer's local id.
	const controllers = useRef( new Map< string, AbortController >() );

	// Leaving (unmount) closes any answer still on its way.
	useEffect( () => {
		const running = controllers.current;
		return () => running.forEach( ( controller ) => controller.abort() );
	}, [] );

	const ask = useCallback(
		async ( request: ChatRequest, answerId: string ) => {
			const controller = new AbortController();
			const audio: string[] = [];
			controllers.current.set( answerId, controller );
			// Nothing of a closed request reaches the conversation any more.
			const act = ( action: ChatAction | null ) => {
				if ( action && ! controller.signal.aborted ) {
					dispatch( action );
				}
			};
			try {
				for await ( const update of client.chat(
					request,
					controller.signal
				) ) {
					if ( update.type === 'audio' ) {
						audio.push( update.audio );
					}
					act( actionOf( update, answerId ) );
				}
				const played = media.current;
				if ( audio.length && played?.parameters.autoPlay ) {
					played.module.playChunks( audio );
				}
			} catch ( error ) {
				act( failureOf( error, answerId ) );
			} finally {
				controllers.current.delete( answerId );
			}
		},
		[ client, dispatch, media ]
	);

	/** Closes an answer's request (the answer itself is marked stopped by the caller). */
	const close = useCallback( ( answerId: string ) => {
		controllers.current.get( answerId )?.abort();
	}, [] );

	return { ask, close };
}
