<?php
/**
 * One streamed request to Dify, read event by event.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Http;

use WP_Error;

/**
 * Sends one request through the WordPress HTTP API and hands each event of the answer over the
 * moment it is complete, never holding the whole answer (docs/dify-notes.md §11): cURL's write
 * callback feeds the SSE parser (Stream_State), and a stop is made through cURL's progress
 * callback, never by returning 0 from the write callback (Requests would send the request again).
 *
 * The cURL options are set from an `http_api_curl` action that recognises this request by a
 * random token in its arguments and is removed as soon as the request is done.
 */
final class Event_Stream {

	/**
	 * Sends the request the policy enforces.
	 *
	 * @var Transport_Policy
	 */
	private Transport_Policy $policy;

	/**
	 * Keeps the policy.
	 *
	 * @param Transport_Policy $policy Sends the request.
	 */
	public function __construct( Transport_Policy $policy ) {
		$this->policy = $policy;
	}

	/**
	 * Sends the request and reads its events.
	 *
	 * Only a 200 `text/event-stream` answer is parsed; any other answer's body is kept (up to
	 * Connection::MAX_ERROR_BODY) and returned in the Response for the error mapper. When $should_stop
	 * says so (asked by cURL's progress callback, at least once a second), the transfer is aborted
	 * and a Response is still returned.
	 *
	 * @param string               $url         The URL.
	 * @param array<string, mixed> $args        wp_remote_request() arguments (without the key).
	 * @param string               $bearer      The API key.
	 * @param callable             $on_event    Receives each event (an array).
	 * @param callable|null        $should_stop Returns true when reading must stop.
	 * @return Response|WP_Error A transport error (DNS, refused, TLS, timeouts), or the answer.
	 *
	 * @phpstan-param callable(array<string, mixed>): void $on_event
	 * @phpstan-param (callable(): bool)|null $should_stop
	 */
	public function send( string $url, array $args, string $bearer, callable $on_event, ?callable $should_stop = null ) {
		$state                       = new Stream_State( new Sse_Parser( $on_event ), $should_stop );
		$token                       = wp_generate_password( 20, false );
		$args['dify_chatbot_stream'] = $token;
		$configure                   = static function ( &$handle, $args ) use ( $state, $token ) {
			if ( is_array( $args ) && isset( $args['dify_chatbot_stream'] ) && $token === $args['dify_chatbot_stream'] ) {
				$state->configure( $handle );
			}
		};

		add_action( 'http_api_curl', $configure, 99, 2 );
		try {
			$response = $this->policy->send( $url, $args, $bearer );
		} finally {
			remove_action( 'http_api_curl', $configure, 99 );
		}

		if ( ! $state->configured() ) {
			// Another transport than cURL answered: it cannot stream, so its buffered body is parsed.
			return self::buffered( $response, $on_event );
		}
		$state->finish();
		if ( is_wp_error( $response ) ) {
			if ( $state->aborted() ) {
				return new Response( $state->status(), $state->content_type(), array(), '' );
			}
			return $response;
		}
		return Response::from_wp( $response, $state->error_body() );
	}

	/**
	 * Parses a stream that another transport returned in one piece.
	 *
	 * @param array<string, mixed>|WP_Error $response The response.
	 * @param callable                      $on_event Receives each event (an array).
	 * @return Response|WP_Error
	 *
	 * @phpstan-param callable(array<string, mixed>): void $on_event
	 */
	private static function buffered( $response, callable $on_event ) {
		if ( is_wp_error( $response ) ) {
			return $response;
		}
		$answer = Response::from_wp( $response );
		if ( ! $answer->is_event_stream() ) {
			return new Response( $answer->status(), $answer->content_type(), array( 'retry-after' => $answer->header( 'retry-after' ) ), substr( $answer->body(), 0, Connection::MAX_ERROR_BODY ) );
		}
		$parser = new Sse_Parser( $on_event );
		$parser->feed( $answer->body() );
		$parser->finish();
		return new Response( 200, 'text/event-stream', array(), '' );
	}
}
