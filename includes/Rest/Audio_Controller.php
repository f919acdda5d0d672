<?php
/**
 * The visitor's voice routes: dictation and reading answers aloud.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Dify\App\App_Parameters;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Dify\Media_Errors;
use Dify_Chatbot\Registrable;
use Dify_Chatbot\Security\Visitor_Guard;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `POST /dify-chatbot/v1/audio-to-text` (a multipart recording → `{text}`) and
 * `POST /dify-chatbot/v1/text-to-audio` (`{text}` → MP3 bytes), each only when the app has the
 * feature on (checked against the cached parameters, so a switched-off feature costs no upstream
 * call).
 *
 * Recordings are recognised by their first bytes, not by the browser's word, and sent with the
 * part type Dify accepts (audio/{wav,mp3,m4a,amr}; it refuses audio/webm and audio/mpeg,
 * docs/dify-notes.md §9).
 *
 * Text-to-audio takes the text, not a message id: Dify looks a message id up without checking
 * the app or the user (docs/dify-notes.md §2), so an id would let a visitor have someone else's
 * answer read out. The browser has the answer's text anyway. The MP3 is sent back as raw bytes
 * (see serve_audio()): half the size of base64 in JSON, and the browser plays the Blob as it is.
 */
final class Audio_Controller implements Registrable {

	/**
	 * Dify's limit for a recording (30 MiB).
	 */
	public const MAX_AUDIO_BYTES = 31457280;

	/**
	 * Default longest text read aloud, in characters.
	 */
	public const MAX_TEXT_LENGTH = 4000;

	private const TTS_ROUTE = '/text-to-audio';

	/**
	 * What every visitor route shares.
	 *
	 * @var Visitor_Api
	 */
	private Visitor_Api $api;

	/**
	 * The app's cached parameters.
	 *
	 * @var App_Parameters
	 */
	private App_Parameters $parameters;

	/**
	 * Keeps the collaborators.
	 *
	 * @param Visitor_Api    $api        What every visitor route shares.
	 * @param App_Parameters $parameters The app's cached parameters.
	 */
	public function __construct( Visitor_Api $api, App_Parameters $parameters ) {
		$this->api        = $api;
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
		// The only input is the multipart `file` part, checked in audio_to_text().
		$this->api->route( '/audio-to-text', WP_REST_Server::CREATABLE, array( $this, 'audio_to_text' ), Visitor_Guard::PAID );
		/**
		 * Filters the longest text a visitor may have read aloud, in characters.
		 *
		 * @param int $length Default 4000.
		 */
		$max = (int) apply_filters( 'dify_chatbot_max_tts_length', self::MAX_TEXT_LENGTH );
		$this->api->route(
			self::TTS_ROUTE,
			WP_REST_Server::CREATABLE,
			array( $this, 'text_to_audio' ),
			Visitor_Guard::PAID,
			array(
				'text' => array(
					'description' => Api::describe( static fn (): string => __( 'The text to read aloud (an answer of the chat).', 'dify-chatbot' ) ),
					'type'        => 'string',
					'required'    => true,
					'minLength'   => 1,
					'maxLength'   => max( 1, $max ),
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
		$client = $this->enabled( $request, 'speech_to_text' );
		if ( is_wp_error( $client ) ) {
			return $this->api->fail( $client );
		}
		$file = Uploaded_File::from_request( $request );
		if ( is_wp_error( $file ) ) {
			return $this->api->fail( $file );
		}
		$site = (int) wp_max_upload_size();
		if ( $file->size() > self::MAX_AUDIO_BYTES || ( $site > 0 && $file->size() > $site ) ) {
			return $this->api->fail( Media_Errors::recording_too_long() );
		}
		$format = self::audio_format( $file->path() );
		if ( null === $format ) {
			return $this->api->fail( Media_Errors::unsupported_audio() );
		}
		list( $extension, $mime ) = $format;

		$json = $this->api->errors()->json( $client->audio_to_text( $this->api->user(), $file->path(), 'speech.' . $extension, $mime ), Error_Mapper::ABOUT_VOICE );
		if ( is_wp_error( $json ) ) {
			return $this->api->fail( $json );
		}
		if ( ! isset( $json['text'] ) || ! is_string( $json['text'] ) ) {
			return $this->api->fail( $this->api->errors()->bad_response() );
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
		$client = $this->enabled( $request, 'text_to_speech' );
		if ( is_wp_error( $client ) ) {
			return $this->api->fail( $client );
		}
		$text = trim( (string) $request->get_param( 'text' ) );
		if ( '' === $text ) {
			return $this->api->fail( new WP_Error( 'rest_invalid_param', __( 'There is no text to read aloud.', 'dify-chatbot' ), array( 'status' => 400 ) ) );
		}
		$response = $client->text_to_audio( $this->api->user(), $text );
		$failure  = $this->api->errors()->failure( $response, Error_Mapper::ABOUT_VOICE );
		if ( null !== $failure ) {
			return $this->api->fail( $failure );
		}
		if ( is_wp_error( $response ) || 0 !== strpos( $response->content_type(), 'audio/' ) || '' === $response->body() ) {
			// JSON `null` (nothing to read) or a page from something in between: no audio.
			return $this->api->fail( $this->api->errors()->bad_response() );
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
		if ( '/' . Api::NAMESPACE . self::TTS_ROUTE !== $result->get_matched_route() ) {
			return false;
		}
		echo $result->get_data(); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- MP3 bytes sent as audio/mpeg with nosniff, not HTML.
		return true;
	}

	/**
	 * The client when the app has the feature on, or the refusal.
	 *
	 * @param WP_REST_Request $request The request.
	 * @param string          $feature `speech_to_text` or `text_to_speech`.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return Client|WP_Error
	 */
	private function enabled( WP_REST_Request $request, string $feature ) {
		$client = $this->api->client( $request );
		if ( is_wp_error( $client ) ) {
			return $client;
		}
		$parameters = $this->parameters->get( $client );
		if ( is_wp_error( $parameters ) ) {
			return $parameters;
		}
		$on = isset( $parameters[ $feature ] ) && is_array( $parameters[ $feature ] ) && true === ( $parameters[ $feature ]['enabled'] ?? false );
		return $on ? $client : Media_Errors::voice_disabled( $feature );
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
}
