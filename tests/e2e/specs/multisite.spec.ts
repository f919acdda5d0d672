/**
 * A subdirectory multisite network (bin/env.sh WP_MULTISITE=1, started by `npm test`; its address
 * is WP_MULTISITE_BASE_URL, its own emulator DIFY_MULTISITE_EMULATOR_URL): the network admin
 * network-activates the plugin in Network Admin → Plugins, sets the network's base URL and key on
 * Network Admin → Settings → Dify Chatbot, a chat on the second site (/site2/) is answered by the
 * emulator with the network's key, and the second site's admin overrides a value on its own
 * settings screen while the network's base URL and key stay in force.
 */
import type { Page } from '@playwright/test';

import { test, expect, API_KEY } from '../utils/test';
import { ask, watchAnswer } from '../utils/chat';

const NETWORK = process.env.WP_MULTISITE_BASE_URL ?? 'http://127.0.0.1:8894';
const EMULATOR = (
	process.env.DIFY_MULTISITE_EMULATOR_URL ?? 'http://127.0.0.1:8795/v1'
).replace( /\/v1\/?$/, '' );

interface Recorded {
	seq: number;
	path: string;
	method: string;
	app: string | null;
	body: unknown;
	headers: Record< string, string >;
}

/**
 * The chat messages the network's emulator received after `since`.
 * @param since
 */
async function chatsSince( since: number ): Promise< Recorded[] > {
	const response = await fetch(
		`${ EMULATOR }/__emulator/requests?path=/chat-messages&since=${ since }`
	);
	const data = ( await response.json() ) as
		Recorded[] | { requests: Recorded[] };
	return ( Array.isArray( data ) ? data : data.requests ).filter(
		( r ) => r.method === 'POST' && r.path.endsWith( '/chat-messages' )
	);
}

async function lastSeq(): Promise< number > {
	const response = await fetch( `${ EMULATOR }/__emulator/requests` );
	const data = ( await response.json() ) as
		Recorded[] | { requests: Recorded[] };
	return ( Array.isArray( data ) ? data : data.requests ).reduce(
		( max, r ) => Math.max( max, r.seq ),
		0
	);
}

/**
 * Logs the network's admin in through the network's login form and lands on `path`.
 *
 * @param page The page.
 * @param path Where to land (the dashboard's widgets would only cost time).
 */
async function logIn( page: Page, path: string ): Promise< void > {
	await page.goto(
		`/wp-login.php?redirect_to=${ encodeURIComponent( `${ NETWORK }${ path }` ) }`
	);
	await page.getByLabel( 'Username or Email Address' ).fill( 'admin' );
	await page.getByLabel( 'Password', { exact: true } ).fill( 'password' );
	await page.getByRole( 'button', { name: 'Log In' } ).click();
	await page.waitForURL( `${ NETWORK }${ path }` );
}

test.describe( 'Multisite network', () => {
	// One after the other on the same fresh network (npm test starts it with WP_RESET=1).
	test.describe.configure( { mode: 'serial' } );
	// The network's own site, logged in through its own login form.
	test.use( {
		baseURL: NETWORK,
		storageState: { cookies: [], origins: [] },
	} );

	test( 'the network admin network-activates the plugin and sets the network defaults', async ( {
		page,
	} ) => {
		await logIn( page, '/wp-admin/network/plugins.php' );
		await page
			.locator( 'tr[data-slug="dify-chatbot"]' )
			.getByRole( 'link', { name: 'Network Activate Dify Chatbot' } )
			.click();
		await expect( page.getByText( 'Plugin activated.' ) ).toBeVisible();

		// Network Admin → Settings → Dify Chatbot: the base URL and the key for every site.
		await page.goto(
			'/wp-admin/network/settings.php?page=dify-chatbot-network'
		);
		await page.getByLabel( 'Base URL' ).fill( `${ EMULATOR }/v1` );
		await page.getByLabel( 'API key' ).fill( API_KEY );
		await page
			.getByRole( 'button', { name: 'Save network defaults' } )
			.click();
		await expect(
			page.getByText( 'Network defaults saved.' )
		).toBeVisible();
		await expect(
			page.getByText(
				`A key ending in ${ API_KEY.slice( -4 ) } is saved.`
			)
		).toBeVisible();
		await expect( page.getByLabel( 'API key' ) ).toHaveValue( '' );
	} );

	test( 'a chat on site 2 uses them, and site 2 overrides one on its own screen', async ( {
		page,
	} ) => {
		await logIn( page, '/site2/chat/' );

		// Site 2 has set nothing: its chat uses the network's base URL and key.
		let since = await lastSeq();
		await ask( page, 'Hello from the second site #delay:5' );
		const first = await watchAnswer( page, 0 );
		expect( first.final.length ).toBeGreaterThan( 0 );
		const [ streamed ] = await chatsSince( since );
		expect( streamed?.headers.authorization ).toBe( `Bearer ${ API_KEY }` );
		expect(
			( streamed?.body as { response_mode?: string } ).response_mode
		).toBe( 'streaming' );

		// Site 2's own screen shows the network's base URL; its admin overrides the response mode.
		await page.goto(
			'/site2/wp-admin/options-general.php?page=dify-chatbot'
		);
		await expect( page.getByLabel( 'API base URL' ) ).toHaveValue(
			`${ EMULATOR }/v1`
		);
		await page.getByRole( 'radio', { name: 'Blocking' } ).check();
		await page.getByRole( 'button', { name: 'Save settings' } ).click();
		await expect( page.getByText( /^Settings saved/ ) ).toBeVisible();
		const answer = await page.evaluate( async () => {
			const settings = await (
				window as unknown as {
					wp: { apiFetch: ( o: object ) => Promise< unknown > };
				}
			 ).wp.apiFetch( { path: '/dify-chatbot/v1/settings' } );
			return settings as {
				response_mode: string;
				sources: Record< string, string | null >;
			};
		} );
		expect( answer.response_mode ).toBe( 'blocking' );
		expect( answer.sources.response_mode ).toBeNull();
		expect( answer.sources.base_url ).toBe( 'network' );
		expect( answer.sources.api_key ).toBe( 'network' );

		// The next message on site 2 (the same conversation, after the first answer) asks for a
		// whole answer, still with the network's key.
		since = await lastSeq();
		await page.goto( '/site2/chat/' );
		await ask( page, 'And again #delay:5' );
		const second = await watchAnswer( page, 1 );
		expect( second.final.length ).toBeGreaterThan( 0 );
		const [ blocking ] = await chatsSince( since );
		expect( blocking?.headers.authorization ).toBe( `Bearer ${ API_KEY }` );
		expect(
			( blocking?.body as { response_mode?: string } ).response_mode
		).toBe( 'blocking' );
	} );
} );
