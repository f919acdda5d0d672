/**
 * What the chat shares with the media chunk (uploads and voice, `./media`), which is loaded
 * only when the app has one of those features on: the loaded module, the page configuration and
 * the app's parameters. Null while there is none.
 */
import { createContext } from '@wordpress/element';

import type { AppParameters } from './api/types';
import type { MediaModule } from './media/types';
import type { ChatConfig } from './options';

export type { MediaModule };

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
 * template, which the loader runs on request; its stylesheet comes at the same time, through
 * webpack (without it the parts still work). Rejects when the chunk cannot be had.
 */
export async function loadMedia(): Promise< MediaModule > {
	await Promise.all( [
		window.difyChatbotScripts?.( MEDIA_TEMPLATE ),
		import(
			/* webpackChunkName: "chat/media-styles" */ './media/media.scss'
		).catch( () => undefined ),
	] );
	if ( ! window.difyChatbotMedia ) {
		throw new Error( 'Dify Chatbot: the media chunk did not start.' );
	}
	return window.difyChatbotMedia;
}

export interface MediaContextValue {
	module: MediaModule;
	config: ChatConfig;
	/** The chat's bot ('' for the default one): the media routes are asked for it. */
	bot: string;
	parameters: AppParameters;
}

export const MediaContext = createContext< MediaContextValue | null >( null );
