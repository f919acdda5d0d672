<?php
/**
 * The Dify client's requests, as the emulator receives them.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\Http;

use Dify_Chatbot\Dify\App\App_Mode;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Dify\Http\Connection;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\TestCase;

require_once dirname( __DIR__, 2 ) . '/Support/Emulator.php';

final class ClientTest extends TestCase {

	use Emulator;

	protected function set_up() {
		parent::set_up();
		$this->require_emulator();
	}

	protected function tear_down() {
		remove_all_filters( 'http_request_args' );
		parent::tear_down();
	}

	private function client( string $key = 'app-emulator' ): Client {
		return new Client( self::emulator_url() . '/', $key );
	}

	public function test_info_sends_the_key_as_bearer_and_reads_the_app(): void {
		$since    = $this->emulator_last_seq();
		$response = $this->client()->info();
		$this->assert_not_wp_error( $response );
		$this->assertSame( 200, $response->status() );
		$this->assertSame( 'chat', $response->json()['mode'] );

		$requests = $this->emulator_requests( $since, '/info' );
		$this->assertCount( 1, $requests );
		$this->assertSame( 'GET', $requests[0]['method'] );
		$this->assertSame( '/v1/info', $requests[0]['path'] );
		$this->assertSame( 'Bearer app-emulator', $requests[0]['headers']['authorization'] );
	}

	public function test_every_call_goes_through_the_http_api_with_tls_verified_and_no_redirects(): void {
		$seen = array();
		add_filter(
			'http_request_args',
			static function ( $args, $url ) use ( &$seen ) {
				$seen[] = array( $url, $args );
				return $args;
			},
			10,
			2
		);
		$client = $this->client();
		$client->info();
		$client->chat_blocking(
			'/chat-messages',
			array(
				'inputs' => new \stdClass(),
				'query'  => 'hi #delay:1',
				'user'   => 'visitor-client-test',
			)
		);
		$client->stream(
			'/chat-messages',
			array(
				'inputs' => new \stdClass(),
				'query'  => 'hi #delay:1',
				'user'   => 'visitor-client-test',
			),
			static function () {}
		);
		$client->stop( '/chat-messages/task-1/stop', 'visitor-client-test' );

		$this->assertCount( 4, $seen );
		foreach ( $seen as list( $url, $args ) ) {
			$this->assertStringStartsWith( self::emulator_url() . '/', $url );
			$this->assertStringNotContainsString( '//info', $url );
			$this->assertTrue( $args['sslverify'] );
			$this->assertSame( 0, $args['redirection'] );
			$this->assertArrayNotHasKey( 'Authorization', $args['headers'] );
		}
	}

	public function test_the_key_is_in_no_hook_of_the_http_api_but_reaches_dify(): void {
		$this->assertTrue( \Dify_Chatbot\Dify\Http\Transport_Policy::curl_sends_bearer( self::emulator_url() ), 'This test site has cURL with bearer support.' );
		// What a debugging plugin (Query Monitor, a request logger) records.
		$recorded = '';
		$record   = static function ( ...$values ) use ( &$recorded ) {
			$recorded .= print_r( $values, true ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_print_r
			return $values[0];
		};
		add_filter( 'http_request_args', $record, 9999, 2 );
		add_filter( 'pre_http_request', $record, 9999, 3 );
		add_action( 'http_api_debug', $record, 10, 5 );
		add_filter( 'http_response', $record, 10, 3 );
		add_action( 'requests-requests.before_request', $record, 10, 5 );

		$since  = $this->emulator_last_seq();
		$client = $this->client( 'app-emulator-chatflow' );
		$client->info();
		$client->stream(
			'/chat-messages',
			array(
				'inputs' => new \stdClass(),
				'query'  => 'hi #delay:1',
				'user'   => 'visitor-client-test',
			),
			static function () {}
		);
		$client->chat_blocking(
			'/chat-messages',
			array(
				'inputs' => new \stdClass(),
				'query'  => 'whole #delay:1 #fault:500',
				'user'   => 'visitor-client-test',
			)
		);
		remove_all_filters( 'pre_http_request' );
		remove_all_actions( 'http_api_debug' );
		remove_all_filters( 'http_response' );
		remove_all_actions( 'requests-requests.before_request' );

		$this->assertStringContainsString( '/v1/info', $recorded, 'The hooks ran.' );
		$this->assertStringNotContainsString( 'app-emulator-chatflow', $recorded );
		$requests = $this->emulator_requests( $since, '/v1/' );
		$this->assertCount( 3, $requests );
		foreach ( $requests as $request ) {
			$this->assertSame( 'Bearer app-emulator-chatflow', $request['headers']['authorization'] );
		}
	}

	public function test_blocking_chat_sends_a_json_object_with_user_inputs_and_mode(): void {
		$since    = $this->emulator_last_seq();
		$response = $this->client()->chat_blocking(
			'/chat-messages',
			array(
				'inputs' => new \stdClass(),
				'query'  => 'Blocking hello #delay:1',
				'user'   => 'visitor-client-test',
			)
		);
		$this->assert_not_wp_error( $response );
		$this->assertSame( 200, $response->status() );
		$this->assertNotSame( '', $response->json()['answer'] );

		$request = $this->emulator_requests( $since, '/chat-messages' )[0];
		$this->assertStringStartsWith( 'application/json', $request['headers']['content-type'] );
		$this->assertSame( 'visitor-client-test', $request['user'] );
		$this->assertSame( array(), $request['body']['inputs'] );
		$this->assertSame( 'blocking', $request['body']['response_mode'] );
	}

	public function test_stop_posts_the_user_as_json_for_each_app_family(): void {
		$since = $this->emulator_last_seq();
		$this->assertSame( array( 'result' => 'success' ), $this->client()->stop( App_Mode::chat()->stop_path( 'task-a' ), 'visitor-x' )->json() );
		$this->client( 'app-emulator-completion' )->stop( App_Mode::from( 'completion' )->stop_path( 'task-b' ), 'visitor-x' );
		$this->client( 'app-emulator-workflow' )->stop( App_Mode::from( 'workflow' )->stop_path( 'task-c' ), 'visitor-x' );

		$paths = array_column( $this->emulator_requests( $since, 'stop' ), 'path' );
		$this->assertSame( array( '/v1/chat-messages/task-a/stop', '/v1/completion-messages/task-b/stop', '/v1/workflows/tasks/task-c/stop' ), $paths );
		foreach ( $this->emulator_requests( $since, 'stop' ) as $request ) {
			$this->assertSame( array( 'user' => 'visitor-x' ), $request['body'] );
			$this->assertStringStartsWith( 'application/json', $request['headers']['content-type'] );
			$this->assertSame( 200, $request['status'] );
		}
	}

	public function test_stream_hands_over_events_as_they_arrive(): void {
		$events   = array();
		$response = $this->client()->stream(
			'/chat-messages',
			array(
				'inputs' => new \stdClass(),
				'query'  => 'Stream me #delay:1',
				'user'   => 'visitor-client-test',
			),
			static function ( array $event ) use ( &$events ) {
				$events[] = $event['event'];
			}
		);
		$this->assert_not_wp_error( $response );
		$this->assertTrue( $response->is_event_stream() );
		$this->assertSame( '', $response->body(), 'The stream is consumed, not kept.' );
		$this->assertSame( 'message_end', end( $events ) );
	}

	public function test_a_non_stream_answer_keeps_its_body_for_the_error_mapper(): void {
		$called   = false;
		$response = $this->client()->stream(
			'/chat-messages',
			array(
				'inputs' => new \stdClass(),
				'query'  => 'hi #fault:429:9',
				'user'   => 'visitor-client-test',
			),
			static function () use ( &$called ) {
				$called = true;
			}
		);
		$this->assertFalse( $called );
		$this->assertSame( 429, $response->status() );
		$this->assertSame( 'rate_limit_error', $response->json()['code'] );
		$this->assertSame( '9', $response->header( 'Retry-After' ) );
	}

	public function test_a_stopped_stream_is_not_sent_again(): void {
		$since    = $this->emulator_last_seq();
		$count    = 0;
		$response = $this->client()->stream(
			'/chat-messages',
			array(
				'inputs' => new \stdClass(),
				'query'  => 'Stop me early #delay:200',
				'user'   => 'visitor-client-test',
			),
			static function () use ( &$count ) {
				++$count;
			},
			static function () use ( &$count ) {
				return $count >= 1;
			}
		);
		$this->assert_not_wp_error( $response );
		$this->assertSame( 200, $response->status() );
		$this->assertLessThanOrEqual( 2, $count );
		$posts = array_filter(
			$this->emulator_requests( $since, '/chat-messages' ),
			static function ( $r ) {
				return 'POST' === $r['method'];
			}
		);
		$this->assertCount( 1, $posts );
	}

	/**
	 * A file in the temporary folder.
	 */
	private function temporary( string $bytes ): string {
		$path = (string) tempnam( get_temp_dir(), 'dify-chatbot-test' );
		file_put_contents( $path, $bytes ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_file_put_contents -- test fixture.
		return $path;
	}

	public function test_upload_frames_one_file_part_with_its_type_and_the_user(): void {
		$since = $this->emulator_last_seq();
		$path  = $this->temporary( "line one\r\n--not-a-boundary\r\nline two" );
		try {
			$response = $this->client()->upload( 'visitor-client-test', $path, 'we"ird\\name.txt', 'text/plain' );
		} finally {
			unlink( $path ); // phpcs:ignore WordPress.WP.AlternativeFunctions.unlink_unlink
		}
		$this->assert_not_wp_error( $response );
		$this->assertSame( 201, $response->status(), $response->body() );
		$this->assertSame( 36, $response->json()['size'] );

		$requests = $this->emulator_requests( $since, '/files/upload' );
		$this->assertCount( 1, $requests );
		$this->assertStringStartsWith( 'multipart/form-data; boundary=', $requests[0]['headers']['content-type'] );
		$this->assertSame( 'visitor-client-test', $requests[0]['user'] );
		$this->assertSame( array( 'user' => 'visitor-client-test' ), $requests[0]['body']['fields'] );
		$this->assertSame(
			array(
				array(
					'field'    => 'file',
					'filename' => 'weirdname.txt',
					'size'     => 36,
					'type'     => 'text/plain',
				),
			),
			$requests[0]['body']['files']
		);
	}

	public function test_audio_to_text_and_text_to_audio(): void {
		$path = $this->temporary( 'RIFF' . pack( 'V', 36 ) . 'WAVEfmt ' . str_repeat( "\0", 24 ) );
		try {
			$response = $this->client()->audio_to_text( 'visitor-client-test', $path, 'speech.wav', 'audio/wav' );
		} finally {
			unlink( $path ); // phpcs:ignore WordPress.WP.AlternativeFunctions.unlink_unlink
		}
		$this->assert_not_wp_error( $response );
		$this->assertSame( 200, $response->status() );
		$this->assertStringContainsString( 'speech.wav', $response->json()['text'] );

		$since    = $this->emulator_last_seq();
		$response = $this->client()->text_to_audio( 'visitor-client-test', 'Hello' );
		$this->assert_not_wp_error( $response );
		$this->assertSame( 200, $response->status() );
		$this->assertSame( 'audio/mpeg', $response->content_type() );
		$this->assertSame( "\xFF\xFB", substr( $response->body(), 0, 2 ) );
		$request = $this->emulator_requests( $since, '/text-to-audio' )[0];
		$this->assertSame( 'application/json', $request['headers']['content-type'] );
		$this->assertSame(
			array(
				'user' => 'visitor-client-test',
				'text' => 'Hello',
			),
			$request['body']
		);
	}

	public function test_an_unreadable_file_is_an_error_not_a_request(): void {
		$since    = $this->emulator_last_seq();
		$response = $this->client()->upload( 'visitor-client-test', '/nonexistent/file.png', 'file.png', 'image/png' );
		$this->assertInstanceOf( \WP_Error::class, $response );
		$this->assertSame( Connection::UNREADABLE, $response->get_error_code() );
		$this->assertSame( array(), $this->emulator_requests( $since, '/files/upload' ) );
	}

	public function test_refused_connection_is_a_transport_error(): void {
		$client = new Client( 'http://127.0.0.1:1/v1', 'app-emulator' );
		$this->assertWPErrorLike( $client->info(), 'cURL error 7' );
	}

	public function test_scrub_removes_the_key(): void {
		$this->assertSame( '{"a":"[redacted]"}', $this->client()->scrub( '{"a":"app-emulator"}' ) );
	}

	private function assertWPErrorLike( $value, string $fragment ): void {
		$this->assertInstanceOf( \WP_Error::class, $value );
		$this->assertStringContainsString( $fragment, $value->get_error_message() );
	}
}
