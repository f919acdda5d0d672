<?php
/**
 * Who may chat and the rate limits on every visitor route besides the chat message, through the
 * real REST server.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Security;

use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\TestCase;
use WP_REST_Request;
use WP_REST_Response;

require_once dirname( __DIR__ ) . '/Support/Emulator.php';
require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';

final class Visitor_GuardTest extends TestCase {

	use Emulator;
	use Clean_Environment;

	private const MESSAGE = 'e0000000-0000-4000-8000-000000000001';

	protected function set_up() {
		parent::set_up();
		$this->clean_environment();
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		// No key: a request the guard lets through ends as 503 not configured, without Dify.
		Settings::create()->keys()->remove();
		$this->settings(
			array(
				'limit_visitor_minute' => 0,
				'limit_visitor_day'    => 0,
				'limit_ip_minute'      => 0,
			)
		);
	}

	protected function tear_down() {
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		$_SERVER['REMOTE_ADDR'] = '127.0.0.1';
		$this->restore_environment();
		parent::tear_down();
	}

	private function settings( array $values ): void {
		( new Option() )->update( $values );
	}

	/**
	 * The guarded visitor routes: name => request.
	 *
	 * @return array<string, WP_REST_Request>
	 */
	private function requests(): array {
		$feedback = new WP_REST_Request( 'POST', '/dify-chatbot/v1/messages/' . self::MESSAGE . '/feedback' );
		$feedback->set_header( 'Content-Type', 'application/json' );
		$feedback->set_body( '{"rating":"like"}' );
		return array(
			'stop'       => new WP_REST_Request( 'POST', '/dify-chatbot/v1/chat/task-1/stop' ),
			'parameters' => new WP_REST_Request( 'GET', '/dify-chatbot/v1/parameters' ),
			'feedback'   => $feedback,
			'suggested'  => new WP_REST_Request( 'GET', '/dify-chatbot/v1/messages/' . self::MESSAGE . '/suggested' ),
		);
	}

	/**
	 * Dispatches each guarded route; their statuses by name.
	 *
	 * @return array<string, int>
	 */
	private function statuses(): array {
		$statuses = array();
		foreach ( $this->requests() as $name => $request ) {
			$statuses[ $name ] = rest_get_server()->dispatch( $request )->get_status();
		}
		return $statuses;
	}

	public function test_every_route_of_the_namespace_has_a_guard(): void {
		$open = array();
		foreach ( rest_get_server()->get_routes( 'dify-chatbot/v1' ) as $route => $handlers ) {
			foreach ( $handlers as $handler ) {
				$callback = $handler['permission_callback'] ?? null;
				$methods  = implode( ',', array_keys( array_filter( $handler['methods'] ) ) );
				if ( '/dify-chatbot/v1/chat' === $route || '/dify-chatbot/v1' === $route ) {
					// The chat message checks who may chat, the budget and the limits in its callback (Chat_Guard).
					continue;
				}
				$guarded = is_array( $callback ) && ( 'Dify_Chatbot\Rest\Visitor_Permission' === $callback[0] || ( is_object( $callback[0] ) && 'check_permissions' === $callback[1] ) );
				if ( ! $guarded ) {
					$open[] = "$methods $route";
				}
			}
		}
		$this->assertSame( array(), $open, 'Visitor routes use Rest\Visitor_Permission::check or ::check_limited as permission_callback.' );
	}

	public function test_everyone_passes_the_guard_by_default(): void {
		$this->assertSame( array_fill_keys( array( 'stop', 'parameters', 'feedback', 'suggested' ), 503 ), $this->statuses() );
	}

	public function test_logged_in_only_refuses_anonymous_visitors_with_401(): void {
		$this->settings( array( 'who_may_chat' => 'logged_in' ) );
		foreach ( $this->requests() as $name => $request ) {
			$response = rest_get_server()->dispatch( $request );
			$this->assertSame( 401, $response->get_status(), $name );
			$this->assertSame( 'dify_chatbot_login_required', $response->get_data()['code'], $name );
		}
		wp_set_current_user( $this->make_user( 'subscriber' ) );
		$this->assertSame( array_fill_keys( array( 'stop', 'parameters', 'feedback', 'suggested' ), 503 ), $this->statuses() );
	}

	public function test_a_capability_refuses_other_accounts_with_403(): void {
		$this->settings( array( 'who_may_chat' => 'edit_posts' ) );
		wp_set_current_user( $this->make_user( 'subscriber' ) );
		$this->assertSame( array_fill_keys( array( 'stop', 'parameters', 'feedback', 'suggested' ), 403 ), $this->statuses() );
		wp_set_current_user( $this->make_user( 'editor' ) );
		$this->assertSame( array_fill_keys( array( 'stop', 'parameters', 'feedback', 'suggested' ), 503 ), $this->statuses() );
	}

	public function test_the_can_chat_filter_has_the_last_word(): void {
		add_filter( 'dify_chatbot_can_chat', '__return_false' );
		$statuses = $this->statuses();
		remove_filter( 'dify_chatbot_can_chat', '__return_false' );
		$this->assertSame( array_fill_keys( array( 'stop', 'parameters', 'feedback', 'suggested' ), 401 ), $statuses );
	}

	public function test_feedback_and_follow_ups_share_a_bucket_three_times_the_message_limit(): void {
		$this->start_in_a_fresh_minute();
		$this->settings( array( 'limit_visitor_minute' => 1 ) );
		$requests = $this->requests();
		$this->assertSame( 503, rest_get_server()->dispatch( $requests['feedback'] )->get_status() );
		$this->assertSame( 503, rest_get_server()->dispatch( $requests['suggested'] )->get_status() );
		$this->assertSame( 503, rest_get_server()->dispatch( $requests['feedback'] )->get_status() );

		$response = rest_get_server()->dispatch( $requests['suggested'] );
		$this->assertSame( 429, $response->get_status() );
		$this->assertSame( 'dify_chatbot_rate_limited', $response->get_data()['code'] );
		$retry = (int) $response->get_headers()['Retry-After'];
		$this->assertGreaterThanOrEqual( 1, $retry );
		$this->assertLessThanOrEqual( 60, $retry );

		// Stop and parameters cost nothing upstream: not limited.
		$this->assertSame( 503, rest_get_server()->dispatch( $requests['stop'] )->get_status() );
		$this->assertSame( 503, rest_get_server()->dispatch( $requests['parameters'] )->get_status() );
		// Another visitor has their own count.
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		$this->assertSame( 503, rest_get_server()->dispatch( $requests['feedback'] )->get_status() );
	}

	public function test_the_action_bucket_does_not_use_up_chat_messages(): void {
		$this->start_in_a_fresh_minute();
		$this->require_emulator();
		$settings = Settings::create();
		$settings->option()->update(
			array(
				'base_url'             => self::emulator_url(),
				'limit_visitor_minute' => 1,
			)
		);
		$settings->keys()->save( 'app-emulator' );
		for ( $i = 0; $i < 3; $i++ ) {
			rest_get_server()->dispatch( $this->requests()['feedback'] );
		}
		$this->assertSame( 429, rest_get_server()->dispatch( $this->requests()['feedback'] )->get_status() );

		$chat = new WP_REST_Request( 'POST', '/dify-chatbot/v1/chat' );
		$chat->set_header( 'Content-Type', 'application/json' );
		$chat->set_body( '{"query":"Hi #delay:0"}' );
		$response = rest_get_server()->dispatch( $chat );
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
	}

	public function test_a_refused_request_never_reaches_dify(): void {
		$this->require_emulator();
		$settings = Settings::create();
		$settings->option()->update(
			array(
				'base_url'     => self::emulator_url(),
				'who_may_chat' => 'logged_in',
			)
		);
		// A key of this test only (not cached, and its requests are findable in the shared record).
		$key = 'app-guard-' . strtolower( wp_generate_password( 12, false ) );
		$settings->keys()->save( $key );
		$since = $this->emulator_last_seq();
		$this->assertSame( array_fill_keys( array( 'stop', 'parameters', 'feedback', 'suggested' ), 401 ), $this->statuses() );
		$mine = array_filter(
			$this->emulator_requests( $since, '/' ),
			static function ( $r ) use ( $key ) {
				return false !== strpos( (string) ( $r['headers']['authorization'] ?? '' ), $key );
			}
		);
		$this->assertSame( array(), $mine );
	}
}
