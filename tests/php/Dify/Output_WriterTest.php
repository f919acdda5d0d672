<?php
/**
 * The stream writer's padding: when frames are padded (Apache in front of PHP-FPM), to what size,
 * and that a padded frame is still the same single event for an SSE reader. That padding makes
 * Apache + PHP-FPM stream event by event is proven end to end on the real stack
 * (tests/e2e/specs/streaming.stack.spec.ts in `npm test`'s stacks suite).
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify;

use Dify_Chatbot\Dify\Output_Writer;
use Dify_Chatbot\Dify\Sse_Parser;
use Dify_Chatbot\Tests\TestCase;

final class Output_WriterTest extends TestCase {

	protected function tear_down() {
		remove_all_filters( 'dify_chatbot_stream_padding' );
		parent::tear_down();
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
