<?php
/**
 * Each counter of the usage table moves exactly once per event, through the real REST server
 * and the emulator: a message, an error answer, each kind of refusal.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Usage;

use Dify_Chatbot\Dify\App\App_Info;
use Dify_Chatbot\Dify\App\App_Parameters;
use Dify_Chatbot\Dify\Relay\Token_Usage;
use Dify_Chatbot\Rest\Chat_Controller;
use Dify_Chatbot\Security\Budget;
use Dify_Chatbot\Security\Client_Ip;
use Dify_Chatbot\Security\Counter_Store;
use Dify_Chatbot\Security\Stream_Slots;
use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Bots;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\Support\Memory_Writer;
use Dify_Chatbot\Tests\Support\Visitor_Routes;
use Dify_Chatbot\Tests\TestCase;
use Dify_Chatbot\Usage\Usage_Recorder;
use Dify_Chatbot\Usage\Usage_Store;
use WP_REST_Request;
use WP_REST_Response;

require_once dirname( __DIR__ ) . '/Support/Emulator.php';
require_once dirname( __DIR__ ) . '/Support/Memory_Writer.php';
require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';
require_once dirname( __DIR__ ) . '/Support/Visitor_Routes.php';

final class Usage_RecorderTest extends TestCase {

	use Emulator;
	use Clean_Environment;
	use Visitor_Routes;

	/**
	 * Tokens announced during the test.
	 *
	 * @var int[]
	 */
	private array $announced = array();

	protected function set_up() {
		parent::set_up();
		$this->clean_environment();
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		global $wpdb;
		$wpdb->query( 'DELETE FROM ' . Usage_Store::table() ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.NotPrepared -- the plugin's own table, no input.
		$this->require_emulator();
		$settings = Settings::create();
		$settings->option()->update( array( 'base_url' => self::emulator_url() ) );
		$settings->keys()->save( 'app-emulator' );
		$this->announced = array();
		add_action( Token_Usage::ACTION, array( $this, 'announced' ) );
	}

	protected function tear_down() {
		remove_action( Token_Usage::ACTION, array( $this, 'announced' ) );
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		$this->restore_environment();
		parent::tear_down();
	}

	/**
	 * Keeps the tokens an answer announced.
	 *
	 * @param mixed $tokens Tokens.
	 */
	public function announced( $tokens ): void {
		$this->announced[] = (int) $tokens;
	}

	private function chat( array $body ): WP_REST_Response {
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/chat' );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( (string) wp_json_encode( $body ) );
		return rest_get_server()->dispatch( $request );
	}

	/**
	 * Today's row of a bot, every column (zeros when there is none).
	 *
	 * @return array<string, int>
	 */
	private function today( string $bot = 'default' ): array {
		$rows = ( new Usage_Store() )->rows( 1, $bot );
		$this->assertLessThanOrEqual( 1, count( $rows ) );
		$row = array_fill_keys( Usage_Store::COLUMNS, 0 );
		foreach ( Usage_Store::COLUMNS as $column ) {
			$row[ $column ] = isset( $rows[0] ) ? (int) $rows[0][ $column ] : 0;
		}
		return $row;
	}

	/**
	 * A row with these columns set and the others 0.
	 *
	 * @param array<string, int> $values The columns set.
	 * @return array<string, int>
	 */
	private static function expected( array $values ): array {
		return array_merge( array_fill_keys( Usage_Store::COLUMNS, 0 ), $values );
	}

	public function test_a_message_counts_once_with_its_tokens_in_one_write(): void {
		$writes = array();
		$record = static function ( $query ) use ( &$writes ) {
			if ( false !== strpos( (string) $query, Usage_Store::table() ) ) {
				$writes[] = strtok( trim( (string) $query ), ' ' );
			}
			return $query;
		};
		add_filter( 'query', $record );
		try {
			$this->assertSame( 200, $this->chat( array( 'query' => 'Hi #delay:1' ) )->get_status() );
		} finally {
			remove_filter( 'query', $record );
		}
		$this->assertSame( array( 'INSERT' ), $writes, 'A message\'s usage is one statement.' );
		$this->assertCount( 1, $this->announced );
		$this->assertGreaterThan( 0, $this->announced[0] );
		$this->assertSame(
			self::expected(
				array(
					'messages' => 1,
					'tokens'   => $this->announced[0],
				)
			),
			$this->today()
		);

		$this->assertSame( 200, $this->chat( array( 'query' => 'Again #delay:1' ) )->get_status() );
		$this->assertSame(
			self::expected(
				array(
					'messages' => 2,
					'tokens'   => $this->announced[0] + $this->announced[1],
				)
			),
			$this->today(),
			'The second message adds to the same day\'s row.'
		);
	}

	/**
	 * The statements a chat message made that write the usage table or name a budget counter.
	 *
	 * @param string $query The message.
	 * @return string[] Each statement's first word.
	 */
	private function usage_writes_of( string $query ): array {
		$writes = array();
		$record = static function ( $sql ) use ( &$writes ) {
			$sql  = (string) $sql;
			$verb = strtoupper( (string) strtok( trim( $sql ), ' ' ) );
			if ( ( false !== strpos( $sql, Usage_Store::table() ) && 'SELECT' !== $verb ) || false !== strpos( $sql, 'budget:' ) ) {
				$writes[] = $verb;
			}
			return $sql;
		};
		add_filter( 'query', $record );
		try {
			$this->assertSame( 200, $this->chat( array( 'query' => $query ) )->get_status() );
		} finally {
			remove_filter( 'query', $record );
		}
		return $writes;
	}

	public function test_a_daily_token_budget_adds_no_write_and_reads_the_usage_row(): void {
		$this->assertSame( array( 'INSERT' ), $this->usage_writes_of( 'No budget #delay:1' ) );
		( new Option() )->update( array( 'daily_token_budget' => 1000000 ) );
		$this->assertSame( array( 'INSERT' ), $this->usage_writes_of( 'With a budget #delay:1' ), 'The budget writes nothing of its own.' );
		$this->assertSame( array_sum( $this->announced ), $this->today()['tokens'] );
		$this->assertSame( $this->today()['tokens'], ( new Budget( new Usage_Store(), new Option() ) )->used_today() );
	}

	public function test_a_failed_blocking_answer_counts_a_message_and_an_error(): void {
		$this->assertGreaterThanOrEqual( 500, $this->chat( array( 'query' => 'Break #fault:500' ) )->get_status() );
		$this->assertSame(
			self::expected(
				array(
					'messages' => 1,
					'errors'   => 1,
				)
			),
			$this->today()
		);
	}

	public function test_a_stream_that_ends_in_an_error_event_counts_a_message_and_an_error(): void {
		$bot = Bots::create()->add(
			array(
				'slug'     => 'support',
				'name'     => 'Support',
				'base_url' => self::emulator_url(),
			)
		);
		$this->assertInstanceOf( Settings::class, $bot );
		$this->assertTrue( $bot->save_key( 'app-emulator' ) );
		$writer  = new Memory_Writer();
		$route   = new Chat_Controller(
			self::visitor_api(),
			new App_Info( new \Dify_Chatbot\Dify\Error_Mapper() ),
			new App_Parameters( new \Dify_Chatbot\Dify\Error_Mapper() ),
			static function () use ( $writer ) {
				return $writer;
			},
			static function (): void {},
			new Usage_Recorder( new Usage_Store() )
		);
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/chat' );
		$request->set_header( 'Accept', 'text/event-stream' );
		$request->set_param( 'query', 'Fail midway #fault:error-event #delay:1' );
		$request->set_param( 'inputs', array() );
		$request->set_param( 'bot', 'support' );
		$route->chat( $request );

		$names = $writer->names();
		$this->assertSame( 'error', end( $names ) );
		$this->assertSame(
			self::expected(
				array(
					'messages' => 1,
					'errors'   => 1,
				)
			),
			$this->today( 'support' ),
			'Counted under the bot the request names.'
		);
		$this->assertSame( self::expected( array() ), $this->today() );

		$request->set_param( 'query', 'Fine #delay:1' );
		$route->chat( $request );
		$this->assertSame( 2, $this->today( 'support' )['messages'] );
		$this->assertSame( 1, $this->today( 'support' )['errors'], 'A good answer adds no error.' );
		$this->assertSame( end( $this->announced ), $this->today( 'support' )['tokens'] );
	}

	public function test_an_unreachable_dify_counts_an_error(): void {
		( new Option() )->update( array( 'base_url' => 'http://127.0.0.1:9/v1' ) );
		$this->assertSame( 503, $this->chat( array( 'query' => 'Anyone? #delay:1' ) )->get_status() );
		$this->assertSame(
			self::expected(
				array(
					'messages' => 1,
					'errors'   => 1,
				)
			),
			$this->today()
		);
	}

	public function test_a_rate_limit_refusal_counts_once_and_no_message(): void {
		$this->start_in_a_fresh_minute();
		( new Option() )->update( array( 'limit_visitor_minute' => 1 ) );
		$this->assertSame( 200, $this->chat( array( 'query' => 'One #delay:1' ) )->get_status() );
		$this->assertSame( 429, $this->chat( array( 'query' => 'Two #delay:1' ) )->get_status() );
		$this->assertSame(
			self::expected(
				array(
					'messages'   => 1,
					'tokens'     => $this->announced[0],
					'rate_limit' => 1,
				)
			),
			$this->today()
		);
	}

	public function test_a_spent_budget_refusal_counts_once(): void {
		( new Option() )->update( array( 'daily_token_budget' => 10 ) );
		// Spent by the tokens of a run resumed after a form (tokens, no message).
		( new Usage_Store() )->message( 'default', 10, false, 0 );
		$this->assertSame( 503, $this->chat( array( 'query' => 'Hi #delay:1' ) )->get_status() );
		$this->assertSame(
			self::expected(
				array(
					'tokens' => 10,
					'budget' => 1,
				)
			),
			$this->today()
		);
	}

	public function test_who_may_chat_refusals_count_once_each(): void {
		( new Option() )->update( array( 'who_may_chat' => 'logged_in' ) );
		$this->assertSame( 401, $this->chat( array( 'query' => 'Hi #delay:1' ) )->get_status() );
		$this->assertSame( self::expected( array( 'who_may_chat' => 1 ) ), $this->today() );
		( new Option() )->update( array( 'who_may_chat' => 'edit_posts' ) );
		wp_set_current_user( $this->make_user( 'subscriber' ) );
		$this->assertSame( 403, $this->chat( array( 'query' => 'Hi #delay:1' ) )->get_status() );
		$this->assertSame( self::expected( array( 'who_may_chat' => 2 ) ), $this->today() );
	}

	public function test_a_stream_cap_refusal_counts_once(): void {
		( new Option() )->update( array( 'streams_site' => 1 ) );
		$other = new Stream_Slots( new Counter_Store(), new Option(), new Client_Ip() );
		$this->assertNull( $other->acquire( 'visitor-elsewhere', array( 'REMOTE_ADDR' => '198.51.100.9' ) ) );
		try {
			$response = $this->chat( array( 'query' => 'Hi #delay:1' ) );
		} finally {
			$other->release();
		}
		$this->assertSame( 429, $response->get_status() );
		$this->assertSame( Stream_Slots::CODE, $response->get_data()['code'] );
		$this->assertSame( self::expected( array( 'stream_cap' => 1 ) ), $this->today() );
	}

	public function test_a_daily_cap_refusal_counts_once(): void {
		( new Option() )->update( array( 'daily_message_cap' => 1 ) );
		$this->assertSame( 200, $this->chat( array( 'query' => 'One #delay:1' ) )->get_status() );
		$this->assertSame( 503, $this->chat( array( 'query' => 'Two #delay:1' ) )->get_status() );
		$this->assertSame( 1, $this->today()['daily_cap'] );
		$this->assertSame( 1, $this->today()['messages'] );
	}

	public function test_a_refusal_is_one_write_and_other_routes_refusals_are_not_counted(): void {
		( new Option() )->update( array( 'who_may_chat' => 'logged_in' ) );
		$writes = 0;
		$record = static function ( $query ) use ( &$writes ) {
			if ( false !== strpos( (string) $query, Usage_Store::table() ) ) {
				++$writes;
			}
			return $query;
		};
		add_filter( 'query', $record );
		try {
			$this->assertSame( 401, $this->chat( array( 'query' => 'Hi #delay:1' ) )->get_status() );
			$this->assertSame( 1, $writes );
			$this->assertSame( 401, rest_get_server()->dispatch( new WP_REST_Request( 'GET', '/dify-chatbot/v1/parameters' ) )->get_status() );
			$this->assertSame( 1, $writes, 'Only chat messages are counted.' );
		} finally {
			remove_filter( 'query', $record );
		}
	}

	public function test_a_schema_error_counts_nothing(): void {
		$this->assertSame( 400, $this->chat( array( 'query' => '' ) )->get_status() );
		$this->assertSame( array(), ( new Usage_Store() )->rows( 1 ) );
	}
}
