<?php
/**
 * The settings routes.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Rest;

use Dify_Chatbot\Rest\Settings_Controller;
use Dify_Chatbot\Security\Client_Ip;
use Dify_Chatbot\Security\Counter_Store;
use Dify_Chatbot\Security\Stream_Slots;
use Dify_Chatbot\Settings\Encryption;
use Dify_Chatbot\Settings\Key_Store;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\TestCase;
use Dify_Chatbot\Usage\Usage_Store;
use WP_REST_Request;
use WP_REST_Response;

require_once dirname( __DIR__ ) . '/Support/Emulator.php';
require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';

final class Settings_ControllerTest extends TestCase {

	use Emulator;
	use Clean_Environment;

	private const KEY = 'app-secret-key-do-not-leak-7788';

	protected function set_up() {
		parent::set_up();
		$this->clean_environment();
	}

	protected function tear_down() {
		$this->restore_environment();
		parent::tear_down();
	}

	private function dispatch( string $method, string $route, array $body = array() ): WP_REST_Response {
		$request = new WP_REST_Request( $method, '/dify-chatbot/v1' . $route );
		if ( array() !== $body ) {
			$request->set_header( 'Content-Type', 'application/json' );
			$request->set_body( wp_json_encode( $body ) );
		}
		return rest_get_server()->dispatch( $request );
	}

	private function as_admin(): void {
		wp_set_current_user( $this->make_user( 'administrator' ) );
	}

	private function assertNoKey( WP_REST_Response $response, string $key = self::KEY ): void {
		$json = (string) wp_json_encode( $response->get_data() );
		$this->assertStringNotContainsString( $key, $json );
		$this->assertStringNotContainsString( substr( $key, 0, -4 ), $json );
		$this->assertStringNotContainsString( $key, (string) wp_json_encode( $response->get_headers() ) );
	}

	/**
	 * @dataProvider routes
	 */
	public function test_anonymous_gets_401( string $method, string $route ): void {
		$response = $this->dispatch( $method, $route );
		$this->assertSame( 401, $response->get_status() );
	}

	/**
	 * @dataProvider routes
	 */
	public function test_subscribers_and_editors_get_403( string $method, string $route ): void {
		foreach ( array( 'subscriber', 'editor' ) as $role ) {
			wp_set_current_user( $this->make_user( $role ) );
			$this->assertSame( 403, $this->dispatch( $method, $route )->get_status(), $role );
		}
	}

	public function routes(): array {
		return array(
			'GET settings'  => array( 'GET', '/settings' ),
			'POST settings' => array( 'POST', '/settings' ),
			'POST test'     => array( 'POST', '/settings/test' ),
		);
	}

	public function test_get_describes_the_settings_without_the_key(): void {
		$this->as_admin();
		$settings = Settings::create();
		$settings->keys()->save( self::KEY );

		$response = $this->dispatch( 'GET', '/settings' );
		$this->assertSame( 200, $response->get_status() );
		$data = $response->get_data();
		$this->assertSame( 'https://api.dify.ai/v1', $data['base_url'] );
		$this->assertSame( 'streaming', $data['response_mode'] );
		$this->assertSame(
			array(
				'saved'      => true,
				'last4'      => '7788',
				'unreadable' => false,
				'origin'     => 'https://api.dify.ai',
			),
			$data['api_key']
		);
		$this->assertSame( array( 'base_url' => null ), $data['locks'] );
		$this->assertSame(
			array(
				'ready'   => true,
				'message' => '',
			),
			$data['encryption']
		);
		$this->assertFalse( $data['effective']['key_elsewhere'] );
		$this->assertFalse( $data['allow_remote_files'] );
		$this->assertSame(
			array(
				'base_url'  => null,
				'api_key'   => null,
				'ca_bundle' => null,
			),
			$data['overrides']
		);
		$this->assertSame( 'https://api.dify.ai/v1', $data['defaults']['base_url'] );
		$this->assertSame( '', $data['ca_bundle'] );
		$this->assertSame( '', $data['effective']['ca_bundle'] );
		$this->assertTrue( $data['effective']['configured'] );
		$this->assertNoKey( $response );
	}

	public function test_get_shows_overrides(): void {
		$this->as_admin();
		$this->set_environment( 'DIFY_CHATBOT_API_KEY', 'app-from-the-environment' );
		$this->set_environment( 'DIFY_CHATBOT_BASE_URL', 'http://env.example/v1' );
		$data = $this->dispatch( 'GET', '/settings' )->get_data();
		$this->assertSame( 'environment', $data['overrides']['api_key'] );
		$this->assertSame( 'environment', $data['overrides']['base_url'] );
		$this->assertSame( 'http://env.example/v1', $data['effective']['base_url'] );
		$this->assertStringNotContainsString( 'app-from-the-environment', (string) wp_json_encode( $data ) );
	}

	public function test_post_saves_and_answers_like_get_without_the_key(): void {
		$this->as_admin();
		$response = $this->dispatch(
			'POST',
			'/settings',
			array(
				'base_url'      => 'http://dify.local:8080/v1/',
				'response_mode' => 'blocking',
				'api_key'       => '  ' . self::KEY . ' ',
			)
		);
		$this->assertSame( 200, $response->get_status() );
		$data = $response->get_data();
		$this->assertSame( 'http://dify.local:8080/v1', $data['base_url'] );
		$this->assertSame( 'blocking', $data['response_mode'] );
		$this->assertTrue( $data['api_key']['saved'] );
		$this->assertSame( '7788', $data['api_key']['last4'] );
		$this->assertNoKey( $response );
		$this->assertSame( self::KEY, Settings::create()->api_key() );

		// Saving other settings keeps the key; remove_api_key removes it.
		$this->dispatch( 'POST', '/settings', array( 'response_mode' => 'streaming' ) );
		$this->assertSame( self::KEY, Settings::create()->api_key() );
		$removed = $this->dispatch( 'POST', '/settings', array( 'remove_api_key' => true ) );
		$this->assertFalse( $removed->get_data()['api_key']['saved'] );
		$this->assertNull( Settings::create()->api_key() );
	}

	public function test_an_empty_base_url_means_the_default(): void {
		$this->as_admin();
		Settings::create()->option()->update( array( 'base_url' => 'http://dify.local/v1' ) );
		$data = $this->dispatch( 'POST', '/settings', array( 'base_url' => '' ) )->get_data();
		$this->assertSame( 'https://api.dify.ai/v1', $data['base_url'] );
	}

	/**
	 * @dataProvider invalid_bodies
	 */
	public function test_invalid_bodies_are_400_with_a_readable_message( array $body, string $param, string $words ): void {
		$this->as_admin();
		Settings::create()->option()->update( array( 'base_url' => 'http://kept.example/v1' ) );
		$response = $this->dispatch( 'POST', '/settings', $body );
		$this->assertSame( 400, $response->get_status() );
		$data = $response->get_data();
		if ( '' !== $param ) {
			$this->assertArrayHasKey( $param, $data['data']['params'] );
			$this->assertStringContainsStringIgnoringCase( $words, $data['data']['params'][ $param ] );
		} else {
			$this->assertStringContainsStringIgnoringCase( $words, $data['message'] );
		}
		$this->assertSame( 'http://kept.example/v1', Settings::create()->option()->get()['base_url'] );
		$this->assertNoKey( $response, 'app-with space' );
	}

	public function invalid_bodies(): array {
		return array(
			'credentials in url' => array( array( 'base_url' => 'https://user:secret@example.com/v1' ), 'base_url', 'user name or password' ),
			'ftp url'            => array( array( 'base_url' => 'ftp://example.com/v1' ), 'base_url', 'http:// or https://' ),
			'query in url'       => array( array( 'base_url' => 'https://example.com/v1?x=1' ), 'base_url', 'query' ),
			'url not a string'   => array( array( 'base_url' => 42 ), 'base_url', 'string' ),
			'unknown mode'       => array( array( 'response_mode' => 'fast' ), 'response_mode', 'streaming' ),
			'key with a space'   => array( array( 'api_key' => 'app-with space' ), 'api_key', 'without spaces' ),
			'key with newline'   => array( array( 'api_key' => "app-x\r\nX-Injected: 1" ), 'api_key', 'line breaks' ),
			'remove not boolean' => array( array( 'remove_api_key' => 'please' ), 'remove_api_key', 'boolean' ),
			'negative limit'     => array( array( 'limit_visitor_minute' => -1 ), 'limit_visitor_minute', 'between 0' ),
			'limit not a number' => array( array( 'limit_visitor_day' => 'many' ), 'limit_visitor_day', 'integer' ),
			'fractional limit'   => array( array( 'limit_ip_minute' => 2.5 ), 'limit_ip_minute', 'integer' ),
			'huge limit'         => array( array( 'limit_ip_minute' => 100001 ), 'limit_ip_minute', 'between 0' ),
			'negative budget'    => array( array( 'daily_token_budget' => -5 ), 'daily_token_budget', 'between 0' ),
			'proxy a host name'  => array( array( 'trusted_proxies' => array( 'proxy.example.com' ) ), 'trusted_proxies', 'IP addresses or CIDR' ),
			'proxy bad cidr'     => array( array( 'trusted_proxies' => array( '10.0.0.0/40' ) ), 'trusted_proxies', 'IP addresses or CIDR' ),
			'proxies a string'   => array( array( 'trusted_proxies' => 'proxy' ), 'trusted_proxies', 'IP addresses or CIDR' ),
			'who not a cap'      => array( array( 'who_may_chat' => 'Everyone!' ), 'who_may_chat', 'capability name' ),
			'ca bundle relative' => array( array( 'ca_bundle' => 'ca.pem' ), 'ca_bundle', 'full path' ),
			'ca bundle missing'  => array( array( 'ca_bundle' => '/nonexistent/ca.pem' ), 'ca_bundle', 'no file at /nonexistent/ca.pem' ),
			'ca bundle not pem'  => array( array( 'ca_bundle' => ABSPATH . 'index.php' ), 'ca_bundle', 'not a certificate bundle' ),
			'ca bundle an array' => array( array( 'ca_bundle' => array( '/etc/ssl/ca.pem' ) ), 'ca_bundle', 'string' ),
			'key and remove'     => array(
				array(
					'api_key'        => 'app-new',
					'remove_api_key' => true,
				),
				'',
				'not both',
			),
		);
	}

	public function test_a_ca_bundle_is_saved_cleared_and_overridable(): void {
		$this->as_admin();
		$pem = (string) tempnam( sys_get_temp_dir(), 'dify-ca' );
		file_put_contents( $pem, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_file_put_contents

		$data = $this->dispatch( 'POST', '/settings', array( 'ca_bundle' => ' ' . $pem ) )->get_data();
		$this->assertSame( $pem, $data['ca_bundle'] );
		$this->assertSame( $pem, $data['effective']['ca_bundle'] );
		$this->assertSame( $pem, Settings::create()->ca_bundle() );

		$this->set_environment( 'DIFY_CHATBOT_CA_BUNDLE', '/etc/dify/ca.pem' );
		$data = $this->dispatch( 'GET', '/settings' )->get_data();
		$this->assertSame( 'environment', $data['overrides']['ca_bundle'] );
		$this->assertSame( '/etc/dify/ca.pem', $data['effective']['ca_bundle'] );
		$this->assertSame( $pem, $data['ca_bundle'] );

		$this->assertSame( '', $this->dispatch( 'POST', '/settings', array( 'ca_bundle' => '' ) )->get_data()['ca_bundle'] );
		unlink( $pem );
	}

	public function test_the_connection_test_runs_on_the_effective_settings_without_the_key(): void {
		$this->require_emulator();
		$this->as_admin();
		$this->dispatch(
			'POST',
			'/settings',
			array(
				'base_url' => self::emulator_url(),
				'api_key'  => 'app-emulator',
			)
		);
		$response = $this->dispatch( 'POST', '/settings/test' );
		$this->assertSame( 200, $response->get_status() );
		$data = $response->get_data();
		$this->assertTrue( $data['ok'] );
		$this->assertSame( 'ok', $data['code'] );
		$this->assertSame( 'chat', $data['app']['mode'] );
		$this->assertSame( array( 'ok', 'code', 'message', 'app' ), array_keys( $data ) );
		$this->assertNoKey( $response, 'app-emulator' );

		$this->dispatch( 'POST', '/settings', array( 'api_key' => self::KEY ) );
		$wrong = $this->dispatch( 'POST', '/settings/test' );
		$this->assertSame( 'unauthorized', $wrong->get_data()['code'] );
		$this->assertNoKey( $wrong );
	}

	public function test_the_routes_are_registered(): void {
		$routes = rest_get_server()->get_routes( 'dify-chatbot/v1' );
		$this->assertArrayHasKey( '/dify-chatbot/v1/settings', $routes );
		$this->assertArrayHasKey( '/dify-chatbot/v1/settings/test', $routes );
		$this->assertSame( array( 'GET' => true ), $routes['/dify-chatbot/v1/settings'][0]['methods'] );
	}

	public function test_the_protection_settings_and_todays_usage(): void {
		$this->as_admin();
		// Today's tokens of the default bot, from its usage row (counted with or without a budget).
		global $wpdb;
		$wpdb->query( 'DELETE FROM ' . Usage_Store::table() ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.NotPrepared -- the plugin's own table, no input.
		( new Usage_Store() )->message( 'default', 321, false );
		$data = $this->dispatch( 'GET', '/settings' )->get_data();
		$this->assertSame( 10, $data['limit_visitor_minute'] );
		$this->assertSame( 200, $data['limit_visitor_day'] );
		$this->assertSame( 30, $data['limit_ip_minute'] );
		$this->assertSame( array(), $data['trusted_proxies'] );
		$this->assertSame( 0, $data['daily_token_budget'] );
		$this->assertSame( 'everyone', $data['who_may_chat'] );
		$this->assertSame(
			array(
				'tokens_today'    => 321,
				'streams_running' => 0,
				'calls_today'     => 0,
			),
			$data['usage']
		);

		$response = $this->dispatch(
			'POST',
			'/settings',
			array(
				'limit_visitor_minute' => 5,
				'limit_visitor_day'    => 0,
				'limit_ip_minute'      => 60,
				'trusted_proxies'      => array( ' 10.0.0.1', '2001:db8::/48' ),
				'daily_token_budget'   => 100000,
				'who_may_chat'         => 'read',
			)
		);
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$data = $response->get_data();
		$this->assertSame( 5, $data['limit_visitor_minute'] );
		$this->assertSame( 0, $data['limit_visitor_day'] );
		$this->assertSame( 60, $data['limit_ip_minute'] );
		$this->assertSame( array( '10.0.0.1', '2001:db8::/48' ), $data['trusted_proxies'] );
		$this->assertSame( 100000, $data['daily_token_budget'] );
		$this->assertSame( 'read', $data['who_may_chat'] );
		$this->assertSame( 'read', ( new Option() )->get()['who_may_chat'] );
	}

	public function test_showing_the_reasoning_is_a_boolean_setting_off_by_default(): void {
		$this->as_admin();
		$this->assertFalse( $this->dispatch( 'GET', '/settings' )->get_data()['show_reasoning'] );
		$this->assertSame( 400, $this->dispatch( 'POST', '/settings', array( 'show_reasoning' => 'maybe' ) )->get_status() );
		$on = $this->dispatch( 'POST', '/settings', array( 'show_reasoning' => true ) );
		$this->assertSame( 200, $on->get_status() );
		$this->assertTrue( $on->get_data()['show_reasoning'] );
		$this->assertTrue( Settings::create()->show_reasoning() );
		// Saving something else keeps it.
		$this->dispatch( 'POST', '/settings', array( 'response_mode' => 'blocking' ) );
		$this->assertTrue( Settings::create()->show_reasoning() );
		$this->assertFalse( $this->dispatch( 'POST', '/settings', array( 'show_reasoning' => false ) )->get_data()['show_reasoning'] );
	}

	public function test_the_worker_and_wallet_caps_and_the_running_answers(): void {
		$this->as_admin();
		$held = new Stream_Slots( new Counter_Store(), new Option(), new Client_Ip() );
		$this->assertNull( $held->acquire( 'visitor-a', array( 'REMOTE_ADDR' => '198.51.100.1' ) ) );
		$data = $this->dispatch( 'GET', '/settings' )->get_data();
		$this->assertSame( 2, $data['streams_visitor'] );
		$this->assertSame( 2, $data['streams_ip'] );
		$this->assertSame( 3, $data['streams_site'] );
		$this->assertSame( 300, $data['limit_ip_day'] );
		$this->assertSame( 1000, $data['daily_message_cap'] );
		$this->assertSame( 1, $data['usage']['streams_running'], 'The screen shows the cap next to the answers running.' );

		$data = $this->dispatch(
			'POST',
			'/settings',
			array(
				'streams_site'      => 12,
				'streams_ip'        => 4,
				'streams_visitor'   => 0,
				'limit_ip_day'      => 1000,
				'daily_message_cap' => 0,
			)
		)->get_data();
		$this->assertSame( array( 0, 4, 12, 1000, 0 ), array( $data['streams_visitor'], $data['streams_ip'], $data['streams_site'], $data['limit_ip_day'], $data['daily_message_cap'] ) );
		$this->assertSame( 400, $this->dispatch( 'POST', '/settings', array( 'streams_site' => -1 ) )->get_status() );
		$held->release();
		$this->assertSame( 0, $this->dispatch( 'GET', '/settings' )->get_data()['usage']['streams_running'] );
	}

	/**
	 * The emulator under another name: the same server to the test, another origin to the plugin.
	 */
	private static function emulator_by_another_name(): string {
		return str_replace( '://127.0.0.1:', '://localhost:', self::emulator_url() );
	}

	public function test_a_base_url_on_another_server_takes_the_key_away_and_nothing_carries_it_there(): void {
		$this->require_emulator();
		$this->as_admin();
		$this->dispatch(
			'POST',
			'/settings',
			array(
				'base_url' => self::emulator_url(),
				'api_key'  => 'app-emulator',
			)
		);
		$this->assertSame( 'app-emulator', Settings::create()->api_key() );
		$since = $this->emulator_last_seq();

		// An administrator (or whoever has their session) points the base URL elsewhere.
		$moved = $this->dispatch( 'POST', '/settings', array( 'base_url' => self::emulator_by_another_name() ) );
		$this->assertSame( 200, $moved->get_status() );
		$data = $moved->get_data();
		$this->assertTrue( $data['key_removed'] );
		$this->assertFalse( $data['api_key']['saved'] );
		$this->assertFalse( $data['effective']['configured'] );
		$this->assertNull( Settings::create()->api_key() );

		// Nothing sends the old key there: not the connection test (whatever its body says), not a visitor.
		$test = $this->dispatch(
			'POST',
			'/settings/test',
			array(
				'base_url' => self::emulator_by_another_name(),
				'api_key'  => 'app-emulator',
			)
		);
		$this->assertSame( 'no_key', $test->get_data()['code'] );
		wp_set_current_user( 0 );
		$chat = $this->dispatch( 'POST', '/chat', array( 'query' => 'hello' ) );
		$this->assertSame( 'dify_chatbot_not_configured', $chat->get_data()['code'] );
		$this->assertSame( array(), $this->emulator_requests( $since, '/' ) );

		// Entering the key again with the new URL binds it there.
		$this->as_admin();
		$again = $this->dispatch(
			'POST',
			'/settings',
			array(
				'base_url' => self::emulator_by_another_name(),
				'api_key'  => 'app-emulator',
			)
		)->get_data();
		$this->assertFalse( $again['key_removed'] );
		$this->assertSame( Settings::create()->keys()->origin(), $again['api_key']['origin'] );
		$this->assertStringStartsWith( 'http://localhost:', $again['api_key']['origin'] );
		$this->assertTrue( $this->dispatch( 'POST', '/settings/test' )->get_data()['ok'] );
	}

	public function test_another_path_on_the_same_server_keeps_the_key(): void {
		$this->as_admin();
		$this->dispatch(
			'POST',
			'/settings',
			array(
				'base_url' => 'https://dify.example/v1',
				'api_key'  => self::KEY,
			)
		);
		$data = $this->dispatch( 'POST', '/settings', array( 'base_url' => 'https://dify.example/api/v1' ) )->get_data();
		$this->assertFalse( $data['key_removed'] );
		$this->assertTrue( $data['api_key']['saved'] );
		$this->assertSame( self::KEY, Settings::create()->api_key() );
	}

	public function test_the_connection_test_only_ever_uses_the_saved_settings(): void {
		$this->require_emulator();
		$this->as_admin();
		$this->dispatch(
			'POST',
			'/settings',
			array(
				'base_url' => self::emulator_url(),
				'api_key'  => 'app-emulator',
			)
		);
		$since = $this->emulator_last_seq();
		$data  = $this->dispatch( 'POST', '/settings/test', array( 'base_url' => self::emulator_by_another_name() ) )->get_data();
		$this->assertTrue( $data['ok'] );
		$hosts = array_unique( array_map( static fn( $r ) => $r['headers']['host'], $this->emulator_requests( $since, '/' ) ) );
		$this->assertSame( array( (string) wp_parse_url( self::emulator_url(), PHP_URL_HOST ) . ':' . wp_parse_url( self::emulator_url(), PHP_URL_PORT ) ), array_values( $hosts ) );
	}

	public function test_a_key_from_the_environment_locks_the_stored_base_url(): void {
		$this->as_admin();
		Settings::create()->option()->update( array( 'base_url' => 'https://dify.example/v1' ) );
		$this->set_environment( 'DIFY_CHATBOT_API_KEY', 'app-from-the-environment' );

		$data = $this->dispatch( 'GET', '/settings' )->get_data();
		$this->assertStringContainsString( 'DIFY_CHATBOT_BASE_URL', (string) $data['locks']['base_url'] );
		$this->assertFalse( $data['effective']['configured'] );

		$refused = $this->dispatch( 'POST', '/settings', array( 'base_url' => 'https://attacker.example/v1' ) );
		$this->assertSame( 403, $refused->get_status() );
		$this->assertSame( 'dify_chatbot_base_url_locked', $refused->get_data()['code'] );
		$this->assertStringContainsString( 'DIFY_CHATBOT_BASE_URL', $refused->get_data()['message'] );
		$this->assertSame( 'https://dify.example/v1', Settings::create()->option()->get()['base_url'] );
		$this->assertNull( Settings::create()->api_key() );

		// The same URL again, and the other settings, are no change of server.
		$same = $this->dispatch(
			'POST',
			'/settings',
			array(
				'base_url'      => 'https://dify.example/v1/',
				'response_mode' => 'blocking',
			)
		);
		$this->assertSame( 200, $same->get_status() );
		$this->assertSame( 'blocking', $same->get_data()['response_mode'] );

		// With the base URL set the same way as the key, the stored one is free (it is not in force).
		$this->set_environment( 'DIFY_CHATBOT_BASE_URL', 'https://env.example/v1' );
		$this->assertSame( 200, $this->dispatch( 'POST', '/settings', array( 'base_url' => 'https://other.example/v1' ) )->get_status() );
		$this->assertSame( 'app-from-the-environment', Settings::create()->api_key() );
	}

	public function test_the_connection_test_explains_a_key_that_needs_its_base_url(): void {
		$this->as_admin();
		$this->set_environment( 'DIFY_CHATBOT_API_KEY', 'app-from-the-environment' );
		$data = $this->dispatch( 'POST', '/settings/test' )->get_data();
		$this->assertSame( 'key_needs_url', $data['code'] );
		$this->assertStringContainsString( 'DIFY_CHATBOT_BASE_URL', $data['message'] );
	}

	public function test_no_key_is_stored_on_a_site_without_a_secret(): void {
		$this->as_admin();
		// What a site with missing or placeholder salts gives (tests/php/Settings/EncryptionTest.php).
		$settings   = new Settings( new Option(), new Key_Store( new Encryption( '' ) ) );
		$controller = new Settings_Controller( $settings );
		$request    = new WP_REST_Request( 'POST', '/dify-chatbot/v1/settings' );
		$request->set_param( 'api_key', self::KEY );
		$request->set_param( 'response_mode', 'blocking' );

		$refused = $controller->update_settings( $request );
		$this->assertInstanceOf( \WP_Error::class, $refused );
		$this->assertSame( 409, $refused->get_error_data()['status'] );
		$this->assertStringContainsString( 'DIFY_CHATBOT_ENCRYPTION_KEY', $refused->get_error_message() );
		$this->assertStringContainsString( 'salts', $refused->get_error_message() );
		$this->assertFalse( get_option( Key_Store::OPTION ) );
		// Nothing of the request was applied.
		$this->assertSame( 'streaming', ( new Option() )->get()['response_mode'] );

		$described = $controller->get_settings()->get_data();
		$this->assertFalse( $described['encryption']['ready'] );
		$this->assertStringContainsString( 'salts', $described['encryption']['message'] );
	}

	public function test_remote_files_are_off_until_the_owner_turns_them_on(): void {
		$this->as_admin();
		$this->assertFalse( $this->dispatch( 'GET', '/settings' )->get_data()['allow_remote_files'] );
		$on = $this->dispatch( 'POST', '/settings', array( 'allow_remote_files' => true ) );
		$this->assertSame( 200, $on->get_status() );
		$this->assertTrue( $on->get_data()['allow_remote_files'] );
		$this->assertTrue( ( new Option() )->get()['allow_remote_files'] );
		$this->assertSame( 400, $this->dispatch( 'POST', '/settings', array( 'allow_remote_files' => 'yes please' ) )->get_status() );
	}
}
