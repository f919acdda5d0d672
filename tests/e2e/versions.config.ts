/**
 * The WordPress versions matrix (the `versions` suite of `npm test`, bin/versions.sh): the smoke
 * spec of tests/e2e/versions/ runs once per version site, one Playwright project each, named
 * `wp-<version>`. The sites come from WP_VERSION_SITES, a JSON list of
 * { version, url, emulator } written by bin/versions.sh (emulator: that site's Dify emulator, /v1).
 * Everything else is the main configuration's (Debian's Chromium, timeouts, retries).
 */
import path from 'node:path';
import { defineConfig } from '@playwright/test';

import base from './playwright.config';

export interface VersionSite {
	version: string;
	url: string;
	emulator: string;
}

const sites = JSON.parse(
	process.env.WP_VERSION_SITES ?? '[]'
) as VersionSite[];
const artifacts = process.env.WP_ARTIFACTS_PATH as string;

export default defineConfig( {
	...base,
	testDir: './versions',
	globalSetup: undefined,
	// Not the main run's folders: Playwright empties its output folder when it starts.
	outputDir: path.join( artifacts, 'versions-results' ),
	reporter: [
		[ 'list' ],
		[
			'html',
			{
				open: 'never',
				outputFolder: path.join( artifacts, 'versions-report' ),
			},
		],
	],
	// The block editor of an old WordPress loads slowly on a busy 2-core machine: a test (not an
	// assertion) may take up to two minutes.
	timeout: 120_000,
	// One version site per worker at a time: the sites are independent of one another.
	workers: Number( process.env.WP_VERSIONS_WORKERS ?? 2 ),
	projects: sites.map( ( site ) => ( {
		name: `wp-${ site.version }`,
		metadata: site,
		use: {
			baseURL: site.url,
			// Each site has its own admin login (the cookies are named after the site's URL).
			storageState: path.join(
				artifacts,
				`storage-states/wp-${ site.version }.json`
			),
		},
	} ) ),
} );
