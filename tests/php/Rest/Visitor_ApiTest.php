<?php
/**
 * What every visitor route shares: its registration behind the guard, the configured client,
 * the visitor's user.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Rest;

use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Security\Visitor_Guard;
use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\Support\Tls_Server;
use Dify_Chatbot\Tests\Support\Visitor_Routes;
use Dify_Chatbot\Tests\TestCase;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

require_once dirname( __DIR__ ) . '/Support/Emulator.php';
require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';
require_once dirname( __DIR__ ) . '/Support/Tls_Server.php';
require_once dirname( __DIR__ ) . '/Support/Visitor_Routes.php';

final class Visitor_ApiTest extends TestCase {

	use Emulator;
	use Clean_Environment;
	use Tls_Server;
	use Visitor_Routes;

	/**
	 * The HTTPS front of the emulator (https://127.0.0.1:PORT).
	 *
	 * @var string
	 */
	private static $https = '';

	public static function set_up_before_class() {
		parent::set_up_before_class();
		self::$https = self::start_tls_proxy( self::emulator_origin() );
	}

	public static function tear_down_after_class() {
		self::stop_tls_servers();
		parent::tear_down_after_class();
	}

	protected function set_up() {
		parent::set_up();
		$this->clean_environment();
		$this->require_emulator();
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		Settings::create()->keys()->remove();
	}

	protected function tear_down() {
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		$this->restore_environment();
		parent::tear_down();
	}

	private function request(): WP_REST_Request {
		return new WP_REST_Request( 'POST', '/dify-chatbot/v1/chat' );
	}

	public function test_without_a_key_there_is_no_client(): void {
		$client = self::visitor_api()->client( $this->request() );
		$this->assertInstanceOf( \WP_Error::class, $client );
		$this->assertSame( Error_Mapper::NOT_CONFIGURED, $client->get_error_code() );
	}

	public function test_the_client_talks_to_the_configured_app(): void {
		$settings = Settings::create();
		$settings->option()->update( array( 'base_url' => self::emulator_url() ) );
		$settings->keys()->save( 'app-emulator-workflow' );
		$client = self::visitor_api()->client( $this->request() );
		$this->assertInstanceOf( Client::class, $client );
		$this->assertSame( self::emulator_url(), $client->base_url() );
		$this->assertSame( 'workflow', $client->info()->json()['mode'] );
	}

	public function test_the_client_checks_tls_with_the_sites_ca_bundle(): void {
		update_option( Option::NAME, array_merge( Option::defaults(), array( 'base_url' => self::$https . '/v1' ) ) );
		// Entered with that base URL (a key leaves with the server it was entered for).
		Settings::create()->save_key( 'app-emulator' );
		$client = self::visitor_api()->client( $this->request() );
		$this->assertInstanceOf( \WP_Error::class, $client->info(), 'Without the bundle the self-signed server is refused.' );

		update_option(
			Option::NAME,
			array_merge(
				Option::defaults(),
				array(
					'base_url'  => self::$https . '/v1',
					'ca_bundle' => self::tls_certificate(),
				)
			)
		);
		$client = self::visitor_api()->client( $this->request() );
		$this->assertSame( 200, $client->info()->status() );

		$this->set_environment( 'DIFY_CHATBOT_CA_BUNDLE', '/nonexistent/ca.pem' );
		$client = self::visitor_api()->client( $this->request() );
		$this->assertInstanceOf( \WP_Error::class, $client->info(), 'The override wins over the stored path.' );
	}

	public function test_the_user_is_derived_on_the_server(): void {
		$cookies = array();
		$api     = self::visitor_api(
			new Visitor_Identity(
				static function ( $name, $value ) use ( &$cookies ) {
					$cookies[ $name ] = $value;
				}
			)
		);
		$user    = $api->user();
		$this->assertMatchesRegularExpression( '/^visitor-[0-9a-f]{32}$/', $user );
		$this->assertArrayHasKey( Visitor_Identity::COOKIE, $cookies );
		$this->assertSame( $user, $api->user(), 'The same visitor within a request.' );

		wp_set_current_user( $this->make_user( 'subscriber' ) );
		$this->assertSame( 'wp-user-' . get_current_user_id() . '-' . Visitor_Identity::site_part(), $api->user() );
	}

	public function test_a_route_is_registered_in_the_namespace_behind_the_guard_of_its_kind(): void {
		$api = self::visitor_api();
		add_action(
			'rest_api_init',
			static function () use ( $api ) {
				$api->route(
					'/phpunit-visitor-route',
					WP_REST_Server::READABLE,
					static function () {
						return new WP_REST_Response( array( 'ok' => true ), 200 );
					},
					Visitor_Guard::ACTION
				);
			}
		);
		$GLOBALS['wp_rest_server'] = null;
		$routes                    = rest_get_server()->get_routes( 'dify-chatbot/v1' );
		$this->assertArrayHasKey( '/dify-chatbot/v1/phpunit-visitor-route', $routes );
		$callback = $routes['/dify-chatbot/v1/phpunit-visitor-route'][0]['permission_callback'];
		$this->assertInstanceOf( Visitor_Guard::class, $callback[0] );
		$this->assertSame( Visitor_Guard::ACTION, $callback[1] );

		$this->assertSame( 200, rest_get_server()->dispatch( new WP_REST_Request( 'GET', '/dify-chatbot/v1/phpunit-visitor-route' ) )->get_status() );
		( new Option() )->update( array( 'who_may_chat' => 'logged_in' ) );
		$refused = rest_get_server()->dispatch( new WP_REST_Request( 'GET', '/dify-chatbot/v1/phpunit-visitor-route' ) );
		$this->assertSame( 401, $refused->get_status() );
		$this->assertSame( 'dify_chatbot_login_required', $refused->get_data()['code'] );
	}
}
