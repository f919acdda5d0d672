<?php
/**
 * The settings routes.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Rest;

use Dify_Chatbot\Security\Budget;
use Dify_Chatbot\Security\Counter_Store;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\TestCase;
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
			),
			$data['api_key']
		);
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
		( new Budget( new Counter_Store(), new Option() ) )->record( 321 );
		$data = $this->dispatch( 'GET', '/settings' )->get_data();
		$this->assertSame( 10, $data['limit_visitor_minute'] );
		$this->assertSame( 200, $data['limit_visitor_day'] );
		$this->assertSame( 30, $data['limit_ip_minute'] );
		$this->assertSame( array(), $data['trusted_proxies'] );
		$this->assertSame( 0, $data['daily_token_budget'] );
		$this->assertSame( 'everyone', $data['who_may_chat'] );
		$this->assertSame( array( 'tokens_today' => 321 ), $data['usage'] );

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
}
