<?php
/**
 * Front-end scripts: a tiny loader with the page, the chat app only when it is used.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Frontend;

use Dify_Chatbot\Registrable;
use Dify_Chatbot\Settings\Base_Url;
use Dify_Chatbot\Settings\Settings;

/**
 * A page with a chat gets only `chat/loader` (no dependencies). The chat app and its WordPress
 * dependencies (wp-element, wp-api-fetch, wp-i18n and their inline data and translations) are
 * printed by WordPress's own script loader, but inside an inert <template>: nothing there is
 * downloaded or run until the loader copies the tags into the document when the chat is used.
 * WordPress's dependency order and its translations stay in charge; the cost before use is the
 * loader alone.
 */
final class Assets implements Registrable {

	public const LOADER   = 'dify-chatbot-loader';
	public const APP      = 'dify-chatbot-app';
	public const TEMPLATE = 'dify-chatbot-app-scripts';

	public const MEDIA = 'dify-chatbot-media';

	public const MEDIA_TEMPLATE = 'dify-chatbot-media-scripts';

	/**
	 * The handle every built script depends on; WordPress registers it from 6.6 on.
	 */
	public const JSX_RUNTIME = 'react-jsx-runtime';

	/**
	 * The version of core's build that ships in assets/vendor/react-jsx-runtime/.
	 */
	public const JSX_RUNTIME_VERSION = '18.3.1';

	/**
	 * Adds the hooks.
	 */
	public function register(): void {
		add_action( 'init', array( $this, 'register_assets' ) );
		add_action( 'dify_chatbot_rendered', array( $this, 'enqueue' ) );
		// After wp_print_footer_scripts (priority 20), so handles the page already printed are skipped.
		add_action( 'wp_footer', array( $this, 'print_app_template' ), 100 );
	}

	/**
	 * Registers the loader and the app from their built asset files.
	 */
	public function register_assets(): void {
		$this->register_jsx_runtime();
		$loader = $this->asset( 'chat/loader' );
		$app    = $this->asset( 'chat/app' );
		// Nothing to register before `npm run build` has run.
		if ( null === $loader || null === $app ) {
			return;
		}
		wp_register_script(
			self::LOADER,
			$this->url( 'build/chat/loader.js' ),
			$loader['dependencies'],
			$loader['version'],
			array(
				'in_footer' => true,
				'strategy'  => 'defer',
			)
		);
		wp_register_script( self::APP, $this->url( 'build/chat/app.js' ), $app['dependencies'], $app['version'], true );
		wp_set_script_translations( self::APP, 'dify-chatbot', DIFY_CHATBOT_DIR . '/languages' );
		// Uploads and voice: loaded by the app only when the Dify app has one of them on.
		$media = $this->asset( 'chat/media' );
		if ( null !== $media ) {
			wp_register_script( self::MEDIA, $this->url( 'build/chat/media.js' ), array_merge( $media['dependencies'], array( self::APP ) ), $media['version'], true );
			wp_set_script_translations( self::MEDIA, 'dify-chatbot', DIFY_CHATBOT_DIR . '/languages' );
		}
		if ( file_exists( DIFY_CHATBOT_DIR . '/build/chat/app.css' ) ) {
			wp_register_style( self::APP, plugins_url( 'build/chat/app.css', DIFY_CHATBOT_FILE ), array(), $app['version'] );
			wp_style_add_data( self::APP, 'rtl', 'replace' );
		}
	}

	/**
	 * Registers core's own build of `react-jsx-runtime` (shipped in assets/vendor/react-jsx-runtime/)
	 * where WordPress has not: before 6.6 it has no such script, and WordPress drops every script
	 * whose dependency is missing without a word — the chat, the block and the settings screen.
	 * Where WordPress (or another plugin) registered it, theirs is kept.
	 */
	public function register_jsx_runtime(): void {
		if ( wp_script_is( self::JSX_RUNTIME, 'registered' ) ) {
			return;
		}
		$file = defined( 'SCRIPT_DEBUG' ) && SCRIPT_DEBUG ? 'react-jsx-runtime.js' : 'react-jsx-runtime.min.js';
		wp_register_script( self::JSX_RUNTIME, $this->url( 'assets/vendor/react-jsx-runtime/' . $file ), array( 'react' ), self::JSX_RUNTIME_VERSION, false );
	}

	/**
	 * Enqueues the loader (once) and its configuration when a chat is rendered.
	 */
	public function enqueue(): void {
		if ( ! wp_script_is( self::LOADER, 'registered' ) || wp_script_is( self::LOADER, 'enqueued' ) ) {
			return;
		}
		wp_enqueue_script( self::LOADER );
		if ( wp_style_is( self::APP, 'registered' ) ) {
			wp_enqueue_style( self::APP );
		}
		wp_add_inline_script( self::LOADER, 'window.difyChatbotConfig = ' . wp_json_encode( $this->config() ) . ';', 'before' );
	}

	/**
	 * What the browser needs to reach the REST routes. No per-visitor data for logged-out
	 * visitors, so full-page caches can keep the page; logged-in pages carry the REST nonce.
	 *
	 * @return array<string, mixed>
	 */
	public function config(): array {
		$logged_in = is_user_logged_in();
		return array(
			'restUrl'       => esc_url_raw( rest_url( 'dify-chatbot/v1/' ) ),
			'nonce'         => $logged_in ? wp_create_nonce( 'wp_rest' ) : '',
			'nonceEndpoint' => $logged_in ? admin_url( 'admin-ajax.php?action=rest-nonce' ) : '',
			'template'      => self::TEMPLATE,
			'user'          => $logged_in ? get_current_user_id() : 0,
			// The effective response mode: 'blocking' makes the chat ask for JSON answers.
			'responseMode'  => ( new \Dify_Chatbot\Settings\Option() )->response_mode(),
			// Where answers' images may load from; any other image is shown as a link (src/chat/sanitize-rules.ts).
			'imageOrigins'  => self::image_origins(),
			// The loader has no wp-i18n (it must stay dependency-free), so its one string comes from here.
			'l10n'          => array( 'openChat' => __( 'Open chat', 'dify-chatbot' ) ),
		);
	}

	/**
	 * The origins answers may show images from: the Dify API's (its files), the site's own, and
	 * what the `dify_chatbot_image_origins` filter adds. An image on any other origin would be a
	 * request the visitor's browser makes unasked, which an answer steered by a prompt injection
	 * could use to send the chat's text to a stranger.
	 *
	 * @return string[] `scheme://host[:port]`, each once.
	 */
	public static function image_origins(): array {
		$origins = array(
			Base_Url::origin( Settings::create()->base_url() ),
			Base_Url::origin( home_url( '/' ) ),
			Base_Url::origin( site_url( '/' ) ),
		);
		/**
		 * Filters the origins (`https://host[:port]`) answers may show images from. Images from
		 * any other origin are shown as links, loaded only if the visitor follows them.
		 *
		 * @param string[] $origins The Dify API's origin and the site's own.
		 */
		$filtered = apply_filters( 'dify_chatbot_image_origins', $origins );
		$clean    = array();
		foreach ( is_array( $filtered ) ? $filtered : $origins as $value ) {
			$origin = is_string( $value ) && 1 === preg_match( '#^https?://#i', $value ) ? Base_Url::origin( $value ) : '';
			if ( '' !== $origin ) {
				$clean[] = $origin;
			}
		}
		return array_values( array_unique( $clean ) );
	}

	/**
	 * Prints the app's script tags, inert, for the loader to activate on use; then, in a second
	 * template, the media chunk's own tags (its dependencies are the app's, already printed).
	 */
	public function print_app_template(): void {
		if ( ! wp_script_is( self::LOADER, 'enqueued' ) && ! wp_script_is( self::LOADER, 'done' ) ) {
			return;
		}
		ob_start();
		wp_scripts()->do_items( array( self::APP ) );
		$tags = (string) ob_get_clean();
		// The tags are WordPress's own output for registered scripts (already escaped by it).
		echo '<template id="' . esc_attr( self::TEMPLATE ) . '">' . $tags . '</template>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
		if ( wp_script_is( self::MEDIA, 'registered' ) ) {
			ob_start();
			wp_scripts()->do_items( array( self::MEDIA ) );
			$tags = (string) ob_get_clean();
			echo '<template id="' . esc_attr( self::MEDIA_TEMPLATE ) . '">' . $tags . '</template>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
		}
	}

	/**
	 * Reads a built asset file (dependencies and version).
	 *
	 * @param string $name Entry name, e.g. 'chat/app'.
	 * @return array{dependencies: non-empty-string[], version: string}|null
	 */
	private function asset( string $name ): ?array {
		$file = DIFY_CHATBOT_DIR . '/build/' . $name . '.asset.php';
		if ( ! file_exists( $file ) ) {
			return null;
		}
		$asset = require $file;
		$deps  = isset( $asset['dependencies'] ) && is_array( $asset['dependencies'] ) ? $asset['dependencies'] : array();
		return array(
			'dependencies' => array_values(
				array_filter(
					array_map( 'strval', $deps ),
					function ( string $dep ): bool {
						return '' !== $dep;
					}
				)
			),
			'version'      => isset( $asset['version'] ) ? (string) $asset['version'] : DIFY_CHATBOT_VERSION,
		);
	}

	/**
	 * The public URL of a file of the plugin.
	 *
	 * @param string $path Path inside the plugin folder.
	 * @return non-empty-string
	 */
	private function url( string $path ): string {
		$url = plugins_url( $path, DIFY_CHATBOT_FILE );
		return '' !== $url ? $url : '/';
	}
}
