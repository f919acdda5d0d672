<?php
/**
 * The cURL side of one streamed request, on a real cURL handle against the Dify emulator.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\Http;

use Dify_Chatbot\Dify\Http\Sse_Parser;
use Dify_Chatbot\Dify\Http\Stream_State;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\TestCase;

require_once dirname( __DIR__, 2 ) . '/Support/Emulator.php';

// phpcs:disable WordPress.WP.AlternativeFunctions -- these tests drive a cURL handle themselves, as the HTTP API does.

final class Stream_StateTest extends TestCase {

	use Emulator;

	/**
	 * Events the parser handed over.
	 *
	 * @var array<int, array<string, mixed>>
	 */
	private $events = array();

	protected function set_up() {
		parent::set_up();
		$this->require_emulator();
		$this->events = array();
	}

	protected function tear_down() {
		remove_all_filters( 'dify_chatbot_read_timeout' );
		parent::tear_down();
	}

	private function state( ?callable $should_stop = null ): Stream_State {
		return new Stream_State(
			new Sse_Parser(
				function ( array $event ): void {
					$this->events[] = $event;
				}
			),
			$should_stop
		);
	}

	/**
	 * A cURL handle for a streamed chat message, as the HTTP API would make it.
	 *
	 * @return resource|\CurlHandle
	 */
	private function handle( string $query, string $key = 'app-emulator' ) {
		$handle = curl_init( self::emulator_url() . '/chat-messages' );
		curl_setopt( $handle, CURLOPT_POST, true );
		curl_setopt( $handle, CURLOPT_HTTPHEADER, array( 'Authorization: Bearer ' . $key, 'Content-Type: application/json' ) );
		curl_setopt(
			$handle,
			CURLOPT_POSTFIELDS,
			wp_json_encode(
				array(
					'inputs'        => new \stdClass(),
					'query'         => $query,
					'user'          => 'visitor-stream-state-test',
					'response_mode' => 'streaming',
				)
			)
		);
		curl_setopt( $handle, CURLOPT_TIMEOUT, 30 );
		return $handle;
	}

	public function test_a_stream_goes_to_the_parser_event_by_event(): void {
		$handle = $this->handle( 'Stream me #delay:1' );
		$state  = $this->state();
		$state->configure( $handle );
		$this->assertTrue( curl_exec( $handle ) );
		$state->finish();

		$this->assertTrue( $state->configured() );
		$this->assertFalse( $state->aborted() );
		$this->assertSame( 200, $state->status() );
		$this->assertSame( 'text/event-stream', $state->content_type() );
		$this->assertSame( '', $state->error_body(), 'A stream keeps no body.' );
		$names = array_column( $this->events, 'event' );
		$this->assertContains( 'message', $names );
		$this->assertSame( 'message_end', end( $names ) );
	}

	public function test_any_other_answer_is_kept_as_the_error_body(): void {
		$handle = $this->handle( 'Hello', 'app-not-a-real-key' );
		$state  = $this->state();
		$state->configure( $handle );
		curl_exec( $handle );
		$state->finish();

		$this->assertSame( 401, $state->status() );
		$this->assertSame( 'application/json', $state->content_type() );
		$this->assertSame( 'unauthorized', json_decode( $state->error_body(), true )['code'] );
		$this->assertSame( array(), $this->events, 'An error body is never parsed as events.' );
	}

	public function test_should_stop_aborts_the_transfer_without_a_retry(): void {
		$since  = $this->emulator_last_seq();
		$handle = $this->handle( 'A long answer please #delay:300' );
		$state  = $this->state(
			function (): bool {
				return count( $this->events ) >= 2;
			}
		);
		$state->configure( $handle );
		$this->assertFalse( curl_exec( $handle ) );
		$this->assertSame( CURLE_ABORTED_BY_CALLBACK, curl_errno( $handle ) );
		$state->finish();

		$this->assertTrue( $state->aborted() );
		$this->assertSame( 200, $state->status() );
		$this->assertLessThan( 20, count( $this->events ), 'Reading stopped soon after it was asked to.' );
		$this->assertCount( 1, $this->emulator_requests( $since, '/chat-messages' ) );
	}

	public function test_silence_longer_than_the_read_timeout_ends_the_transfer(): void {
		add_filter(
			'dify_chatbot_read_timeout',
			static function () {
				return 1;
			}
		);
		$handle = $this->handle( 'Stall #fault:stall:20' );
		$state  = $this->state();
		$state->configure( $handle );
		$this->assertFalse( curl_exec( $handle ) );
		$this->assertSame( CURLE_OPERATION_TIMEDOUT, curl_errno( $handle ) );
		$this->assertFalse( $state->aborted(), 'A timeout is not a stop asked for.' );
	}

	public function test_something_that_is_no_curl_handle_is_left_alone(): void {
		$state = $this->state();
		$state->configure( 'not a handle' );
		$this->assertFalse( $state->configured() );
		$this->assertSame( 3, $state->write( null, 'abc' ), 'The write callback always takes every byte.' );
		$this->assertSame( 0, $state->status() );
	}
}
