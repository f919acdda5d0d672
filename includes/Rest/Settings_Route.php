<?php
/**
 * REST routes of the settings screen.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Dify\App_Info;
use Dify_Chatbot\Dify\Connection_Test;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Registrable;
use Dify_Chatbot\Settings\Base_Url;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Settings\Settings;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `GET|POST /dify-chatbot/v1/settings` and `POST /dify-chatbot/v1/settings/test`, for users who
 * can `manage_options` (anonymous 401, others 403; cookie authentication requires the REST
 * nonce). The API key is write-only: no response contains it, only whether one is saved and its
 * last four characters.
 */
final class Settings_Route implements Registrable {

	public const NAMESPACE = 'dify-chatbot/v1';

	/**
	 * The effective settings.
	 *
	 * @var Settings
	 */
	private Settings $settings;

	/**
	 * Keeps the settings.
	 *
	 * @param Settings $settings The effective settings.
	 */
	public function __construct( Settings $settings ) {
		$this->settings = $settings;
	}

	/**
	 * Adds the routes on rest_api_init.
	 */
	public function register(): void {
		add_action( 'rest_api_init', array( $this, 'register_routes' ) );
	}

	/**
	 * Registers the routes.
	 */
	public function register_routes(): void {
		register_rest_route(
			self::NAMESPACE,
			'/settings',
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_settings' ),
					'permission_callback' => array( $this, 'check_permissions' ),
				),
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'update_settings' ),
					'permission_callback' => array( $this, 'check_permissions' ),
					'args'                => $this->args(),
				),
			)
		);
		register_rest_route(
			self::NAMESPACE,
			'/settings/test',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( $this, 'test_connection' ),
				'permission_callback' => array( $this, 'check_permissions' ),
			)
		);
	}

	/**
	 * Only administrators (whoever may manage options).
	 */
	public function check_permissions(): bool {
		return current_user_can( 'manage_options' );
	}

	/**
	 * The settings as the screen shows them.
	 */
	public function get_settings(): WP_REST_Response {
		return new WP_REST_Response( $this->describe() );
	}

	/**
	 * Saves what was sent, then answers like GET.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function update_settings( WP_REST_Request $request ) {
		$api_key = $request->get_param( 'api_key' );
		$remove  = true === $request->get_param( 'remove_api_key' );
		if ( $remove && is_string( $api_key ) && '' !== $api_key ) {
			return new WP_Error( 'dify_chatbot_invalid_settings', __( 'Send either a new API key or the request to remove it, not both.', 'dify-chatbot' ), array( 'status' => 400 ) );
		}

		$changes  = array();
		$base_url = $request->get_param( 'base_url' );
		if ( is_string( $base_url ) ) {
			$changes['base_url'] = '' === trim( $base_url ) ? Base_Url::DEFAULT_URL : $base_url;
		}
		$mode = $request->get_param( 'response_mode' );
		if ( is_string( $mode ) ) {
			$changes['response_mode'] = $mode;
		}
		if ( array() !== $changes ) {
			$this->settings->option()->update( $changes );
		}
		if ( is_string( $api_key ) && '' !== $api_key ) {
			$this->settings->keys()->save( trim( $api_key ) );
		} elseif ( $remove ) {
			$this->settings->keys()->remove();
		}
		return new WP_REST_Response( $this->describe() );
	}

	/**
	 * Tests the effective settings against Dify.
	 */
	public function test_connection(): WP_REST_Response {
		$test = new Connection_Test( $this->settings, new App_Info( new Error_Mapper() ) );
		return new WP_REST_Response( $test->run() );
	}

	/**
	 * The response of GET and POST. Never the key.
	 *
	 * @return array<string, mixed>
	 */
	private function describe(): array {
		$stored = $this->settings->option()->get();
		$key    = $this->settings->api_key();
		return array(
			'base_url'      => $stored['base_url'],
			'response_mode' => $stored['response_mode'],
			'api_key'       => $this->settings->keys()->status(),
			'overrides'     => array(
				'base_url' => $this->settings->base_url_source(),
				'api_key'  => $this->settings->api_key_source(),
			),
			'effective'     => array(
				'base_url'      => $this->settings->base_url(),
				'api_key_last4' => null !== $key && strlen( $key ) >= 8 ? substr( $key, -4 ) : '',
				'configured'    => $this->settings->is_configured(),
			),
			'defaults'      => Option::defaults(),
		);
	}

	/**
	 * The POST body's schema.
	 *
	 * @return array<string, array<string, mixed>>
	 */
	private function args(): array {
		return array(
			'base_url'       => array(
				'description'       => __( 'The Dify API base URL; empty for Dify Cloud.', 'dify-chatbot' ),
				'type'              => 'string',
				'maxLength'         => 2048,
				'validate_callback' => static function ( $value, $request, $param ) {
					$valid = rest_validate_request_arg( $value, $request, $param );
					if ( true !== $valid || '' === trim( (string) $value ) ) {
						return $valid;
					}
					$url = Base_Url::check( (string) $value );
					return is_wp_error( $url ) ? $url : true;
				},
			),
			'response_mode'  => array(
				'description' => __( 'Whether answers stream in or arrive whole.', 'dify-chatbot' ),
				'type'        => 'string',
				'enum'        => Option::MODES,
			),
			'api_key'        => array(
				'description'       => __( 'A new API key (replaces the saved one).', 'dify-chatbot' ),
				'type'              => 'string',
				'maxLength'         => 512,
				'validate_callback' => static function ( $value, $request, $param ) {
					$valid = rest_validate_request_arg( $value, $request, $param );
					// The key goes into an HTTP header: printable ASCII without spaces only.
					if ( true === $valid && 1 !== preg_match( '/^[\x21-\x7E]*$/', trim( (string) $value ) ) ) {
						return new WP_Error( 'rest_invalid_param', __( 'The API key may only contain letters, digits and punctuation, without spaces or line breaks inside.', 'dify-chatbot' ), array( 'status' => 400 ) );
					}
					return $valid;
				},
			),
			'remove_api_key' => array(
				'description' => __( 'True to remove the saved API key.', 'dify-chatbot' ),
				'type'        => 'boolean',
			),
		);
	}
}
