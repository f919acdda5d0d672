<?php
/**
 * The visitor's voice routes: dictation and reading answers aloud.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Dify\App\App_Parameters;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Http\Response;
use Dify_Chatbot\Registrable;
use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Settings;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `POST /dify-chatbot/v1/audio-to-text` (a multipart recording → `{text}`, dify-api §11.1) and
 * `POST /dify-chatbot/v1/text-to-audio` (`{text}` → MP3 bytes, §11.2), each only when the app
 * has the feature on (checked against the cached parameters, so a switched-off feature costs no
 * upstream call).
 *
 * Recordings are recognised by their first bytes, not by the browser's word, and sent with the
 * part type Dify 1.12 accepts (audio/{wav,mp3,m4a,amr}; it refuses audio/webm and audio/mpeg).
 *
 * Text-to-audio takes the text, not a message id: Dify looks a message id up without checking
 * the app or the user (§11.2), so an id would let a visitor have someone else's answer read out.
 * The browser has the answer's text anyway. The MP3 is sent back as raw bytes (see serve_audio()):
 * half the size of base64 in JSON, and the browser plays the Blob as it is.
 */
final class Audio_Route implements Registrable {

	public const DISABLED = 'dify_chatbot_voice_disabled';

	public const UNSUPPORTED = 'dify_chatbot_unsupported_audio';

	/**
	 * Dify's limit for a recording (dify-api §11.1: 30 MiB).
	 */
	public const MAX_AUDIO_BYTES = 31457280;

	/**
	 * Default longest text read aloud, in characters.
	 */
	public const MAX_TEXT_LENGTH = 4000;

	private const TTS_ROUTE = '/text-to-audio';

	/**
	 * The effective settings.
	 *
	 * @var Settings
	 */
	private Settings $settings;

	/**
	 * Derives the Dify user.
	 *
	 * @var Visitor_Identity
	 */
	private Visitor_Identity $identity;

	/**
	 * Maps failures.
	 *
	 * @var Error_Mapper
	 */
	private Error_Mapper $errors;

	/**
	 * The app's cached parameters.
	 *
	 * @var App_Parameters
	 */
	private App_Parameters $parameters;

	/**
	 * Keeps the collaborators.
	 *
	 * @param Settings         $settings   The effective settings.
	 * @param Visitor_Identity $identity   Derives the Dify user.
	 * @param Error_Mapper     $errors     Maps failures.
	 * @param App_Parameters   $parameters The app's cached parameters.
	 */
	public function __construct( Settings $settings, Visitor_Identity $identity, Error_Mapper $errors, App_Parameters $parameters ) {
		$this->settings   = $settings;
		$this->identity   = $identity;
		$this->errors     = $errors;
		$this->parameters = $parameters;
	}

	/**
	 * Adds the routes on rest_api_init, and the raw output of the audio.
	 */
	public function register(): void {
		add_action( 'rest_api_init', array( $this, 'register_routes' ) );
		add_filter( 'rest_pre_serve_request', array( $this, 'serve_audio' ), 10, 2 );
	}

	/**
	 * Registers the routes.
	 */
	public function register_routes(): void {
		register_rest_route(
			Settings_Route::NAMESPACE,
			'/audio-to-text',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( $this, 'audio_to_text' ),
				// Identity is derived server-side; who may chat and the rate limits (an upstream call each).
				'permission_callback' => array( Visitor_Permission::class, 'check_limited' ),
				// The only input is the multipart `file` part, checked in audio_to_text().
				'args'                => array(),
			)
		);
		/**
		 * Filters the longest text a visitor may have read aloud, in characters.
		 *
		 * @param int $length Default 4000.
		 */
		$max = (int) apply_filters( 'dify_chatbot_max_tts_length', self::MAX_TEXT_LENGTH );
		register_rest_route(
			Settings_Route::NAMESPACE,
			self::TTS_ROUTE,
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( $this, 'text_to_audio' ),
				'permission_callback' => array( Visitor_Permission::class, 'check_limited' ),
				'args'                => array(
					'text' => array(
						'description' => __( 'The text to read aloud (an answer of the chat).', 'dify-chatbot' ),
						'type'        => 'string',
						'required'    => true,
						'minLength'   => 1,
						'maxLength'   => max( 1, $max ),
					),
				),
			)
		);
	}

	/**
	 * Transcribes the visitor's recording.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	public function audio_to_text( WP_REST_Request $request ): WP_REST_Response {
		$client = $this->enabled( 'speech_to_text' );
		if ( is_wp_error( $client ) ) {
			return $this->errors->to_response( $client );
		}
		$file = Uploaded_File::from_request( $request );
		if ( is_wp_error( $file ) ) {
			return $this->errors->to_response( $file );
		}
		$site = (int) wp_max_upload_size();
		if ( $file->size() > self::MAX_AUDIO_BYTES || ( $site > 0 && $file->size() > $site ) ) {
			return $this->refuse( Uploaded_File::TOO_LARGE, __( 'This recording is too long. Please record a shorter message.', 'dify-chatbot' ), 413 );
		}
		$format = self::audio_format( $file->path() );
		if ( null === $format ) {
			return $this->refuse( self::UNSUPPORTED, __( 'This recording could not be used. Please type your message instead.', 'dify-chatbot' ), 415 );
		}
		list( $extension, $mime ) = $format;

		$response = $client->audio_to_text( $this->identity->user(), $file->path(), 'speech.' . $extension, $mime );
		if ( is_wp_error( $response ) ) {
			return $this->errors->to_response( $this->errors->from_transport( $response ) );
		}
		$json = $response->json();
		if ( 200 !== $response->status() ) {
			return $this->errors->to_response( $this->upstream_error( $response ) );
		}
		if ( null === $json || ! isset( $json['text'] ) || ! is_string( $json['text'] ) ) {
			return $this->errors->to_response( $this->errors->bad_response() );
		}
		return new WP_REST_Response( array( 'text' => $json['text'] ), 200 );
	}

	/**
	 * Reads a text aloud with the app's voice.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	public function text_to_audio( WP_REST_Request $request ): WP_REST_Response {
		$client = $this->enabled( 'text_to_speech' );
		if ( is_wp_error( $client ) ) {
			return $this->errors->to_response( $client );
		}
		$text = trim( (string) $request->get_param( 'text' ) );
		if ( '' === $text ) {
			return $this->refuse( 'rest_invalid_param', __( 'There is no text to read aloud.', 'dify-chatbot' ), 400 );
		}
		$response = $client->text_to_audio( $this->identity->user(), $text );
		if ( is_wp_error( $response ) ) {
			return $this->errors->to_response( $this->errors->from_transport( $response ) );
		}
		if ( 200 !== $response->status() ) {
			return $this->errors->to_response( $this->upstream_error( $response ) );
		}
		if ( 0 !== strpos( $response->content_type(), 'audio/' ) || '' === $response->body() ) {
			// JSON `null` (§11.2) or a page from something in between: no audio.
			return $this->errors->to_response( $this->errors->bad_response() );
		}
		$audio = new WP_REST_Response( $response->body(), 200 );
		$audio->header( 'Content-Type', 'audio/mpeg' );
		$audio->header( 'Content-Length', (string) strlen( $response->body() ) );
		$audio->header( 'Cache-Control', 'no-store' );
		$audio->header( 'X-Content-Type-Options', 'nosniff' );
		return $audio;
	}

	/**
	 * Sends the audio of a text-to-audio answer as it is: a REST response is otherwise encoded as
	 * JSON, which cannot carry bytes. Headers and status are already sent by the REST server.
	 *
	 * @param bool  $served Whether the request was already served.
	 * @param mixed $result The response.
	 * @return bool
	 */
	public function serve_audio( $served, $result ): bool {
		if ( $served || ! $result instanceof WP_REST_Response || 200 !== $result->get_status() || ! is_string( $result->get_data() ) ) {
			return (bool) $served;
		}
		if ( '/' . Settings_Route::NAMESPACE . self::TTS_ROUTE !== $result->get_matched_route() ) {
			return false;
		}
		echo $result->get_data(); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- MP3 bytes sent as audio/mpeg with nosniff, not HTML.
		return true;
	}

	/**
	 * The client when the app has the feature on, or the refusal.
	 *
	 * @param string $feature `speech_to_text` or `text_to_speech`.
	 * @return Client|WP_Error
	 */
	private function enabled( string $feature ) {
		$key = $this->settings->api_key();
		if ( null === $key || ! $this->settings->is_configured() ) {
			return $this->errors->not_configured();
		}
		$client     = new Client( $this->settings->base_url(), $key );
		$parameters = $this->parameters->get( $client );
		if ( is_wp_error( $parameters ) ) {
			return $parameters;
		}
		$on = isset( $parameters[ $feature ] ) && is_array( $parameters[ $feature ] ) && true === ( $parameters[ $feature ]['enabled'] ?? false );
		return $on ? $client : $this->disabled( $feature );
	}

	/**
	 * The refusal for a feature the app has off.
	 *
	 * @param string $feature `speech_to_text` or `text_to_speech`.
	 */
	private function disabled( string $feature ): WP_Error {
		$message = 'speech_to_text' === $feature
			? __( 'Voice input is not available in this chat.', 'dify-chatbot' )
			: __( 'Reading answers aloud is not available in this chat.', 'dify-chatbot' );
		return new WP_Error( self::DISABLED, $message, array( 'status' => 403 ) );
	}

	/**
	 * Dify's refusal, for the visitor.
	 *
	 * @param Response $response Dify's answer.
	 */
	private function upstream_error( Response $response ): WP_Error {
		$json    = $response->json();
		$code    = is_array( $json ) && isset( $json['code'] ) && is_string( $json['code'] ) ? $json['code'] : '';
		$message = is_array( $json ) && isset( $json['message'] ) && is_string( $json['message'] ) ? $json['message'] : '';
		if ( 400 === $response->status() && 'invalid_param' === $code ) {
			// Switched off since the parameters were cached (dify-api §11: "… is not enabled").
			if ( false !== stripos( $message, 'not enabled' ) ) {
				return $this->disabled( false !== stripos( $message, 'speech to text' ) ? 'speech_to_text' : 'text_to_speech' );
			}
		}
		if ( 413 === $response->status() ) {
			return new WP_Error( Uploaded_File::TOO_LARGE, __( 'This recording is too long. Please record a shorter message.', 'dify-chatbot' ), array( 'status' => 413 ) );
		}
		if ( 415 === $response->status() && 'unsupported_audio_type' === $code ) {
			return new WP_Error( self::UNSUPPORTED, __( 'This recording could not be used. Please type your message instead.', 'dify-chatbot' ), array( 'status' => 415 ) );
		}
		if ( 'provider_not_support_speech_to_text' === $code ) {
			return new WP_Error( Error_Mapper::UNAVAILABLE, __( 'Voice input is not available right now.', 'dify-chatbot' ), array( 'status' => 503 ) );
		}
		return $this->errors->from_response( $response );
	}

	/**
	 * The extension and Dify part type of a recording, from its first bytes; null when it is
	 * none Dify takes (WAV, MP3, M4A/MP4 audio, AMR).
	 *
	 * @param string $path The recording.
	 * @return array{0: string, 1: string}|null
	 */
	public static function audio_format( string $path ): ?array {
		$head = (string) file_get_contents( $path, false, null, 0, 12 ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents -- the first bytes of a local temporary upload.
		if ( strlen( $head ) < 12 ) {
			return null;
		}
		if ( 'RIFF' === substr( $head, 0, 4 ) && 'WAVE' === substr( $head, 8, 4 ) ) {
			return array( 'wav', 'audio/wav' );
		}
		if ( 'ID3' === substr( $head, 0, 3 ) || ( "\xFF" === $head[0] && ( ord( $head[1] ) & 0xE0 ) === 0xE0 ) ) {
			return array( 'mp3', 'audio/mp3' );
		}
		if ( 'ftyp' === substr( $head, 4, 4 ) ) {
			return array( 'm4a', 'audio/m4a' );
		}
		if ( '#!AMR' === substr( $head, 0, 5 ) ) {
			return array( 'amr', 'audio/amr' );
		}
		return null;
	}

	/**
	 * A refusal as a REST response.
	 *
	 * @param string $code    Error code.
	 * @param string $message Message for the visitor.
	 * @param int    $status  HTTP status.
	 */
	private function refuse( string $code, string $message, int $status ): WP_REST_Response {
		return $this->errors->to_response( new WP_Error( $code, $message, array( 'status' => $status ) ) );
	}
}
