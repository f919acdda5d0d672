/**
 * Uploads and voice live in their own chunk (media-context.ts), loaded only for an app that has
 * one of them on: this gives what the chat shares with it once it is there, else null.
 */
import { useEffect, useMemo, useState } from '@wordpress/element';

import type { AppParameters, ChatClient } from '../api/types';
import { isFileControl } from '../inputs';
import {
	loadMedia,
	type MediaContextValue,
	type MediaModule,
} from '../media-context';

/**
 * @param client     The chat client (its page configuration goes to the chunk).
 * @param parameters The app's parameters, once known.
 * @param formFiles  Whether an answer shows a Human Input form with a file field.
 */
export function useMedia(
	client: ChatClient,
	parameters: AppParameters | null,
	formFiles = false
): MediaContextValue | null {
	const [ media, setMedia ] = useState< MediaModule | null >( null );
	useEffect( () => {
		if (
			! parameters?.fileUpload &&
			! parameters?.speechToText &&
			! parameters?.textToSpeech &&
			! parameters?.form.some( isFileControl ) &&
			! formFiles
		) {
			return;
		}
		let live = true;
		loadMedia().then(
			( module ) => live && setMedia( module ),
			() => undefined
		);
		return () => {
			live = false;
		};
	}, [ parameters, formFiles ] );
	return useMemo(
		() =>
			media && parameters && client.config
				? {
						module: media,
						config: client.config,
						bot: client.bot ?? '',
						parameters,
					}
				: null,
		[ media, parameters, client ]
	);
}
