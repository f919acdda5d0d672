<?php
/**
 * An incremental parser for Dify's server-sent events.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Http;

/**
 * Fed with the bytes as cURL hands them over (about 1 KB at a time, so one event can arrive in
 * many pieces and one piece can hold many events). A frame ends at a blank line. Dify sends
 * `data: {json}` frames and `event: ping` keep-alives (docs/dify-notes.md §5); `id:`, `retry:`
 * and comment lines are ignored. A frame whose data is not a JSON object is skipped, not fatal.
 *
 * Memory stays bounded by the largest single event, never the answer's length: only the
 * unfinished line and the current frame are kept.
 */
final class Sse_Parser {

	/**
	 * A line longer than this is dropped (a runaway upstream must not exhaust PHP's memory).
	 */
	public const MAX_LINE = 4194304;

	/**
	 * Called with each event (`array( 'event' => 'ping' )` for keep-alives).
	 *
	 * @var callable
	 * @phpstan-var callable(array<string, mixed>): void
	 */
	private $on_event;

	/**
	 * The unfinished line.
	 *
	 * @var string
	 */
	private string $line = '';

	/**
	 * Whether the unfinished line has overflowed and is being skipped.
	 *
	 * @var bool
	 */
	private bool $skipping = false;

	/**
	 * The current frame's `event:` field.
	 *
	 * @var string
	 */
	private string $name = '';

	/**
	 * The current frame's `data:` lines.
	 *
	 * @var string[]
	 */
	private array $data = array();

	/**
	 * Frames skipped because their data was not a JSON object.
	 *
	 * @var int
	 */
	private int $skipped = 0;

	/**
	 * Keeps the event callback.
	 *
	 * @param callable $on_event Receives each decoded event (an array).
	 * @phpstan-param callable(array<string, mixed>): void $on_event
	 */
	public function __construct( callable $on_event ) {
		$this->on_event = $on_event;
	}

	/**
	 * Feeds the next bytes.
	 *
	 * @param string $bytes Bytes as received.
	 */
	public function feed( string $bytes ): void {
		$offset = 0;
		$length = strlen( $bytes );
		while ( $offset < $length ) {
			$newline = strpos( $bytes, "\n", $offset );
			if ( false === $newline ) {
				$this->append( substr( $bytes, $offset ) );
				return;
			}
			$this->append( substr( $bytes, $offset, $newline - $offset ) );
			$offset = $newline + 1;
			$line   = $this->line;
			$skip   = $this->skipping;

			$this->line     = '';
			$this->skipping = false;
			if ( ! $skip ) {
				$this->line( rtrim( $line, "\r" ) );
			}
		}
	}

	/**
	 * Ends the input: a last frame without its blank line is still delivered (some proxies drop
	 * the final newline).
	 */
	public function finish(): void {
		if ( '' !== $this->line && ! $this->skipping ) {
			$this->line( rtrim( $this->line, "\r" ) );
		}
		$this->line     = '';
		$this->skipping = false;
		$this->dispatch();
	}

	/**
	 * How many frames were skipped as malformed.
	 */
	public function skipped(): int {
		return $this->skipped;
	}

	/**
	 * Adds bytes to the unfinished line, or drops the line when it grows too long.
	 *
	 * @param string $bytes Bytes without a newline.
	 */
	private function append( string $bytes ): void {
		if ( $this->skipping ) {
			return;
		}
		if ( strlen( $this->line ) + strlen( $bytes ) > self::MAX_LINE ) {
			$this->line     = '';
			$this->skipping = true;
			++$this->skipped;
			return;
		}
		$this->line .= $bytes;
	}

	/**
	 * Handles one complete line.
	 *
	 * @param string $line The line without its end.
	 */
	private function line( string $line ): void {
		if ( '' === $line ) {
			$this->dispatch();
			return;
		}
		if ( ':' === $line[0] ) {
			// A comment line.
			return;
		}
		$colon = strpos( $line, ':' );
		$field = false === $colon ? $line : substr( $line, 0, $colon );
		$value = false === $colon ? '' : substr( $line, $colon + 1 );
		if ( '' !== $value && ' ' === $value[0] ) {
			$value = substr( $value, 1 );
		}
		if ( 'data' === $field ) {
			$this->data[] = $value;
		} elseif ( 'event' === $field ) {
			$this->name = $value;
		}
	}

	/**
	 * Delivers the current frame, if it is one.
	 */
	private function dispatch(): void {
		$name = $this->name;
		$data = $this->data;

		$this->name = '';
		$this->data = array();
		if ( array() === $data ) {
			if ( '' !== $name ) {
				( $this->on_event )( array( 'event' => $name ) );
			}
			return;
		}
		$event = json_decode( implode( "\n", $data ), true );
		if ( ! is_array( $event ) || ( array() !== $event && wp_is_numeric_array( $event ) ) ) {
			++$this->skipped;
			return;
		}
		if ( ! isset( $event['event'] ) || ! is_string( $event['event'] ) ) {
			$event['event'] = '' !== $name ? $name : 'message';
		}
		( $this->on_event )( $event );
	}
}
