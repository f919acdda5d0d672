<?php
/**
 * An answer from Dify (status, content type, headers, body).
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Http;

/**
 * A small value object over the WordPress HTTP API's response array, so callers never dig in it.
 */
final class Response {

	/**
	 * HTTP status.
	 *
	 * @var int
	 */
	private int $status;

	/**
	 * Media type, lower case, without parameters ('application/json').
	 *
	 * @var string
	 */
	private string $content_type;

	/**
	 * Response headers, names in lower case.
	 *
	 * @var array<string, string>
	 */
	private array $headers;

	/**
	 * Body (for streams: the kept error body, or '').
	 *
	 * @var string
	 */
	private string $body;

	/**
	 * Keeps the parts.
	 *
	 * @param int                   $status       HTTP status.
	 * @param string                $content_type Content-Type header value.
	 * @param array<string, string> $headers      Headers.
	 * @param string                $body         Body.
	 */
	public function __construct( int $status, string $content_type, array $headers, string $body ) {
		$this->status       = $status;
		$this->content_type = strtolower( trim( explode( ';', $content_type )[0] ) );
		$this->headers      = array_change_key_case( $headers, CASE_LOWER );
		$this->body         = $body;
	}

	/**
	 * Builds one from what wp_remote_request() returned.
	 *
	 * @param array<string, mixed> $response  The WordPress HTTP API response.
	 * @param string|null          $body      Body to use instead of the response's (streams).
	 */
	public static function from_wp( array $response, ?string $body = null ): self {
		$headers = array();
		$raw     = wp_remote_retrieve_headers( $response );
		if ( $raw instanceof \WpOrg\Requests\Utility\CaseInsensitiveDictionary ) {
			$raw = $raw->getAll();
		}
		foreach ( $raw as $name => $value ) {
			$headers[ strtolower( (string) $name ) ] = is_array( $value ) ? implode( ', ', array_map( 'strval', $value ) ) : (string) $value;
		}
		return new self(
			(int) wp_remote_retrieve_response_code( $response ),
			isset( $headers['content-type'] ) ? $headers['content-type'] : '',
			$headers,
			null === $body ? (string) wp_remote_retrieve_body( $response ) : $body
		);
	}

	/**
	 * HTTP status.
	 */
	public function status(): int {
		return $this->status;
	}

	/**
	 * Media type without parameters, lower case.
	 */
	public function content_type(): string {
		return $this->content_type;
	}

	/**
	 * A header's value ('' when absent).
	 *
	 * @param string $name Header name, any case.
	 */
	public function header( string $name ): string {
		$name = strtolower( $name );
		return isset( $this->headers[ $name ] ) ? $this->headers[ $name ] : '';
	}

	/**
	 * The body.
	 */
	public function body(): string {
		return $this->body;
	}

	/**
	 * Whether this is a 200 event stream.
	 */
	public function is_event_stream(): bool {
		return 200 === $this->status && 'text/event-stream' === $this->content_type;
	}

	/**
	 * The body as a JSON object, or null when it is not one (HTML error pages, garbage).
	 *
	 * @return array<string, mixed>|null
	 */
	public function json(): ?array {
		$data = json_decode( $this->body, true );
		return is_array( $data ) && ! wp_is_numeric_array( $data ) ? $data : ( array() === $data ? array() : null );
	}
}
