<?php
/**
 * The checks before a chat message reaches Dify, through the real chat route.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Security;

use Dify_Chatbot\Dify\App\App_Info;
use Dify_Chatbot\Dify\App\App_Parameters;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Rest\Chat_Route;
use Dify_Chatbot\Security\Budget;
use Dify_Chatbot\Security\Counter_Store;
use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\Support\Memory_Writer;
use Dify_Chatbot\Tests\TestCase;
use WP_REST_Request;
use WP_REST_Response;

require_once dirname( __DIR__ ) . '/Support/Emulator.php';
require_once dirname( __DIR__ ) . '/Support/Memory_Writer.php';
require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';

final class Chat_GuardTest extends TestCase {

	use Emulator;
	use Clean_Environment;

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
			)
		);
		$settings->keys()->save( 'app-emulator' );
	}

	protected function tear_down() {
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		$_SERVER['REMOTE_ADDR'] = '127.0.0.1';
		unset( $_SERVER['HTTP_X_FORWARDED_FOR'] );
		$this->restore_environment();
		parent::tear_down();
	}

	private function limits( array $values ): void {
		( new Option() )->update( $values );
	}

	private function chat( string $query = 'Hi #delay:1' ): WP_REST_Response {
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/chat' );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( (string) wp_json_encode( array( 'query' => $query ) ) );
		return rest_get_server()->dispatch( $request );
	}

	/**
	 * Asserts that nothing reached the emulator since $since.
	 */
	private function assertNothingUpstream( int $since ): void {
		$this->assertSame( array(), $this->emulator_requests( $since, '/' ), 'A refused message must not reach Dify.' );
	}

	public function test_the_visitor_limit_is_429_with_retry_after_before_any_upstream_call(): void {
		$this->start_in_a_fresh_minute();
		$this->limits( array( 'limit_visitor_minute' => 2 ) );
		$this->assertSame( 200, $this->chat()->get_status() );
		$this->assertSame( 200, $this->chat()->get_status() );

		$since    = $this->emulator_last_seq();
		$response = $this->chat();
		$this->assertSame( 429, $response->get_status() );
		$this->assertSame( 'dify_chatbot_rate_limited', $response->get_data()['code'] );
		$this->assertStringContainsString( 'too quickly', $response->get_data()['message'] );
		$retry = (int) $response->get_headers()['Retry-After'];
		$this->assertGreaterThanOrEqual( 1, $retry );
		$this->assertLessThanOrEqual( 60, $retry );
		$this->assertNothingUpstream( $since );

		// Another visitor (no cookie) is not limited by the first one's count.
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		$this->assertSame( 200, $this->chat()->get_status() );
	}

	public function test_the_ip_limit_counts_the_right_address(): void {
		$this->start_in_a_fresh_minute();
		$this->limits( array( 'limit_ip_minute' => 1 ) );
		$_SERVER['REMOTE_ADDR']          = '10.0.0.5';
		$_SERVER['HTTP_X_FORWARDED_FOR'] = '203.0.113.7';
		$this->assertSame( 200, $this->chat()->get_status() );
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		$_SERVER['HTTP_X_FORWARDED_FOR'] = '203.0.113.8';
		$this->assertSame( 429, $this->chat()->get_status(), 'Without trusted proxies, X-Forwarded-For is ignored.' );

		$this->limits( array( 'trusted_proxies' => array( '10.0.0.5' ) ) );
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		$this->assertSame( 200, $this->chat()->get_status(), 'Behind a trusted proxy each client counts on its own.' );
	}

	public function test_a_spent_budget_is_503_until_tomorrow_before_any_upstream_call(): void {
		$budget = new Budget( new Counter_Store(), new Option() );
		$this->limits( array( 'daily_token_budget' => 100 ) );
		$budget->record( 100 );

		$since    = $this->emulator_last_seq();
		$response = $this->chat();
		$this->assertSame( 503, $response->get_status() );
		$this->assertSame( 'dify_chatbot_budget_spent', $response->get_data()['code'] );
		$this->assertSame( (string) ( Budget::day_end( time() ) - time() ), $response->get_headers()['Retry-After'] );
		$this->assertNothingUpstream( $since );
	}

	public function test_a_blocking_answer_is_counted_in_the_budget(): void {
		$budget   = new Budget( new Counter_Store(), new Option() );
		$response = $this->chat();
		$this->assertSame( 200, $response->get_status() );
		$tokens = $response->get_data()['metadata']['usage']['total_tokens'];
		$this->assertGreaterThan( 0, $tokens );
		$this->assertSame( $tokens, $budget->used_today() );
	}

	public function test_who_may_chat_refuses_before_any_upstream_call(): void {
		$this->limits( array( 'who_may_chat' => 'logged_in' ) );
		$since    = $this->emulator_last_seq();
		$response = $this->chat();
		$this->assertSame( 401, $response->get_status() );
		$this->assertSame( 'dify_chatbot_login_required', $response->get_data()['code'] );
		$this->limits( array( 'who_may_chat' => 'edit_posts' ) );
		wp_set_current_user( $this->make_user( 'subscriber' ) );
		$this->assertSame( 403, $this->chat()->get_status() );
		$this->assertNothingUpstream( $since );

		wp_set_current_user( $this->make_user( 'editor' ) );
		$this->assertSame( 200, $this->chat()->get_status() );
	}

	public function test_a_refused_stream_is_a_plain_json_error(): void {
		$this->start_in_a_fresh_minute();
		$this->limits( array( 'limit_visitor_minute' => 1 ) );
		$writer  = new Memory_Writer();
		$errors  = new Error_Mapper();
		$ended   = false;
		$route   = new Chat_Route(
			Settings::create(),
			new Visitor_Identity( static function () {} ),
			$errors,
			new App_Info( $errors ),
			new App_Parameters( $errors ),
			static function () use ( $writer ) {
				return $writer;
			},
			static function () use ( &$ended ) {
				$ended = true;
			}
		);
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/chat' );
		$request->set_header( 'Accept', 'text/event-stream' );
		$request->set_param( 'query', 'Hi #delay:1' );
		$request->set_param( 'inputs', array() );
		$route->chat( $request );
		$this->assertSame( 'message_end', $writer->names()[ count( $writer->names() ) - 1 ] );

		$response = $route->chat( $request );
		$this->assertSame( 429, $response->get_status() );
		$this->assertArrayHasKey( 'Retry-After', $response->get_headers() );
	}
}
