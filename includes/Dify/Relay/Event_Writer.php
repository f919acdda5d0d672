<?php
/**
 * Where a relayed stream goes.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Relay;

/**
 * The visitor's connection in production (Output_Writer), a memory buffer in tests.
 */
interface Event_Writer {

	/**
	 * Starts the response (headers), once, before the first frame.
	 *
	 * @param array<string, string> $headers Response headers.
	 */
	public function start( array $headers ): void;

	/**
	 * Writes one complete SSE frame and pushes it out at once.
	 *
	 * @param string $frame A frame ending in a blank line.
	 */
	public function write( string $frame ): void;

	/**
	 * Whether the visitor has gone (noticed on writes).
	 */
	public function is_gone(): bool;
}
