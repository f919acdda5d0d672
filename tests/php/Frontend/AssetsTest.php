<?php
/**
 * The chat's scripts: the loader up front, the app and the media script inert until used.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Frontend;

use Dify_Chatbot\Frontend\Assets;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\TestCase;

final class AssetsTest extends TestCase {

	protected function set_up() {
		parent::set_up();
		$GLOBALS['wp_scripts'] = null; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited -- a fresh script registry.
		if ( ! file_exists( DIFY_CHATBOT_DIR . '/build/chat/media.asset.php' ) ) {
			$this->fail( 'Run `npm run build` first (npm test does).' );
		}
	}

	protected function tear_down() {
		$GLOBALS['wp_scripts'] = null; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
		parent::tear_down();
	}

	public function test_the_media_script_waits_in_its_own_inert_template(): void {
		$assets = new Assets();
		$assets->register_assets();
		$assets->enqueue();
		ob_start();
		$assets->print_app_template();
		$html = (string) ob_get_clean();

		$this->assertSame( 1, preg_match( '#<template id="dify-chatbot-app-scripts">(.*?)</template>#s', $html, $app ) );
		$this->assertSame( 1, preg_match( '#<template id="dify-chatbot-media-scripts">(.*?)</template>#s', $html, $media ) );
		$this->assertStringContainsString( 'build/chat/app.js', $app[1] );
		$this->assertStringNotContainsString( 'build/chat/media.js', $app[1], 'Not loaded with the app.' );
		$this->assertStringContainsString( 'build/chat/media.js', $media[1] );
		// Its dependencies are the app's, already in the first template.
		$this->assertStringNotContainsString( 'build/chat/app.js', $media[1] );
		$this->assertStringNotContainsString( 'wp-element', $media[1] );
	}

	public function test_cores_jsx_runtime_is_kept_where_wordpress_registers_it(): void {
		$core = wp_scripts()->query( Assets::JSX_RUNTIME, 'registered' );
		$this->assertInstanceOf( \_WP_Dependency::class, $core, 'WordPress 6.6 and newer register it.' );
		$src = $core->src;
		( new Assets() )->register_assets();
		$this->assertSame( $src, wp_scripts()->query( Assets::JSX_RUNTIME, 'registered' )->src );
		$this->assertStringContainsString( '/wp-includes/js/dist/vendor/react-jsx-runtime', $src );
	}

	public function test_the_shipped_jsx_runtime_stands_in_where_wordpress_has_none(): void {
		// What WordPress before 6.6 looks like: no such script.
		wp_deregister_script( Assets::JSX_RUNTIME );
		( new Assets() )->register_assets();
		$script = wp_scripts()->query( Assets::JSX_RUNTIME, 'registered' );
		$this->assertInstanceOf( \_WP_Dependency::class, $script );
		$this->assertSame( plugins_url( 'assets/vendor/react-jsx-runtime/react-jsx-runtime.min.js', DIFY_CHATBOT_FILE ), $script->src );
		$this->assertSame( array( 'react' ), $script->deps );
		$this->assertSame( Assets::JSX_RUNTIME_VERSION, $script->ver );
		$this->assertFileExists( DIFY_CHATBOT_DIR . '/assets/vendor/react-jsx-runtime/react-jsx-runtime.min.js' );

		// The chat app's scripts now resolve, the runtime before the app.
		( new Assets() )->enqueue();
		ob_start();
		( new Assets() )->print_app_template();
		$html    = (string) ob_get_clean();
		$runtime = strpos( $html, 'assets/vendor/react-jsx-runtime/react-jsx-runtime.min.js' );
		$app     = strpos( $html, 'build/chat/app.js' );
		$this->assertNotFalse( $runtime );
		$this->assertNotFalse( $app );
		$this->assertLessThan( $app, $runtime );
	}

	public function test_the_shipped_jsx_runtime_is_cores_own_build(): void {
		$core = wp_scripts()->query( Assets::JSX_RUNTIME, 'registered' );
		$this->assertInstanceOf( \_WP_Dependency::class, $core );
		if ( Assets::JSX_RUNTIME_VERSION !== $core->ver ) {
			$this->markTestSkipped( "This WordPress registers react-jsx-runtime {$core->ver}, not the shipped " . Assets::JSX_RUNTIME_VERSION . '.' );
		}
		foreach ( array( 'react-jsx-runtime.js', 'react-jsx-runtime.min.js' ) as $file ) {
			$this->assertFileEquals( ABSPATH . WPINC . '/js/dist/vendor/' . $file, DIFY_CHATBOT_DIR . '/assets/vendor/react-jsx-runtime/' . $file, "$file differs from core's." );
			$this->assertStringContainsString( '@license React', (string) file_get_contents( DIFY_CHATBOT_DIR . '/assets/vendor/react-jsx-runtime/' . $file ) );
		}
	}

	public function test_nothing_is_printed_on_a_page_without_a_chat(): void {
		$assets = new Assets();
		$assets->register_assets();
		ob_start();
		$assets->print_app_template();
		$this->assertSame( '', ob_get_clean() );
	}

	public function test_answers_may_show_images_from_dify_and_the_site_and_what_the_filter_adds(): void {
		Settings::create()->option()->update( array( 'base_url' => 'https://Dify.Example:443/v1' ) );
		$site = wp_parse_url( home_url( '/' ) );
		$own  = strtolower( $site['scheme'] . '://' . $site['host'] ) . ( isset( $site['port'] ) ? ':' . $site['port'] : '' );
		$this->assertSame( array( 'https://dify.example', $own ), Assets::image_origins() );

		$filter = static function ( array $origins ): array {
			return array_merge( $origins, array( 'https://cdn.example/path/', 'javascript:alert(1)', 42, 'https://dify.example' ) );
		};
		add_filter( 'dify_chatbot_image_origins', $filter );
		try {
			$this->assertSame( array( 'https://dify.example', $own, 'https://cdn.example' ), Assets::image_origins() );
			$this->assertSame( Assets::image_origins(), ( new Assets() )->config()['imageOrigins'] );
		} finally {
			remove_filter( 'dify_chatbot_image_origins', $filter );
		}
	}
}
