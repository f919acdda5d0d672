<?php
/**
 * Calls the Dify service API through the WordPress HTTP API.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Http;

use Dify_Chatbot\Settings\Settings;
use WP_Error;

/**
 * Every call goes through wp_remote_request(), so the site's proxy settings and
 * `http_request_args` filters apply — except where Transport_Policy overrides them: TLS is always
 * verified (with the optional CA bundle) and redirects are never followed (a redirect would carry
 * the key to another address).
 *
 * Streams use the cURL write callback (environment.md, "Relaying a stream"): events are parsed
 * and handed over as they arrive and never accumulated; the transfer is stopped through the
 * progress callback, never by returning 0 from the write callback (Requests would send the
 * request again).
 */
final class Client {

	/**
	 * Error bodies of non-stream answers are kept up to this size.
	 */
	public const MAX_ERROR_BODY = 65536;

	/**
	 * The largest text-to-speech answer relayed, in bytes (minutes of MP3).
	 */
	public const MAX_AUDIO_BYTES = 16777216;

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
	 * CA bundle path ('' = the site's default certificates; null = the site's setting, read when
	 * the first request is sent).
	 *
	 * @var string|null
	 */
	private ?string $ca_bundle;

	/**
	 * Keeps the address and the key.
	 *
	 * @param string      $base_url  Base URL, e.g. https://api.dify.ai/v1.
	 * @param string      $api_key   App API key.
	 * @param string|null $ca_bundle CA bundle path, '' for the default certificates, null for the
	 *                               site's setting (DIFY_CHATBOT_CA_BUNDLE or the stored option).
	 */
	public function __construct( string $base_url, string $api_key, ?string $ca_bundle = null ) {
		$this->base_url  = rtrim( $base_url, '/' );
		$this->api_key   = $api_key;
		$this->ca_bundle = $ca_bundle;
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
	 * GET /info: the app's name and mode. /info takes no `user` (dify-api §12), and the answer is
	 * cached for the whole site, so none is sent.
	 *
	 * @return Response|WP_Error
	 */
	public function info() {
		/**
		 * Filters how many seconds the /info call may take (connection test, mode lookup).
		 *
		 * @param float $seconds Default 15.
		 */
		return $this->request( 'GET', '/info', null, self::seconds( apply_filters( 'dify_chatbot_info_timeout', 15.0 ), 15.0 ) );
	}

	/**
	 * GET /parameters: the app's features and input form. Like /info it takes no `user`
	 * (dify-api §12.1), and the answer is cached for the whole site.
	 *
	 * @return Response|WP_Error
	 */
	public function parameters() {
		/** This filter is documented in includes/Dify/Client.php */
		return $this->request( 'GET', '/parameters', null, self::seconds( apply_filters( 'dify_chatbot_info_timeout', 15.0 ), 15.0 ) );
	}

	/**
	 * Rates an answer as the visitor who received it (dify-api §7.2); null removes the rating.
	 *
	 * @param string      $message_id Dify's message id.
	 * @param string      $user       The visitor's Dify user.
	 * @param string|null $rating     'like', 'dislike' or null.
	 * @return Response|WP_Error
	 */
	public function feedback( string $message_id, string $user, ?string $rating ) {
		return $this->request(
			'POST',
			'/messages/' . rawurlencode( $message_id ) . '/feedbacks',
			array(
				'user'   => $user,
				'rating' => $rating,
			),
			15
		);
	}

	/**
	 * Follow-up questions for an answer of the visitor (dify-api §7.3). Dify asks its model, so
	 * this may take a while.
	 *
	 * @param string $message_id Dify's message id.
	 * @param string $user       The visitor's Dify user.
	 * @return Response|WP_Error
	 */
	public function suggested( string $message_id, string $user ) {
		return $this->request( 'GET', '/messages/' . rawurlencode( $message_id ) . '/suggested?user=' . rawurlencode( $user ), null, 30 );
	}

	/**
	 * The visitor's conversations (dify-api §7.4): Dify lists only those of this user.
	 *
	 * @param string      $user    The visitor's Dify user.
	 * @param string|null $last_id Id of the last conversation of the previous page.
	 * @param int         $limit   1-100.
	 * @return Response|WP_Error
	 */
	public function conversations( string $user, ?string $last_id, int $limit ) {
		$query = array(
			'user'  => $user,
			'limit' => $limit,
		);
		if ( null !== $last_id ) {
			$query['last_id'] = $last_id;
		}
		return $this->request( 'GET', '/conversations?' . http_build_query( $query, '', '&', PHP_QUERY_RFC3986 ), null, 15 );
	}

	/**
	 * A page of a conversation's messages as the visitor (dify-api §7.1): Dify answers 404 for a
	 * conversation of another user.
	 *
	 * @param string      $conversation_id Dify's conversation id.
	 * @param string      $user            The visitor's Dify user.
	 * @param string|null $first_id        Id of the oldest message shown (older ones come back).
	 * @param int         $limit           1-100.
	 * @return Response|WP_Error
	 */
	public function messages( string $conversation_id, string $user, ?string $first_id, int $limit ) {
		$query = array(
			'conversation_id' => $conversation_id,
			'user'            => $user,
			'limit'           => $limit,
		);
		if ( null !== $first_id ) {
			$query['first_id'] = $first_id;
		}
		return $this->request( 'GET', '/messages?' . http_build_query( $query, '', '&', PHP_QUERY_RFC3986 ), null, 15 );
	}

	/**
	 * Renames a conversation of the visitor (dify-api §7.4).
	 *
	 * @param string $conversation_id Dify's conversation id.
	 * @param string $user            The visitor's Dify user.
	 * @param string $name            The new name.
	 * @return Response|WP_Error
	 */
	public function rename( string $conversation_id, string $user, string $name ) {
		return $this->request(
			'POST',
			'/conversations/' . rawurlencode( $conversation_id ) . '/name',
			array(
				'user'          => $user,
				'name'          => $name,
				'auto_generate' => false,
			),
			15
		);
	}

	/**
	 * Deletes a conversation. Dify does NOT check who owns it (dify-api §4): callers must.
	 *
	 * @param string $conversation_id Dify's conversation id.
	 * @param string $user            The visitor's Dify user.
	 * @return Response|WP_Error
	 */
	public function delete_conversation( string $conversation_id, string $user ) {
		return $this->request( 'DELETE', '/conversations/' . rawurlencode( $conversation_id ), array( 'user' => $user ), 15 );
	}

	/**
	 * Uploads a visitor's file (dify-api §10.1): multipart, one `file` part with its own
	 * Content-Type (Dify answers 415 without one) and the visitor's `user`. Answers 201.
	 *
	 * @param string $user     The visitor's Dify user.
	 * @param string $path     The file on this server.
	 * @param string $filename The name Dify keeps (already cleaned).
	 * @param string $mime     The part's Content-Type.
	 * @return Response|WP_Error
	 */
	public function upload( string $user, string $path, string $filename, string $mime ) {
		return $this->multipart( '/files/upload', $user, $path, $filename, $mime );
	}

	/**
	 * Transcribes a recording (dify-api §11.1): multipart like an upload; Dify takes only the
	 * part types audio/{mp3,m4a,wav,amr,mpga}. Answers `{"text": …}`.
	 *
	 * @param string $user     The visitor's Dify user.
	 * @param string $path     The recording on this server.
	 * @param string $filename File name for the part.
	 * @param string $mime     The part's Content-Type.
	 * @return Response|WP_Error
	 */
	public function audio_to_text( string $user, string $path, string $filename, string $mime ) {
		return $this->multipart( '/audio-to-text', $user, $path, $filename, $mime );
	}

	/**
	 * Reads a text aloud with the app's voice (dify-api §11.2). No `voice` is sent, so Dify
	 * checks that the app's text-to-speech is on. Answers `audio/mpeg` bytes.
	 *
	 * @param string $user The visitor's Dify user.
	 * @param string $text The text.
	 * @return Response|WP_Error
	 */
	public function text_to_audio( string $user, string $text ) {
		$args = $this->args(
			'POST',
			array(
				'user' => $user,
				'text' => $text,
			),
			60,
			// The audio is relayed whole; a runaway answer must not fill the memory.
			array( 'limit_response_size' => self::MAX_AUDIO_BYTES )
		);
		$args['headers']['Accept'] = 'audio/mpeg, application/json';
		$response                  = $this->policy()->send( $this->url( '/text-to-audio' ), $args, $this->api_key );
		return is_wp_error( $response ) ? $response : Response::from_wp( $response );
	}

	/**
	 * Sends one file as multipart/form-data. The WordPress HTTP API has no multipart helper, so
	 * the body is framed here: a random boundary, the `user` field, then the file part.
	 *
	 * @param string $endpoint Path below the base URL.
	 * @param string $user     The visitor's Dify user.
	 * @param string $path     The file on this server.
	 * @param string $filename File name for the part.
	 * @param string $mime     The part's Content-Type.
	 * @return Response|WP_Error
	 */
	private function multipart( string $endpoint, string $user, string $path, string $filename, string $mime ) {
		$bytes = is_file( $path ) && is_readable( $path ) ? file_get_contents( $path ) : false; // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents -- a local temporary file, not a URL.
		if ( false === $bytes ) {
			return new WP_Error( 'dify_chatbot_unreadable_file', 'The uploaded file could not be read.' );
		}
		$boundary = '----DifyChatbot' . wp_generate_password( 24, false );
		// Quotes, backslashes and line breaks would end the header early.
		$filename = (string) preg_replace( '/["\\\\\x00-\x1f\x7f]/', '', $filename );
		$mime     = 1 === preg_match( '#^[a-z0-9.+-]+/[a-z0-9.+-]+$#i', $mime ) ? $mime : 'application/octet-stream';
		$body     = '--' . $boundary . "\r\n"
			. "Content-Disposition: form-data; name=\"user\"\r\n\r\n"
			. $user . "\r\n"
			. '--' . $boundary . "\r\n"
			. 'Content-Disposition: form-data; name="file"; filename="' . $filename . "\"\r\n"
			. 'Content-Type: ' . $mime . "\r\n\r\n"
			. $bytes . "\r\n"
			. '--' . $boundary . "--\r\n";
		unset( $bytes );

		$args                            = $this->args( 'POST', null, 60 );
		$args['headers']['Content-Type'] = 'multipart/form-data; boundary=' . $boundary;
		$args['body']                    = $body;
		$response                        = $this->policy()->send( $this->url( $endpoint ), $args, $this->api_key );
		return is_wp_error( $response ) ? $response : Response::from_wp( $response );
	}

	/**
	 * A blocking generation call (/chat-messages, /completion-messages, /workflows/run).
	 *
	 * @param string               $path Path below the base URL.
	 * @param array<string, mixed> $body JSON body; must carry `user`.
	 * @return Response|WP_Error
	 */
	public function chat_blocking( string $path, array $body ) {
		$body['response_mode'] = 'blocking';
		/**
		 * Filters how many seconds a blocking (whole) answer may take. Dify Cloud's edge cuts
		 * requests after about 100 s.
		 *
		 * @param float $seconds Default 120.
		 */
		return $this->request( 'POST', $path, $body, self::seconds( apply_filters( 'dify_chatbot_request_timeout', 120.0 ), 120.0 ) );
	}

	/**
	 * Stops a running answer, with the same `user` that started it (dify-api §6.2).
	 *
	 * @param string $task_id Task id from the stream.
	 * @param string $user    The visitor's Dify user.
	 * @param string $mode    The app mode (each family has its own stop endpoint).
	 * @return Response|WP_Error
	 */
	public function stop( string $task_id, string $user, string $mode ) {
		$task = rawurlencode( $task_id );
		if ( 'workflow' === $mode ) {
			$path = '/workflows/tasks/' . $task . '/stop';
		} elseif ( 'completion' === $mode ) {
			$path = '/completion-messages/' . $task . '/stop';
		} else {
			$path = '/chat-messages/' . $task . '/stop';
		}
		return $this->request( 'POST', $path, array( 'user' => $user ), 15 );
	}

	/**
	 * Streams a generation call: each event goes to $on_event the moment it is complete.
	 *
	 * Only a 200 `text/event-stream` answer is parsed; any other answer's body is kept (up to
	 * MAX_ERROR_BODY) and returned in the Response for the error mapper. When $should_stop says
	 * so (checked by cURL's progress callback, at least once a second), the transfer is aborted
	 * and a Response is still returned.
	 *
	 * @param string               $path        Path below the base URL.
	 * @param array<string, mixed> $body        JSON body; must carry `user`.
	 * @param callable             $on_event    Receives each event (an array).
	 * @param callable|null        $should_stop Returns true when reading must stop.
	 * @return Response|WP_Error A transport error (DNS, refused, TLS, timeouts), or the answer.
	 *
	 * @phpstan-param callable(array<string, mixed>): void $on_event
	 * @phpstan-param (callable(): bool)|null $should_stop
	 */
	public function stream( string $path, array $body, callable $on_event, ?callable $should_stop = null ) {
		$body['response_mode'] = 'streaming';
		$state                 = new Stream_State( new Sse_Parser( $on_event ), $should_stop );
		$token                 = wp_generate_password( 20, false );
		/**
		 * Filters how many seconds a whole streamed answer may take (silence is limited
		 * separately by `dify_chatbot_read_timeout`).
		 *
		 * @param float $seconds Default 1200, Dify's own limit for one run.
		 */
		$timeout   = self::seconds( apply_filters( 'dify_chatbot_stream_timeout', 1200.0 ), 1200.0 );
		$configure = static function ( &$handle, $args ) use ( $state, $token ) {
			if ( is_array( $args ) && isset( $args['dify_chatbot_stream'] ) && $token === $args['dify_chatbot_stream'] ) {
				$state->configure( $handle );
			}
		};

		add_action( 'http_api_curl', $configure, 99, 2 );
		try {
			$response = $this->policy()->send(
				$this->url( $path ),
				$this->args(
					'POST',
					$body,
					$timeout,
					array( 'dify_chatbot_stream' => $token )
				),
				$this->api_key
			);
		} finally {
			remove_action( 'http_api_curl', $configure, 99 );
		}

		if ( ! $state->configured() ) {
			// Another transport than cURL answered: it cannot stream, so its buffered body is parsed.
			return $this->buffered_stream( $response, $on_event );
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
	 * Sends one JSON request.
	 *
	 * @param string                    $method  HTTP method.
	 * @param string                    $path    Path below the base URL.
	 * @param array<string, mixed>|null $body    JSON body (null for GET).
	 * @param float                     $timeout Seconds for the whole request.
	 * @return Response|WP_Error
	 */
	private function request( string $method, string $path, ?array $body, float $timeout ) {
		$response = $this->policy()->send( $this->url( $path ), $this->args( $method, $body, $timeout ), $this->api_key );
		return is_wp_error( $response ) ? $response : Response::from_wp( $response );
	}

	/**
	 * The transport policy with this client's CA bundle.
	 */
	private function policy(): Transport_Policy {
		if ( null === $this->ca_bundle ) {
			$this->ca_bundle = Settings::create()->ca_bundle();
		}
		return new Transport_Policy( $this->ca_bundle );
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
			// Dify reads every body with request.get_json(): the header and an object are required.
			$args['headers']['Content-Type'] = 'application/json';
			$args['body']                    = (string) wp_json_encode( (object) $body );
		}
		return array_merge( $args, $extra );
	}

	/**
	 * The full URL of a path.
	 *
	 * @param string $path Path starting with '/'.
	 */
	private function url( string $path ): string {
		return $this->base_url . $path;
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
	private function buffered_stream( $response, callable $on_event ) {
		if ( is_wp_error( $response ) ) {
			return $response;
		}
		$answer = Response::from_wp( $response );
		if ( ! $answer->is_event_stream() ) {
			return new Response( $answer->status(), $answer->content_type(), array( 'retry-after' => $answer->header( 'retry-after' ) ), substr( $answer->body(), 0, self::MAX_ERROR_BODY ) );
		}
		$parser = new Sse_Parser( $on_event );
		$parser->feed( $answer->body() );
		$parser->finish();
		return new Response( 200, 'text/event-stream', array(), '' );
	}

	/**
	 * A filtered timeout, or the default when the filter returned nonsense.
	 *
	 * @param mixed $seconds Filtered seconds.
	 * @param float $default Default seconds.
	 */
	private static function seconds( $seconds, float $default ): float {
		return is_numeric( $seconds ) && $seconds > 0 ? (float) $seconds : $default;
	}
}
