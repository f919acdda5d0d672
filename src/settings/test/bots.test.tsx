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

import type { Bot } from '../api';
import Bots, { botDraft, botUpdate } from '../components/Bots';
import SettingsScreen from '../components/SettingsScreen';

(
	globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }
 ).IS_REACT_ACT_ENVIRONMENT = true;

const fetchMock = apiFetch as unknown as jest.Mock<
	( options: Record< string, unknown > ) => Promise< unknown >
>;

function bot( overrides: Partial< Bot > = {} ): Bot {
	return {
		slug: 'sales',
		name: 'Sales',
		default: false,
		read_only: false,
		base_url: 'https://sales.example/v1',
		response_mode: 'streaming',
		show_reasoning: false,
		limit_visitor_minute: 10,
		limit_visitor_day: 200,
		limit_ip_minute: 30,
		daily_token_budget: 0,
		configured: true,
		api_key_last4: 'k123',
		sources: { base_url: null, api_key: null },
		...overrides,
	};
}

const DEFAULT = bot( {
	slug: 'default',
	name: 'Default',
	default: true,
	base_url: 'https://api.dify.ai/v1',
	api_key_last4: 'abcd',
} );
const WP_CONFIG = bot( {
	slug: 'docs',
	name: 'Docs',
	read_only: true,
	api_key_last4: 'zzzz',
	sources: { base_url: 'config', api_key: 'config' },
} );

let container: HTMLElement;
let root: Root;

async function settle() {
	await act( async () => {
		await new Promise( ( resolve ) => setTimeout( resolve, 0 ) );
	} );
}

async function render( bots: Bot[] ) {
	await act( async () => root.render( <Bots initial={ bots } /> ) );
	await settle();
}

function field( text: string ): HTMLInputElement | null {
	const label = Array.from( container.querySelectorAll( 'label' ) ).find(
		( l ) => l.textContent === text
	);
	return label
		? ( document.getElementById( label.htmlFor ) as HTMLInputElement )
		: null;
}

function buttons( text: string ): HTMLButtonElement[] {
	return Array.from( container.querySelectorAll( 'button' ) ).filter(
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

function item( name: string ): HTMLElement | undefined {
	return Array.from(
		container.querySelectorAll< HTMLElement >(
			'.dify-chatbot-settings__bot'
		)
	).find( ( li ) => li.querySelector( 'h3' )?.textContent === name );
}

function within( element: HTMLElement | undefined, text: string ) {
	return Array.from( element?.querySelectorAll( 'button' ) ?? [] ).find(
		( b ) => b.textContent === text
	);
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

describe( 'Settings screen: bots', () => {
	it( 'lists the bots: the default one and a wp-config.php one cannot be changed here, and says why', async () => {
		await render( [ DEFAULT, bot(), WP_CONFIG ] );

		expect(
			Array.from( container.querySelectorAll( 'h3' ) ).map(
				( h ) => h.textContent
			)
		).toEqual( [ 'Default', 'Sales', 'Docs' ] );
		expect( item( 'Default' )?.textContent ).toContain(
			'The default bot: its settings are the ones above. It cannot be removed.'
		);
		expect( item( 'Default' )?.querySelectorAll( 'button' ) ).toHaveLength(
			0
		);
		expect( item( 'Sales' )?.textContent ).toContain(
			'Slug: sales · https://sales.example/v1 · API key ending in k123'
		);
		expect( within( item( 'Sales' ), 'Change' ) ).toBeDefined();
		expect( within( item( 'Sales' ), 'Remove' ) ).toBeDefined();
		expect( item( 'Docs' )?.textContent ).toContain(
			'Defined in wp-config.php (DIFY_CHATBOT_BOTS), so it cannot be changed or removed here.'
		);
		expect( within( item( 'Docs' ), 'Change' ) ).toBeUndefined();
		expect( within( item( 'Docs' ), 'Remove' ) ).toBeUndefined();
		expect( within( item( 'Docs' ), 'Test connection' ) ).toBeDefined();
	} );

	it( 'adds a bot: the keyboard goes to the form, then to the new bot; the key is not kept', async () => {
		await render( [ DEFAULT ] );
		await click( buttons( 'Add a bot' )[ 0 ] );
		expect( container.ownerDocument.activeElement ).toBe( field( 'Name' ) );

		await fill( field( 'Name' ), ' Support ' );
		await fill( field( 'Slug' ), 'support' );
		await fill( field( 'API base URL' ), 'https://support.example/v1' );
		await fill( field( 'API key' ), 'app-secret-5678' );
		await fill( field( 'Daily token budget' ), '5000' );
		fetchMock.mockResolvedValueOnce(
			bot( {
				slug: 'support',
				name: 'Support',
				base_url: 'https://support.example/v1',
				api_key_last4: '5678',
			} )
		);
		await click( buttons( 'Add bot' )[ 0 ] );

		expect( fetchMock ).toHaveBeenCalledWith( {
			path: '/dify-chatbot/v1/settings/bots',
			method: 'POST',
			data: {
				slug: 'support',
				name: 'Support',
				base_url: 'https://support.example/v1',
				api_key: 'app-secret-5678',
				response_mode: 'streaming',
				show_reasoning: false,
				limit_visitor_minute: 10,
				limit_visitor_day: 200,
				limit_ip_minute: 30,
				daily_token_budget: 5000,
			},
		} );
		expect( item( 'Support' )?.textContent ).toContain(
			'API key ending in 5678'
		);
		expect( container.ownerDocument.activeElement ).toBe(
			item( 'Support' )?.querySelector( 'h3' )
		);
		expect( container.textContent ).toContain( 'Bot “Support” added.' );
		expect( container.textContent ).not.toContain( 'app-secret-5678' );
		expect( field( 'API key' ) ).toBeNull();
	} );

	it( 'says why a bot could not be added and keeps the form as typed', async () => {
		await render( [ DEFAULT ] );
		await click( buttons( 'Add a bot' )[ 0 ] );
		await fill( field( 'Name' ), 'Default again' );
		await fill( field( 'Slug' ), 'default' );
		fetchMock.mockRejectedValueOnce( {
			code: 'dify_chatbot_invalid_settings',
			message: 'The slug “default” is taken.',
			data: { status: 400 },
		} );
		await click( buttons( 'Add bot' )[ 0 ] );

		expect( container.textContent ).toContain(
			'The slug “default” is taken.'
		);
		expect( field( 'Slug' )?.value ).toBe( 'default' );
	} );

	it( 'changes a bot, sending only what changed (an empty key field keeps the key)', async () => {
		await render( [ DEFAULT, bot() ] );
		await click( within( item( 'Sales' ), 'Change' ) );
		expect( field( 'Slug' ) ).toBeNull();
		expect( field( 'Name' )?.value ).toBe( 'Sales' );
		expect( field( 'API key' )?.value ).toBe( '' );
		await fill( field( 'Name' ), 'Sales EU' );
		await fill( field( 'Messages per minute (per visitor)' ), '4' );
		fetchMock.mockResolvedValueOnce(
			bot( { name: 'Sales EU', limit_visitor_minute: 4 } )
		);
		await click( buttons( 'Save bot' )[ 0 ] );

		expect( fetchMock ).toHaveBeenCalledWith( {
			path: '/dify-chatbot/v1/settings/bots/sales',
			method: 'POST',
			data: { name: 'Sales EU', limit_visitor_minute: 4 },
		} );
		expect( item( 'Sales EU' ) ).toBeDefined();
		expect( container.ownerDocument.activeElement ).toBe(
			item( 'Sales EU' )?.querySelector( 'h3' )
		);
	} );

	it( 'tests a bot’s connection and shows what it found', async () => {
		await render( [ DEFAULT, bot() ] );
		fetchMock.mockResolvedValueOnce( {
			ok: true,
			code: '',
			message: '',
			app: { name: 'Sales helper', mode: 'chat', can_chat: true },
		} );
		await click( within( item( 'Sales' ), 'Test connection' ) );

		expect( fetchMock ).toHaveBeenCalledWith( {
			path: '/dify-chatbot/v1/settings/bots/sales/test',
			method: 'POST',
			data: {},
		} );
		const notice = item( 'Sales' )?.querySelector( '.components-notice' );
		expect( notice?.className ).toContain( 'is-success' );
		expect( notice?.textContent ).toBe(
			'Connected to “Sales helper” (chat).'
		);
	} );

	it( 'removes a bot only after a confirmation, then gives the keyboard to the list', async () => {
		await render( [ DEFAULT, bot() ] );
		await click( within( item( 'Sales' ), 'Remove' ) );
		// The safe choice has the keyboard; cancelling sends nothing.
		expect( container.ownerDocument.activeElement?.textContent ).toBe(
			'Cancel'
		);
		expect( item( 'Sales' )?.textContent ).toContain(
			'Remove “Sales”? Its key goes too, and chats that name it stop working.'
		);
		await click( within( item( 'Sales' ), 'Cancel' ) );
		expect( fetchMock ).not.toHaveBeenCalled();
		expect( container.ownerDocument.activeElement ).toBe(
			item( 'Sales' )?.querySelector( 'h3' )
		);

		await click( within( item( 'Sales' ), 'Remove' ) );
		fetchMock.mockResolvedValueOnce( { deleted: true, slug: 'sales' } );
		await click( within( item( 'Sales' ), 'Yes, remove it' ) );

		expect( fetchMock ).toHaveBeenCalledWith( {
			path: '/dify-chatbot/v1/settings/bots/sales',
			method: 'DELETE',
		} );
		expect( item( 'Sales' ) ).toBeUndefined();
		expect( container.textContent ).toContain( 'Bot “Sales” removed.' );
		expect( container.ownerDocument.activeElement?.textContent ).toBe(
			'Bots'
		);
	} );

	it( 'is part of the screen when the server lists bots', async () => {
		fetchMock.mockResolvedValueOnce( {
			base_url: 'https://api.dify.ai/v1',
			response_mode: 'streaming',
			api_key: { saved: false, last4: null, unreadable: false },
			overrides: { base_url: null, api_key: null },
			defaults: { base_url: 'https://api.dify.ai/v1' },
			bots: [ DEFAULT, bot() ],
		} );
		await act( async () => root.render( <SettingsScreen /> ) );
		await settle();
		expect( item( 'Sales' ) ).toBeDefined();
		expect(
			container.querySelector( '#dify-chatbot-bots-title' )?.textContent
		).toBe( 'Bots' );
	} );
} );

describe( 'botUpdate', () => {
	it( 'sends a typed value that is not a whole number as typed (the server explains)', () => {
		expect(
			botUpdate(
				{ ...botDraft( bot() ), budget: ' lots ', removeKey: true },
				bot()
			)
		).toEqual( { daily_token_budget: 'lots', remove_api_key: true } );
	} );
} );
