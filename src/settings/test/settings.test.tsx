// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import {
	afterEach,
	beforeEach,
	describe,
	expect,
	it,
	jest,
} from '@jest/globals';

import { act } from 'react';
import { createRoot } from '@wordpress/element';
import type { Root } from 'react-dom/client';

jest.mock( '@wordpress/api-fetch', () => ( {
	__esModule: true,
	default: jest.fn(),
} ) );
// See utils/fake-components.tsx for why.
jest.mock( '@wordpress/components', () =>
	jest.requireActual( './utils/fake-components' )
);

import apiFetch from '@wordpress/api-fetch';

import { errorMessage, overrideNote, type Settings } from '../api';

import SettingsScreen from '../components/SettingsScreen';

(
	globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }
 ).IS_REACT_ACT_ENVIRONMENT = true;

const fetchMock = apiFetch as unknown as jest.Mock<
	( options: Record< string, unknown > ) => Promise< unknown >
>;

function settings( overrides: Partial< Settings > = {} ): Settings {
	return {
		base_url: 'https://api.dify.ai/v1',
		response_mode: 'streaming',
		api_key: { saved: false, last4: null, unreadable: false },
		overrides: { base_url: null, api_key: null },
		defaults: { base_url: 'https://api.dify.ai/v1' },
		...overrides,
	};
}

let container: HTMLElement;
let root: Root;

async function settle() {
	await act( async () => {
		await new Promise( ( resolve ) => setTimeout( resolve, 0 ) );
	} );
}

async function render() {
	await act( async () => root.render( <SettingsScreen /> ) );
	await settle();
}

/**
 * The input labelled exactly `text`, as getByLabel( text, { exact: true } ) finds it.
 * @param text
 */
function field( text: string ): HTMLInputElement | null {
	const label = Array.from( container.querySelectorAll( 'label' ) ).find(
		( l ) => l.textContent === text
	);
	return label
		? ( document.getElementById( label.htmlFor ) as HTMLInputElement )
		: null;
}

function button( text: string ): HTMLButtonElement | undefined {
	return Array.from( container.querySelectorAll( 'button' ) ).find(
		( b ) => b.textContent === text
	);
}

async function fill( input: HTMLInputElement | null, value: string ) {
	const setValue = Object.getOwnPropertyDescriptor(
		HTMLInputElement.prototype,
		'value'
	)?.set;
	await act( async () => {
		setValue?.call( input, value );
		input?.dispatchEvent( new Event( 'input', { bubbles: true } ) );
	} );
}

async function click( target: HTMLElement | undefined ) {
	await act( async () => target?.click() );
	await settle();
}

beforeEach( () => {
	fetchMock.mockReset();
	container = document.createElement( 'div' );
	document.body.appendChild( container );
	root = createRoot( container );
} );

afterEach( async () => {
	await act( async () => root.unmount() );
	container.remove();
} );

describe( 'Settings screen', () => {
	it( 'saves the base URL and a new key, then forgets the typed key', async () => {
		fetchMock.mockResolvedValueOnce( settings() );
		await render();
		expect( fetchMock ).toHaveBeenCalledWith( {
			path: '/dify-chatbot/v1/settings',
		} );
		expect( field( 'API base URL' )?.value ).toBe(
			'https://api.dify.ai/v1'
		);
		const key = field( 'API key' );
		expect( key?.type ).toBe( 'password' );

		await fill( field( 'API base URL' ), 'http://dify.local/v1' );
		await fill( key, 'app-secret-9876' );
		fetchMock.mockResolvedValueOnce(
			settings( {
				base_url: 'http://dify.local/v1',
				api_key: { saved: true, last4: '9876', unreadable: false },
			} )
		);
		await click( button( 'Save settings' ) );

		expect( fetchMock ).toHaveBeenLastCalledWith( {
			path: '/dify-chatbot/v1/settings',
			method: 'POST',
			data: {
				base_url: 'http://dify.local/v1',
				response_mode: 'streaming',
				api_key: 'app-secret-9876',
			},
		} );
		expect( container.textContent ).toContain(
			'A key is saved (ends in …9876)'
		);
		expect( field( 'API key' ) ).toBeNull();
		expect( container.textContent ).not.toContain( 'app-secret-9876' );
		expect( container.textContent ).toContain( 'Settings saved.' );
		expect( button( 'Replace key' ) ).toBeDefined();
		expect( button( 'Remove key' ) ).toBeDefined();
	} );

	it( 'replaces and removes a saved key', async () => {
		const saved = settings( {
			api_key: { saved: true, last4: '1234', unreadable: false },
		} );
		fetchMock.mockResolvedValueOnce( saved );
		await render();
		expect( field( 'API key' ) ).toBeNull();
		await click( button( 'Replace key' ) );
		expect( field( 'API key' ) ).not.toBeNull();
		await click( button( 'Keep the saved key' ) );
		expect( field( 'API key' ) ).toBeNull();

		fetchMock.mockResolvedValueOnce( settings() );
		await click( button( 'Remove key' ) );
		expect( fetchMock ).toHaveBeenLastCalledWith( {
			path: '/dify-chatbot/v1/settings',
			method: 'POST',
			data: { remove_api_key: true },
		} );
		expect( field( 'API key' ) ).not.toBeNull();
		expect( container.textContent ).not.toContain( 'A key is saved' );
	} );

	it( 'asks for the key again when it cannot be read', async () => {
		fetchMock.mockResolvedValueOnce(
			settings( {
				api_key: { saved: true, last4: '1234', unreadable: true },
			} )
		);
		await render();
		expect(
			container.querySelector( '.components-notice.is-warning' )
				?.textContent
		).toMatch(
			/cannot be read any more.*security keys.*enter the key again/
		);
		expect( field( 'API key' ) ).not.toBeNull();
	} );

	it( 'says before saving that a base URL on another server takes the key away', async () => {
		fetchMock.mockResolvedValueOnce(
			settings( {
				api_key: {
					saved: true,
					last4: '1234',
					unreadable: false,
					origin: 'https://api.dify.ai',
				},
			} )
		);
		await render();
		const warning = () =>
			container.querySelector( '.dify-chatbot-settings__moving' );
		expect( warning() ).toBeNull();
		expect( field( 'API key' ) ).toBeNull();

		// Another path, another way of writing the same server: the key stays.
		await fill(
			field( 'API base URL' ),
			'HTTPS://API.dify.ai:443/other/v1'
		);
		expect( warning() ).toBeNull();

		await fill( field( 'API base URL' ), 'https://api.dify.ai:8443/v1' );
		expect( warning()?.textContent ).toContain(
			'The saved API key was entered for https://api.dify.ai. Saving this base URL removes it'
		);
		expect( warning()?.textContent ).toContain(
			'enter the key for https://api.dify.ai:8443 below'
		);
		// The new server's key can be entered with the same save.
		expect( field( 'API key' ) ).not.toBeNull();
		expect( button( 'Keep the saved key' ) ).toBeUndefined();

		fetchMock.mockResolvedValueOnce(
			settings( {
				base_url: 'https://api.dify.ai:8443/v1',
				key_removed: true,
			} )
		);
		await click( button( 'Save settings' ) );
		expect( fetchMock ).toHaveBeenLastCalledWith(
			expect.objectContaining( {
				data: {
					base_url: 'https://api.dify.ai:8443/v1',
					response_mode: 'streaming',
				},
			} )
		);
		expect( container.textContent ).toContain(
			'Settings saved. The saved API key was removed'
		);
		expect( field( 'API key' ) ).not.toBeNull();
	} );

	it( 'a key saved before keys were bound belongs to the stored base URL', async () => {
		fetchMock.mockResolvedValueOnce(
			settings( {
				base_url: 'http://dify.local/v1',
				api_key: {
					saved: true,
					last4: '1234',
					unreadable: false,
					origin: '',
				},
			} )
		);
		await render();
		expect(
			container.querySelector( '.dify-chatbot-settings__moving' )
		).toBeNull();
		await fill( field( 'API base URL' ), 'http://dify.other/v1' );
		expect(
			container.querySelector( '.dify-chatbot-settings__moving' )
				?.textContent
		).toContain( 'entered for http://dify.local.' );
	} );

	it( 'shows the base URL read-only, with the reason, while the key comes from outside', async () => {
		const reason =
			'The API key is set by DIFY_CHATBOT_API_KEY (in wp-config.php or the server’s environment), so the base URL cannot be changed here.';
		fetchMock.mockResolvedValueOnce(
			settings( {
				overrides: { base_url: null, api_key: 'constant' },
				locks: { base_url: reason },
			} )
		);
		await render();
		expect( field( 'API base URL' )?.readOnly ).toBe( true );
		expect( container.textContent ).toContain( reason );

		fetchMock.mockResolvedValueOnce( settings() );
		await click( button( 'Save settings' ) );
		expect( fetchMock ).toHaveBeenLastCalledWith(
			expect.objectContaining( { data: { response_mode: 'streaming' } } )
		);
	} );

	it( 'names the values that come from the network’s defaults, and nothing on a site without them', async () => {
		fetchMock.mockResolvedValueOnce(
			settings( {
				sources: {
					base_url: 'network',
					api_key: 'network',
					response_mode: null,
					limit_visitor_day: 'network',
				},
			} )
		);
		await render();
		expect(
			container.querySelector( '.components-notice.is-info' )?.textContent
		).toBe(
			'From the network’s defaults: API base URL, API key, Messages per day (per visitor). A value you save here applies to this site only; saving the network’s value again makes this site follow the network.'
		);

		await act( async () => root.unmount() );
		root = createRoot( container );
		fetchMock.mockResolvedValueOnce(
			settings( { sources: { base_url: null, api_key: 'constant' } } )
		);
		await render();
		expect( container.textContent ).not.toContain( 'network’s defaults' );
	} );

	it( 'says why no key can be stored on a site without real salts', async () => {
		fetchMock.mockResolvedValueOnce(
			settings( {
				encryption: {
					ready: false,
					message: 'The API key cannot be stored safely: salts.',
				},
			} )
		);
		await render();
		expect(
			container.querySelector( '.components-notice.is-error' )
				?.textContent
		).toBe( 'The API key cannot be stored safely: salts.' );
	} );

	it( 'says when the saved key was entered for another server than the one in force', async () => {
		fetchMock.mockResolvedValueOnce(
			settings( {
				overrides: { base_url: 'constant', api_key: null },
				api_key: {
					saved: true,
					last4: '1234',
					unreadable: false,
					origin: 'https://old.example',
				},
				effective: {
					base_url: 'https://new.example/v1',
					key_elsewhere: true,
				},
			} )
		);
		await render();
		expect( container.textContent ).toContain(
			'The saved key was entered for https://old.example, not for the server of the base URL in force'
		);
		expect( button( 'Replace key' ) ).toBeDefined();
	} );

	it( 'turns files by web address on, sending the switch only when changed', async () => {
		fetchMock.mockResolvedValueOnce( settings() );
		await render();
		const box = field( 'Let visitors attach files by web address' );
		expect( box?.checked ).toBe( false );
		expect( container.textContent ).toContain( 'only public addresses' );

		fetchMock.mockResolvedValueOnce( settings() );
		await click( button( 'Save settings' ) );
		expect( fetchMock ).toHaveBeenLastCalledWith(
			expect.objectContaining( {
				data: {
					base_url: 'https://api.dify.ai/v1',
					response_mode: 'streaming',
				},
			} )
		);

		await click( box ?? undefined );
		fetchMock.mockResolvedValueOnce(
			settings( { allow_remote_files: true } )
		);
		await click( button( 'Save settings' ) );
		expect( fetchMock ).toHaveBeenLastCalledWith(
			expect.objectContaining( {
				data: {
					base_url: 'https://api.dify.ai/v1',
					response_mode: 'streaming',
					allow_remote_files: true,
				},
			} )
		);
		expect(
			field( 'Let visitors attach files by web address' )?.checked
		).toBe( true );
	} );

	it( 'shows overridden values read-only', async () => {
		fetchMock.mockResolvedValueOnce(
			settings( {
				overrides: { base_url: 'constant', api_key: 'environment' },
				effective: {
					base_url: 'https://dify.example/v1',
					api_key_last4: 'abcd',
				},
			} )
		);
		await render();
		expect( field( 'API base URL' )?.readOnly ).toBe( true );
		expect( field( 'API base URL' )?.value ).toBe(
			'https://dify.example/v1'
		);
		expect( container.textContent ).toContain(
			'Set by the DIFY_CHATBOT_BASE_URL constant'
		);
		expect( container.textContent ).toContain(
			'Set by the DIFY_CHATBOT_API_KEY environment variable (ends in …abcd)'
		);
		expect( field( 'API key' ) ).toBeNull();

		fetchMock.mockResolvedValueOnce( settings() );
		await click( button( 'Save settings' ) );
		expect( fetchMock ).toHaveBeenLastCalledWith(
			expect.objectContaining( { data: { response_mode: 'streaming' } } )
		);
	} );

	it( 'shows the model’s reasoning only when turned on, sent when changed', async () => {
		fetchMock.mockResolvedValueOnce( settings() );
		await render();
		const box = field( 'Show the model’s reasoning' );
		expect( box?.checked ).toBe( false );
		expect( container.textContent ).toContain( 'never reaches a browser' );
		await click( box ?? undefined );
		fetchMock.mockResolvedValueOnce( settings( { show_reasoning: true } ) );
		await click( button( 'Save settings' ) );
		expect( fetchMock ).toHaveBeenLastCalledWith(
			expect.objectContaining( {
				data: {
					base_url: 'https://api.dify.ai/v1',
					response_mode: 'streaming',
					show_reasoning: true,
				},
			} )
		);
		expect( field( 'Show the model’s reasoning' )?.checked ).toBe( true );
	} );

	it( 'saves a CA bundle path under Advanced, only when changed', async () => {
		fetchMock.mockResolvedValueOnce( settings() );
		await render();
		const legend = Array.from( container.querySelectorAll( 'legend' ) ).map(
			( l ) => l.textContent
		);
		expect( legend ).toContain( 'Advanced' );
		expect( field( 'CA bundle (certificate file)' )?.value ).toBe( '' );

		await fill(
			field( 'CA bundle (certificate file)' ),
			' /etc/ssl/dify-ca.pem '
		);
		fetchMock.mockResolvedValueOnce(
			settings( { ca_bundle: '/etc/ssl/dify-ca.pem' } )
		);
		await click( button( 'Save settings' ) );
		expect( fetchMock ).toHaveBeenLastCalledWith(
			expect.objectContaining( {
				data: expect.objectContaining( {
					ca_bundle: '/etc/ssl/dify-ca.pem',
				} ),
			} )
		);
		expect( field( 'CA bundle (certificate file)' )?.value ).toBe(
			'/etc/ssl/dify-ca.pem'
		);

		fetchMock.mockResolvedValueOnce(
			settings( { ca_bundle: '/etc/ssl/dify-ca.pem' } )
		);
		await click( button( 'Save settings' ) );
		expect( fetchMock ).toHaveBeenLastCalledWith(
			expect.objectContaining( {
				data: {
					base_url: 'https://api.dify.ai/v1',
					response_mode: 'streaming',
				},
			} )
		);
	} );

	it( 'shows an overridden CA bundle read-only and does not send it', async () => {
		fetchMock.mockResolvedValueOnce(
			settings( {
				ca_bundle: '/stored/ca.pem',
				overrides: {
					base_url: null,
					api_key: null,
					ca_bundle: 'constant',
				},
				effective: { ca_bundle: '/from/wp-config/ca.pem' },
			} )
		);
		await render();
		const input = field( 'CA bundle (certificate file)' );
		expect( input?.readOnly ).toBe( true );
		expect( input?.value ).toBe( '/from/wp-config/ca.pem' );
		expect( container.textContent ).toContain(
			'Set by the DIFY_CHATBOT_CA_BUNDLE constant'
		);
		fetchMock.mockResolvedValueOnce( settings() );
		await click( button( 'Save settings' ) );
		expect( fetchMock ).toHaveBeenLastCalledWith(
			expect.objectContaining( {
				data: expect.not.objectContaining( {
					ca_bundle: expect.anything(),
				} ),
			} )
		);
	} );

	it( 'explains a refused save with the server’s words', async () => {
		fetchMock.mockResolvedValueOnce( settings() );
		await render();
		fetchMock.mockRejectedValueOnce( {
			code: 'rest_invalid_param',
			message: 'Invalid parameter(s): base_url',
			data: {
				status: 400,
				params: {
					base_url:
						'The URL must not contain a user name or password.',
				},
			},
		} );
		await click( button( 'Save settings' ) );
		expect(
			container.querySelector( '.components-notice.is-error' )
				?.textContent
		).toContain( 'The URL must not contain a user name or password.' );
	} );

	it( 'shows the connection test result once, inside a live region', async () => {
		fetchMock.mockResolvedValueOnce( settings() );
		await render();
		fetchMock.mockResolvedValueOnce( {
			ok: true,
			code: 'ok',
			message: '',
			app: { name: 'My App', mode: 'chat', can_chat: true },
		} );
		await click( button( 'Test connection' ) );
		expect( fetchMock ).toHaveBeenLastCalledWith( {
			path: '/dify-chatbot/v1/settings/test',
			method: 'POST',
			data: {},
		} );
		const notice = container.querySelector(
			'.components-notice.is-success'
		);
		expect( notice?.textContent ).toContain(
			'Connected to “My App” (chat).'
		);
		expect( notice?.closest( '[aria-live="polite"]' ) ).not.toBeNull();
		// Not also copied into WordPress's speak() region (the live region announces it).
		expect( notice?.getAttribute( 'data-spoken' ) ).toBe( '' );

		fetchMock.mockResolvedValueOnce( {
			ok: false,
			code: 'dify_chatbot_invalid_key',
			message: 'Dify rejected the API key: it is wrong or was revoked.',
			app: null,
		} );
		await click( button( 'Test connection' ) );
		expect(
			container.querySelector( '.components-notice.is-error' )
				?.textContent
		).toContain( 'Dify rejected the API key' );
	} );
} );

describe( 'Abuse protection settings', () => {
	const textarea = ( text: string ) =>
		field( text ) as unknown as HTMLTextAreaElement | null;

	async function fillArea(
		input: HTMLTextAreaElement | null,
		value: string
	) {
		const setValue = Object.getOwnPropertyDescriptor(
			HTMLTextAreaElement.prototype,
			'value'
		)?.set;
		await act( async () => {
			setValue?.call( input, value );
			input?.dispatchEvent( new Event( 'input', { bubbles: true } ) );
		} );
	}

	const withProtection = () =>
		settings( {
			limit_visitor_minute: 10,
			limit_visitor_day: 200,
			limit_ip_minute: 30,
			trusted_proxies: [ '10.0.0.1' ],
			daily_token_budget: 0,
			who_may_chat: 'everyone',
			usage: { tokens_today: 1234 },
		} );

	it( 'shows the limits and today’s token usage', async () => {
		fetchMock.mockResolvedValueOnce( withProtection() );
		await render();
		expect( field( 'Messages per minute (per visitor)' )?.value ).toBe(
			'10'
		);
		expect( field( 'Messages per day (per visitor)' )?.value ).toBe(
			'200'
		);
		expect( field( 'Messages per minute (per IP address)' )?.value ).toBe(
			'30'
		);
		expect( textarea( 'Trusted proxies' )?.value ).toBe( '10.0.0.1' );
		expect( field( 'Daily token budget' )?.value ).toBe( '0' );
		expect( container.textContent ).toMatch( /Tokens used today: 1.?234/ );
		expect( field( 'Capability' ) ).toBeNull();
	} );

	it( 'shows the caps on answers next to how many are running, and the daily cap', async () => {
		fetchMock.mockResolvedValueOnce(
			settings( {
				streams_visitor: 2,
				streams_ip: 2,
				streams_site: 3,
				limit_ip_day: 300,
				daily_message_cap: 1000,
				usage: { tokens_today: 0, streams_running: 2, calls_today: 57 },
			} )
		);
		await render();
		expect( field( 'Answers at the same time (whole site)' )?.value ).toBe(
			'3'
		);
		expect( container.textContent ).toContain(
			'Answers running now: 2 of 3'
		);
		expect(
			field( 'Answers at the same time (per IP address)' )?.value
		).toBe( '2' );
		expect( field( 'Answers at the same time (per visitor)' )?.value ).toBe(
			'2'
		);
		expect( field( 'Messages per day (per IP address)' )?.value ).toBe(
			'300'
		);
		expect( field( 'Daily cap (whole site)' )?.value ).toBe( '1000' );
		expect( container.textContent ).toContain( 'Counted today: 57' );

		await fill( field( 'Answers at the same time (whole site)' ), '8' );
		await fill( field( 'Daily cap (whole site)' ), '0' );
		fetchMock.mockResolvedValueOnce( settings() );
		await click( button( 'Save settings' ) );
		expect( fetchMock ).toHaveBeenLastCalledWith(
			expect.objectContaining( {
				data: expect.objectContaining( {
					streams_site: 8,
					daily_message_cap: 0,
				} ),
			} )
		);
		const sent = (
			fetchMock.mock.calls.at( -1 )?.[ 0 ] as { data: object }
		 ).data;
		expect( sent ).not.toHaveProperty( 'streams_ip' );
	} );

	it( 'sends only the changed values, as numbers', async () => {
		fetchMock.mockResolvedValueOnce( withProtection() );
		await render();
		await fill( field( 'Messages per minute (per visitor)' ), '5' );
		await fill( field( 'Daily token budget' ), '50000' );
		await fillArea(
			textarea( 'Trusted proxies' ),
			'10.0.0.1\n192.168.0.0/16'
		);
		await click(
			Array.from( container.querySelectorAll( 'button' ) ).find(
				( b ) => b.textContent === 'Users with a capability'
			)
		);
		await fill( field( 'Capability' ), 'edit_posts' );
		fetchMock.mockResolvedValueOnce( withProtection() );
		await click( button( 'Save settings' ) );
		expect( fetchMock ).toHaveBeenLastCalledWith( {
			path: '/dify-chatbot/v1/settings',
			method: 'POST',
			data: {
				base_url: 'https://api.dify.ai/v1',
				response_mode: 'streaming',
				limit_visitor_minute: 5,
				trusted_proxies: [ '10.0.0.1', '192.168.0.0/16' ],
				daily_token_budget: 50000,
				who_may_chat: 'edit_posts',
			},
		} );
	} );

	it( 'explains a refused limit with the server’s words', async () => {
		fetchMock.mockResolvedValueOnce( withProtection() );
		await render();
		await fill( field( 'Messages per day (per visitor)' ), '-3' );
		fetchMock.mockRejectedValueOnce( {
			code: 'rest_invalid_param',
			message: 'Invalid parameter(s): limit_visitor_day',
			data: {
				status: 400,
				params: {
					limit_visitor_day:
						'limit_visitor_day must be between 0 (inclusive) and 10000000 (inclusive)',
				},
			},
		} );
		await click( button( 'Save settings' ) );
		expect( fetchMock ).toHaveBeenLastCalledWith(
			expect.objectContaining( {
				data: expect.objectContaining( { limit_visitor_day: '-3' } ),
			} )
		);
		expect(
			container.querySelector( '.components-notice.is-error' )
				?.textContent
		).toContain( 'must be between 0' );
	} );
} );

describe( 'settings helpers', () => {
	it( 'prefers the parameter details of a WP_Error', () => {
		expect( errorMessage( null, 'fallback' ) ).toBe( 'fallback' );
		expect( errorMessage( { message: 'Plain.' }, 'fallback' ) ).toBe(
			'Plain.'
		);
		expect(
			errorMessage(
				{
					message: 'Invalid parameter(s): a',
					data: { params: { a: 'Bad a.' } },
				},
				'x'
			)
		).toBe( 'Bad a.' );
	} );

	it( 'names where an override comes from', () => {
		expect( overrideNote( 'X', 'constant' ) ).toBe(
			'Set by the X constant'
		);
		expect( overrideNote( 'X', 'environment' ) ).toBe(
			'Set by the X environment variable'
		);
	} );
} );
