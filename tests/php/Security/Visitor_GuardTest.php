<?php
/**
 * The permission callbacks of every visitor route, through the real REST server: who may chat,
 * the budget and the rate limits by kind of route, and the filters that may only add a refusal.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Security;

use Dify_Chatbot\Rest\Api;
use Dify_Chatbot\Security\Budget;
use Dify_Chatbot\Security\Client_Ip;
use Dify_Chatbot\Security\Counter_Store;
use Dify_Chatbot\Security\Daily_Cap;
use Dify_Chatbot\Security\Stream_Slots;
use Dify_Chatbot\Security\Visitor_Guard;
use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\TestCase;
use Dify_Chatbot\Usage\Usage_Store;
use WP_Error;
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
		unset( $_SERVER['HTTP_X_FORWARDED_FOR'] );
		remove_all_filters( Visitor_Guard::FILTER );
		remove_all_filters( Visitor_Guard::CHAT_FILTER );
		$this->restore_environment();
		parent::tear_down();
	}

	private function settings( array $values ): void {
		( new Option() )->update( $values );
	}


	/**
	 * Points the site at the emulator (chat messages that pass the guard reach it).
	 */
	private function configure(): void {
		$this->require_emulator();
		$settings = Settings::create();
		$settings->option()->update( array( 'base_url' => self::emulator_url() ) );
		$settings->keys()->save( 'app-emulator' );
	}

	private function chat( string $query = 'Hi #delay:1', bool $stream = false ): WP_REST_Response {
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/chat' );
		$request->set_header( 'Content-Type', 'application/json' );
		if ( $stream ) {
			$request->set_header( 'Accept', 'text/event-stream' );
		}
		$request->set_body( (string) wp_json_encode( array( 'query' => $query ) ) );
		return rest_get_server()->dispatch( $request );
	}

	/**
	 * Asserts that nothing reached the emulator since $since.
	 */
	private function assertNothingUpstream( int $since ): void {
		$this->assertSame( array(), $this->emulator_requests( $since, '/' ), 'A refused request must not reach Dify.' );
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
		$open  = array();
		$kinds = array();
		foreach ( rest_get_server()->get_routes( 'dify-chatbot/v1' ) as $route => $handlers ) {
			foreach ( $handlers as $handler ) {
				$callback = $handler['permission_callback'] ?? null;
				$methods  = implode( ',', array_keys( array_filter( $handler['methods'] ) ) );
				if ( '/dify-chatbot/v1' === $route ) {
					// The namespace index WordPress adds (no data of the plugin).
					continue;
				}
				$visitor = is_array( $callback ) && $callback[0] instanceof Visitor_Guard && in_array( $callback[1], array( Visitor_Guard::READ, Visitor_Guard::ACTION, Visitor_Guard::PAID, Visitor_Guard::CHAT ), true );
				$admin   = is_array( $callback ) && is_object( $callback[0] ) && 'check_permissions' === $callback[1];
				if ( $visitor ) {
					$kinds[ "$methods $route" ] = $callback[1];
				} elseif ( ! $admin ) {
					$open[] = "$methods $route";
				}
			}
		}
		$this->assertSame( array(), $open, 'Visitor routes use a Visitor_Guard kind as their permission callback.' );
		$this->assertSame( Visitor_Guard::CHAT, $kinds['POST /dify-chatbot/v1/chat'] );
		$this->assertSame( Visitor_Guard::READ, $kinds['GET /dify-chatbot/v1/parameters'] );
		$this->assertSame( Visitor_Guard::ACTION, $kinds['GET /dify-chatbot/v1/conversations'] );
		// What costs the Dify account counts against the site's daily cap.
		$this->assertSame( Visitor_Guard::PAID, $kinds['POST /dify-chatbot/v1/files'] );
		$this->assertSame( Visitor_Guard::PAID, $kinds['POST /dify-chatbot/v1/audio-to-text'] );
		$this->assertSame( Visitor_Guard::PAID, $kinds['POST /dify-chatbot/v1/text-to-audio'] );
		$this->assertSame( Visitor_Guard::PAID, $kinds[ 'GET /dify-chatbot/v1/messages/' . Api::id( 'message_id' ) . '/suggested' ] );
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

	public function test_the_can_chat_filter_may_refuse_on_every_route(): void {
		add_filter( 'dify_chatbot_can_chat', '__return_false' );
		$statuses = $this->statuses();
		remove_filter( 'dify_chatbot_can_chat', '__return_false' );
		$this->assertSame( array_fill_keys( array( 'stop', 'parameters', 'feedback', 'suggested' ), 401 ), $statuses );
	}

	public function test_the_can_chat_filter_cannot_open_a_route_the_setting_closes(): void {
		$this->settings( array( 'who_may_chat' => 'logged_in' ) );
		add_filter( 'dify_chatbot_can_chat', '__return_true' );
		$statuses = $this->statuses();
		remove_filter( 'dify_chatbot_can_chat', '__return_true' );
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

	public function test_the_visitor_limit_is_429_with_retry_after_before_any_upstream_call(): void {
		$this->configure();
		$this->start_in_a_fresh_minute();
		$this->settings( array( 'limit_visitor_minute' => 2 ) );
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

	public function test_a_message_counts_once_although_wordpress_asks_again_for_the_allow_header(): void {
		$this->configure();
		$this->start_in_a_fresh_minute();
		$this->settings( array( 'limit_visitor_minute' => 3 ) );
		$server = rest_get_server();
		for ( $i = 1; $i <= 3; $i++ ) {
			$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/chat' );
			$request->set_header( 'Content-Type', 'application/json' );
			$request->set_body( '{"query":"Hi #delay:1"}' );
			// What serve_request() does after dispatch: rest_send_allow_header() asks the route's
			// permission callbacks again with the same request.
			$response = apply_filters( 'rest_post_dispatch', $server->dispatch( $request ), $server, $request );
			$this->assertSame( 200, $response->get_status(), "message $i of 3" );
			$this->assertSame( 'POST', $response->get_headers()['Allow'] ?? '' );
		}
		$this->assertSame( 429, $this->chat()->get_status() );
	}

	public function test_a_schema_error_counts_nothing_also_when_wordpress_finishes_the_answer(): void {
		$this->configure();
		$this->start_in_a_fresh_minute();
		$this->settings( array( 'limit_visitor_minute' => 1 ) );
		$server  = rest_get_server();
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/chat' );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( '{"query":""}' );
		$response = apply_filters( 'rest_post_dispatch', $server->dispatch( $request ), $server, $request );
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 200, $this->chat()->get_status(), 'The refused request used up the only message.' );
	}

	public function test_a_chat_message_takes_all_its_counts_in_one_write_and_gives_its_slots_back_in_one(): void {
		$this->configure();
		$this->settings(
			array(
				'limit_visitor_minute' => 50,
				'limit_visitor_day'    => 50,
				'limit_ip_minute'      => 50,
				'limit_ip_day'         => 50,
				'streams_visitor'      => 5,
				'streams_ip'           => 5,
				'streams_site'         => 5,
				'daily_message_cap'    => 50,
			)
		);
		$queries = array();
		$record  = static function ( $query ) use ( &$queries ) {
			if ( false !== strpos( (string) $query, Counter_Store::table() ) ) {
				$queries[] = strtok( trim( (string) preg_replace( '#^\s*/\*.*?\*/#s', '', (string) $query ) ), ' ' );
			}
			return $query;
		};
		add_filter( 'query', $record );
		try {
			$this->assertSame( 200, $this->chat()->get_status() );
		} finally {
			remove_filter( 'query', $record );
		}
		// Four rate limits, three stream slots and the daily cap: one INSERT of their rows that
		// returns their values (MariaDB's RETURNING); the three slots given back by one UPDATE when
		// the route answered.
		$this->assertSame( array( 'INSERT', 'UPDATE' ), $queries );
		$store = new Counter_Store();
		$this->assertSame( 1, ( new Daily_Cap( $store, new Option() ) )->used_today() );
		$this->assertSame( 0, ( new Stream_Slots( $store, new Option(), new Client_Ip() ) )->running() );
	}

	public function test_the_ip_limit_counts_the_right_address(): void {
		$this->configure();
		$this->start_in_a_fresh_minute();
		$this->settings( array( 'limit_ip_minute' => 1 ) );
		$_SERVER['REMOTE_ADDR']          = '10.0.0.5';
		$_SERVER['HTTP_X_FORWARDED_FOR'] = '203.0.113.7';
		$this->assertSame( 200, $this->chat()->get_status() );
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		$_SERVER['HTTP_X_FORWARDED_FOR'] = '203.0.113.8';
		$this->assertSame( 429, $this->chat()->get_status(), 'Without trusted proxies, X-Forwarded-For is ignored.' );

		$this->settings( array( 'trusted_proxies' => array( '10.0.0.5' ) ) );
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		$this->assertSame( 200, $this->chat()->get_status(), 'Behind a trusted proxy each client counts on its own.' );
	}

	public function test_a_spent_budget_is_503_until_tomorrow_before_any_upstream_call(): void {
		$this->configure();
		$this->settings( array( 'daily_token_budget' => 100 ) );
		// The day's earlier answers (their usage row) spent it.
		( new Usage_Store() )->message( 'default', 100, false );

		$since    = $this->emulator_last_seq();
		$response = $this->chat();
		$this->assertSame( 503, $response->get_status() );
		$this->assertSame( 'dify_chatbot_budget_spent', $response->get_data()['code'] );
		$this->assertSame( (string) ( Budget::day_end( time() ) - time() ), $response->get_headers()['Retry-After'] );
		$this->assertNothingUpstream( $since );
	}

	public function test_a_blocking_answer_is_counted_in_the_budget(): void {
		$this->configure();
		$this->settings( array( 'daily_token_budget' => 1000000 ) );
		$budget   = new Budget( new Usage_Store(), new Option() );
		$before   = $budget->used_today();
		$response = $this->chat();
		$this->assertSame( 200, $response->get_status() );
		$tokens = $response->get_data()['metadata']['usage']['total_tokens'];
		$this->assertGreaterThan( 0, $tokens );
		$this->assertSame( $before + $tokens, $budget->used_today() );
	}

	public function test_who_may_chat_refuses_before_any_upstream_call(): void {
		$this->configure();
		$this->settings( array( 'who_may_chat' => 'logged_in' ) );
		$since    = $this->emulator_last_seq();
		$response = $this->chat();
		$this->assertSame( 401, $response->get_status() );
		$this->assertSame( 'dify_chatbot_login_required', $response->get_data()['code'] );
		$this->settings( array( 'who_may_chat' => 'edit_posts' ) );
		wp_set_current_user( $this->make_user( 'subscriber' ) );
		$this->assertSame( 403, $this->chat()->get_status() );
		$this->assertNothingUpstream( $since );

		wp_set_current_user( $this->make_user( 'editor' ) );
		$this->assertSame( 200, $this->chat()->get_status() );
	}

	public function test_a_refused_stream_is_a_plain_json_error(): void {
		$this->configure();
		$this->start_in_a_fresh_minute();
		$this->settings( array( 'limit_visitor_minute' => 1 ) );
		$this->assertSame( 200, $this->chat()->get_status() );

		// The guard refuses before the route runs, so no stream has started.
		$response = $this->chat( 'Hi #delay:1', true );
		$this->assertSame( 429, $response->get_status() );
		$this->assertSame( 'dify_chatbot_rate_limited', $response->get_data()['code'] );
		$this->assertArrayHasKey( 'Retry-After', $response->get_headers() );
	}

	public function test_a_later_filter_returning_null_does_not_cancel_a_refusal(): void {
		$this->configure();
		$this->settings( array( 'who_may_chat' => 'logged_in' ) );
		foreach ( array( Visitor_Guard::CHAT_FILTER, Visitor_Guard::FILTER ) as $filter ) {
			add_filter( $filter, '__return_null', 1 );
			add_filter( $filter, '__return_true', 50 );
			add_filter( $filter, '__return_null', PHP_INT_MAX );
		}
		$since = $this->emulator_last_seq();
		$this->assertSame( 401, $this->chat()->get_status() );
		$this->assertSame( array_fill_keys( array( 'stop', 'parameters', 'feedback', 'suggested' ), 401 ), $this->statuses() );

		// The same for a rate limit.
		$this->settings( array( 'who_may_chat' => 'everyone' ) );
		$this->start_in_a_fresh_minute();
		$this->settings( array( 'limit_visitor_minute' => 1 ) );
		$this->assertSame( 200, $this->chat()->get_status() );
		$since = $this->emulator_last_seq();
		$this->assertSame( 429, $this->chat()->get_status() );
		$this->assertNothingUpstream( $since );
	}

	public function test_a_filter_can_add_a_refusal_that_uses_up_no_quota(): void {
		$this->configure();
		$this->start_in_a_fresh_minute();
		$this->settings( array( 'limit_visitor_minute' => 1 ) );
		$closed = static function () {
			return new WP_Error( 'site_closed', 'The chat is closed tonight.', array( 'status' => 403 ) );
		};
		add_filter( Visitor_Guard::CHAT_FILTER, $closed );
		$since    = $this->emulator_last_seq();
		$response = $this->chat();
		$this->assertSame( 403, $response->get_status() );
		$this->assertSame( 'site_closed', $response->get_data()['code'] );
		$this->assertNothingUpstream( $since );

		remove_filter( Visitor_Guard::CHAT_FILTER, $closed );
		$this->assertSame( 200, $this->chat()->get_status(), 'The refused message did not count against the limit.' );
	}

	public function test_the_visitor_filter_is_told_whether_the_route_is_limited(): void {
		$seen = array();
		add_filter(
			Visitor_Guard::FILTER,
			static function ( $refusal, $request, $limited ) use ( &$seen ) {
				$seen[ $request->get_route() ] = $limited;
				return $refusal;
			},
			10,
			3
		);
		$this->statuses();
		$this->assertSame(
			array(
				'/dify-chatbot/v1/chat/task-1/stop' => false,
				'/dify-chatbot/v1/parameters'       => false,
				'/dify-chatbot/v1/messages/' . self::MESSAGE . '/feedback' => true,
				'/dify-chatbot/v1/messages/' . self::MESSAGE . '/suggested' => true,
			),
			$seen
		);
	}

	public function test_a_schema_error_is_400_and_counts_nothing(): void {
		$this->configure();
		$this->start_in_a_fresh_minute();
		$this->settings( array( 'limit_visitor_minute' => 1 ) );
		$this->assertSame( 400, $this->chat( '' )->get_status() );
		$this->assertSame( 400, $this->chat( '' )->get_status() );
		$this->assertSame( 200, $this->chat()->get_status() );
	}

	public function test_a_message_over_the_site_stream_cap_is_429_with_retry_after_before_any_upstream_call(): void {
		$this->configure();
		$this->settings( array( 'streams_site' => 3 ) );
		// Three answers running in other workers (each its own request, holding its slots).
		for ( $i = 0; $i < 3; $i++ ) {
			$other = new Stream_Slots( new Counter_Store(), new Option(), new Client_Ip() );
			$this->assertNull( $other->acquire( 'visitor-' . $i, array( 'REMOTE_ADDR' => '198.51.100.' . $i ) ) );
		}
		$since    = $this->emulator_last_seq();
		$response = $this->chat( 'Hi', true );
		$this->assertSame( 429, $response->get_status() );
		$this->assertSame( Stream_Slots::CODE, $response->get_data()['code'] );
		$this->assertSame( (string) Stream_Slots::RETRY_AFTER, $response->get_headers()['Retry-After'] );
		$this->assertNothingUpstream( $since );
	}

	public function test_an_answered_message_gives_its_slot_back(): void {
		$this->configure();
		$this->settings(
			array(
				'streams_site'    => 1,
				'streams_visitor' => 1,
				'streams_ip'      => 1,
			)
		);
		for ( $i = 0; $i < 3; $i++ ) {
			$this->assertSame( 200, $this->chat()->get_status(), 'One at a time, every message is answered.' );
		}
		$this->assertSame( 0, ( new Stream_Slots( new Counter_Store(), new Option(), new Client_Ip() ) )->running() );
	}

	public function test_a_cookieless_flood_from_one_address_stops_at_the_daily_ip_limit(): void {
		$this->configure();
		$this->settings( array( 'limit_ip_day' => 5 ) );
		$_SERVER['REMOTE_ADDR'] = '2001:db8:77:1::1';
		$since                  = $this->emulator_last_seq();
		$statuses               = array();
		for ( $i = 0; $i < 12; $i++ ) {
			// Every message a new visitor (no cookie), from a new address of the same /64.
			unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
			$_SERVER['REMOTE_ADDR'] = '2001:db8:77:1::' . dechex( $i + 1 );
			$response               = $this->chat( 'Flood ' . $i . ' #delay:1' );
			$statuses[]             = $response->get_status();
		}
		$this->assertSame( array_merge( array_fill( 0, 5, 200 ), array_fill( 0, 7, 429 ) ), $statuses );
		$this->assertStringContainsString( 'today', $response->get_data()['message'] );
		$flood = array_filter(
			$this->emulator_requests( $since, '/chat-messages' ),
			static function ( $r ) {
				return 0 === strpos( (string) ( $r['body']['query'] ?? '' ), 'Flood ' );
			}
		);
		$this->assertCount( 5, $flood, 'Exactly the limit reached Dify.' );
	}

	public function test_messages_and_paid_calls_stop_at_the_site_daily_cap_before_any_upstream_call(): void {
		$this->configure();
		$this->settings( array( 'daily_message_cap' => 2 ) );
		$this->assertSame( 200, $this->chat()->get_status() );
		$requests = $this->requests();
		// A suggested-questions call costs an LLM call: it counts (the unknown message is Dify's 404).
		$this->assertSame( 404, rest_get_server()->dispatch( $requests['suggested'] )->get_status() );

		$since    = $this->emulator_last_seq();
		$response = $this->chat();
		$this->assertSame( 503, $response->get_status() );
		$this->assertSame( 'dify_chatbot_daily_cap', $response->get_data()['code'] );
		$this->assertSame( (string) ( Budget::day_end( time() ) - time() ), $response->get_headers()['Retry-After'] );
		$this->assertSame( 503, rest_get_server()->dispatch( $requests['suggested'] )->get_status() );
		$this->assertNothingUpstream( $since );
		// Feedback costs nothing at Dify: not capped.
		$this->assertNotSame( 503, rest_get_server()->dispatch( $requests['feedback'] )->get_status() );
		$this->assertSame( 2, ( new Daily_Cap( new Counter_Store(), new Option() ) )->used_today(), 'Refused calls are not counted.' );
		$this->assertSame( 0, ( new Stream_Slots( new Counter_Store(), new Option(), new Client_Ip() ) )->running(), 'A message refused by the cap holds no slot.' );
	}

	public function test_the_reads_are_rate_limited_at_six_times_the_message_limit(): void {
		$this->start_in_a_fresh_minute();
		$this->settings( array( 'limit_ip_minute' => 1 ) );
		$requests = $this->requests();
		$statuses = array();
		for ( $i = 0; $i < 4; $i++ ) {
			unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
			$statuses[] = rest_get_server()->dispatch( $requests['parameters'] )->get_status();
			$statuses[] = rest_get_server()->dispatch( $requests['stop'] )->get_status();
		}
		// Not configured (503) until the reads' bucket of one address is spent after six.
		$this->assertSame( array( 503, 503, 503, 503, 503, 503, 429, 429 ), $statuses );
	}
}
