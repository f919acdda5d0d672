<?php
/**
 * The reasoning taken out of a stream's events, however the events cut the text.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\Relay;

use Dify_Chatbot\Dify\Relay\Answer_View;
use Dify_Chatbot\Dify\Relay\Event;
use Dify_Chatbot\Dify\Relay\Reasoning_Stream;
use Dify_Chatbot\Tests\TestCase;

final class Reasoning_StreamTest extends TestCase {

	private const TEXT = "<think>\nSecret plan.\n</think>\n\nThe answer.";

	private const ENVELOPE = array(
		'conversation_id' => 'c1',
		'message_id'      => 'm1',
		'task_id'         => 't1',
	);

	/**
	 * The events of one answer, its text cut in the given pieces, in the shape of a mode's deltas.
	 *
	 * @param string[] $pieces The text's pieces.
	 * @param string   $delta  `message`, `agent_message` or `text_chunk`.
	 * @return Event[]
	 */
	private function stream( array $pieces, string $delta ): array {
		$events = array();
		foreach ( $pieces as $piece ) {
			$events[] = new Event(
				'text_chunk' === $delta
					? array(
						'event' => 'text_chunk',
						'data'  => array( 'text' => $piece ),
					) + self::ENVELOPE
					: array(
						'event'  => $delta,
						'answer' => $piece,
					) + self::ENVELOPE
			);
		}
		$events[] = new Event( array( 'event' => 'text_chunk' === $delta ? 'workflow_finished' : 'message_end' ) + self::ENVELOPE );
		return $events;
	}

	/**
	 * What the browser would make of the events: answer, reasoning, names.
	 *
	 * @param Event[] $events The events.
	 * @return array{answer: string, reasoning: string, names: string[]}
	 */
	private function through( Reasoning_Stream $stream, array $events ): array {
		$got = array(
			'answer'    => '',
			'reasoning' => '',
			'names'     => array(),
		);
		foreach ( $events as $event ) {
			foreach ( $stream->events( $event ) as $out ) {
				$got['names'][] = $out['event'];
				if ( 'reasoning_chunk' === $out['event'] ) {
					$got['reasoning'] .= $out['data']['reasoning'];
				} elseif ( 'text_chunk' === $out['event'] ) {
					$got['answer'] .= $out['data']['text'];
				} elseif ( isset( $out['answer'] ) ) {
					$got['answer'] .= $out['answer'];
				}
			}
		}
		return $got;
	}

	public function deltas(): array {
		return array(
			'message'       => array( 'message' ),
			'agent_message' => array( 'agent_message' ),
			'text_chunk'    => array( 'text_chunk' ),
		);
	}

	/**
	 * @dataProvider deltas
	 */
	public function test_every_cut_into_three_events_hidden_and_shown( string $delta ): void {
		$length = strlen( self::TEXT );
		for ( $i = 0; $i <= $length; $i++ ) {
			for ( $j = $i; $j <= $length; $j++ ) {
				$pieces = array( substr( self::TEXT, 0, $i ), substr( self::TEXT, $i, $j - $i ), substr( self::TEXT, $j ) );
				$cut    = wp_json_encode( $pieces );

				$hidden = $this->through( new Reasoning_Stream( false ), $this->stream( $pieces, $delta ) );
				$this->assertSame( 'The answer.', $hidden['answer'], $cut );
				$this->assertSame( '', $hidden['reasoning'], $cut );
				$this->assertNotContains( 'reasoning_chunk', $hidden['names'], $cut );
				$this->assertSame( 'text_chunk' === $delta ? 'workflow_finished' : 'message_end', end( $hidden['names'] ), $cut );

				$shown = $this->through( new Reasoning_Stream( true ), $this->stream( $pieces, $delta ) );
				$this->assertSame( 'The answer.', $shown['answer'], $cut );
				$this->assertSame( "\nSecret plan.\n", $shown['reasoning'], $cut );
			}
		}
	}

	public function test_reasoning_chunk_events_are_dropped_unless_shown(): void {
		$event = new Event(
			array(
				'event' => 'reasoning_chunk',
				'data'  => array(
					'reasoning' => 'hmm',
					'is_final'  => false,
				),
			) + self::ENVELOPE
		);
		$this->assertSame( array(), ( new Reasoning_Stream( false ) )->events( $event ) );
		$this->assertSame( array( $event->data() ), ( new Reasoning_Stream( true ) )->events( $event ) );
	}

	public function test_held_back_text_goes_out_before_the_end(): void {
		$stream = new Reasoning_Stream( false );
		$got    = $this->through( $stream, $this->stream( array( 'x <', 'th' ), 'message' ) );
		$this->assertSame( 'x <th', $got['answer'] );
		$this->assertSame( array( 'message', 'message', 'message_end' ), $got['names'] );
	}

	/**
	 * @dataProvider shows
	 */
	public function test_a_new_agents_closing_message_replaces_without_thinking( bool $show ): void {
		$stream = new Reasoning_Stream( $show );
		$this->through( $stream, array_slice( $this->stream( array( 'Step. <thi', "nk>r</think>\n\nAnswer" ), 'agent_message' ), 0, 2 ) );
		$closing = $stream->events(
			new Event(
				array(
					'event'  => 'message',
					'answer' => "Step. <think>r</think>\n\nAnswer",
				) + self::ENVELOPE
			)
		);
		$this->assertCount( 1, $closing );
		$this->assertSame( 'Step. Answer', $closing[0]['answer'] );
	}

	/**
	 * @dataProvider shows
	 */
	public function test_an_agents_thought_loses_its_thinking( bool $show ): void {
		$out = ( new Reasoning_Stream( $show ) )->events(
			new Event(
				array(
					'event'   => 'agent_thought',
					'thought' => "<think>private</think>\n\nI will search.",
					'tool'    => 'web_search',
				) + self::ENVELOPE
			)
		);
		$this->assertSame( 'I will search.', $out[0]['thought'] );
		$this->assertSame( 'web_search', $out[0]['tool'] );
	}

	public function shows(): array {
		return array(
			'hidden' => array( false ),
			'shown'  => array( true ),
		);
	}

	public function test_whole_answers_lose_their_reasoning_unless_shown(): void {
		$answer = array(
			'answer' => self::TEXT,
			'id'     => 'm1',
		);
		$this->assertSame(
			array(
				'answer' => 'The answer.',
				'id'     => 'm1',
			),
			( new Answer_View() )->answer( $answer )
		);
		$this->assertSame(
			array(
				'answer'    => 'The answer.',
				'id'        => 'm1',
				'reasoning' => 'Secret plan.',
			),
			( new Answer_View( true ) )->answer( $answer )
		);
		$plain = array( 'answer' => 'a < b' );
		$this->assertSame( $plain, ( new Answer_View( true ) )->answer( $plain ) );
	}
}
