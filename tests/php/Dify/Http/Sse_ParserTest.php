<?php
/**
 * The incremental SSE parser.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\Http;

use Dify_Chatbot\Dify\Http\Sse_Parser;
use Dify_Chatbot\Tests\TestCase;

final class Sse_ParserTest extends TestCase {

	/**
	 * Events received.
	 *
	 * @var array<int, array<string, mixed>>
	 */
	private $events = array();

	private function parser(): Sse_Parser {
		$this->events = array();
		return new Sse_Parser(
			function ( array $event ): void {
				$this->events[] = $event;
			}
		);
	}

	private const STREAM = "data: {\"event\":\"message\",\"task_id\":\"t1\",\"answer\":\"Hel\"}\n\nevent: ping\n\ndata: {\"event\":\"message\",\"task_id\":\"t1\",\"answer\":\"lo \\u00e9\\n\"}\n\ndata: {\"event\":\"message_end\",\"task_id\":\"t1\"}\n\n";

	public function test_whole_stream_in_one_piece(): void {
		$parser = $this->parser();
		$parser->feed( self::STREAM );
		$this->assertSame( array( 'message', 'ping', 'message', 'message_end' ), array_column( $this->events, 'event' ) );
		$this->assertSame( "lo é\n", $this->events[2]['answer'] );
		$this->assertSame( array( 'event' => 'ping' ), $this->events[1] );
	}

	public function test_split_at_every_byte_gives_the_same_events(): void {
		$parser = $this->parser();
		$parser->feed( self::STREAM );
		$whole = $this->events;

		$parser = $this->parser();
		foreach ( str_split( self::STREAM ) as $byte ) {
			$parser->feed( $byte );
		}
		$this->assertSame( $whole, $this->events );
	}

	public function test_an_event_is_delivered_only_when_its_blank_line_arrives(): void {
		$parser = $this->parser();
		$parser->feed( "data: {\"event\":\"message\",\"answer\":\"a\"}\n" );
		$this->assertSame( array(), $this->events );
		$parser->feed( "\n" );
		$this->assertCount( 1, $this->events );
	}

	public function test_crlf_line_ends(): void {
		$parser = $this->parser();
		$parser->feed( "data: {\"event\":\"message\",\"answer\":\"a\"}\r\n\r\nevent: ping\r\n\r\n" );
		$this->assertSame( array( 'message', 'ping' ), array_column( $this->events, 'event' ) );
	}

	public function test_malformed_frames_are_skipped_and_counted(): void {
		$parser = $this->parser();
		$parser->feed( "data: {not json\n\nthis line has no data prefix\n\ndata: [1,2]\n\ndata: {\"event\":\"message\",\"answer\":\"ok\"}\n\n" );
		$this->assertSame( array( 'message' ), array_column( $this->events, 'event' ) );
		$this->assertSame( 2, $parser->skipped() );
	}

	public function test_comments_ids_and_retry_are_ignored(): void {
		$parser = $this->parser();
		$parser->feed( ": keep-alive\n\nid: 7\nretry: 100\ndata: {\"event\":\"message\",\"answer\":\"x\"}\n\n" );
		$this->assertSame(
			array(
				array(
					'event'  => 'message',
					'answer' => 'x',
				),
			),
			$this->events
		);
	}

	public function test_event_line_names_data_without_an_event_key(): void {
		$parser = $this->parser();
		$parser->feed( "event: custom\ndata: {\"a\":1}\n\n" );
		$this->assertSame(
			array(
				array(
					'a'     => 1,
					'event' => 'custom',
				),
			),
			$this->events
		);
	}

	public function test_finish_delivers_a_last_frame_without_its_blank_line(): void {
		$parser = $this->parser();
		$parser->feed( 'data: {"event":"message_end"}' );
		$this->assertSame( array(), $this->events );
		$parser->finish();
		$this->assertSame( array( 'message_end' ), array_column( $this->events, 'event' ) );
	}

	public function test_a_64_kb_event_split_in_1_kb_slices(): void {
		$text   = str_repeat( 'abcdefgh', 8192 );
		$frame  = 'data: ' . wp_json_encode(
			array(
				'event'  => 'message',
				'answer' => $text,
			)
		) . "\n\n";
		$parser = $this->parser();
		foreach ( str_split( $frame, 1024 ) as $slice ) {
			$parser->feed( $slice );
		}
		$this->assertCount( 1, $this->events );
		$this->assertSame( $text, $this->events[0]['answer'] );
	}

	public function test_a_runaway_line_is_dropped_and_parsing_goes_on(): void {
		$parser = $this->parser();
		$chunk  = str_repeat( 'x', 1048576 );
		$parser->feed( 'data: ' );
		for ( $i = 0; $i < 5; $i++ ) {
			$parser->feed( $chunk );
		}
		$parser->feed( "\n\ndata: {\"event\":\"message\",\"answer\":\"after\"}\n\n" );
		$this->assertSame( array( 'after' ), array_column( $this->events, 'answer' ) );
		$this->assertSame( 1, $parser->skipped() );
	}
}
