<?php
/**
 * The stream's writer on a real connection: PHP's built-in web server runs one answer through
 * Output_Writer inside this WordPress (tests/php/Support/output-writer-server.php). And its padding:
 * when frames are padded (Apache in front of PHP-FPM), to what size, and that a padded frame is still
 * the same single event for an SSE reader (end to end on the real stack: the stacks suite's
 * tests/e2e/specs/streaming.stack.spec.ts).
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\Relay;

use Dify_Chatbot\Dify\Http\Sse_Parser;
use Dify_Chatbot\Dify\Relay\Output_Writer;
use Dify_Chatbot\Tests\TestCase;

// phpcs:disable WordPress.WP.AlternativeFunctions -- a raw socket and a child process are the test.

final class Output_WriterTest extends TestCase {

	/**
	 * The folder the server script and the test share.
	 *
	 * @var string
	 */
	private $dir = '';

	/**
	 * The server process.
	 *
	 * @var resource|null
	 */
	private $server = null;

	protected function tear_down() {
		remove_all_filters( 'dify_chatbot_stream_padding' );
		if ( is_resource( $this->server ) ) {
			proc_terminate( $this->server );
			proc_close( $this->server );
		}
		foreach ( array( 'go', 'result.json', 'server.log' ) as $file ) {
			if ( file_exists( $this->dir . '/' . $file ) ) {
				unlink( $this->dir . '/' . $file );
			}
		}
		if ( '' !== $this->dir && is_dir( $this->dir ) ) {
			rmdir( $this->dir );
		}
		parent::tear_down();
	}

	/**
	 * Starts `php -S` with the router script; returns its port.
	 */
	private function start_server(): int {
		$probe = stream_socket_server( 'tcp://127.0.0.1:0' );
		$this->assertNotFalse( $probe );
		$port = (int) substr( (string) strrchr( (string) stream_socket_get_name( $probe, false ), ':' ), 1 );
		fclose( $probe );

		$this->dir = sys_get_temp_dir() . '/dify-chatbot-writer-' . bin2hex( random_bytes( 6 ) );
		mkdir( $this->dir, 0700 );
		$this->server = proc_open( // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.system_calls_proc_open -- the server is the test's subject.
			array( PHP_BINARY, '-S', '127.0.0.1:' . $port, dirname( __DIR__, 2 ) . '/Support/output-writer-server.php' ),
			array(
				0 => array( 'pipe', 'r' ),
				1 => array( 'file', $this->dir . '/server.log', 'a' ),
				2 => array( 'file', $this->dir . '/server.log', 'a' ),
			),
			$pipes
		);
		$this->assertIsResource( $this->server );
		for ( $i = 0; $i < 100; $i++ ) {
			$socket = @stream_socket_client( 'tcp://127.0.0.1:' . $port, $errno, $errstr, 1 ); // phpcs:ignore WordPress.PHP.NoSilencedErrors.Discouraged -- polling until the server listens.
			if ( false !== $socket ) {
				fclose( $socket );
				return $port;
			}
			usleep( 50000 );
		}
		$this->fail( 'php -S did not start: ' . (string) file_get_contents( $this->dir . '/server.log' ) );
	}

	/**
	 * Reads from the socket until $needle arrived (or 10 s passed); returns all read so far.
	 *
	 * @param resource $socket The connection.
	 */
	private function read_until( $socket, string $needle, string $so_far ): string {
		$deadline = microtime( true ) + 10;
		while ( false === strpos( $so_far, $needle ) && microtime( true ) < $deadline && ! feof( $socket ) ) {
			$chunk = fread( $socket, 8192 );
			if ( false === $chunk ) {
				break;
			}
			$so_far .= $chunk;
		}
		return $so_far;
	}

	public function test_frames_reach_the_visitor_as_they_are_written_and_a_gone_visitor_is_noticed(): void {
		$port   = $this->start_server();
		$socket = stream_socket_client( 'tcp://127.0.0.1:' . $port, $errno, $errstr, 5 );
		$this->assertNotFalse( $socket, $errstr );
		stream_set_timeout( $socket, 10 );
		// HTTP/1.0: the body comes as written, without chunked framing.
		fwrite( $socket, 'GET /?dir=' . rawurlencode( $this->dir ) . " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" );

		// Frame 1 arrives while the script is still waiting for the test: nothing held it back,
		// although the script had opened two output buffers.
		$read = $this->read_until( $socket, "data: {\"n\":1}\n\n", '' );
		$this->assertStringContainsString( "data: {\"n\":1}\n\n", $read, 'The first frame did not arrive before the script went on: ' . $read );
		list( $head, $body ) = explode( "\r\n\r\n", $read, 2 );
		$this->assertMatchesRegularExpression( '#^HTTP/1\.[01] 200#', $head );
		$this->assertStringContainsString( 'Content-Type: text/event-stream; charset=utf-8', $head );
		$this->assertStringContainsString( 'X-Test-Stream: yes', $head );
		$this->assertStringStartsWith( 'data: {"n":1}', $body, 'What was printed into the buffers before the stream never reaches the visitor.' );

		touch( $this->dir . '/go' );
		$read = $this->read_until( $socket, "data: {\"n\":2}\n\n", $body );
		$this->assertStringContainsString( "data: {\"n\":2}\n\n", $read );

		// The visitor leaves: the writer notices on a later write.
		fclose( $socket );
		$result   = $this->dir . '/result.json';
		$deadline = microtime( true ) + 10;
		while ( ! file_exists( $result ) && microtime( true ) < $deadline ) {
			usleep( 50000 );
		}
		$this->assertFileExists( $result, (string) file_get_contents( $this->dir . '/server.log' ) );
		$seen = json_decode( (string) file_get_contents( $result ), true );
		$this->assertSame( 0, $seen['buffers_left'], 'Every output buffer was removed.' );
		$this->assertTrue( $seen['ignore_user_abort'], 'The script runs on after the visitor left (to stop the task at Dify).' );
		$this->assertGreaterThan( 2, $seen['gone_at'], 'is_gone() turned true after the connection closed.' );
	}

	public function test_frames_are_padded_only_behind_apache_fastcgi(): void {
		$this->assertSame( 4096, Output_Writer::padding_for( 'fpm-fcgi', 'Apache/2.4.71 (Debian)' ) );
		$this->assertSame( 4096, Output_Writer::padding_for( 'fpm-fcgi', 'Apache' ) );
		$this->assertSame( 4096, Output_Writer::padding_for( 'cgi-fcgi', 'Apache/2.4.62 (Unix)' ) );
		// mod_php flushes each write itself; nginx streams with X-Accel-Buffering: no.
		$this->assertSame( 0, Output_Writer::padding_for( 'apache2handler', 'Apache/2.4.71 (Debian)' ) );
		$this->assertSame( 0, Output_Writer::padding_for( 'fpm-fcgi', 'nginx/1.22.1' ) );
		$this->assertSame( 0, Output_Writer::padding_for( 'cli-server', 'PHP/8.2.36 (Development Server)' ) );
		$this->assertSame( 0, Output_Writer::padding_for( 'fpm-fcgi', '' ) );
	}

	public function test_the_filter_turns_padding_off_or_sets_it_within_bounds(): void {
		add_filter( 'dify_chatbot_stream_padding', '__return_zero' );
		$this->assertSame( 0, Output_Writer::padding_for( 'fpm-fcgi', 'Apache' ) );
		remove_all_filters( 'dify_chatbot_stream_padding' );

		$seen = array();
		add_filter(
			'dify_chatbot_stream_padding',
			static function ( $bytes, $sapi, $server ) use ( &$seen ) {
				$seen = array( $bytes, $sapi, $server );
				return 8192;
			},
			10,
			3
		);
		$this->assertSame( 8192, Output_Writer::padding_for( 'fpm-fcgi', 'LiteSpeed' ) );
		$this->assertSame( array( 0, 'fpm-fcgi', 'LiteSpeed' ), $seen );
		remove_all_filters( 'dify_chatbot_stream_padding' );

		add_filter(
			'dify_chatbot_stream_padding',
			static function () {
				return 10000000;
			}
		);
		$this->assertSame( 65536, Output_Writer::padding_for( 'fpm-fcgi', 'Apache' ) );
		remove_all_filters( 'dify_chatbot_stream_padding' );

		add_filter(
			'dify_chatbot_stream_padding',
			static function () {
				return 'lots';
			}
		);
		$this->assertSame( 4096, Output_Writer::padding_for( 'fpm-fcgi', 'Apache' ) );
	}

	public function test_a_padded_frame_has_the_size_and_is_the_same_event(): void {
		$frame  = 'data: {"event":"message","answer":"Hi"}' . "\n\n";
		$padded = Output_Writer::pad( $frame, 4096 );
		$this->assertSame( 4096, strlen( $padded ) );
		$this->assertStringEndsWith( $frame, $padded );
		$this->assertSame( ':', $padded[0] );

		$events = array();
		$parser = new Sse_Parser(
			static function ( array $event ) use ( &$events ): void {
				$events[] = $event;
			}
		);
		$parser->feed( $padded . Output_Writer::pad( "event: ping\n\n", 4096 ) );
		$this->assertSame(
			array(
				array(
					'event'  => 'message',
					'answer' => 'Hi',
				),
			),
			array_values( array_filter( $events, static fn( $e ) => 'ping' !== $e['event'] ) )
		);
		$this->assertCount( 2, $events );
	}

	public function test_frames_at_or_over_the_size_and_no_padding_are_left_alone(): void {
		$frame = 'data: ' . str_repeat( 'x', 5000 ) . "\n\n";
		$this->assertSame( $frame, Output_Writer::pad( $frame, 4096 ) );
		$this->assertSame( "event: ping\n\n", Output_Writer::pad( "event: ping\n\n", 0 ) );
		// One byte short: the comment line alone is two bytes, so it ends one over, never under.
		$short = str_repeat( 'y', 4095 );
		$this->assertSame( 4097, strlen( Output_Writer::pad( $short, 4096 ) ) );
	}
}
