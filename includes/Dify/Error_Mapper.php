<?php
/**
 * Turns upstream failures into errors a visitor can read.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify;

use Dify_Chatbot\Dify\Http\Connection;
use Dify_Chatbot\Dify\Http\Response;
use Dify_Chatbot\Dify\Http\Transport_Error;
use WP_Error;
use WP_REST_Response;

/**
 * The one place where every way Dify (or what stands between) can fail becomes the plugin's
 * error: Dify's JSON errors matched on status + code (never on the message, except the two quirks
 * of docs/dify-notes.md §6), HTML pages from proxies, and transport errors. What a failure means
 * can depend on the call (ABOUT_*): a 404 of a history call is a conversation that is gone, a 413
 * of an upload a file that is too large (Media_Errors). The result is a WP_Error with a plugin
 * code, a translated message and the HTTP status for the browser; the same error becomes an SSE
 * `error` event once a stream has started.
 *
 * No upstream text reaches the visitor: Dify's messages are provider or pydantic texts, often
 * English-only and sometimes internal (`completion_request_error` carries the model provider's
 * error). Problems only the site owner can fix say "The chat is not available right now." and
 * nothing about keys.
 */
final class Error_Mapper {

	public const NOT_CONFIGURED         = 'dify_chatbot_not_configured';
	public const UNAVAILABLE            = 'dify_chatbot_unavailable';
	public const CONVERSATION_NOT_FOUND = 'dify_chatbot_conversation_not_found';
	public const RATE_LIMITED           = 'dify_chatbot_rate_limited';
	public const TOO_LARGE              = 'dify_chatbot_too_large';
	public const UNSUPPORTED_FILE       = 'dify_chatbot_unsupported_file';
	public const INVALID_INPUT          = 'dify_chatbot_invalid_input';
	public const ANSWER_FAILED          = 'dify_chatbot_answer_failed';
	public const UPSTREAM_ERROR         = 'dify_chatbot_upstream_error';
	public const UNREACHABLE            = 'dify_chatbot_unreachable';
	public const TIMEOUT                = 'dify_chatbot_timeout';
	public const INTERRUPTED            = 'dify_chatbot_interrupted';
	public const BAD_RESPONSE           = 'dify_chatbot_bad_response';
	public const MESSAGE_NOT_FOUND      = 'dify_chatbot_message_not_found';
	public const FORM_NOT_FOUND         = 'dify_chatbot_form_not_found';
	public const FORM_SUBMITTED         = 'dify_chatbot_form_submitted';
	public const FORM_EXPIRED           = 'dify_chatbot_form_expired';
	public const INVALID_FORM           = 'dify_chatbot_invalid_form';

	/**
	 * What a call was about, for what its failures mean: an answer (generation, stop, app
	 * metadata), the visitor's conversation, one of their messages, an upload, a voice call, a
	 * Human Input form (its submission and the resumed run).
	 */
	public const ABOUT_ANSWER       = 'answer';
	public const ABOUT_CONVERSATION = 'conversation';
	public const ABOUT_MESSAGE      = 'message';
	public const ABOUT_UPLOAD       = 'upload';
	public const ABOUT_VOICE        = 'voice';
	public const ABOUT_FORM         = 'form';

	/**
	 * Dify 400 codes that mean the app or its model setup is broken (the site owner's job).
	 */
	private const APP_PROBLEMS = array( 'app_unavailable', 'not_chat_app', 'not_workflow_app', 'not_completion_app', 'provider_not_initialize', 'provider_quota_exceeded', 'model_currently_not_support', 'agent_not_published' );

	/**
	 * Dify 400 codes about an attached file.
	 */
	private const FILE_PROBLEMS = array( 'no_file_uploaded', 'too_many_files', 'filename_not_exists_error', 'no_audio_uploaded', 'provider_not_support_speech_to_text' );

	/**
	 * The chat has no key (or no valid base URL).
	 */
	public function not_configured(): WP_Error {
		return $this->error( self::NOT_CONFIGURED, 503 );
	}

	/**
	 * The stream ended before its last event.
	 */
	public function interrupted(): WP_Error {
		return $this->error( self::INTERRUPTED, 502 );
	}

	/**
	 * Dify stopped sending data (pings only, or nothing) for longer than the relay waits.
	 */
	public function timeout(): WP_Error {
		return $this->error( self::TIMEOUT, 504 );
	}

	/**
	 * A form handle this visitor does not have (unknown, or another visitor's).
	 */
	public function form_not_found(): WP_Error {
		return $this->error( self::FORM_NOT_FOUND, 404 );
	}

	/**
	 * A form answered already.
	 */
	public function form_submitted(): WP_Error {
		return $this->error( self::FORM_SUBMITTED, 409 );
	}

	/**
	 * A form past its expiry.
	 */
	public function form_expired(): WP_Error {
		return $this->error( self::FORM_EXPIRED, 410 );
	}

	/**
	 * A 200 answer that is neither the expected stream nor JSON (a login page, a captive portal).
	 */
	public function bad_response(): WP_Error {
		return $this->error( self::BAD_RESPONSE, 502 );
	}

	/**
	 * Maps a WordPress HTTP API transport error.
	 *
	 * @param WP_Error $error From wp_remote_request().
	 */
	public function from_transport( WP_Error $error ): WP_Error {
		if ( Connection::UNREADABLE === $error->get_error_code() ) {
			// Nothing was sent: the file on this server is the problem, not Dify.
			return Media_Errors::unreadable_file();
		}
		$kind = Transport_Error::kind( $error );
		if ( 'timeout' === $kind ) {
			return $this->error( self::TIMEOUT, 504 );
		}
		if ( 'bad_url' === $kind || 'blocked' === $kind ) {
			return $this->not_configured();
		}
		return $this->error( self::UNREACHABLE, 503 );
	}

	/**
	 * The JSON object of a successful call (200, or 201 for an upload), or the mapped failure.
	 *
	 * @param Response|WP_Error $result What the client returned.
	 * @param string            $about  What the call was about (ABOUT_*).
	 * @return array<string, mixed>|WP_Error
	 */
	public function json( $result, string $about = self::ABOUT_ANSWER ) {
		if ( is_wp_error( $result ) ) {
			return $this->from_transport( $result );
		}
		$json = $result->json();
		if ( null !== $json && in_array( $result->status(), array( 200, 201 ), true ) ) {
			return $json;
		}
		return $this->from_response( $result, $about );
	}

	/**
	 * Null when a call succeeded (any 2xx, whatever its body), else the mapped failure.
	 *
	 * @param Response|WP_Error $result What the client returned.
	 * @param string            $about  What the call was about (ABOUT_*).
	 */
	public function failure( $result, string $about = self::ABOUT_ANSWER ): ?WP_Error {
		if ( is_wp_error( $result ) ) {
			return $this->from_transport( $result );
		}
		return $result->status() >= 200 && $result->status() < 300 ? null : $this->from_response( $result, $about );
	}

	/**
	 * Maps a non-success answer (any status but 2xx, or a 2xx that is not what was asked for).
	 *
	 * @param Response $response The answer.
	 * @param string   $about    What the call was about (ABOUT_*).
	 */
	public function from_response( Response $response, string $about = self::ABOUT_ANSWER ): WP_Error {
		$status  = $response->status();
		$json    = $response->json();
		$meaning = $this->about( $about, $status, $json );
		if ( null !== $meaning ) {
			return $meaning;
		}
		if ( null !== $json && isset( $json['code'] ) && is_string( $json['code'] ) ) {
			return $this->from_dify( $status, $json['code'], isset( $json['message'] ) && is_string( $json['message'] ) ? $json['message'] : '', $response->header( 'retry-after' ) );
		}
		// Not Dify's JSON: an HTML page from a proxy or a route that does not exist.
		if ( 404 === $status || 401 === $status || 403 === $status ) {
			return $this->not_configured();
		}
		if ( 413 === $status ) {
			return $this->error( self::TOO_LARGE, 413 );
		}
		if ( 429 === $status ) {
			return $this->rate_limited( $response->header( 'retry-after' ) );
		}
		if ( 504 === $status ) {
			return $this->error( self::TIMEOUT, 504 );
		}
		if ( 502 === $status || 503 === $status ) {
			return $this->error( self::UNREACHABLE, 503 );
		}
		if ( $status >= 200 && $status < 300 ) {
			return $this->bad_response();
		}
		return $this->error( self::UPSTREAM_ERROR, 502 );
	}

	/**
	 * Maps one of Dify's errors (an HTTP error body or an in-stream `error` event).
	 *
	 * @param int    $status      Dify's status.
	 * @param string $code        Dify's code.
	 * @param string $message     Dify's message (only read for the documented quirks).
	 * @param string $retry_after Retry-After header, if any.
	 */
	public function from_dify( int $status, string $code, string $message = '', string $retry_after = '' ): WP_Error {
		if ( 'too_many_requests' === $code ) {
			// Dify's concurrency limit (429 since 1.13; the 400 of older releases is below).
			return $this->rate_limited( $retry_after );
		}
		if ( 403 === $status && 'workflow_version_execution_not_allowed' === $code ) {
			// A pinned workflow version on a plan without it: the site owner's to fix.
			return $this->error( self::UNAVAILABLE, 503 );
		}
		if ( 401 === $status || 403 === $status ) {
			return $this->not_configured();
		}
		if ( 412 === $status ) {
			return $this->from_dify_412( $code );
		}
		if ( 404 === $status ) {
			// On the chat routes Dify's JSON 404 means an unknown or foreign conversation.
			return 'not_found' === $code ? $this->error( self::CONVERSATION_NOT_FOUND, 404 ) : $this->not_configured();
		}
		if ( 413 === $status ) {
			return $this->error( self::TOO_LARGE, 413 );
		}
		if ( 415 === $status ) {
			// unsupported_media_type means this plugin sent a bad request, not the visitor.
			return 'unsupported_media_type' === $code ? $this->error( self::UPSTREAM_ERROR, 502 ) : $this->error( self::UNSUPPORTED_FILE, 415 );
		}
		if ( 429 === $status ) {
			return $this->rate_limited( $retry_after );
		}
		if ( 400 === $status ) {
			return $this->from_dify_400( $code, $message, $retry_after );
		}
		if ( 504 === $status ) {
			return $this->error( self::TIMEOUT, 504 );
		}
		if ( 500 === $status ) {
			return $this->error( self::ANSWER_FAILED, 502 );
		}
		return $this->error( self::UPSTREAM_ERROR, 502 );
	}

	/**
	 * An error as Dify's in-stream error event: `{"event":"error",…,"code","status","message"}`.
	 *
	 * @param WP_Error             $error    A mapped error.
	 * @param array<string, mixed> $envelope Envelope keys of the stream (conversation_id, …).
	 * @return array<string, mixed>
	 */
	public function to_event( WP_Error $error, array $envelope = array() ): array {
		$event = array( 'event' => 'error' );
		foreach ( array( 'conversation_id', 'message_id', 'created_at', 'workflow_run_id' ) as $key ) {
			if ( isset( $envelope[ $key ] ) ) {
				$event[ $key ] = $envelope[ $key ];
			}
		}
		$data             = $error->get_error_data();
		$event['code']    = (string) $error->get_error_code();
		$event['status']  = is_array( $data ) && isset( $data['status'] ) ? (int) $data['status'] : 500;
		$event['message'] = $error->get_error_message();
		if ( is_array( $data ) && isset( $data['retry_after'] ) ) {
			$event['retry_after'] = (int) $data['retry_after'];
		}
		return $event;
	}

	/**
	 * A REST response for an error, with `Retry-After` when Dify sent one.
	 *
	 * @param WP_Error $error A mapped error.
	 */
	public function to_response( WP_Error $error ): WP_REST_Response {
		$response = rest_convert_error_to_response( $error );
		$data     = $error->get_error_data();
		if ( is_array( $data ) && isset( $data['retry_after'] ) ) {
			$response->header( 'Retry-After', (string) (int) $data['retry_after'] );
		}
		return $response;
	}

	/**
	 * What a failure means for the call it answered, or null when it means what it always does.
	 *
	 * @param string                    $about  What the call was about (ABOUT_*).
	 * @param int                       $status Dify's status.
	 * @param array<string, mixed>|null $json   Dify's JSON body, or null.
	 */
	private function about( string $about, int $status, ?array $json ): ?WP_Error {
		$code    = isset( $json['code'] ) && is_string( $json['code'] ) ? $json['code'] : '';
		$message = isset( $json['message'] ) && is_string( $json['message'] ) ? $json['message'] : '';
		switch ( $about ) {
			case self::ABOUT_CONVERSATION:
				// A JSON 404: an unknown conversation, or another visitor's.
				return 404 === $status && null !== $json ? $this->error( self::CONVERSATION_NOT_FOUND, 404 ) : null;
			case self::ABOUT_MESSAGE:
				// "Message Not Exists.": unknown, or another visitor's.
				return 404 === $status && null !== $json ? $this->error( self::MESSAGE_NOT_FOUND, 404 ) : null;
			case self::ABOUT_UPLOAD:
				return Media_Errors::from_upload( $status, $code );
			case self::ABOUT_VOICE:
				return Media_Errors::from_voice( $status, $code, $message );
			case self::ABOUT_FORM:
				return $this->about_form( $status, $code, $json );
		}
		return null;
	}

	/**
	 * What a failed form submission or resume means: Dify's 404 `not_found` ("Form not found",
	 * "Workflow run not found") and its 400 `bad_request` for a form this API cannot answer (not
	 * delivered to the web app) both leave the visitor a form that is not available; its 400
	 * `invalid_param` (a file of another user, …) is an answer to check.
	 *
	 * @param int                       $status Dify's status.
	 * @param string                    $code   Dify's code.
	 * @param array<string, mixed>|null $json   Dify's JSON body, or null.
	 */
	private function about_form( int $status, string $code, ?array $json ): ?WP_Error {
		if ( null === $json ) {
			return null;
		}
		if ( 404 === $status || ( 400 === $status && 'bad_request' === $code ) ) {
			return $this->error( self::FORM_NOT_FOUND, 404 );
		}
		if ( 400 === $status && 'invalid_param' === $code ) {
			return $this->error( self::INVALID_FORM, 400 );
		}
		return null;
	}

	/**
	 * Maps Dify's 412 codes: a Human Input form that was answered already (by anyone) or expired.
	 *
	 * @param string $code Dify's code.
	 */
	private function from_dify_412( string $code ): WP_Error {
		if ( 'human_input_form_submitted' === $code ) {
			return $this->error( self::FORM_SUBMITTED, 409 );
		}
		if ( 'human_input_form_expired' === $code ) {
			return $this->error( self::FORM_EXPIRED, 410 );
		}
		return $this->error( self::UPSTREAM_ERROR, 502 );
	}

	/**
	 * Maps Dify's 400 codes.
	 *
	 * @param string $code        Dify's code.
	 * @param string $message     Dify's message.
	 * @param string $retry_after Retry-After header, if any.
	 */
	private function from_dify_400( string $code, string $message, string $retry_after ): WP_Error {
		if ( in_array( $code, self::APP_PROBLEMS, true ) ) {
			return $this->error( self::UNAVAILABLE, 503 );
		}
		if ( 'speech_to_text_disabled' === $code ) {
			return Media_Errors::voice_disabled( 'speech_to_text' );
		}
		if ( 'invalid_form_data' === $code ) {
			// A Human Input answer Dify refused (a missing field, an unknown button, a file it
			// could not use): the form stays open for another try.
			return $this->error( self::INVALID_FORM, 400 );
		}
		if ( in_array( $code, self::FILE_PROBLEMS, true ) ) {
			return $this->error( self::UNSUPPORTED_FILE, 400 );
		}
		if ( 'conversation_completed' === $code ) {
			return $this->error( self::CONVERSATION_NOT_FOUND, 404 );
		}
		if ( 'completion_request_error' === $code ) {
			return $this->error( self::ANSWER_FAILED, 502 );
		}
		if ( 'bad_request' === $code ) {
			return $this->error( self::UPSTREAM_ERROR, 502 );
		}
		if ( 'invalid_param' === $code ) {
			// The concurrency limit arrives as 400 invalid_param, not 429 (docs/dify-notes.md §6).
			if ( 0 === stripos( $message, 'Too many requests' ) ) {
				return $this->rate_limited( $retry_after );
			}
			// A failed blocking chatflow run: the visitor's message was fine.
			if ( 0 === stripos( $message, 'Run failed' ) ) {
				return $this->error( self::ANSWER_FAILED, 502 );
			}
		}
		return $this->error( self::INVALID_INPUT, 400 );
	}

	/**
	 * A rate-limit error, with the seconds to wait when known.
	 *
	 * @param string $retry_after Retry-After header (seconds or an HTTP date).
	 */
	private function rate_limited( string $retry_after ): WP_Error {
		$data    = array( 'status' => 429 );
		$seconds = self::seconds( $retry_after );
		if ( null !== $seconds ) {
			$data['retry_after'] = $seconds;
		}
		return new WP_Error( self::RATE_LIMITED, $this->message( self::RATE_LIMITED ), $data );
	}

	/**
	 * Seconds from a Retry-After value, clamped to 1 s … 1 day.
	 *
	 * @param string $value Seconds or an HTTP date.
	 */
	private static function seconds( string $value ): ?int {
		$value = trim( $value );
		if ( '' === $value ) {
			return null;
		}
		if ( ctype_digit( $value ) ) {
			$seconds = (int) $value;
		} else {
			$time = strtotime( $value );
			if ( false === $time ) {
				return null;
			}
			$seconds = $time - time();
		}
		return max( 1, min( 86400, $seconds ) );
	}

	/**
	 * An error with its visitor message.
	 *
	 * @param string $code   Plugin error code.
	 * @param int    $status HTTP status for the browser.
	 */
	private function error( string $code, int $status ): WP_Error {
		return new WP_Error( $code, $this->message( $code ), array( 'status' => $status ) );
	}

	/**
	 * The visitor's message for a code.
	 *
	 * @param string $code Plugin error code.
	 */
	private function message( string $code ): string {
		$messages = array(
			self::CONVERSATION_NOT_FOUND => __( 'This conversation is no longer available. Please start a new chat.', 'dify-chatbot' ),
			self::MESSAGE_NOT_FOUND      => __( 'This message is no longer available.', 'dify-chatbot' ),
			self::RATE_LIMITED           => __( 'The assistant is busy right now. Please try again in a moment.', 'dify-chatbot' ),
			self::TOO_LARGE              => __( 'Your message or file is too large.', 'dify-chatbot' ),
			self::UNSUPPORTED_FILE       => __( 'This file cannot be used here.', 'dify-chatbot' ),
			self::INVALID_INPUT          => __( 'The assistant could not accept this message. Please check it and try again.', 'dify-chatbot' ),
			self::ANSWER_FAILED          => __( 'The assistant could not answer this time. Please try again.', 'dify-chatbot' ),
			self::UPSTREAM_ERROR         => __( 'Something went wrong while getting the answer. Please try again.', 'dify-chatbot' ),
			self::UNREACHABLE            => __( 'The assistant cannot be reached right now. Please try again later.', 'dify-chatbot' ),
			self::TIMEOUT                => __( 'The assistant took too long to answer. Please try again.', 'dify-chatbot' ),
			self::INTERRUPTED            => __( 'The answer was interrupted. Please try again.', 'dify-chatbot' ),
			self::FORM_NOT_FOUND         => __( 'This form is not available any more.', 'dify-chatbot' ),
			self::FORM_SUBMITTED         => __( 'This form has already been answered.', 'dify-chatbot' ),
			self::FORM_EXPIRED           => __( 'This form has expired: the assistant no longer waits for an answer.', 'dify-chatbot' ),
			self::INVALID_FORM           => __( 'The form could not be accepted. Please check your answers and try again.', 'dify-chatbot' ),
		);
		// Not configured, unavailable, bad response: only the site owner can fix these.
		return isset( $messages[ $code ] ) ? $messages[ $code ] : __( 'The chat is not available right now.', 'dify-chatbot' );
	}
}
