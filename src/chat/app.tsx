/**
 * The chat app. The loader runs it on first use (see loader.ts) and mounts each chat root
 * through `window.difyChatbotApp.mount()`.
 *
 * The page already has what the first paint needs (page.scss, as build/chat/app.css); the
 * chat's own styles come now, as a stylesheet webpack loads next to this script, and each chat
 * shows once they are there, so nothing shows unstyled.
 */
import { createRoot } from '@wordpress/element';

import { createClient } from './api/client';
import type { ChatClient } from './api/types';
import Chat from './components/Chat';
import { allowImagesFrom, whenSanitizerReady } from './markdown';
import type { ChatApp, ChatConfig } from './options';
import { conversationKey } from './storage';

// Asked for as soon as the app runs. Should the stylesheet fail, the chat still works unstyled.
const styles = import( /* webpackChunkName: "chat/ui" */ './ui.scss' ).catch(
	() => undefined
);

// One client per page configuration and bot: the chats of a page share a refreshed nonce (it is
// written back to the configuration), each bot's chats their bot.
const clients = new WeakMap< ChatConfig, Map< string, ChatClient > >();
const mounted = new WeakSet< HTMLElement >();

const app: ChatApp = {
	async mount( root, options, config ) {
		if ( mounted.has( root ) ) {
			return;
		}
		mounted.add( root );
		// The page's configuration says where answers' images may load from (the same for every chat).
		allowImagesFrom( config.imageOrigins );
		// Without the browser's Sanitizer API, DOMPurify is fetched now, before any answer comes.
		whenSanitizerReady().catch( () => undefined );
		const ofPage = clients.get( config ) ?? new Map< string, ChatClient >();
		clients.set( config, ofPage );
		const target = {
			bot: options.bot,
			responseMode: options.responseMode,
		};
		const name = `${ target.bot }|${ target.responseMode ?? '' }`;
		let client = ofPage.get( name );
		if ( ! client ) {
			client = createClient( config, undefined, target );
			ofPage.set( name, client );
		}
		root.classList.add( 'is-ready' );
		// Drawn at once, so the chat starts asking for what it needs, but invisible until its
		// styles are there (page.scss hides an `is-unstyled` chat's app).
		root.classList.add( 'is-unstyled' );
		createRoot( root ).render(
			<Chat
				root={ root }
				options={ options }
				client={ client }
				storageKey={ conversationKey( config, root.id, options.bot ) }
			/>
		);
		await styles;
		root.classList.remove( 'is-unstyled' );
	},
};

window.difyChatbotApp = app;
