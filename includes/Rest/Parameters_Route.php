<?php
/**
 * The app's features, for the chat in the browser.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Dify\Client;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Registrable;
use Dify_Chatbot\Settings\Settings;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `GET /dify-chatbot/v1/parameters` (design §3.2): the browser-safe subset of Dify's /parameters
 * (dify-api §12.1) — opening statement, suggested questions, which features are on, the input form
 * and the upload limits.
 *
 * Built from an allow-list, never by removing keys: `sensitive_word_avoidance` carries the
 * moderation keywords and API-extension ids, and whatever Dify adds in a later release stays on
 * the server until it is added here on purpose.
 *
 * Open to whoever may chat (Visitor_Permission). Dify ignores `user` on /parameters, so none is derived
 * or sent, and the answer is the same for every visitor: it is cached for the site (5 minutes,
 * per base URL + key).
 */
final class Parameters_Route implements Registrable {

	/**
	 * Transient name prefix (uninstall.php removes every `dify_chatbot_` transient).
	 */
	private const PREFIX = 'dify_chatbot_params_';

	/**
	 * Seconds the parameters are cached: an edited app shows up within 5 minutes.
	 */
	private const TTL = 300;

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
	 * The effective settings.
	 *
	 * @var Settings
	 */
	private Settings $settings;

	/**
	 * Maps failures.
	 *
	 * @var Error_Mapper
	 */
	private Error_Mapper $errors;

	/**
	 * Keeps the collaborators.
	 *
	 * @param Settings     $settings The effective settings.
	 * @param Error_Mapper $errors   Maps failures.
	 */
	public function __construct( Settings $settings, Error_Mapper $errors ) {
		$this->settings = $settings;
		$this->errors   = $errors;
	}

	/**
	 * Adds the route on rest_api_init.
	 */
	public function register(): void {
		add_action( 'rest_api_init', array( $this, 'register_routes' ) );
	}

	/**
	 * Registers the route.
	 */
	public function register_routes(): void {
		register_rest_route(
			Settings_Route::NAMESPACE,
			'/parameters',
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => array( $this, 'parameters' ),
				// Who may chat (the answer is the same public subset for everyone; cached, so no rate limit).
				'permission_callback' => array( Visitor_Permission::class, 'check' ),
			)
		);
	}

	/**
	 * The browser-safe parameters, from the cache or Dify.
	 */
	public function parameters(): WP_REST_Response {
		$key = $this->settings->api_key();
		if ( null === $key || ! $this->settings->is_configured() ) {
			return $this->errors->to_response( $this->errors->not_configured() );
		}
		$client    = new Client( $this->settings->base_url(), $key );
		$transient = self::PREFIX . $client->fingerprint();
		$cached    = get_transient( $transient );
		if ( is_array( $cached ) ) {
			return new WP_REST_Response( $cached, 200 );
		}

		$response = $client->parameters();
		if ( is_wp_error( $response ) ) {
			return $this->errors->to_response( $this->errors->from_transport( $response ) );
		}
		if ( 404 === $response->status() ) {
			// A Dify-compatible service without /parameters: a chat without extras.
			$json = array();
		} else {
			$json = 200 === $response->status() ? $response->json() : null;
			if ( null === $json ) {
				return $this->errors->to_response( 200 === $response->status() ? $this->errors->bad_response() : $this->errors->from_response( $response ) );
			}
		}
		$safe = self::safe( $json );
		// Belt and braces: the key never leaves the server, whatever an upstream echoes back.
		$safe = json_decode( $client->scrub( (string) wp_json_encode( $safe ) ), true );
		$safe = is_array( $safe ) ? $safe : array();
		set_transient( $transient, $safe, self::TTL );
		return new WP_REST_Response( $safe, 200 );
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
		$safe['file_upload']       = isset( $json['file_upload'] ) && is_array( $json['file_upload'] ) ? $json['file_upload'] : array( 'enabled' => false );
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
