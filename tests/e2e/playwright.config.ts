/**
 * Playwright against the test sites that `npm test` starts (bin/test.sh): WordPress on MariaDB
 * (WP_BASE_URL, default :8889) and a SQLite smoke site (WP_SQLITE_BASE_URL, default :8890), each
 * with its own Dify emulator. The browser is Debian's Chromium: Playwright never downloads one.
 */
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

process.env.WP_ARTIFACTS_PATH ??= path.join( process.cwd(), 'artifacts' );
process.env.STORAGE_STATE_PATH ??= path.join(
	process.env.WP_ARTIFACTS_PATH,
	'storage-states/admin.json'
);
const baseURL = process.env.WP_BASE_URL ?? 'http://127.0.0.1:8889';
const sqliteURL = process.env.WP_SQLITE_BASE_URL ?? 'http://127.0.0.1:8890';

const chromium = {
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	// Without the background-networking flags Chromium keeps dialling Google on this offline machine.
	args: [
		'--headless',
		'--no-sandbox',
		'--disable-gpu',
		'--disable-quic',
		'--no-first-run',
		'--disable-background-networking',
		'--disable-component-update',
		'--disable-sync',
		// A fake microphone that needs no permission prompt (voice.spec.ts records with it).
		'--use-fake-ui-for-media-stream',
		'--use-fake-device-for-media-stream',
	],
};

export default defineConfig( {
	testDir: './specs',
	outputDir: path.join( process.env.WP_ARTIFACTS_PATH, 'test-results' ),
	reporter: [
		[ 'list' ],
		[
			'html',
			{
				open: 'never',
				outputFolder: path.join(
					process.env.WP_ARTIFACTS_PATH,
					'playwright-report'
				),
			},
		],
	],
	forbidOnly: !! process.env.CI,
	workers: 1,
	// One retry in CI only: a loaded 2-core machine can stall a browser; a real failure fails twice.
	retries: process.env.CI ? 1 : 0,
	timeout: 60_000,
	reportSlowTests: null,
	globalSetup: require.resolve( './global-setup.ts' ),
	use: {
		...devices[ 'Desktop Chrome' ],
		baseURL,
		headless: true,
		viewport: { width: 1100, height: 800 },
		locale: 'en-US',
		contextOptions: { reducedMotion: 'reduce', strictSelectors: true },
		storageState: process.env.STORAGE_STATE_PATH,
		actionTimeout: 10_000,
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure',
		launchOptions: chromium,
	},
	// WP_STACK names a real server stack that WP_BASE_URL is served by (`npm test`'s stacks suite,
	// bin/stacks/stack.sh): only the streaming specs run there, as one project named after it.
	projects: process.env.WP_STACK
		? [ { name: process.env.WP_STACK, testMatch: /\.stack\.spec\.ts$/ } ]
		: [
				{ name: 'mariadb', testIgnore: /\.sqlite\.spec\.ts$/ },
				{
					name: 'sqlite',
					testMatch: /\.sqlite\.spec\.ts$/,
					use: { baseURL: sqliteURL, storageState: undefined },
				},
			],
} );
