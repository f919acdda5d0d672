<?php
/**
 * Cross-site requests and method overrides, on every visitor route through the real REST server,
 * with the site pointed at the emulator: a refused request gets a readable 403 and nothing
 * reaches Dify. And CORS: only the site's own origins and the filtered ones get credentials.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Security;

use Dify_Chatbot\Security\Cross_Site;
use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\Support\Visitor_Requests;
use Dify_Chatbot\Tests\TestCase;
use WP_REST_Request;

require_once dirname( __DIR__ ) . '/Support/Emulator.php';
require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';
require_once dirname( __DIR__ ) . '/Support/Visitor_Requests.php';

final class Cross_SiteTest extends TestCase {

	use Emulator;
	use Clean_Environment;
	use Visitor_Requests;

	protected function set_up() {
		parent::set_up();
		$this->clean_environment();
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		$this->require_emulator();
		$settings = Settings::create();
		$settings->option()->update(
			array(
				'base_url'             => self::emulator_url(),
				'limit_visitor_minute' => 0,
				'limit_visitor_day'    => 0,
				'limit_ip_minute'      => 0,
				'who_may_chat'         => 'everyone',
			)
		);
		$settings->keys()->save( 'app-emulator' );
	}

	protected function tear_down() {
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		$_SERVER['REQUEST_METHOD'] = 'GET';
		remove_all_filters( Cross_Site::FILTER );
		$this->restore_environment();
		parent::tear_down();
	}

	/**
	 * Sends each visitor request after $prepare; asserts each is refused with $code and nothing
	 * reaches the emulator.
	 *
	 * @param callable(WP_REST_Request): void $prepare Makes the request hostile.
	 * @param string                          $code    The expected refusal.
	 */
	private function assert_all_refused( callable $prepare, string $code ): void {
		$requests = self::visitor_requests();
		$this->assertGreaterThanOrEqual( 11, count( $requests ), 'Every visitor route is tried.' );
		$since  = $this->emulator_last_seq();
		$wrong  = array();
		$reason = '';
		foreach ( $requests as $name => $request ) {
			$prepare( $request );
			$response = rest_get_server()->dispatch( $request );
			$data     = $response->get_data();
			if ( 403 !== $response->get_status() || ! is_array( $data ) || ( $data['code'] ?? '' ) !== $code ) {
				$wrong[] = $name . ' → ' . $response->get_status() . ' ' . wp_json_encode( $data );
			}
			$reason = is_array( $data ) ? (string) ( $data['message'] ?? '' ) : '';
		}
		$this->assertSame( array(), $wrong );
		$this->assertStringContainsString( 'Please use the chat on the site\'s own pages.', $reason );
		$this->assertSame( array(), $this->emulator_requests( $since, '/' ), 'A refused request must not reach Dify.' );
	}

	public function test_a_foreign_origin_is_refused_on_every_visitor_route(): void {
		$this->assert_all_refused(
			static function ( WP_REST_Request $request ): void {
				$request->set_header( 'Origin', 'https://evil.example' );
				$request->set_header( 'Sec-Fetch-Site', 'cross-site' );
			},
			Cross_Site::CODE
		);
	}

	public function test_a_sibling_subdomain_is_refused(): void {
		$this->assert_all_refused(
			static function ( WP_REST_Request $request ): void {
				$request->set_header( 'Origin', 'http://evil.example.org' );
				$request->set_header( 'Sec-Fetch-Site', 'same-site' );
			},
			Cross_Site::CODE
		);
	}

	public function test_an_origin_alone_is_enough_to_refuse(): void {
		$this->assert_all_refused(
			static function ( WP_REST_Request $request ): void {
				$request->set_header( 'Origin', 'http://example.org:8080' );
			},
			Cross_Site::CODE
		);
	}

	public function test_the_null_origin_is_refused(): void {
		$this->assert_all_refused(
			static function ( WP_REST_Request $request ): void {
				$request->set_header( 'Origin', 'null' );
			},
			Cross_Site::CODE
		);
	}

	public function test_a_cross_site_request_without_an_origin_is_refused(): void {
		// A top-level link from another site: the Lax cookie travels, no Origin is sent.
		$this->assert_all_refused(
			static function ( WP_REST_Request $request ): void {
				$request->set_header( 'Sec-Fetch-Site', 'cross-site' );
			},
			Cross_Site::CODE
		);
	}

	public function test_a_method_override_is_refused_on_every_visitor_route(): void {
		// WordPress turns `GET …?_method=POST` into a POST: a cross-site link that sends a message.
		$this->assert_all_refused(
			static function ( WP_REST_Request $request ): void {
				$_SERVER['REQUEST_METHOD'] = 'GET' === $request->get_method() ? 'POST' : 'GET';
				$request->set_query_params( array( '_method' => $request->get_method() ) + $request->get_query_params() );
			},
			Cross_Site::METHOD
		);
	}

	public function test_a_method_override_header_is_refused_on_every_visitor_route(): void {
		$this->assert_all_refused(
			static function ( WP_REST_Request $request ): void {
				$_SERVER['REQUEST_METHOD'] = 'GET' === $request->get_method() ? 'POST' : 'GET';
				$request->set_header( 'X-HTTP-Method-Override', $request->get_method() );
			},
			Cross_Site::METHOD
		);
	}

	public function test_the_site_s_own_pages_and_plain_clients_go_on(): void {
		$cases = array(
			'same-origin fetch'    => array(
				'Origin'         => 'http://example.org',
				'Sec-Fetch-Site' => 'same-origin',
			),
			'own origin, upper'    => array( 'Origin' => 'HTTP://EXAMPLE.ORG:80' ),
			'same-origin only'     => array( 'Sec-Fetch-Site' => 'same-origin' ),
			'typed by the visitor' => array( 'Sec-Fetch-Site' => 'none' ),
			'no browser headers'   => array(),
		);
		$guard = new Cross_Site( 'dify-chatbot/v1' );
		foreach ( $cases as $name => $headers ) {
			$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/chat' );
			$request->set_headers( $headers );
			$this->assertNull( $guard->check( $request ), $name );
		}
		// An override to the method the request really came with changes nothing.
		$_SERVER['REQUEST_METHOD'] = 'POST';
		$request                   = new WP_REST_Request( 'POST', '/dify-chatbot/v1/chat' );
		$request->set_query_params( array( '_method' => 'POST' ) );
		$this->assertNull( $guard->check( $request ) );
	}

	public function test_a_same_origin_request_reaches_dify(): void {
		$since   = $this->emulator_last_seq();
		$request = new WP_REST_Request( 'GET', '/dify-chatbot/v1/parameters' );
		$request->set_header( 'Origin', 'http://example.org' );
		$request->set_header( 'Sec-Fetch-Site', 'same-origin' );
		$this->assertSame( 200, rest_get_server()->dispatch( $request )->get_status() );
		$this->assertNotEmpty( $this->emulator_requests( $since, '/parameters' ) );
	}

	public function test_the_filter_allows_more_origins(): void {
		$guard   = new Cross_Site( 'dify-chatbot/v1' );
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/chat' );
		$request->set_header( 'Origin', 'https://shop.example.com' );
		$request->set_header( 'Sec-Fetch-Site', 'cross-site' );
		$this->assertSame( Cross_Site::CODE, $guard->check( $request )->get_error_code() );
		$this->assertSame( array(), $guard->cors_headers( $request ) );

		add_filter(
			Cross_Site::FILTER,
			static function ( $origins ) {
				$origins[] = 'https://SHOP.example.com:443/ignored/path';
				$origins[] = 'not an origin';
				$origins[] = 42;
				return $origins;
			}
		);
		$this->assertNull( $guard->check( $request ) );
		$this->assertSame(
			array(
				'Access-Control-Allow-Origin'      => 'https://shop.example.com',
				'Access-Control-Allow-Methods'     => 'OPTIONS, GET, POST, DELETE',
				'Access-Control-Allow-Credentials' => 'true',
			),
			$guard->cors_headers( $request )
		);
		$request->set_header( 'Origin', 'https://other.example.com' );
		$this->assertSame( Cross_Site::CODE, $guard->check( $request )->get_error_code(), 'Only the listed origin.' );
	}

	public function test_only_allowed_origins_get_cors_headers(): void {
		$guard   = new Cross_Site( 'dify-chatbot/v1' );
		$request = new WP_REST_Request( 'GET', '/dify-chatbot/v1/conversations' );
		foreach ( array( 'https://evil.example', 'http://evil.example.org', 'null', 'http://example.org.evil.example', '' ) as $origin ) {
			$request->set_header( 'Origin', $origin );
			$this->assertSame( array(), $guard->cors_headers( $request ), $origin );
		}
		$request->set_header( 'Origin', 'http://example.org' );
		$this->assertSame( 'http://example.org', $guard->cors_headers( $request )['Access-Control-Allow-Origin'] );
	}

	public function test_core_s_echo_of_any_origin_is_off_for_the_namespace_only(): void {
		$guard = new Cross_Site( 'dify-chatbot/v1' );
		$this->assertNotFalse( has_filter( 'rest_pre_serve_request', 'rest_send_cors_headers' ) );
		$guard->cors( null, rest_get_server(), new WP_REST_Request( 'GET', '/wp/v2/posts' ) );
		$this->assertNotFalse( has_filter( 'rest_pre_serve_request', 'rest_send_cors_headers' ), 'Other namespaces keep core\'s CORS.' );
		$guard->cors( null, rest_get_server(), new WP_REST_Request( 'GET', '/Dify-Chatbot/v1/conversations' ) );
		$this->assertFalse( has_filter( 'rest_pre_serve_request', 'rest_send_cors_headers' ) );
		add_filter( 'rest_pre_serve_request', 'rest_send_cors_headers' );
	}

	public function test_a_malformed_method_override_is_dropped_for_the_namespace_only(): void {
		// phpcs:disable WordPress.Security.NonceVerification, WordPress.Security.ValidatedSanitizedInput -- the test's own $_GET.
		global $wp;
		$guard = new Cross_Site( 'dify-chatbot/v1' );
		$saved = $wp->query_vars;
		try {
			$_GET['_method']              = array( 'POST' );
			$wp->query_vars['rest_route'] = '/wp/v2/posts';
			$guard->drop_malformed_override();
			$this->assertSame( array( 'POST' ), $_GET['_method'], 'Other namespaces are core\'s business.' );
			$wp->query_vars['rest_route'] = '/Dify-Chatbot/v1/chat/';
			$guard->drop_malformed_override();
			$this->assertArrayNotHasKey( '_method', $_GET );
			$_GET['_method'] = 'POST';
			$guard->drop_malformed_override();
			$this->assertSame( 'POST', $_GET['_method'], 'A string is left for the override check.' );
		} finally {
			unset( $_GET['_method'] );
			$wp->query_vars = $saved;
		}
		// phpcs:enable
	}

	public function test_origins_are_normalised(): void {
		$this->assertSame( 'https://a.example', Cross_Site::origin_of( 'HTTPS://A.Example:443/x?y' ) );
		$this->assertSame( 'http://a.example:8080', Cross_Site::origin_of( 'http://a.example:8080' ) );
		$this->assertNull( Cross_Site::origin_of( 'null' ) );
		$this->assertNull( Cross_Site::origin_of( 'file:///etc/passwd' ) );
		$this->assertNull( Cross_Site::origin_of( '' ) );
	}
}
