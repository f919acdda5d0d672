<?php
/**
 * The cURL side of one streamed request.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Http;

/**
 * Holds what the cURL callbacks of one request share: the parser, the status and content type
 * read in the first write callback, the bounded error body, and whether the transfer was
 * stopped on purpose.
 */
final class Stream_State {

	/**
	 * The parser the stream's bytes go to.
	 *
	 * @var Sse_Parser
	 */
	private Sse_Parser $parser;

	/**
	 * Says when to stop reading.
	 *
	 * @var callable|null
	 */
	private $should_stop;

	/**
	 * Whether cURL options were set on this request's handle.
	 *
	 * @var bool
	 */
	private bool $configured = false;

	/**
	 * Whether the first body bytes were seen (status known).
	 *
	 * @var bool
	 */
	private bool $started = false;

	/**
	 * Whether the answer is a 200 event stream.
	 *
	 * @var bool
	 */
	private bool $streaming = false;

	/**
	 * Whether the transfer was aborted by $should_stop.
	 *
	 * @var bool
	 */
	private bool $aborted = false;

	/**
	 * HTTP status seen in the first write callback.
	 *
	 * @var int
	 */
	private int $status = 0;

	/**
	 * Content type seen in the first write callback.
	 *
	 * @var string
	 */
	private string $content_type = '';

	/**
	 * Body of a non-stream answer, bounded.
	 *
	 * @var string
	 */
	private string $error_body = '';

	/**
	 * Keeps the parser and the stop condition.
	 *
	 * @param Sse_Parser    $parser      Receives the stream's bytes.
	 * @param callable|null $should_stop Returns true when the transfer must stop.
	 */
	public function __construct( Sse_Parser $parser, ?callable $should_stop ) {
		$this->parser      = $parser;
		$this->should_stop = $should_stop;
	}

	/**
	 * Sets the callbacks and timeouts on the request's cURL handle (from `http_api_curl`).
	 *
	 * @param mixed $handle The cURL handle.
	 */
	public function configure( $handle ): void {
		if ( ! self::is_handle( $handle ) ) {
			return;
		}
		$this->configured = true;
		/**
		 * Filters how many seconds a streamed answer may stay silent before it is given up
		 * (Dify sends a ping every 10 s while it works, so a longer silence means trouble).
		 *
		 * @param int $seconds Seconds, default 60.
		 */
		$idle = (int) apply_filters( 'dify_chatbot_read_timeout', 60 );
		/**
		 * Filters how many seconds connecting to Dify may take.
		 *
		 * @param int $seconds Seconds, default 10.
		 */
		$connect = (int) apply_filters( 'dify_chatbot_connect_timeout', 10 );

		curl_setopt( $handle, CURLOPT_CONNECTTIMEOUT, max( 1, $connect ) ); // phpcs:ignore WordPress.WP.AlternativeFunctions.curl_curl_setopt -- streaming needs the handle (docs/dify-notes.md §11).
		curl_setopt( $handle, CURLOPT_LOW_SPEED_LIMIT, 1 ); // phpcs:ignore WordPress.WP.AlternativeFunctions.curl_curl_setopt
		curl_setopt( $handle, CURLOPT_LOW_SPEED_TIME, max( 1, $idle ) ); // phpcs:ignore WordPress.WP.AlternativeFunctions.curl_curl_setopt
		curl_setopt( $handle, CURLOPT_WRITEFUNCTION, array( $this, 'write' ) ); // phpcs:ignore WordPress.WP.AlternativeFunctions.curl_curl_setopt
		curl_setopt( $handle, CURLOPT_NOPROGRESS, false ); // phpcs:ignore WordPress.WP.AlternativeFunctions.curl_curl_setopt
		// CURLOPT_XFERINFOFUNCTION exists in PHP 8.2+; older PHP has the progress callback with the
		// same arguments and the same abort-on-non-zero contract.
		$progress = defined( 'CURLOPT_XFERINFOFUNCTION' ) ? (int) constant( 'CURLOPT_XFERINFOFUNCTION' ) : CURLOPT_PROGRESSFUNCTION;
		curl_setopt( $handle, $progress, array( $this, 'progress' ) ); // phpcs:ignore WordPress.WP.AlternativeFunctions.curl_curl_setopt
	}

	/**
	 * The cURL write callback: the first call reads status and type; a 200 event stream goes to the
	 * parser, anything else is kept as an error body. Always returns the length it was given:
	 * returning less makes Requests send the request again (docs/dify-notes.md §11).
	 *
	 * @param mixed  $handle The cURL handle.
	 * @param string $data   Received bytes.
	 */
	public function write( $handle, string $data ): int {
		if ( ! $this->started ) {
			$this->started = true;
			if ( self::is_handle( $handle ) ) {
				$this->status       = (int) curl_getinfo( $handle, CURLINFO_RESPONSE_CODE ); // phpcs:ignore WordPress.WP.AlternativeFunctions.curl_curl_getinfo
				$this->content_type = strtolower( trim( explode( ';', (string) curl_getinfo( $handle, CURLINFO_CONTENT_TYPE ) )[0] ) ); // phpcs:ignore WordPress.WP.AlternativeFunctions.curl_curl_getinfo
			}
			$this->streaming = 200 === $this->status && 'text/event-stream' === $this->content_type;
		}
		if ( $this->aborted ) {
			return strlen( $data );
		}
		if ( $this->streaming ) {
			$this->parser->feed( $data );
		} elseif ( strlen( $this->error_body ) < Connection::MAX_ERROR_BODY ) {
			$this->error_body .= substr( $data, 0, Connection::MAX_ERROR_BODY - strlen( $this->error_body ) );
		}
		return strlen( $data );
	}

	/**
	 * The cURL progress callback: returning non-zero aborts the transfer without a retry.
	 *
	 * @return int 1 to stop.
	 */
	public function progress(): int {
		if ( ! $this->aborted && null !== $this->should_stop && ( $this->should_stop )() ) {
			$this->aborted = true;
		}
		return $this->aborted ? 1 : 0;
	}

	/**
	 * Whether a value is a cURL handle (a resource on PHP 7, a CurlHandle object on PHP 8).
	 *
	 * @param mixed $handle The value.
	 */
	private static function is_handle( $handle ): bool {
		return is_resource( $handle ) || is_object( $handle );
	}

	/**
	 * Delivers a last unterminated frame.
	 */
	public function finish(): void {
		if ( $this->streaming && ! $this->aborted ) {
			$this->parser->finish();
		}
	}

	/**
	 * Whether the handle was configured.
	 */
	public function configured(): bool {
		return $this->configured;
	}

	/**
	 * Whether the transfer was stopped on purpose.
	 */
	public function aborted(): bool {
		return $this->aborted;
	}

	/**
	 * HTTP status (0 before any body byte).
	 */
	public function status(): int {
		return $this->status;
	}

	/**
	 * Media type of the answer.
	 */
	public function content_type(): string {
		return $this->content_type;
	}

	/**
	 * The kept body of a non-stream answer ('' for a stream).
	 */
	public function error_body(): string {
		return $this->error_body;
	}
}
