/**
 * wp-scripts' own configuration plus the plugin's non-block entries:
 * - chat/loader: the tiny script every chat page gets (no dependencies); it loads chat/app on use,
 * - chat/app: the chat itself (React through wp-element),
 * - chat/media: uploads and voice, loaded by the app only for an app that has them on,
 * - settings/index: the Settings → Dify Chatbot screen.
 *
 * The chat app loads rarely used parts on demand (`import( /* webpackChunkName: "chat/…" *\/ )`).
 * Each such part is one named file next to the app: webpack's vendor splitting is off, so a
 * library used only by one part travels in that part's file rather than in a numbered file of
 * its own.
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
	optimization: {
		...defaultConfig.optimization,
		splitChunks: {
			...defaultConfig.optimization.splitChunks,
			cacheGroups: {
				...defaultConfig.optimization.splitChunks.cacheGroups,
				defaultVendors: false,
			},
		},
	},
};
