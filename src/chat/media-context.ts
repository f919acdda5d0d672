/**
 * What the chat shares with the media chunk (uploads and voice, `./media`), which is loaded
 * only when the app has one of those features on: the loaded module, the page configuration and
 * the app's parameters. Null while there is none.
 */
import { createContext } from '@wordpress/element';

import type { AppParameters } from './api';
import type { ChatConfig } from './options';

export type MediaModule = Pick<
	typeof import( './media' ),
	'Tools' | 'ReadAloud' | 'playChunks' | 'FormFile'
>;

/** The inert template with the media chunk's scripts (includes/Frontend/Assets.php). */
export const MEDIA_TEMPLATE = 'dify-chatbot-media-scripts';

declare global {
	interface Window {
		/** What the media chunk exposes once it ran. */
		difyChatbotMedia?: MediaModule;
	}
}

/**
 * Loads the media chunk: WordPress printed its script tags (and translations) in an inert
 * template, which the loader runs on request. Rejects when it cannot be had.
 */
export async function loadMedia(): Promise< MediaModule > {
	await window.difyChatbotScripts?.( MEDIA_TEMPLATE );
	if ( ! window.difyChatbotMedia ) {
		throw new Error( 'Dify Chatbot: the media chunk did not start.' );
	}
	return window.difyChatbotMedia;
}

export interface MediaContextValue {
	module: MediaModule;
	config: ChatConfig;
	parameters: AppParameters;
}

export const MediaContext = createContext< MediaContextValue | null >( null );

/** A file in the question box: being uploaded, uploaded (`id`), or refused (`error`). */
export interface PendingFile {
	key: string;
	name: string;
	/** Dify's type to send it as. */
	type: string;
	/** Object URL of an image's preview; null for other files. */
	url: string | null;
	/** The upload's id once Dify has the file. */
	id: string | null;
	/** Fraction uploaded, 0–1. */
	progress: number;
	error: string | null;
}
