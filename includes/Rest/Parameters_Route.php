<?php
/**
 * The app's features, for the chat in the browser.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Dify\App_Parameters;
use Dify_Chatbot\Dify\Client;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Registrable;
use Dify_Chatbot\Settings\Settings;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `GET /dify-chatbot/v1/parameters` (design §3.2): the browser-safe subset of Dify's /parameters
 * (dify-api §12.1), built and cached by Dify\App_Parameters.
 *
 * Open to whoever may chat (Visitor_Permission). Dify ignores `user` on /parameters, so none is derived
 * or sent, and the answer is the same for every visitor (cached for the site).
 */
final class Parameters_Route implements Registrable {

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
	 * The cached parameters.
	 *
	 * @var App_Parameters
	 */
	private App_Parameters $parameters;

	/**
	 * Keeps the collaborators.
	 *
	 * @param Settings            $settings   The effective settings.
	 * @param Error_Mapper        $errors     Maps failures.
	 * @param App_Parameters|null $parameters The cached parameters.
	 */
	public function __construct( Settings $settings, Error_Mapper $errors, ?App_Parameters $parameters = null ) {
		$this->settings   = $settings;
		$this->errors     = $errors;
		$this->parameters = null !== $parameters ? $parameters : new App_Parameters( $errors );
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
		$safe = $this->parameters->get( new Client( $this->settings->base_url(), $key ) );
		if ( is_wp_error( $safe ) ) {
			return $this->errors->to_response( $safe );
		}
		// This site's own upload limit (bytes), so the browser can refuse a file the site would.
		$safe['upload_limit'] = (int) wp_max_upload_size();
		return new WP_REST_Response( $safe, 200 );
	}

	/**
	 * The allow-listed subset of a /parameters answer (see Dify\App_Parameters::safe()).
	 *
	 * @param array<string, mixed> $json Dify's answer.
	 * @return array<string, mixed>
	 */
	public static function safe( array $json ): array {
		return App_Parameters::safe( $json );
	}
}
