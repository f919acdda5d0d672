<?php
/**
 * The chat's scripts: the loader up front, the app and the media script inert until used.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Frontend;

use Dify_Chatbot\Frontend\Assets;
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

	public function test_nothing_is_printed_on_a_page_without_a_chat(): void {
		$assets = new Assets();
		$assets->register_assets();
		ob_start();
		$assets->print_app_template();
		$this->assertSame( '', ob_get_clean() );
	}
}
