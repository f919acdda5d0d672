<?php
/**
 * The app's browser-safe parameters, cached.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\App;

use WP_Error;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Settings\Base_Url;

/**
 * The browser-safe subset of Dify's /parameters (docs/dify-notes.md §10) — opening statement,
 * suggested questions, which features are on, the input form and the upload limits — and, under
 * `site`, the app's branding from /site (App_Site), cached together for the site (5 minutes, per
 * base URL + key): one entry, refreshed by one round of calls. The `GET parameters` route hands it
 * to browsers; the file and voice routes read the same copy to refuse what the app has switched
 * off, and the chat route whether to show workflow steps, without an extra call.
 *
 * Built from an allow-list, never by removing keys: `sensitive_word_avoidance` carries the
 * moderation keywords and API-extension ids, and whatever Dify adds in a later release stays on
 * the server until it is added here on purpose.
 */
final class App_Parameters {

	/**
	 * Transient name prefix (uninstall.php removes every `dify_chatbot_` transient).
	 */
	public const PREFIX = 'dify_chatbot_params_';

	/**
	 * Seconds the parameters are cached: an edited app shows up within 5 minutes.
	 */
	private const TTL = 300;

	/**
	 * Seconds the parameters are cached when /site failed: the branding is tried again soon, and
	 * a failing /site does not cost every chat a call meanwhile.
	 */
	private const RETRY_TTL = 30;

	/**
	 * Feature objects whose only browser-relevant key is `enabled`.
	 */
	private const FLAGS = array( 'suggested_questions_after_answer', 'speech_to_text', 'retriever_resource' );

	/**
	 * Keys of an input-form control the browser may see (Dify's control keys and the Start-node
	 * variable keys of workflow apps); anything else stays on the server.
	 */
	private const CONTROL_KEYS = array( 'variable', 'label', 'type', 'required', 'default', 'max_length', 'options', 'hide', 'description', 'placeholder', 'allowed_file_types', 'allowed_file_extensions', 'allowed_file_upload_methods', 'number_limits', 'json_schema' );

	/**
	 * Control types a visitor fills in. `external_data_tool` is filled by Dify itself and may
	 * name an API extension, so it is left out.
	 */
	private const CONTROL_TYPES = array( 'text-input', 'paragraph', 'select', 'number', 'checkbox', 'file', 'file-list', 'json_object' );

	/**
	 * Maps failures.
	 *
	 * @var Error_Mapper
	 */
	private Error_Mapper $errors;

	/**
	 * Keeps the error mapper.
	 *
	 * @param Error_Mapper $errors Maps a failed /parameters.
	 */
	public function __construct( Error_Mapper $errors ) {
		$this->errors = $errors;
	}

	/**
	 * Forgets what is cached for an app (its bot was removed).
	 *
	 * @param Client $client The app's client.
	 */
	public static function forget( Client $client ): void {
		App_Cache::forget( self::PREFIX . $client->fingerprint() );
	}

	/**
	 * The browser-safe parameters, from the cache or Dify. A Dify-compatible service without
	 * /parameters (404) is a chat without extras; any other failure is returned (and remembered for half a minute, Failed_Lookup).
	 *
	 * @param Client $client The client.
	 * @return array<string, mixed>|WP_Error
	 */
	public function get( Client $client ) {
		$transient = self::PREFIX . $client->fingerprint();
		$cached    = App_Cache::get( $transient );
		if ( is_array( $cached ) ) {
			return $cached;
		}
		$failed = Failed_Lookup::recall( 'parameters', $client );
		if ( null !== $failed ) {
			return $failed;
		}
		$response = $client->parameters();
		if ( is_wp_error( $response ) ) {
			return Failed_Lookup::remember( 'parameters', $client, $this->errors->from_transport( $response ) );
		}
		if ( 404 === $response->status() ) {
			$json = array();
		} else {
			$json = 200 === $response->status() ? $response->json() : null;
			if ( null === $json ) {
				return Failed_Lookup::remember( 'parameters', $client, 200 === $response->status() ? $this->errors->bad_response() : $this->errors->from_response( $response ) );
			}
		}
		$site = $this->site( $client );
		$safe = self::safe( $json ) + array( 'site' => null !== $site ? $site : App_Site::none() );
		// Belt and braces: the key never leaves the server, whatever an upstream echoes back.
		$safe = json_decode( $client->scrub( (string) wp_json_encode( $safe ) ), true );
		$safe = is_array( $safe ) ? $safe : array();
		App_Cache::set( $transient, $safe, null !== $site ? self::TTL : self::RETRY_TTL );
		return $safe;
	}

	/**
	 * The app's branding from /site; none for a Dify-compatible service without it (404), null
	 * when it could not be read.
	 *
	 * @param Client $client The client.
	 * @return array<string, mixed>|null
	 */
	private function site( Client $client ): ?array {
		$response = $client->site();
		if ( is_wp_error( $response ) ) {
			return null;
		}
		if ( 404 === $response->status() ) {
			return App_Site::none();
		}
		$json = 200 === $response->status() ? $response->json() : null;
		return null === $json ? null : App_Site::safe( $json, Base_Url::origin( $client->base_url() ) );
	}

	/**
	 * The allow-listed subset of a /parameters answer, with Dify's defaults for what is missing.
	 *
	 * @param array<string, mixed> $json Dify's answer.
	 * @return array<string, mixed>
	 */
	public static function safe( array $json ): array {
		$safe = array(
			'opening_statement'   => isset( $json['opening_statement'] ) && is_string( $json['opening_statement'] ) ? $json['opening_statement'] : '',
			'suggested_questions' => array(),
		);
		if ( isset( $json['suggested_questions'] ) && is_array( $json['suggested_questions'] ) ) {
			$safe['suggested_questions'] = array_values( array_filter( $json['suggested_questions'], 'is_string' ) );
		}
		foreach ( self::FLAGS as $feature ) {
			$safe[ $feature ] = array( 'enabled' => self::enabled( $json, $feature ) );
		}
		$tts                       = isset( $json['text_to_speech'] ) && is_array( $json['text_to_speech'] ) ? $json['text_to_speech'] : array();
		$safe['text_to_speech']    = array(
			'enabled'  => self::enabled( $json, 'text_to_speech' ),
			'autoPlay' => isset( $tts['autoPlay'] ) && 'enabled' === $tts['autoPlay'] ? 'enabled' : 'disabled',
		);
		$safe['file_upload']       = self::file_upload( isset( $json['file_upload'] ) && is_array( $json['file_upload'] ) ? $json['file_upload'] : array() );
		$safe['user_input_form']   = self::form( isset( $json['user_input_form'] ) && is_array( $json['user_input_form'] ) ? $json['user_input_form'] : array() );
		$safe['system_parameters'] = array();
		if ( isset( $json['system_parameters'] ) && is_array( $json['system_parameters'] ) ) {
			foreach ( $json['system_parameters'] as $name => $value ) {
				if ( is_string( $name ) && ( is_int( $value ) || is_float( $value ) ) ) {
					$safe['system_parameters'][ $name ] = $value;
				}
			}
		}
		return $safe;
	}

	/**
	 * The upload settings in Dify's modern shape (`enabled`, `allowed_file_types`,
	 * `allowed_file_extensions`, `allowed_file_upload_methods`, `number_limits`), or only
	 * `{enabled: false}`. The legacy shape `{image: {enabled, number_limits, transfer_methods}}`
	 * (basic apps) means images only.
	 *
	 * @param array<string, mixed> $config Dify's `file_upload`.
	 * @return array<string, mixed>
	 */
	private static function file_upload( array $config ): array {
		$image = isset( $config['image'] ) && is_array( $config['image'] ) ? $config['image'] : array();
		if ( array_key_exists( 'enabled', $config ) ) {
			$enabled    = true === $config['enabled'];
			$types      = self::strings( $config['allowed_file_types'] ?? array() );
			$extensions = self::strings( $config['allowed_file_extensions'] ?? array() );
			$methods    = self::strings( $config['allowed_file_upload_methods'] ?? array() );
			$limit      = $config['number_limits'] ?? null;
		} else {
			$enabled    = true === ( $image['enabled'] ?? false );
			$types      = array( 'image' );
			$extensions = array();
			$methods    = self::strings( $image['transfer_methods'] ?? array() );
			$limit      = $image['number_limits'] ?? null;
		}
		if ( ! $enabled ) {
			return array( 'enabled' => false );
		}
		return array(
			'enabled'                     => true,
			'allowed_file_types'          => $types,
			'allowed_file_extensions'     => $extensions,
			'allowed_file_upload_methods' => array() !== $methods ? $methods : array( 'local_file', 'remote_url' ),
			// Dify's default per-message count.
			'number_limits'               => is_int( $limit ) && $limit > 0 ? $limit : 3,
		);
	}

	/**
	 * The strings of a list.
	 *
	 * @param mixed $list A value that should be a list of strings.
	 * @return string[]
	 */
	private static function strings( $list ): array {
		return is_array( $list ) ? array_values( array_filter( $list, 'is_string' ) ) : array();
	}

	/**
	 * Whether a feature object says `enabled: true`.
	 *
	 * @param array<string, mixed> $json    Dify's answer.
	 * @param string               $feature Feature key.
	 */
	private static function enabled( array $json, string $feature ): bool {
		return isset( $json[ $feature ] ) && is_array( $json[ $feature ] ) && true === ( $json[ $feature ]['enabled'] ?? false );
	}

	/**
	 * The input form's controls a visitor fills in, with allow-listed keys.
	 *
	 * @param array<int|string, mixed> $form `user_input_form`: one-key objects `{type: {…}}`.
	 * @return array<int, array<string, array<string, mixed>>>
	 */
	private static function form( array $form ): array {
		$controls = array();
		foreach ( $form as $item ) {
			if ( ! is_array( $item ) || 1 !== count( $item ) ) {
				continue;
			}
			$type    = (string) key( $item );
			$control = reset( $item );
			if ( ! in_array( $type, self::CONTROL_TYPES, true ) || ! is_array( $control ) ) {
				continue;
			}
			$controls[] = array( $type => array_intersect_key( $control, array_flip( self::CONTROL_KEYS ) ) );
		}
		return $controls;
	}
}
