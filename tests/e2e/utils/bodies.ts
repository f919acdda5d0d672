/**
 * What the plugin's routes answered, as the page received it.
 *
 * Playwright reads a body through Chromium's DevTools, which keeps none for a streamed response
 * whose reading ended before the server closed it (the chat stops reading once its answer is
 * complete). So the page's own `fetch` is wrapped: each answer of a `dify-chatbot/v1` route is
 * teed, the copy is read to its end on the side while the page reads the original at its own
 * pace, and handed to the test through an exposed function (which outlives reloads).
 */
import { expect, type Page } from '@playwright/test';

declare global {
	interface Window {
		difyRecordBody?: ( url: string, body: string ) => Promise< void >;
	}
}

/**
 * Starts recording; returns the list the bodies are added to as each one ends.
 * @param page The page (before its first navigation).
 * @param part What the URL of a recorded request contains (by default: any of the plugin's routes).
 */
export async function recordBodies(
	page: Page,
	part = 'dify-chatbot/v1'
): Promise< string[] > {
	const bodies: string[] = [];
	await page.exposeFunction(
		'difyRecordBody',
		( _url: string, body: string ) => {
			bodies.push( body );
		}
	);
	await page.addInitScript( ( wanted: string ) => {
		const fetchAsSent = window.fetch.bind( window );
		window.fetch = async ( ...args: Parameters< typeof fetch > ) => {
			const response = await fetchAsSent( ...args );
			const url = String(
				args[ 0 ] instanceof Request ? args[ 0 ].url : args[ 0 ]
			);
			if ( url.includes( wanted ) ) {
				response
					.clone()
					.text()
					.then( ( body ) => window.difyRecordBody?.( url, body ) )
					.catch( () => undefined );
			}
			return response;
		};
	}, part );
	return bodies;
}

/**
 * Waits until the recorded bodies contain `text` (the stream that carries it has been read).
 * @param bodies The list recordBodies() returned.
 * @param text   What one of them must contain.
 */
export async function bodiesContaining(
	bodies: string[],
	text: string
): Promise< string > {
	await expect.poll( () => bodies.join( '\n' ) ).toContain( text );
	return bodies.join( '\n' );
}
