/**
 * wp-scripts' own configuration plus the plugin's non-block entries:
 * - chat/loader: the tiny script every chat page gets (no dependencies); it loads chat/app on use,
 * - chat/app: the chat itself (React through wp-element),
 * - chat/media: uploads and voice, loaded by the app only for an app that has them on,
 * - settings/index: the Settings → Dify Chatbot screen.
 */
const defaultConfig = require( '@wordpress/scripts/config/webpack.config' );

module.exports = {
	...defaultConfig,
	entry: {
		...defaultConfig.entry(),
		'chat/loader': './src/chat/loader.ts',
		'chat/app': './src/chat/app.tsx',
		'chat/media': './src/chat/media/index.tsx',
		'settings/index': './src/settings/index.tsx',
	},
};
