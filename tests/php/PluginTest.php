<?php
/**
 * The plugin loads and activates cleanly in the real WordPress.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests;

/**
 * Activation and loading.
 */
final class PluginTest extends TestCase {

	public function test_plugin_is_active_and_its_header_is_complete(): void {
		$this->assertTrue( is_plugin_active( 'dify-chatbot/dify-chatbot.php' ) );
		$data = get_plugin_data( DIFY_CHATBOT_FILE, false, false );
		$this->assertSame( 'Dify Chatbot', $data['Name'] );
		$this->assertSame( '6.2', $data['RequiresWP'] );
		$this->assertSame( '7.4', $data['RequiresPHP'] );
		$this->assertSame( 'dify-chatbot', $data['TextDomain'] );
	}

	public function test_deactivating_and_activating_again_raises_no_php_notice(): void {
		$notices = array();
		// phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_set_error_handler -- collecting notices is the test.
		set_error_handler(
			function ( $errno, $errstr, $errfile, $errline ) use ( &$notices ) {
				$notices[] = "$errstr ($errfile:$errline)";
				return true;
			}
		);
		deactivate_plugins( 'dify-chatbot/dify-chatbot.php', true );
		$result = activate_plugin( 'dify-chatbot/dify-chatbot.php' );
		restore_error_handler();
		$this->assertNull( $result );
		$this->assertSame( array(), $notices );
		$this->assertTrue( is_plugin_active( 'dify-chatbot/dify-chatbot.php' ) );
	}

	public function test_block_and_shortcode_are_registered(): void {
		$this->assertTrue( \WP_Block_Type_Registry::get_instance()->is_registered( 'dify-chatbot/chat' ) );
		$this->assertTrue( shortcode_exists( 'dify_chatbot' ) );
	}
}
