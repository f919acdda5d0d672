/**
 * Setting the test site up for one group of tests, through its REST routes as the admin: which of
 * the emulator's apps the plugin talks to (tests/emulator/README.md), and the test-only switches of
 * tests/e2e/mu-plugins/ (what a site owner's own code would do). Each is undone after every test,
 * so specs stay independent.
 */
import type { RequestUtils } from '@wordpress/e2e-test-utils-playwright';

import { EMULATOR_URL } from './emulator';
import { API_KEY, test } from './test';

/** The emulator's API root, as the plugin's base URL. */
export const BASE_URL = `${ EMULATOR_URL }/v1`;

/** The mu-plugins' switches: `dify_chatbot_e2e_<name>` options. */
export type Switch =
	'site_inputs' | 'short_timeouts' | 'rtl' | 'no_padding' | 'key_constant';

/**
 * Points the plugin at an emulator app (and, when given, another base URL).
 *
 * @param requestUtils WordPress's request utilities (logged in as the admin).
 * @param key          The app's key; `app-emulator` is the default app.
 * @param baseUrl      The base URL.
 */
export async function useApp(
	requestUtils: RequestUtils,
	key: string = API_KEY,
	baseUrl: string = BASE_URL
): Promise< void > {
	await requestUtils.rest( {
		method: 'POST',
		path: '/dify-chatbot/v1/settings',
		data: { base_url: baseUrl, api_key: key },
	} );
}

/**
 * Turns one of the mu-plugins' switches on or off.
 *
 * @param requestUtils WordPress's request utilities (logged in as the admin).
 * @param name         The switch.
 * @param on           On or off.
 */
export async function setSwitch(
	requestUtils: RequestUtils,
	name: Switch,
	on: boolean
): Promise< void > {
	await requestUtils.rest( {
		method: 'POST',
		path: '/wp/v2/settings',
		data: { [ `dify_chatbot_e2e_${ name }` ]: on },
	} );
}

/**
 * For the tests of the enclosing group: the plugin talks to this app, and to the default one again
 * after each test.
 *
 * @param key The app's key.
 */
export function withApp( key: string ): void {
	test.beforeEach( ( { requestUtils } ) => useApp( requestUtils, key ) );
	test.afterEach( ( { requestUtils } ) => useApp( requestUtils ) );
}

/**
 * For the tests of the enclosing group: a mu-plugin switch is on, and off again after each test.
 *
 * @param name The switch.
 */
export function withSwitch( name: Switch ): void {
	test.beforeEach( ( { requestUtils } ) =>
		setSwitch( requestUtils, name, true )
	);
	test.afterEach( ( { requestUtils } ) =>
		setSwitch( requestUtils, name, false )
	);
}
