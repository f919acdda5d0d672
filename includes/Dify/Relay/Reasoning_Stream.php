<?php
/**
 * Takes a reasoning model's thinking out of a streamed answer.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Relay;

/**
 * One per stream, between Dify's events and the allow-list (Event_Filter). Reasoning comes two
 * ways: `reasoning_chunk` events (an LLM node that separates it) and `<think>…</think>` inline in
 * the answer's text deltas (`message`, `agent_message`, `text_chunk`), cut anywhere across
 * events. Either way it never stays in the answer's text: with reasoning hidden it is dropped
 * here, on the server; shown, it goes to the browser as `reasoning_chunk` events of its own
 * (`data.reasoning`, `data.is_final` when a block of thinking ended).
 *
 * An agent's step (`agent_thought`) repeats the model's words of its round in `thought`: its
 * thinking is taken out there too, shown or not.
 *
 * A text that replaces the answer (`message_replace`, and a New Agent's closing `message`, which
 * repeats the whole answer after its `agent_message` deltas) is split whole; its reasoning was
 * streamed already, so it is not sent again. Text held back at the end of the deltas (it might
 * have been the start of a tag) goes out, in the shape of the last text event, before the event
 * that ends the answer.
 */
final class Reasoning_Stream {

	/**
	 * Events before which the answer's text is complete.
	 */
	private const ENDS = array( 'message_end', 'workflow_finished', 'workflow_paused', 'human_input_required' );

	/**
	 * Whether reasoning is shown.
	 *
	 * @var bool
	 */
	private bool $show;

	/**
	 * Reads the text deltas.
	 *
	 * @var Think_Splitter
	 */
	private Think_Splitter $splitter;

	/**
	 * The last text event, the shape of text sent out of turn.
	 *
	 * @var Event|null
	 */
	private ?Event $last_text = null;

	/**
	 * Message ids that had `agent_message` deltas (their later `message` is the whole answer).
	 *
	 * @var array<string, true>
	 */
	private array $agent_messages = array();

	/**
	 * Starts a stream.
	 *
	 * @param bool $show Whether reasoning is shown.
	 */
	public function __construct( bool $show ) {
		$this->show     = $show;
		$this->splitter = new Think_Splitter();
	}

	/**
	 * What the browser gets for one of Dify's events, before the allow-list: none, this one (its
	 * text without reasoning), or several (reasoning, then text).
	 *
	 * @param Event $event The event as Dify sent it.
	 * @return array<int, array<string, mixed>> Events as Dify would have sent them.
	 */
	public function events( Event $event ): array {
		$name = $event->name();
		if ( 'reasoning_chunk' === $name ) {
			return $this->show ? array( $event->data() ) : array();
		}
		if ( 'agent_thought' === $name ) {
			return array( self::without_thinking( $event->data() ) );
		}
		$replacement = $this->replacement( $event );
		if ( null !== $replacement ) {
			$this->splitter  = new Think_Splitter();
			$this->last_text = null;
			return array( self::with_text( $event, Think_Splitter::split( $replacement )['answer'] ) );
		}
		$text = $event->text();
		if ( null !== $text ) {
			$this->last_text = $event;
			return $this->pieces( $event, $this->splitter->feed( $text ) );
		}
		if ( in_array( $name, self::ENDS, true ) && null !== $this->last_text ) {
			$rest            = $this->pieces( $this->last_text, $this->splitter->finish() );
			$this->splitter  = new Think_Splitter();
			$this->last_text = null;
			return array_merge( $rest, array( $event->data() ) );
		}
		return array( $event->data() );
	}

	/**
	 * The whole answer an event puts in place of the text so far, or null. Besides
	 * `message_replace`, a `message` after `agent_message` deltas of the same message is the
	 * complete answer (New Agent apps), never more text.
	 *
	 * @param Event $event The event.
	 */
	private function replacement( Event $event ): ?string {
		$replacement = $event->replacement();
		if ( null !== $replacement ) {
			return $replacement;
		}
		$ids = $event->ids();
		$id  = isset( $ids['message_id'] ) ? (string) $ids['message_id'] : '';
		if ( 'agent_message' === $event->name() ) {
			$this->agent_messages[ $id ] = true;
			return null;
		}
		return 'message' === $event->name() && isset( $this->agent_messages[ $id ] ) ? $event->text() : null;
	}

	/**
	 * The events for one split piece: its reasoning (when shown), then its answer text.
	 *
	 * @param Event                                                  $event The text event.
	 * @param array{answer: string, reasoning: string, closed: bool} $parts The split piece.
	 * @return array<int, array<string, mixed>>
	 */
	private function pieces( Event $event, array $parts ): array {
		$events = array();
		if ( $this->show && ( '' !== $parts['reasoning'] || $parts['closed'] ) ) {
			$events[] = $this->reasoning( $event, $parts['reasoning'], $parts['closed'] );
		}
		if ( '' !== $parts['answer'] ) {
			$events[] = self::with_text( $event, $parts['answer'] );
		}
		return $events;
	}

	/**
	 * A `reasoning_chunk` event for inline reasoning, with the text event's envelope.
	 *
	 * @param Event  $event     The text event it came in.
	 * @param string $reasoning The reasoning.
	 * @param bool   $closed    Whether the block of thinking ended.
	 * @return array<string, mixed>
	 */
	private function reasoning( Event $event, string $reasoning, bool $closed ): array {
		return array( 'event' => 'reasoning_chunk' ) + $event->ids() + array(
			'data' => array(
				'reasoning' => $reasoning,
				'is_final'  => $closed,
			),
		);
	}

	/**
	 * An agent's step with the thinking taken out of its `thought`: the model's words of that
	 * round repeat the text deltas, whose reasoning is streamed (or dropped) already.
	 *
	 * @param array<string, mixed> $data The `agent_thought` event.
	 * @return array<string, mixed>
	 */
	private static function without_thinking( array $data ): array {
		if ( isset( $data['thought'] ) && is_string( $data['thought'] ) && Think_Splitter::has_tags( $data['thought'] ) ) {
			$data['thought'] = Think_Splitter::split( $data['thought'] )['answer'];
		}
		return $data;
	}

	/**
	 * A copy of a text event with other text.
	 *
	 * @param Event  $event The event.
	 * @param string $text  The text.
	 * @return array<string, mixed>
	 */
	private static function with_text( Event $event, string $text ): array {
		$data = $event->data();
		if ( 'text_chunk' === $event->name() ) {
			$data['data']         = isset( $data['data'] ) && is_array( $data['data'] ) ? $data['data'] : array();
			$data['data']['text'] = $text;
		} else {
			$data['answer'] = $text;
		}
		return $data;
	}
}
