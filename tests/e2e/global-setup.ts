/**
 * Logs the admin in once (REST) and saves the storage state the specs reuse, then clears the
 * emulator's request record so each run starts from nothing.
 */
import { request, type FullConfig } from '@playwright/test';
import { RequestUtils } from '@wordpress/e2e-test-utils-playwright';

import { clearRequests } from './utils/emulator';

export default async function globalSetup( config: FullConfig ) {
	const project = config.projects[ 0 ];
	if ( ! project ) {
		throw new Error( 'No Playwright project configured.' );
	}
	const { storageState, baseURL } = project.use;
	const requestContext = await request.newContext( { baseURL } );
	const requestUtils = new RequestUtils( requestContext, {
		storageStatePath:
			typeof storageState === 'string' ? storageState : undefined,
	} );
	await requestUtils.setupRest();
	// Every spec comes from 127.0.0.1: the per-IP and per-visitor limits and the caps on answers
	// running at once are off for the suite (they have their own tests), so specs never trip over
	// one another's counts. The site's daily cap stays on (so no admin notice about unbounded
	// spend shows on the admin screens under test), far above what the suite sends.
	await requestUtils.rest( {
		method: 'POST',
		path: '/dify-chatbot/v1/settings',
		data: {
			limit_visitor_minute: 0,
			limit_visitor_day: 0,
			limit_ip_minute: 0,
			limit_ip_day: 0,
			streams_visitor: 0,
			streams_ip: 0,
			streams_site: 0,
			daily_message_cap: 1000000,
		},
	} );
	await requestContext.dispose();
	await clearRequests();
}
