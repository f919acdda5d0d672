<?php
/**
 * The app's branding, for the block editor.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Dify\App\App_Parameters;
use Dify_Chatbot\Dify\App\App_Site;
use Dify_Chatbot\Registrable;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `GET /dify-chatbot/v1/site`: the Dify app's branding (title, icon, colour, the question box's
 * hint, disclaimer, privacy policy, copyright), so the block's inspector can show what the chat
 * uses where the block sets nothing. For whoever may edit posts (cookie authentication needs the
 * REST nonce); visitors get the same branding with the parameters. The answer is the cached
 * browser-safe copy (App_Parameters): never the key, never more than a visitor's chat gets.
 */
final class Site_Controller implements Registrable {

	/**
	 * What every route that reaches Dify shares (here only the client and the error mapping).
	 *
	 * @var Visitor_Api
	 */
	private Visitor_Api $api;

	/**
	 * The app's cached parameters, its branding included.
	 *
	 * @var App_Parameters
	 */
	private App_Parameters $parameters;

	/**
	 * Keeps the collaborators.
	 *
	 * @param Visitor_Api    $api        The client and the error mapping.
	 * @param App_Parameters $parameters The app's cached parameters.
	 */
	public function __construct( Visitor_Api $api, App_Parameters $parameters ) {
		$this->api        = $api;
		$this->parameters = $parameters;
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
			Api::NAMESPACE,
			'/site',
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => array( $this, 'site' ),
				'permission_callback' => array( $this, 'check_permissions' ),
				'args'                => array(
					'bot' => Visitor_Api::bot_arg( $this->api->bots() ),
				),
			)
		);
	}

	/**
	 * Only users who may edit posts (they place the block).
	 */
	public function check_permissions(): bool {
		return current_user_can( 'edit_posts' );
	}

	/**
	 * The branding.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	public function site( WP_REST_Request $request ): WP_REST_Response {
		$client = $this->api->client( $request );
		if ( is_wp_error( $client ) ) {
			return $this->api->fail( $client );
		}
		$parameters = $this->parameters->get( $client );
		if ( is_wp_error( $parameters ) ) {
			return $this->api->fail( $parameters );
		}
		$site = isset( $parameters['site'] ) && is_array( $parameters['site'] ) ? $parameters['site'] : App_Site::none();
		return new WP_REST_Response( $site, 200 );
	}
}
