<?php
/**
 * Oversized bodies are refused before anything reaches Dify.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Security;

use Dify_Chatbot\Security\Body_Limit;
use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\TestCase;
use WP_REST_Request;
use WP_REST_Response;

require_once dirname( __DIR__ ) . '/Support/Emulator.php';
require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';

final class Body_LimitTest extends TestCase {

	use Emulator;
	use Clean_Environment;

	protected function set_up() {
		parent::set_up();
		$this->clean_environment();
		$this->require_emulator();
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		$settings = Settings::create();
		$settings->option()->update(
			array(
				'base_url'             => self::emulator_url(),
				'limit_visitor_minute' => 0,
				'limit_visitor_day'    => 0,
				'limit_ip_minute'      => 0,
			)
		);
		$settings->keys()->save( 'app-emulator' );
	}

	protected function tear_down() {
		remove_all_filters( 'dify_chatbot_max_body_bytes' );
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		$this->restore_environment();
		parent::tear_down();
	}

	/**
	 * A chat message whose body is $bytes long (padding in a field the route ignores).
	 *
	 * @param int    $bytes Body size.
	 * @param string $route Route below the namespace.
	 */
	private function chat( int $bytes, string $route = '/dify-chatbot/v1/chat' ): WP_REST_Response {
		$body = (string) wp_json_encode(
			array(
				'query'   => 'body limit #delay:1',
				'padding' => '',
			)
		);
		$body = str_replace( '"padding":""', '"padding":"' . str_repeat( 'x', max( 0, $bytes - strlen( $body ) ) ) . '"', $body );
		$this->assertSame( $bytes, strlen( $body ) );
		$request = new WP_REST_Request( 'POST', $route );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( $body );
		return rest_get_server()->dispatch( $request );
	}

	public function test_a_body_over_the_limit_is_413_and_never_reaches_dify(): void {
		$since    = $this->emulator_last_seq();
		$response = $this->chat( Body_Limit::MAX_BYTES + 1 );

		$this->assertSame( 413, $response->get_status() );
		$this->assertSame( 'dify_chatbot_body_too_large', $response->get_data()['code'] );
		$this->assertStringContainsString( 'At most 64 KB can be sent', $response->get_data()['message'] );
		$this->assertSame( array(), $this->emulator_requests( $since, '/v1/' ) );
	}

	public function test_a_body_at_the_limit_is_relayed(): void {
		$since    = $this->emulator_last_seq();
		$response = $this->chat( Body_Limit::MAX_BYTES );

		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$this->assertCount( 1, $this->emulator_requests( $since, '/chat-messages' ) );
	}

	public function test_the_route_is_matched_case_insensitively_like_the_rest_server_does(): void {
		$since    = $this->emulator_last_seq();
		$response = $this->chat( Body_Limit::MAX_BYTES + 1, '/DIFY-Chatbot/v1/chat' );
		$this->assertSame( 413, $response->get_status() );
		$this->assertSame( array(), $this->emulator_requests( $since, '/v1/' ) );
	}

	public function test_a_declared_length_over_the_limit_is_refused(): void {
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/chat' );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_header( 'Content-Length', (string) ( 10 * Body_Limit::MAX_BYTES ) );
		$request->set_body( '{"query":"hi"}' );
		$this->assertSame( 413, rest_get_server()->dispatch( $request )->get_status() );
	}

	public function test_the_limit_is_filterable(): void {
		add_filter(
			'dify_chatbot_max_body_bytes',
			static function ( $bytes, $request ) {
				return $request instanceof WP_REST_Request ? 1024 : $bytes;
			},
			10,
			2
		);
		$this->assertSame( 413, $this->chat( 1025 )->get_status() );
		$this->assertStringContainsString( 'At most 1 KB', $this->chat( 1025 )->get_data()['message'] );
		$this->assertSame( 200, $this->chat( 1024 )->get_status() );

		add_filter( 'dify_chatbot_max_body_bytes', '__return_zero', 20 );
		$this->assertSame( 200, $this->chat( 2048 )->get_status(), 'Nonsense from the filter falls back to the default.' );
	}

	public function test_the_settings_route_is_limited_too(): void {
		wp_set_current_user( $this->make_user( 'administrator' ) );
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/settings' );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( (string) wp_json_encode( array( 'api_key' => str_repeat( 'k', Body_Limit::MAX_BYTES ) ) ) );
		$this->assertSame( 413, rest_get_server()->dispatch( $request )->get_status() );
		$this->assertSame( 'app-emulator', Settings::create()->api_key() );
	}

	public function test_multipart_bodies_and_other_namespaces_are_not_limited_here(): void {
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/chat' );
		$request->set_header( 'Content-Type', 'multipart/form-data; boundary=----x' );
		$request->set_body( str_repeat( 'x', 2 * Body_Limit::MAX_BYTES ) );
		$this->assertNotSame( 413, rest_get_server()->dispatch( $request )->get_status() );

		$other = new WP_REST_Request( 'POST', '/wp/v2/posts' );
		$other->set_header( 'Content-Type', 'application/json' );
		$other->set_body( (string) wp_json_encode( array( 'title' => str_repeat( 'x', 2 * Body_Limit::MAX_BYTES ) ) ) );
		$this->assertSame( 401, rest_get_server()->dispatch( $other )->get_status() );
	}
}
