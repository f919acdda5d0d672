<?php
/**
 * Writes a relayed stream to the visitor's connection.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Relay;

/**
 * Sends SSE headers, removes every layer that would hold events back and flushes after each frame:
 * - PHP's own buffers: Debian's php.ini for php-fpm and mod_php has `output_buffering = 4096`, and
 *   `zlib.output_compression` would gzip (and buffer) the stream — both are ended before the first
 *   byte;
 * - nginx buffers a FastCGI answer unless it carries `X-Accel-Buffering: no`; compressing proxies
 *   and CDNs are asked not to touch it (`Cache-Control: no-transform`, and Apache's `no-gzip` when
 *   PHP runs inside Apache);
 * - Apache's mod_proxy_fcgi (Apache + php-fpm) passes the FastCGI answer on only once 4 KB have
 *   gathered, unless the site owner set `flushpackets=on` on the proxy: there each frame is padded
 *   to 4 KB with an SSE comment line, which the browser ignores (readme.txt, "Streaming and your
 *   web server").
 */
final class Output_Writer implements Event_Writer {

	/**
	 * The size Apache's core output filter writes at once without a flush: what each frame is
	 * padded to behind mod_proxy_fcgi.
	 */
	public const APACHE_FCGI_WRITE_SIZE = 4096;

	/**
	 * The largest padding the filter may ask for.
	 */
	private const MAX_PADDING = 65536;

	/**
	 * Whether start() ran.
	 *
	 * @var bool
	 */
	private bool $started = false;

	/**
	 * The size each frame is padded to (0: no padding).
	 *
	 * @var int
	 */
	private int $padding = 0;

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
		// Before any output: once zlib has written, its buffer can no longer be removed.
		// phpcs:ignore WordPress.PHP.NoSilencedErrors.Discouraged, WordPress.PHP.IniSet.Risky, Squiz.PHP.DiscouragedFunctions.Discouraged -- may be locked; compression would hold events back.
		@ini_set( 'zlib.output_compression', '0' );
		if ( function_exists( 'apache_setenv' ) ) {
			// mod_php: mod_deflate leaves this response alone even where it compresses event streams.
			apache_setenv( 'no-gzip', '1' ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.runtime_configuration_apache_setenv -- this response only: compression would hold events back.
		}
		$this->padding = self::server_padding();
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
		echo self::pad( $frame, $this->padding ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- an SSE frame of JSON, not HTML.
		flush();
	}

	/**
	 * Whether the visitor closed the connection (known after a write to a closed socket).
	 */
	public function is_gone(): bool {
		return 1 === connection_aborted();
	}

	/**
	 * The size frames are padded to on the server this request runs on.
	 */
	public static function server_padding(): int {
		return self::padding_for( PHP_SAPI, self::server_software() );
	}

	/**
	 * The web server this request runs on, as it names itself to PHP (`SERVER_SOFTWARE`).
	 */
	public static function server_software(): string {
		return isset( $_SERVER['SERVER_SOFTWARE'] ) ? sanitize_text_field( wp_unslash( (string) $_SERVER['SERVER_SOFTWARE'] ) ) : '';
	}

	/**
	 * The size frames are padded to on this server: 4 KB behind Apache's mod_proxy_fcgi (PHP as
	 * FastCGI under Apache), nothing elsewhere; the filter can change it.
	 *
	 * @param string $sapi            PHP_SAPI.
	 * @param string $server_software The web server's SERVER_SOFTWARE.
	 */
	public static function padding_for( string $sapi, string $server_software ): int {
		$fastcgi = in_array( $sapi, array( 'fpm-fcgi', 'cgi-fcgi' ), true );
		$default = $fastcgi && 0 === stripos( $server_software, 'apache' ) ? self::APACHE_FCGI_WRITE_SIZE : 0;
		/**
		 * Filters the size, in bytes, each frame of a stream is padded to with an SSE comment, so a
		 * proxy that holds back small writes passes each event on at once. 4096 behind Apache +
		 * PHP-FPM (mod_proxy_fcgi), 0 elsewhere. Return 0 where the proxy flushes by itself (Apache's
		 * `ProxySet flushpackets=on`), or a size for another buffering proxy.
		 *
		 * @param int    $bytes           The size (0: no padding).
		 * @param string $sapi            PHP's SAPI.
		 * @param string $server_software The web server.
		 */
		$bytes = apply_filters( 'dify_chatbot_stream_padding', $default, $sapi, $server_software );
		return is_numeric( $bytes ) ? max( 0, min( self::MAX_PADDING, (int) $bytes ) ) : $default;
	}

	/**
	 * A frame padded to $size bytes with an SSE comment line in front of it (comments are ignored
	 * by every SSE reader; the frame stays one event).
	 *
	 * @param string $frame A complete SSE frame.
	 * @param int    $size  The size to reach (0: none).
	 */
	public static function pad( string $frame, int $size ): string {
		$missing = $size - strlen( $frame );
		if ( $missing <= 0 ) {
			return $frame;
		}
		// ":" and "\n" take two of the missing bytes.
		return ':' . str_repeat( ' ', max( 0, $missing - 2 ) ) . "\n" . $frame;
	}
}
