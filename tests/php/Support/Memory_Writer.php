<?php
/**
 * An Event_Writer that keeps the frames in memory.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Support;

use Dify_Chatbot\Dify\Relay\Event_Writer;

/**
 * Records headers and frames; can play a visitor who leaves after some frames.
 */
final class Memory_Writer implements Event_Writer {

	/**
	 * Headers given to start(), or null before.
	 *
	 * @var array<string, string>|null
	 */
	public $headers = null;

	/**
	 * Frames in order.
	 *
	 * @var string[]
	 */
	public $frames = array();

	/**
	 * How many start() calls.
	 *
	 * @var int
	 */
	public $starts = 0;

	/**
	 * Frames after which the visitor is gone (null = stays).
	 *
	 * @var int|null
	 */
	private $gone_after;

	/**
	 * Sets when the visitor leaves.
	 *
	 * @param int|null $gone_after Frames after which is_gone() is true.
	 */
	public function __construct( ?int $gone_after = null ) {
		$this->gone_after = $gone_after;
	}

	public function start( array $headers ): void {
		++$this->starts;
		$this->headers = $headers;
	}

	public function write( string $frame ): void {
		$this->frames[] = $frame;
	}

	public function is_gone(): bool {
		return null !== $this->gone_after && count( $this->frames ) >= $this->gone_after;
	}

	/**
	 * The data frames' JSON, decoded, in order (pings as array( 'event' => 'ping' )).
	 *
	 * @return array<int, array<string, mixed>>
	 */
	public function events(): array {
		$events = array();
		foreach ( $this->frames as $frame ) {
			if ( "event: ping\n\n" === $frame ) {
				$events[] = array( 'event' => 'ping' );
				continue;
			}
			$events[] = json_decode( substr( $frame, strlen( 'data: ' ), -2 ), true );
		}
		return $events;
	}

	/**
	 * The event names in order.
	 *
	 * @return string[]
	 */
	public function names(): array {
		return array_map(
			static function ( $event ) {
				return is_array( $event ) && isset( $event['event'] ) ? $event['event'] : '?';
			},
			$this->events()
		);
	}
}
