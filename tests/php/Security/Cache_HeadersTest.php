<?php
/**
 * Every answer of the namespace is private: success, upstream error, refusal and bad input,
 * through the real REST server against the emulator. (That a real caching proxy then keeps
 * nothing is proved by bin/stacks/test-cache.sh.)
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Security;

use Dify_Chatbot\Security\Cache_Headers;
use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\TestCase;
use WP_REST_Request;
use WP_REST_Response;

require_once dirname( __DIR__ ) . '/Support/Emulator.php';
require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';

final class Cache_HeadersTest extends TestCase {

	use Emulator;
	use Clean_Environment;

	private const UUID = 'e0000000-0000-4000-8000-000000000001';

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
		$this->restore_environment();
		parent::tear_down();
	}

	private function assert_private( WP_REST_Response $response, string $name ): void {
		$headers = $response->get_headers();
		$this->assertSame( 'private, no-store', $headers['Cache-Control'] ?? null, $name );
		$this->assertSame( 'Origin, Cookie', $headers['Vary'] ?? null, $name );
	}

	private function dispatch( string $method, string $path, ?array $body = null, array $headers = array() ): WP_REST_Response {
		$request = new WP_REST_Request( $method, $path );
		$request->set_headers( $headers );
		if ( null !== $body ) {
			$request->set_header( 'Content-Type', 'application/json' );
			$request->set_body( (string) wp_json_encode( $body ) );
		}
		return rest_get_server()->dispatch( $request );
	}

	public function test_every_kind_of_answer_is_private(): void {
		$answers = array(
			'the conversation list'    => array( 200, $this->dispatch( 'GET', '/dify-chatbot/v1/conversations' ) ),
			'a blocking chat answer'   => array( 200, $this->dispatch( 'POST', '/dify-chatbot/v1/chat', array( 'query' => 'Hi #delay:0' ) ) ),
			'the parameters'           => array( 200, $this->dispatch( 'GET', '/dify-chatbot/v1/parameters' ) ),
			'an upstream 404'          => array( 404, $this->dispatch( 'GET', '/dify-chatbot/v1/conversations/' . self::UUID . '/messages' ) ),
			'bad input'                => array( 400, $this->dispatch( 'POST', '/dify-chatbot/v1/chat', array( 'query' => '' ) ) ),
			'a cross-site refusal'     => array( 403, $this->dispatch( 'GET', '/dify-chatbot/v1/conversations', null, array( 'Origin' => 'https://evil.example' ) ) ),
			'audio with its own cache' => array( 200, $this->dispatch( 'POST', '/dify-chatbot/v1/text-to-audio', array( 'text' => 'Hello.' ) ) ),
		);
		foreach ( $answers as $name => list( $status, $response ) ) {
			$this->assertSame( $status, $response->get_status(), $name );
			$this->assert_private( $response, $name );
		}
	}

	public function test_a_logged_in_user_s_answers_are_private_too(): void {
		wp_set_current_user( $this->make_user( 'subscriber' ) );
		$this->assert_private( $this->dispatch( 'GET', '/dify-chatbot/v1/conversations' ), 'list' );
	}

	public function test_other_namespaces_are_left_alone(): void {
		$response = ( new Cache_Headers( 'dify-chatbot/v1' ) )->mark( new WP_REST_Response( array() ), array(), new WP_REST_Request( 'GET', '/wp/v2/posts' ) );
		$this->assertSame( array(), $response->get_headers() );
	}
}
