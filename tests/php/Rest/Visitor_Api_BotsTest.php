<?php
/**
 * Every visitor route takes `bot` and uses that bot's key, caches, limits, budget and forms.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Rest;

use Dify_Chatbot\Dify\App\App_Info;
use Dify_Chatbot\Dify\App\App_Parameters;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Rest\Chat_Controller;
use Dify_Chatbot\Rest\Form_Controller;
use Dify_Chatbot\Security\Budget;
use Dify_Chatbot\Security\Counter_Store;
use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Bots;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\Support\Memory_Writer;
use Dify_Chatbot\Tests\Support\Visitor_Requests;
use Dify_Chatbot\Tests\Support\Visitor_Routes;
use Dify_Chatbot\Tests\TestCase;
use Dify_Chatbot\Usage\Usage_Store;
use WP_REST_Request;
use WP_REST_Response;

require_once dirname( __DIR__ ) . '/Support/Emulator.php';
require_once dirname( __DIR__ ) . '/Support/Memory_Writer.php';
require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';
require_once dirname( __DIR__ ) . '/Support/Visitor_Routes.php';
require_once dirname( __DIR__ ) . '/Support/Visitor_Requests.php';

final class Visitor_Api_BotsTest extends TestCase {

	use Emulator;
	use Clean_Environment;
	use Visitor_Routes;
	use Visitor_Requests;

	protected function set_up() {
		parent::set_up();
		$this->clean_environment();
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		delete_option( Bots::OPTION );
		Settings::create()->keys()->remove();
	}

	protected function tear_down() {
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		$this->restore_environment();
		parent::tear_down();
	}

	/**
	 * The default bot on one emulated app, the bot `sales` on another (same emulator, own key).
	 *
	 * @param array<string, mixed> $default Changes of the default bot.
	 * @param array<string, mixed> $sales   Fields of the bot `sales`.
	 */
	private function two_bots( string $default_key = 'app-emulator', string $sales_key = 'app-emulator-plain', array $default = array(), array $sales = array() ): void {
		$this->require_emulator();
		$settings = Settings::create();
		$settings->option()->update( array( 'base_url' => self::emulator_url() ) + $default );
		$this->assertTrue( $settings->save_key( $default_key ) );
		$bot = Bots::create()->add(
			array(
				'slug'     => 'sales',
				'name'     => 'Sales',
				'base_url' => self::emulator_url(),
			) + $sales
		);
		$this->assertInstanceOf( Settings::class, $bot );
		$this->assertTrue( $bot->save_key( $sales_key ) );
	}

	private function chat( string $query, string $bot = '' ): WP_REST_Response {
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/chat' );
		$request->set_header( 'Content-Type', 'application/json' );
		$body = array( 'query' => $query );
		if ( '' !== $bot ) {
			$body['bot'] = $bot;
		}
		$request->set_body( (string) wp_json_encode( $body ) );
		return rest_get_server()->dispatch( $request );
	}

	private function get( string $route, string $bot = '' ): WP_REST_Response {
		$request = new WP_REST_Request( 'GET', '/dify-chatbot/v1' . $route );
		if ( '' !== $bot ) {
			$request->set_query_params( array( 'bot' => $bot ) );
		}
		return rest_get_server()->dispatch( $request );
	}

	/**
	 * Requests the emulator received since $since on a path, by API key.
	 *
	 * @return array<string, int>
	 */
	private function keys_since( int $since, string $path ): array {
		$keys = array();
		foreach ( $this->emulator_requests( $since, $path ) as $request ) {
			$keys[ (string) $request['appKey'] ] = ( $keys[ (string) $request['appKey'] ] ?? 0 ) + 1;
		}
		ksort( $keys );
		return $keys;
	}

	private static function counter_rows(): int {
		global $wpdb;
		return (int) $wpdb->get_var( 'SELECT COUNT(*) FROM ' . Counter_Store::table() ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.NotPrepared -- the plugin's own table.
	}

	public function test_an_unknown_bot_is_400_on_every_visitor_route_and_nothing_is_counted_or_sent(): void {
		$this->two_bots();
		$since    = $this->emulator_last_seq();
		$requests = self::visitor_requests();
		$this->assertGreaterThan( 10, count( $requests ) );
		foreach ( $requests as $name => $request ) {
			foreach ( array( 'nope', 'Sales', 'default!', str_repeat( 'a', 41 ) ) as $bot ) {
				if ( in_array( $request->get_method(), array( 'GET', 'DELETE' ), true ) ) {
					$request->set_query_params( array( 'bot' => $bot ) );
				} else {
					$body        = json_decode( (string) $request->get_body(), true );
					$body        = is_array( $body ) ? $body : array();
					$body['bot'] = $bot;
					$request->set_body( (string) wp_json_encode( $body ) );
				}
				$response = rest_get_server()->dispatch( $request );
				$this->assertSame( 400, $response->get_status(), "$name bot=$bot" );
				$this->assertSame( 'rest_invalid_param', $response->get_data()['code'], $name );
				$this->assertStringContainsString( 'names a bot that does not exist', $response->get_data()['data']['params']['bot'], $name );
			}
		}
		$this->assertSame( array(), $this->emulator_requests( $since, '/' ), 'nothing reached Dify' );
		$this->assertSame( 0, self::counter_rows(), 'nothing was counted' );
		// The editors' branding route checks it the same way.
		wp_set_current_user( $this->make_user( 'editor' ) );
		$this->assertSame( 400, $this->get( '/site', 'nope' )->get_status() );
	}

	public function test_each_bot_s_key_reaches_dify_for_that_bot_and_an_empty_bot_is_the_default(): void {
		$this->two_bots();
		$since = $this->emulator_last_seq();
		$this->assertSame( 200, $this->chat( 'Hello sales #delay:0', 'sales' )->get_status() );
		$this->assertSame( array( 'app-emulator-plain' => 1 ), $this->keys_since( $since, '/chat-messages' ) );

		$since = $this->emulator_last_seq();
		$this->assertSame( 200, $this->chat( 'Hello default #delay:0' )->get_status() );
		$this->assertSame( 200, $this->chat( 'Hello default again #delay:0', 'default' )->get_status() );
		$this->assertSame( array( 'app-emulator' => 2 ), $this->keys_since( $since, '/chat-messages' ) );
	}

	public function test_one_bot_s_messages_do_not_use_up_another_bot_s_limits(): void {
		$this->start_in_a_fresh_minute();
		$this->two_bots( 'app-emulator', 'app-emulator-plain', array( 'limit_visitor_minute' => 1 ), array( 'limit_visitor_minute' => 1 ) );
		$this->assertSame( 200, $this->chat( 'One #delay:0' )->get_status() );
		$refused = $this->chat( 'Two #delay:0' );
		$this->assertSame( 429, $refused->get_status() );
		$this->assertSame( 'dify_chatbot_rate_limited', $refused->get_data()['code'] );

		$this->assertSame( 200, $this->chat( 'One for sales #delay:0', 'sales' )->get_status(), 'the default bot\'s count is its own' );
		$this->assertSame( 429, $this->chat( 'Two for sales #delay:0', 'sales' )->get_status() );
	}

	public function test_each_bot_has_its_own_daily_token_budget(): void {
		$this->two_bots( 'app-emulator', 'app-emulator-plain', array( 'daily_token_budget' => 1000000 ), array( 'daily_token_budget' => 1 ) );
		global $wpdb;
		$wpdb->query( 'DELETE FROM ' . Usage_Store::table() ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.NotPrepared -- the plugin's own table, no input.
		$budget = new Budget( new Usage_Store(), Settings::create()->option() );
		$this->assertSame( 200, $this->chat( 'Spend it #delay:0', 'sales' )->get_status() );
		$this->assertGreaterThan( 0, $budget->used_today( null, 'sales' ) );
		$this->assertSame( 0, $budget->used_today(), 'the default bot spent nothing' );

		$spent = $this->chat( 'More #delay:0', 'sales' );
		$this->assertSame( 503, $spent->get_status() );
		$this->assertSame( Budget::CODE, $spent->get_data()['code'] );
		$this->assertSame( 200, $this->chat( 'Still here #delay:0' )->get_status(), 'the default bot has budget left' );
		$this->assertGreaterThan( 0, $budget->used_today() );
	}

	public function test_info_and_parameters_are_cached_per_bot(): void {
		$this->two_bots();
		$start   = $this->emulator_last_seq();
		$since   = $start;
		$sales   = $this->get( '/parameters', 'sales' );
		$default = $this->get( '/parameters' );
		$this->assertSame( 200, $sales->get_status() );
		$this->assertSame( 200, $default->get_status() );
		$this->assertNotSame( $sales->get_data(), $default->get_data(), 'two apps, two answers' );
		$this->assertSame( $sales->get_data(), $this->get( '/parameters', 'sales' )->get_data() );
		$this->assertSame( $default->get_data(), $this->get( '/parameters', 'default' )->get_data() );
		$this->assertSame(
			array(
				'app-emulator'       => 1,
				'app-emulator-plain' => 1,
			),
			$this->keys_since( $since, '/parameters' ),
			'one trip to Dify per bot, then the cache'
		);

		foreach ( array( 'sales', '', 'sales', '' ) as $bot ) {
			$this->assertSame( 200, $this->chat( 'Hi #delay:0', $bot )->get_status() );
		}
		$this->assertSame(
			array(
				'app-emulator'       => 1,
				'app-emulator-plain' => 1,
			),
			$this->keys_since( $start, '/info' ),
			'the app mode: one /info per bot'
		);
	}

	public function test_each_bot_shows_reasoning_by_its_own_setting(): void {
		$this->two_bots( 'app-emulator', 'app-emulator-plain', array( 'show_reasoning' => false ), array( 'show_reasoning' => true ) );
		$api     = self::visitor_api();
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/chat' );
		$this->assertFalse( $api->shows_reasoning( $request ) );
		$request->set_param( 'bot', 'sales' );
		$this->assertTrue( $api->shows_reasoning( $request ) );
		$client = $api->client( $request );
		$this->assertInstanceOf( Client::class, $client );
		$this->assertSame( 'sales', $client->bot() );
	}

	public function test_a_form_shown_by_one_bot_cannot_be_answered_through_another(): void {
		// Both bots on the same app with the same key: only the bot tells the forms apart.
		$this->two_bots( 'app-emulator-approval', 'app-emulator-approval' );
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		$writer  = new Memory_Writer();
		$errors  = new Error_Mapper();
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/chat' );
		$request->set_header( 'Accept', 'text/event-stream' );
		$request->set_param( 'query', 'Please approve the refund #human:simple #delay:0' );
		$request->set_param( 'inputs', array() );
		$request->set_param( 'conversation_id', '' );
		$request->set_param( 'bot', '' );
		( new Chat_Controller(
			self::visitor_api(),
			new App_Info( $errors ),
			new App_Parameters( $errors ),
			static fn () => $writer,
			static function () {}
		) )->chat( $request );
		$handle = '';
		foreach ( $writer->events() as $event ) {
			if ( 'human_input_required' === $event['event'] ) {
				$handle = $event['data']['form'];
			}
		}
		$this->assertNotSame( '', $handle, 'the default bot showed a form' );

		$since  = $this->emulator_last_seq();
		$submit = function ( string $bot ) use ( $handle ): WP_REST_Response {
			$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/forms/' . $handle );
			$request->set_url_params( array( 'form' => $handle ) );
			$request->set_param( 'action', 'approve' );
			$request->set_param( 'inputs', array( 'priority' => 'high' ) );
			$request->set_param( 'bot', $bot );
			return ( new Form_Controller( self::visitor_api(), new App_Info( new Error_Mapper() ), static fn () => new Memory_Writer(), static function () {} ) )->submit( $request );
		};
		$other  = $submit( 'sales' );
		$this->assertSame( 404, $other->get_status() );
		$this->assertSame( 'dify_chatbot_form_not_found', $other->get_data()['code'] );
		$this->assertSame( array(), $this->emulator_requests( $since, '/form/human_input/' ), 'nothing reached Dify' );

		$this->assertSame( 200, $submit( '' )->get_status(), 'the bot that showed it may answer it' );
	}
}
