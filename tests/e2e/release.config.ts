/**
 * Playwright for the release as users get it (`npm test`'s `install` suite, bin/test.sh): a
 * WordPress without the plugin (bin/env.sh WP_PLUGIN=none; WP_INSTALL_BASE_URL, default :8891, with
 * its own emulator) where tests/e2e/release/ installs dify-chatbot.zip through wp-admin.
 *
 * The main config's browser and options, without its global setup: that one configures the plugin
 * over REST, and this site does not have the plugin until the spec uploads it.
 */
import path from 'node:path';
import { defineConfig } from '@playwright/test';

import base from './playwright.config';

const artifacts =
	process.env.WP_ARTIFACTS_PATH ?? path.join( process.cwd(), 'artifacts' );

export default defineConfig( {
	...base,
	testDir: './release',
	// Playwright empties its output folder first: the main suite's traces must survive this run.
	outputDir: path.join( artifacts, 'release-results' ),
	reporter: [
		[ 'list' ],
		[
			'html',
			{
				open: 'never',
				outputFolder: path.join( artifacts, 'release-report' ),
			},
		],
	],
	globalSetup: undefined,
	// One test walks the whole life of the plugin on the site (install to delete): about two
	// minutes, and three times that on a 2-core machine under a load of 25. A retry would start on
	// a site the first attempt changed, so there is none: a failure is reported as it is.
	timeout: 600_000,
	retries: 0,
	projects: [
		{
			name: 'install',
			use: {
				baseURL:
					process.env.WP_INSTALL_BASE_URL ?? 'http://127.0.0.1:8891',
				// Starts logged out: the spec logs in on wp-login.php as a user does.
				storageState: { cookies: [], origins: [] },
			},
		},
	],
} );
