/**
 * wp-scripts' own configuration plus the plugin's non-block entries:
 * - chat/loader: the tiny script every chat page gets (no dependencies); it loads chat/app on use,
 * - chat/app: the chat itself (React through wp-element),
 * - settings/index: the Settings → Dify Chatbot screen.
 */
const defaultConfig = require( '@wordpress/scripts/config/webpack.config' );

module.exports = {
	...defaultConfig,
	entry: {
		...defaultConfig.entry(),
		'chat/loader': './src/chat/loader.ts',
		'chat/app': './src/chat/app.tsx',
		'settings/index': './src/settings/index.tsx',
	},
};
