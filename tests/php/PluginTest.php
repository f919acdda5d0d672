<?php
/**
 * The plugin loads and activates cleanly in the real WordPress.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests;

use Dify_Chatbot\Connectors\Dify_Connector;
use Dify_Chatbot\Plugin;

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

	public function test_the_admin_screens_are_hooked_on_wp_admin_requests_only(): void {
		$links = 'plugin_action_links_' . plugin_basename( DIFY_CHATBOT_FILE );
		$this->assertFalse( has_filter( $links ), 'This request is not a wp-admin one.' );
		self::on_admin_screen(
			'plugins',
			function () use ( $links ) {
				self::keeping_hooks(
					function () use ( $links ) {
						( new Plugin() )->register();
						$this->assertNotFalse( has_filter( $links ) );
					}
				);
			}
		);
	}

	public function test_block_and_shortcode_are_registered(): void {
		$this->assertTrue( \WP_Block_Type_Registry::get_instance()->is_registered( 'dify-chatbot/chat' ) );
		$this->assertTrue( shortcode_exists( 'dify_chatbot' ) );
	}

	/**
	 * A REST request for a core route, in a fresh process: WordPress's init has run and the
	 * request dispatched, and of the plugin only what the block, the shortcode, the option,
	 * the counters table and the schema check need on init was loaded (and, where WordPress has the Connectors API,
	 * the connector core asks for during init): no route, guard, relay, Dify or script class, and
	 * nothing asked for the plugin's translations (which would load its text domain).
	 */
	public function test_a_request_without_a_chat_builds_no_route_guard_or_script_part(): void {
		$loaded = self::request( '/wp/v2/types/post', '/wp/v2/types/post' );
		$this->assertSame( '200', array_shift( $loaded ) );
		sort( $loaded );
		$expected = array(
			'Dify_Chatbot\\Frontend\\Block',
			'Dify_Chatbot\\Frontend\\Renderer',
			'Dify_Chatbot\\Frontend\\Shortcode',
			'Dify_Chatbot\\Plugin',
			'Dify_Chatbot\\Rest\\Api',
			'Dify_Chatbot\\Security\\Counter_Store',
			'Dify_Chatbot\\Settings\\Base_Url',
			'Dify_Chatbot\\Settings\\Migration',
			'Dify_Chatbot\\Settings\\Option',
		);
		if ( Dify_Connector::available() ) {
			$expected[] = 'Dify_Chatbot\\Connectors\\Dify_Connector';
			sort( $expected );
		}
		$this->assertSame( $expected, $loaded );
	}

	/**
	 * The same harness sees the routes and guards built for a request into the namespace.
	 */
	public function test_a_request_for_the_namespace_builds_its_routes_and_guards(): void {
		$loaded = self::request( '/dify-chatbot/v1', '/dify-chatbot/v1' );
		$this->assertSame( '200', array_shift( $loaded ) );
		$this->assertContains( 'Dify_Chatbot\\Rest\\Chat_Controller', $loaded );
		$this->assertContains( 'Dify_Chatbot\\Security\\Visitor_Guard', $loaded );
		$this->assertNotContains( 'Dify_Chatbot\\Frontend\\Assets', $loaded );
	}

	/**
	 * A request into the namespace made inside a REST request for another route (another
	 * plugin's internal request) still finds the plugin's routes.
	 */
	public function test_an_internal_request_into_the_namespace_finds_its_routes(): void {
		$loaded = self::request( '/wp/v2/types/post', '/dify-chatbot/v1/parameters' );
		// The route exists and its guard answered (no bot is configured): not a 404.
		$this->assertNotSame( '404', $loaded[0] );
		$this->assertContains( 'Dify_Chatbot\\Rest\\Parameters_Controller', $loaded );
	}

	/**
	 * A request for one of the routes (here a GET the chat route does not take, so that no error
	 * of the plugin's is translated either) registers the routes without their argument
	 * descriptions, so it never loads the plugin's text domain; the namespace's index and an
	 * OPTIONS request, the answers that show them, get them.
	 */
	public function test_only_the_answers_that_show_the_routes_get_their_descriptions(): void {
		$route = self::request( '/dify-chatbot/v1/chat', '/dify-chatbot/v1/chat' );
		$this->assertSame( '404', $route[0] );
		$this->assertContains( 'chat query:', $route );
		$this->assertNotContains( 'text domain dify-chatbot', $route );

		foreach ( array( array( '/dify-chatbot/v1', 'GET' ), array( '/dify-chatbot/v1/chat', 'OPTIONS' ) ) as $shown ) {
			$answer = self::request( $shown[0], $shown[0], $shown[1] );
			$this->assertSame( '200', $answer[0], $shown[1] . ' ' . $shown[0] );
			$this->assertContains( 'chat query: The visitor’s message.', $answer, $shown[1] . ' ' . $shown[0] );
		}
	}

	/**
	 * The status and the plugin's loaded classes of one request in a fresh PHP process
	 * (Support/plugin-request.php).
	 *
	 * @return string[]
	 */
	private static function request( string $query_route, string $dispatch_route, string $method = 'GET' ): array {
		$command = escapeshellarg( PHP_BINARY ) . ' ' . escapeshellarg( __DIR__ . '/Support/plugin-request.php' ) . ' ' . escapeshellarg( $query_route ) . ' ' . escapeshellarg( $dispatch_route ) . ' ' . escapeshellarg( $method ) . ' 2>&1';
		$output  = (string) shell_exec( $command ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.system_calls_shell_exec -- a fresh process is the point.
		return array_values( array_filter( array_map( 'trim', explode( "\n", $output ) ), 'strlen' ) );
	}
}
