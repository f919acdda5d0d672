<?php
/**
 * Who may use which route: the admin routes for administrators only, and one visitor's answers
 * and tasks out of another visitor's reach.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Rest;

use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Key_Store;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\TestCase;
use WP_REST_Request;
use WP_REST_Response;

require_once dirname( __DIR__ ) . '/Support/Emulator.php';
require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';

final class AuthorizationTest extends TestCase {

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
		$this->restore_environment();
		parent::tear_down();
	}

	private function dispatch( string $method, string $path, ?array $body = null ): WP_REST_Response {
		$request = new WP_REST_Request( $method, '/dify-chatbot/v1' . $path );
		if ( null !== $body ) {
			$request->set_header( 'Content-Type', 'application/json' );
			$request->set_body( (string) wp_json_encode( $body ) );
		}
		return rest_get_server()->dispatch( $request );
	}

	/**
	 * The admin routes, each with a body that would change something.
	 *
	 * @return array<string, array{0: string, 1: string, 2: array|null}>
	 */
	public function admin_routes(): array {
		return array(
			'GET /settings'       => array( 'GET', '/settings', null ),
			'POST /settings'      => array(
				'POST',
				'/settings',
				array(
					'who_may_chat'   => 'logged_in',
					'remove_api_key' => true,
				),
			),
			'POST /settings/test' => array( 'POST', '/settings/test', null ),
		);
	}

	/**
	 * @dataProvider admin_routes
	 */
	public function test_an_admin_route_is_refused_to_everyone_but_administrators( string $method, string $path, ?array $body ): void {
		// A key of this test only, to find its own requests in the emulator's record (shared with other runs).
		$key = 'app-authz-' . strtolower( wp_generate_password( 12, false ) );
		Settings::create()->keys()->save( $key );
		$before = array( get_option( Option::NAME ), get_option( Key_Store::OPTION ) );
		$since  = $this->emulator_last_seq();
		$roles  = array(
			'anonymous'  => 401,
			'subscriber' => 403,
			'editor'     => 403,
		);
		foreach ( $roles as $role => $status ) {
			wp_set_current_user( 'anonymous' === $role ? 0 : $this->make_user( $role ) );
			$response = $this->dispatch( $method, $path, $body );
			$this->assertSame( $status, $response->get_status(), $role );
			$this->assertSame( 'rest_forbidden', $response->get_data()['code'], $role );
			$this->assertStringNotContainsString( $key, (string) wp_json_encode( $response->get_data() ), $role );
		}
		$this->assertSame( $before, array( get_option( Option::NAME ), get_option( Key_Store::OPTION ) ), 'Nothing changed.' );
		$mine = array_filter(
			$this->emulator_requests( $since, '/' ),
			static function ( $r ) use ( $key ) {
				return false !== strpos( (string) ( $r['headers']['authorization'] ?? '' ), $key );
			}
		);
		$this->assertSame( array(), $mine, 'Nothing reached Dify.' );

		wp_set_current_user( $this->make_user( 'administrator' ) );
		$this->assertSame( 200, $this->dispatch( $method, $path, $body )->get_status() );
	}

	/**
	 * A blocking answer for the current visitor through the chat route.
	 *
	 * @return array<string, mixed>
	 */
	private function answer(): array {
		$response = $this->dispatch( 'POST', '/chat', array( 'query' => 'Hi #delay:0' ) );
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$data = $response->get_data();
		$this->assertIsString( $data['message_id'] );
		$this->assertIsString( $data['task_id'] );
		return $data;
	}

	/**
	 * The emulator's stop records for a task.
	 *
	 * @return array<int, array<string, mixed>>
	 */
	private function stops_of( string $task ): array {
		$response = wp_remote_get( self::emulator_origin() . '/__emulator/stats', array( 'timeout' => 5 ) );
		$this->assert_not_wp_error( $response );
		$stats = json_decode( wp_remote_retrieve_body( $response ), true );
		return array_values(
			array_filter(
				$stats['stops'],
				static function ( $stop ) use ( $task ) {
					return $stop['taskId'] === $task;
				}
			)
		);
	}

	/**
	 * A gets an answer; B can neither rate it, nor ask for its follow-ups, nor stop its task; A can.
	 *
	 * @param callable $become_a Makes the current visitor A.
	 * @param callable $become_b Makes the current visitor B.
	 */
	private function assert_b_cannot_touch_the_answer_of_a( callable $become_a, callable $become_b ): void {
		$become_a();
		$answer = $this->answer();
		$id     = $answer['message_id'];
		$task   = $answer['task_id'];

		$become_b();
		$since = $this->emulator_last_seq();
		foreach ( array( $this->dispatch( 'POST', "/messages/$id/feedback", array( 'rating' => 'dislike' ) ), $this->dispatch( 'GET', "/messages/$id/suggested" ) ) as $response ) {
			$this->assertSame( 404, $response->get_status() );
			$this->assertSame( 'dify_chatbot_message_not_found', $response->get_data()['code'] );
		}
		$feedbacks = $this->emulator_requests( $since, '/feedbacks' );
		$this->assertCount( 1, $feedbacks );
		$this->assertSame( 404, $feedbacks[0]['status'], 'Dify refused the rating: no effect.' );
		$b_user = $feedbacks[0]['user'];

		$this->assertSame( 200, $this->dispatch( 'POST', "/chat/$task/stop" )->get_status(), 'Stops always answer success (as Dify does).' );
		$stops = $this->stops_of( $task );
		$this->assertCount( 1, $stops );
		$this->assertTrue( $stops[0]['known'] );
		$this->assertFalse( $stops[0]['owner'], 'B is not the owner of A\'s task.' );
		$this->assertFalse( $stops[0]['effective'] );
		$this->assertSame( $b_user, $stops[0]['user'] );

		// The same calls as A work: the refusals above came from the identity, not the setup.
		$become_a();
		$this->assertSame( 200, $this->dispatch( 'POST', "/messages/$id/feedback", array( 'rating' => 'like' ) )->get_status() );
		$this->assertSame( 200, $this->dispatch( 'GET', "/messages/$id/suggested" )->get_status() );
		$this->dispatch( 'POST', "/chat/$task/stop" );
		$stops = $this->stops_of( $task );
		$this->assertCount( 2, $stops );
		$this->assertTrue( $stops[1]['owner'] );
		$this->assertNotSame( $b_user, $stops[1]['user'] );
	}

	public function test_an_anonymous_visitor_cannot_touch_another_visitors_answer_or_task(): void {
		$cookies  = array();
		$become_a = static function () use ( &$cookies ) {
			wp_set_current_user( 0 );
			if ( isset( $cookies['a'] ) ) {
				$_COOKIE[ Visitor_Identity::COOKIE ] = $cookies['a'];
			}
		};
		$become_b = static function () use ( &$cookies ) {
			// phpcs:ignore WordPress.Security.ValidatedSanitizedInput -- the test's own cookie, set by the chat route.
			$cookies['a'] = $cookies['a'] ?? $_COOKIE[ Visitor_Identity::COOKIE ];
			// B keeps A's id but cannot sign it: a forged cookie gets a fresh id.
			$_COOKIE[ Visitor_Identity::COOKIE ] = substr( $cookies['a'], 0, 33 ) . str_repeat( '0', 64 );
		};
		$this->assert_b_cannot_touch_the_answer_of_a( $become_a, $become_b );
	}

	public function test_a_logged_in_user_cannot_touch_another_users_answer_or_task(): void {
		$a        = $this->make_user( 'subscriber' );
		$b        = $this->make_user( 'subscriber' );
		$become_a = static function () use ( $a ) {
			wp_set_current_user( $a );
		};
		$become_b = static function () use ( $b ) {
			wp_set_current_user( $b );
		};
		$this->assert_b_cannot_touch_the_answer_of_a( $become_a, $become_b );
	}

	public function test_an_anonymous_visitor_cannot_touch_a_logged_in_users_answer(): void {
		$a        = $this->make_user( 'editor' );
		$become_a = static function () use ( $a ) {
			unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
			wp_set_current_user( $a );
		};
		$become_b = static function () {
			wp_set_current_user( 0 );
		};
		$this->assert_b_cannot_touch_the_answer_of_a( $become_a, $become_b );
	}
}
