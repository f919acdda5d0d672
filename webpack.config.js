/**
 * wp-scripts' own configuration plus the plugin's non-block entries:
 * - chat/loader: the tiny script every chat page gets (no dependencies); it loads chat/app on use,
 * - chat/app: the chat itself (React through wp-element); its entry also makes chat/app.css,
 *   the stylesheet every chat page gets (src/chat/page.scss: only what the first paint needs),
 * - chat/media: uploads and voice, loaded by the app only for an app that has them on,
 * - settings/index: the Settings → Dify Chatbot screen.
 *
 * The chat app loads rarely used parts on demand (`import( /* webpackChunkName: "chat/…" *\/ )`).
 * Each such part is one named file next to the app: webpack's vendor splitting is off, so a
 * library used only by one part travels in that part's file rather than in a numbered file of
 * its own. A part's styles travel with it: webpack (mini-css-extract) loads its stylesheet next
 * to its script, and the chat's own styles come the same way with the app (chat/ui.css).
 */
const path = require( 'node:path' );
const defaultConfig = require( '@wordpress/scripts/config/webpack.config' );

// wp-scripts' own instances: the extraction plugin's hooks belong to the instance it runs, and
// rtlcss is the one it makes the entries' twins with.
const MiniCSSExtractPlugin = defaultConfig.plugins.find(
	( plugin ) => plugin.constructor.name === 'MiniCssExtractPlugin'
).constructor;
const rtlcss = require(
	require.resolve( 'rtlcss', {
		paths: [
			path.dirname(
				require.resolve( '@wordpress/scripts/package.json' )
			),
		],
	} )
);

const PLUGIN = 'DifyChatbotChunkStyles';

/**
 * The stylesheets of on-demand chunks, which webpack loads itself (WordPress never sees them):
 * - each gets a right-to-left twin (`-rtl.css`, as wp-scripts makes for entries), and webpack
 *   asks for the twin when the page is right-to-left (`<html dir="rtl">`, which WordPress
 *   prints for a right-to-left language), as WordPress does with the stylesheets it prints;
 * - their addresses carry a content hash (`?ver=`), like the chunks' scripts, so a new version
 *   of the plugin is never served an old stylesheet from a cache.
 */
class ChunkStylesPlugin {
	apply( compiler ) {
		const { Compilation, sources } = compiler.webpack;
		compiler.hooks.thisCompilation.tap( PLUGIN, ( compilation ) => {
			MiniCSSExtractPlugin.getCompilationHooks(
				compilation
			).beforeTagInsert.tap(
				PLUGIN,
				( source, { tag, href } ) =>
					`${ source }if(document.documentElement.dir==="rtl"){${ tag }.href=${ href }.replace(/\\.css(?=\\?|$)/,"-rtl.css");}`
			);
			compilation.hooks.processAssets.tap(
				{
					name: PLUGIN,
					// Where wp-scripts makes the entries' twins: before CSS is minimized.
					stage: Compilation.PROCESS_ASSETS_STAGE_OPTIMIZE,
				},
				() => {
					for ( const chunk of compilation.chunks ) {
						for ( const file of chunk.files ) {
							// Only an on-demand chunk's CSS has a query (entries: RtlCssPlugin).
							const name = /^(.+)\.css\?/.exec( file )?.[ 1 ];
							if ( ! name ) {
								continue;
							}
							const css = compilation.assets[ file ]
								.source()
								.toString();
							compilation.emitAsset(
								`${ name }-rtl.css`,
								new sources.RawSource( rtlcss.process( css ) )
							);
							chunk.auxiliaryFiles.add( `${ name }-rtl.css` );
						}
					}
				}
			);
		} );
	}
}

module.exports = {
	...defaultConfig,
	entry: {
		...defaultConfig.entry(),
		'chat/loader': './src/chat/loader.ts',
		'chat/app': [ './src/chat/page.scss', './src/chat/app.tsx' ],
		'chat/media': './src/chat/media/index.tsx',
		'settings/index': './src/settings/index.tsx',
	},
	output: {
		...defaultConfig.output,
		cssChunkFilename: '[name].css?ver=[contenthash]',
	},
	plugins: [ ...defaultConfig.plugins, new ChunkStylesPlugin() ],
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
