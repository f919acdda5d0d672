<?php
/**
 * How requests reach one Dify app: its address, its key and the transport policy.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Http;

use WP_Error;

/**
 * Sends JSON requests, multipart uploads and streams to one app. Every request goes through
 * wp_remote_request(), so the site's proxy settings and `http_request_args` filters apply —
 * except where Transport_Policy overrides them: TLS is always verified (with the optional CA
 * bundle), redirects are never followed (a redirect would carry the key to another address), and
 * the key is handed to cURL rather than put in the request's arguments.
 */
final class Connection {

	/**
	 * Error bodies of non-stream answers are kept up to this size.
	 */
	public const MAX_ERROR_BODY = 65536;

	/**
	 * The error of a file to upload that cannot be read on this server (no request is sent).
	 */
	public const UNREADABLE = 'dify_chatbot_unreadable_file';

	/**
	 * The base URL (validated, no trailing slash).
	 *
	 * @var string
	 */
	private string $base_url;

	/**
	 * The app API key.
	 *
	 * @var string
	 */
	private string $api_key;

	/**
	 * What every request must be.
	 *
	 * @var Transport_Policy
	 */
	private Transport_Policy $policy;

	/**
	 * Keeps the address, the key and the policy.
	 *
	 * @param string           $base_url Base URL, e.g. https://api.dify.ai/v1.
	 * @param string           $api_key  App API key.
	 * @param Transport_Policy $policy   The policy (with the site's CA bundle).
	 */
	public function __construct( string $base_url, string $api_key, Transport_Policy $policy ) {
		$this->base_url = rtrim( $base_url, '/' );
		$this->api_key  = $api_key;
		$this->policy   = $policy;
	}

	/**
	 * The base URL.
	 */
	public function base_url(): string {
		return $this->base_url;
	}

	/**
	 * A stable, non-reversible name for this base URL + key pair (cache keys).
	 */
	public function fingerprint(): string {
		return substr( hash( 'sha256', $this->base_url . "\n" . $this->api_key ), 0, 32 );
	}

	/**
	 * Removes the key from a text that is about to leave the server.
	 *
	 * @param string $text Text.
	 */
	public function scrub( string $text ): string {
		return strlen( $this->api_key ) >= 4 ? str_replace( $this->api_key, '[redacted]', $text ) : $text;
	}

	/**
	 * Sends one GET request with a query (null values left out).
	 *
	 * @param string                         $path    Path below the base URL.
	 * @param array<string, string|int|null> $query   Query parameters.
	 * @param float                          $timeout Seconds for the whole request.
	 * @return Response|WP_Error
	 */
	public function get( string $path, array $query, float $timeout ) {
		$query = array_filter(
			$query,
			static function ( $value ): bool {
				return null !== $value;
			}
		);
		$path .= array() === $query ? '' : '?' . http_build_query( $query, '', '&', PHP_QUERY_RFC3986 );
		return $this->request( 'GET', $path, null, $timeout );
	}

	/**
	 * Sends one JSON request (or a GET without a body).
	 *
	 * @param string                    $method  HTTP method.
	 * @param string                    $path    Path below the base URL.
	 * @param array<string, mixed>|null $body    JSON body (null for GET).
	 * @param float                     $timeout Seconds for the whole request.
	 * @param array<string, mixed>      $extra   Further request arguments.
	 * @return Response|WP_Error
	 */
	public function request( string $method, string $path, ?array $body, float $timeout, array $extra = array() ) {
		$response = $this->policy->send( $this->url( $path ), $this->args( $method, $body, $timeout, $extra ), $this->api_key );
		return is_wp_error( $response ) ? $response : Response::from_wp( $response );
	}

	/**
	 * Sends one file as multipart/form-data with the visitor's `user`. A file that cannot be read
	 * is an error of its own (UNREADABLE), not a request.
	 *
	 * @param string $path     Path below the base URL.
	 * @param string $user     The visitor's Dify user.
	 * @param string $file     The file on this server.
	 * @param string $filename File name for the part.
	 * @param string $mime     The part's Content-Type.
	 * @return Response|WP_Error
	 */
	public function multipart( string $path, string $user, string $file, string $filename, string $mime ) {
		$bytes = is_file( $file ) && is_readable( $file ) ? file_get_contents( $file ) : false; // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents -- a local temporary file, not a URL.
		if ( false === $bytes ) {
			return new WP_Error( self::UNREADABLE, 'The uploaded file could not be read.' );
		}
		list( $type, $body ) = self::frame( array( 'user' => $user ), $filename, $mime, $bytes );
		unset( $bytes );

		$args                            = $this->args( 'POST', null, 60 );
		$args['headers']['Content-Type'] = $type;
		$args['body']                    = $body;
		$response                        = $this->policy->send( $this->url( $path ), $args, $this->api_key );
		return is_wp_error( $response ) ? $response : Response::from_wp( $response );
	}

	/**
	 * Sends a request whose answer is read event by event (see Event_Stream::send()).
	 *
	 * @param string               $path        Path below the base URL.
	 * @param array<string, mixed> $body        JSON body.
	 * @param float                $timeout     Seconds for the whole transfer.
	 * @param callable             $on_event    Receives each event (an array).
	 * @param callable|null        $should_stop Returns true when reading must stop.
	 * @return Response|WP_Error
	 *
	 * @phpstan-param callable(array<string, mixed>): void $on_event
	 * @phpstan-param (callable(): bool)|null $should_stop
	 */
	public function stream( string $path, array $body, float $timeout, callable $on_event, ?callable $should_stop ) {
		return ( new Event_Stream( $this->policy ) )->send( $this->url( $path ), $this->args( 'POST', $body, $timeout ), $this->api_key, $on_event, $should_stop );
	}

	/**
	 * Reads a stream that a GET opens (a workflow run's events), like stream().
	 *
	 * @param string                $path        Path below the base URL.
	 * @param array<string, string> $query       Query parameters.
	 * @param float                 $timeout     Seconds for the whole stream.
	 * @param callable              $on_event    Receives each event (an array).
	 * @param callable|null         $should_stop Returns true when reading must stop.
	 * @return Response|WP_Error
	 *
	 * @phpstan-param callable(array<string, mixed>): void $on_event
	 * @phpstan-param (callable(): bool)|null $should_stop
	 */
	public function stream_get( string $path, array $query, float $timeout, callable $on_event, ?callable $should_stop ) {
		$url = $this->url( $path ) . '?' . http_build_query( $query, '', '&', PHP_QUERY_RFC3986 );
		return ( new Event_Stream( $this->policy ) )->send( $url, $this->args( 'GET', null, $timeout ), $this->api_key, $on_event, $should_stop );
	}

	/**
	 * A filtered timeout, or the default when the filter returned nonsense.
	 *
	 * @param mixed $seconds Filtered seconds.
	 * @param float $default Default seconds.
	 */
	public static function seconds( $seconds, float $default ): float {
		return is_numeric( $seconds ) && $seconds > 0 ? (float) $seconds : $default;
	}

	/**
	 * The request arguments shared by every call.
	 *
	 * @param string                    $method  HTTP method.
	 * @param array<string, mixed>|null $body    JSON body (null for GET).
	 * @param float                     $timeout Seconds for the whole request.
	 * @param array<string, mixed>      $extra   Extra arguments.
	 * @return array<string, mixed>
	 */
	private function args( string $method, ?array $body, float $timeout, array $extra = array() ): array {
		// No Authorization here: Transport_Policy::send() hands the key to cURL (see there why).
		$headers = array(
			'Accept' => 'application/json, text/event-stream',
		);
		$args    = array(
			'method'      => $method,
			'headers'     => $headers,
			'timeout'     => $timeout,
			'redirection' => 0,
			'sslverify'   => true,
			'httpversion' => '1.1',
			'user-agent'  => 'dify-chatbot-wordpress/' . ( defined( 'DIFY_CHATBOT_VERSION' ) ? DIFY_CHATBOT_VERSION : '0' ),
		);
		if ( null !== $body ) {
			// Dify reads every body as JSON: the header and an object are required.
			$args['headers']['Content-Type'] = 'application/json';
			$args['body']                    = (string) wp_json_encode( (object) $body );
		}
		return array_replace_recursive( $args, $extra );
	}

	/**
	 * A multipart/form-data body: the WordPress HTTP API has no helper for one. A random boundary,
	 * the text fields, then the one file part with its own Content-Type (Dify refuses a part
	 * without one, docs/dify-notes.md §8). Returns the Content-Type header and the body.
	 *
	 * @param array<string, string> $fields   Text fields, by name.
	 * @param string                $filename File name for the part.
	 * @param string                $mime     The part's Content-Type.
	 * @param string                $bytes    The file's content.
	 * @return array{0: string, 1: string}
	 */
	private static function frame( array $fields, string $filename, string $mime, string $bytes ): array {
		$boundary = '----DifyChatbot' . wp_generate_password( 24, false );
		// Quotes, backslashes and line breaks would end the header early.
		$filename = (string) preg_replace( '/["\\\\\x00-\x1f\x7f]/', '', $filename );
		$mime     = 1 === preg_match( '#^[a-z0-9.+-]+/[a-z0-9.+-]+$#i', $mime ) ? $mime : 'application/octet-stream';
		$body     = '';
		foreach ( $fields as $name => $value ) {
			$body .= '--' . $boundary . "\r\n"
				. 'Content-Disposition: form-data; name="' . $name . "\"\r\n\r\n"
				. $value . "\r\n";
		}
		$body .= '--' . $boundary . "\r\n"
			. 'Content-Disposition: form-data; name="file"; filename="' . $filename . "\"\r\n"
			. 'Content-Type: ' . $mime . "\r\n\r\n"
			. $bytes . "\r\n"
			. '--' . $boundary . "--\r\n";
		return array( 'multipart/form-data; boundary=' . $boundary, $body );
	}

	/**
	 * The full URL of a path.
	 *
	 * @param string $path Path starting with '/'.
	 */
	private function url( string $path ): string {
		return $this->base_url . $path;
	}
}
