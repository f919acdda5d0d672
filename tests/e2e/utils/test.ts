/**
 * The e2e `test`: WordPress's Playwright fixtures plus a leak scan that runs around every test.
 * Every response the browser receives is read, and the test fails if any body or header holds the
 * API key — so the whole suite doubles as a proof that the key never reaches a browser.
 */
import { test as base, expect } from '@wordpress/e2e-test-utils-playwright';

/** The emulator's chat key: the secret a browser must never see. */
export const API_KEY = 'app-emulator';

export const test = base.extend< { leakScan: void } >( {
	leakScan: [
		async ( { context }, use, testInfo ) => {
			const pending: Promise< void >[] = [];
			const leaks: string[] = [];
			let seen = 0;
			context.on( 'response', ( response ) => {
				pending.push(
					( async () => {
						const headers = JSON.stringify(
							await response.allHeaders()
						);
						const body = await response.body().catch( () => null );
						seen++;
						if (
							headers.includes( API_KEY ) ||
							( body &&
								body.toString( 'utf8' ).includes( API_KEY ) )
						) {
							leaks.push( response.url() );
						}
					} )()
				);
			} );
			await use();
			await Promise.race( [
				Promise.allSettled( pending ),
				new Promise( ( resolve ) => setTimeout( resolve, 5_000 ) ),
			] );
			testInfo.annotations.push( {
				type: 'leak-scan',
				description: `${ seen } responses scanned`,
			} );
			expect( leaks, 'responses that contained the API key' ).toEqual(
				[]
			);
		},
		{ auto: true },
	],
} );

export { expect };
