/**
 * wp-scripts' jest setup, limited to the front-end sources: the emulator's tests run on Node's
 * own test runner (npm run test:emulator) and the e2e specs on Playwright.
 */
const defaultConfig = require( '@wordpress/scripts/config/jest-unit.config' );

module.exports = {
	...defaultConfig,
	roots: [ '<rootDir>/src' ],
	// marked ships only ES modules: babel compiles it for jest like the sources.
	transformIgnorePatterns: [ '/node_modules/(?!marked/)' ],
};
