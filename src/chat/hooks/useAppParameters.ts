/**
 * The app's parameters (opening statement, starters, form, media features) for one chat; null
 * until known, and when they cannot be had: they are extras, the chat works without them.
 */
import { useEffect, useState } from '@wordpress/element';

import type { AppParameters, ChatClient } from '../api/types';

/**
 * @param client The chat client.
 * @param postId The page the chat is on (its form may differ); 0 when none.
 */
export function useAppParameters(
	client: ChatClient,
	postId: number
): AppParameters | null {
	const [ parameters, setParameters ] = useState< AppParameters | null >(
		null
	);
	useEffect( () => {
		let live = true;
		client.parameters( postId ).then(
			( value ) => live && setParameters( value ),
			() => undefined
		);
		return () => {
			live = false;
		};
	}, [ client, postId ] );
	return parameters;
}
