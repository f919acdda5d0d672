<?php
/**
 * The app's features, for the chat in the browser.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Dify\App\App_Info;
use Dify_Chatbot\Dify\App\App_Mode;
use Dify_Chatbot\Dify\App\App_Parameters;
use Dify_Chatbot\Registrable;
use Dify_Chatbot\Security\Visitor_Guard;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `GET /dify-chatbot/v1/parameters`: the browser-safe subset of Dify's /parameters
 * (Dify\App\App_Parameters) — opening statement, suggested questions, which features are on, the
 * input form and the upload limits.
 *
 * Open to whoever may chat (Visitor_Guard::READ: the answer is the same public subset for
 * everyone and cached, so no rate limit). Only the form is adjusted per request: fields the site
 * fills on the server (Site_Inputs, for the chat's page) and a completion or workflow app's
 * `query` (the chat message itself) are marked hidden.
 */
final class Parameters_Controller implements Registrable {

	/**
	 * What every visitor route shares.
	 *
	 * @var Visitor_Api
	 */
	private Visitor_Api $api;

	/**
	 * The app's parameters.
	 *
	 * @var App_Parameters
	 */
	private App_Parameters $parameters;

	/**
	 * The app's mode.
	 *
	 * @var App_Info
	 */
	private App_Info $info;

	/**
	 * Keeps the collaborators.
	 *
	 * @param Visitor_Api    $api        What every visitor route shares.
	 * @param App_Parameters $parameters The app's parameters.
	 * @param App_Info       $info       The app's mode.
	 */
	public function __construct( Visitor_Api $api, App_Parameters $parameters, App_Info $info ) {
		$this->api        = $api;
		$this->parameters = $parameters;
		$this->info       = $info;
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
		$this->api->route(
			'/parameters',
			WP_REST_Server::READABLE,
			array( $this, 'parameters' ),
			Visitor_Guard::READ,
			array(
				'post_id' => array(
					'description' => Api::describe( static fn (): string => __( 'The page the chat is on (for inputs the site fills in).', 'dify-chatbot' ) ),
					'type'        => 'integer',
					'minimum'     => 0,
					'default'     => 0,
				),
			)
		);
	}

	/**
	 * The browser-safe parameters.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	public function parameters( WP_REST_Request $request ): WP_REST_Response {
		$client = $this->api->client( $request );
		if ( is_wp_error( $client ) ) {
			return $this->api->fail( $client );
		}
		$safe = $this->parameters->get( $client );
		if ( is_wp_error( $safe ) ) {
			return $this->api->fail( $safe );
		}
		$hidden = array_keys( Site_Inputs::values( Site_Inputs::post( $request->get_param( 'post_id' ) ) ) );
		$mode   = $this->info->mode( $client );
		if ( $mode instanceof App_Mode && ! $mode->is_chat() ) {
			// The chat message is the `query` input of completion and workflow apps.
			$hidden[] = 'query';
		}
		$safe['user_input_form'] = self::hide( is_array( $safe['user_input_form'] ?? null ) ? $safe['user_input_form'] : array(), $hidden );
		// This site's own upload limit (bytes), so the browser can refuse a file the site would.
		$safe['upload_limit'] = (int) wp_max_upload_size();
		return new WP_REST_Response( $safe, 200 );
	}

	/**
	 * Marks form fields hidden.
	 *
	 * @param array<int, mixed> $form   `user_input_form`.
	 * @param string[]          $hidden Variables not to show.
	 * @return array<int, mixed>
	 */
	private static function hide( array $form, array $hidden ): array {
		foreach ( $form as $index => $item ) {
			if ( ! is_array( $item ) ) {
				continue;
			}
			$type    = (string) key( $item );
			$control = reset( $item );
			if ( is_array( $control ) && in_array( $control['variable'] ?? null, $hidden, true ) ) {
				$control['hide'] = true;
				$form[ $index ]  = array( $type => $control );
			}
		}
		return $form;
	}
}
