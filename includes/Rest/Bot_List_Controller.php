<?php
/**
 * The bots an editor may choose from.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Registrable;
use Dify_Chatbot\Settings\Bots;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `GET /dify-chatbot/v1/bots` for users who can `edit_posts` (they place the block): each bot's
 * slug and name, the default bot first, then by name — the block inspector's choices. Never a
 * base URL or a key.
 */
final class Bot_List_Controller implements Registrable {

	/**
	 * The bots.
	 *
	 * @var Bots
	 */
	private Bots $bots;

	/**
	 * Keeps the bots.
	 *
	 * @param Bots $bots The bots.
	 */
	public function __construct( Bots $bots ) {
		$this->bots = $bots;
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
			'/bots',
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => array( $this, 'list_bots' ),
				'permission_callback' => array( $this, 'check_permissions' ),
			)
		);
	}

	/**
	 * Only users who may edit posts.
	 */
	public function check_permissions(): bool {
		return current_user_can( 'edit_posts' );
	}

	/**
	 * The bots' slugs and names.
	 */
	public function list_bots(): WP_REST_Response {
		$list = array();
		foreach ( $this->bots->all() as $bot ) {
			$list[] = array(
				'slug' => $bot->slug(),
				'name' => $bot->name(),
			);
		}
		return new WP_REST_Response( $list );
	}
}
