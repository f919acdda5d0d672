<?php
/**
 * Writes a relayed stream to the visitor's connection.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Relay;

/**
 * Sends SSE headers, removes every layer that would hold events back (output buffers, zlib
 * compression, nginx buffering) and flushes after each frame (docs/dify-notes.md §11: php-fpm
 * buffers 4 KB, nginx buffers without `X-Accel-Buffering: no`).
 */
final class Output_Writer implements Event_Writer {

	/**
	 * Whether start() ran.
	 *
	 * @var bool
	 */
	private bool $started = false;

	/**
	 * Sends the headers and prepares the connection for streaming.
	 *
	 * @param array<string, string> $headers Response headers.
	 */
	public function start( array $headers ): void {
		if ( $this->started ) {
			return;
		}
		$this->started = true;
		// Without this, `php -S` (and some SAPIs) end the script at the first failed write: no
		// stop call would reach Dify and the answer would run on.
		ignore_user_abort( true );
		if ( function_exists( 'set_time_limit' ) ) {
			// Long answers must not be cut by max_execution_time (cURL waits do not always count).
			set_time_limit( 0 ); // phpcs:ignore Squiz.PHP.DiscouragedFunctions.Discouraged -- a stream lasts as long as the answer.
		}
		// phpcs:ignore WordPress.PHP.NoSilencedErrors.Discouraged, WordPress.PHP.IniSet.Risky, Squiz.PHP.DiscouragedFunctions.Discouraged -- may be locked; compression would hold events back.
		@ini_set( 'zlib.output_compression', '0' );
		if ( ! headers_sent() ) {
			status_header( 200 );
			foreach ( $headers as $name => $value ) {
				header( $name . ': ' . $value );
			}
		}
		while ( ob_get_level() > 0 ) {
			$status = ob_get_status();
			if ( isset( $status['flags'] ) && ! ( $status['flags'] & PHP_OUTPUT_HANDLER_REMOVABLE ) ) {
				break;
			}
			ob_end_clean();
		}
		flush();
	}

	/**
	 * Writes one frame and flushes it.
	 *
	 * @param string $frame SSE frame.
	 */
	public function write( string $frame ): void {
		echo $frame; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- an SSE frame of JSON, not HTML.
		flush();
	}

	/**
	 * Whether the visitor closed the connection (known after a write to a closed socket).
	 */
	public function is_gone(): bool {
		return 1 === connection_aborted();
	}
}
