<?php
/**
 * REST routes of the administrators' bot management.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Dify\App\App_Info;
use Dify_Chatbot\Dify\App\Connection_Test;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Removed_Bot;
use Dify_Chatbot\Registrable;
use Dify_Chatbot\Settings\Bots;
use Dify_Chatbot\Settings\Key_Entry;
use Dify_Chatbot\Settings\Option;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `POST /settings/bots` (add), `POST|DELETE /settings/bots/{slug}` (change, remove) and
 * `POST /settings/bots/{slug}/test` (the connection test), for users who can `manage_options`.
 * The key is write-only: no answer contains it, only its last four characters. A bot defined in
 * DIFY_CHATBOT_BOTS is refused with 403, an unknown slug with 404. The editors' list is
 * Bot_List_Controller.
 */
final class Bots_Controller implements Registrable {

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
	 * Adds the routes on rest_api_init.
	 */
	public function register(): void {
		add_action( 'rest_api_init', array( $this, 'register_routes' ) );
	}

	/**
	 * Registers the routes.
	 */
	public function register_routes(): void {
		$slug = '(?P<slug>[a-z0-9][a-z0-9_-]{0,39})';
		register_rest_route(
			Api::NAMESPACE,
			'/settings/bots',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( $this, 'add_bot' ),
				'permission_callback' => array( $this, 'check_permissions' ),
				'args'                => self::args( true ),
			)
		);
		register_rest_route(
			Api::NAMESPACE,
			'/settings/bots/' . $slug,
			array(
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'update_bot' ),
					'permission_callback' => array( $this, 'check_permissions' ),
					'args'                => self::args( false ),
				),
				array(
					'methods'             => WP_REST_Server::DELETABLE,
					'callback'            => array( $this, 'delete_bot' ),
					'permission_callback' => array( $this, 'check_permissions' ),
				),
			)
		);
		register_rest_route(
			Api::NAMESPACE,
			'/settings/bots/' . $slug . '/test',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( $this, 'test_bot' ),
				'permission_callback' => array( $this, 'check_permissions' ),
			)
		);
	}

	/**
	 * Only administrators (whoever may manage options).
	 */
	public function check_permissions(): bool {
		return Admin_Schema::allowed();
	}

	/**
	 * Adds a bot (and its key, when one is sent).
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return WP_REST_Response|WP_Error
	 */
	public function add_bot( WP_REST_Request $request ) {
		$change = Admin_Schema::key_change( $request, $this->bots->default()->keys(), false );
		if ( $change instanceof WP_Error ) {
			return $change;
		}
		$bot = $this->bots->add( self::fields( $request, true ) );
		if ( $bot instanceof WP_Error ) {
			return $bot;
		}
		if ( null !== $change['key'] ) {
			$saved = Key_Entry::save( $bot, $change['key'] );
			if ( $saved instanceof WP_Error ) {
				return $saved;
			}
		}
		return new WP_REST_Response( Bots::describe( $bot ), 201 );
	}

	/**
	 * Changes a bot; its key too (a new one, or removed).
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return WP_REST_Response|WP_Error
	 */
	public function update_bot( WP_REST_Request $request ) {
		$slug = (string) $request->get_param( 'slug' );
		$bot  = $this->bots->get( $slug );
		if ( null === $bot ) {
			return Bots::not_found( $slug );
		}
		if ( $bot->read_only() ) {
			return Bots::read_only_error( $slug );
		}
		$change = Admin_Schema::key_change( $request, $bot->keys() );
		if ( $change instanceof WP_Error ) {
			return $change;
		}
		$fields = self::fields( $request, false );
		if ( array() !== $fields ) {
			$bot = $this->bots->update( $slug, $fields );
			if ( $bot instanceof WP_Error ) {
				return $bot;
			}
		}
		if ( null !== $change['key'] ) {
			$saved = Key_Entry::save( $bot, $change['key'] );
			if ( $saved instanceof WP_Error ) {
				return $saved;
			}
		} elseif ( $change['remove'] ) {
			$bot->keys()->remove();
		}
		return new WP_REST_Response( Bots::describe( $bot ) );
	}

	/**
	 * Removes a bot, its key and its cached app data.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return WP_REST_Response|WP_Error
	 */
	public function delete_bot( WP_REST_Request $request ) {
		$slug = (string) $request->get_param( 'slug' );
		$bot  = $this->bots->get( $slug );
		if ( null !== $bot && ! $bot->is_default() && ! $bot->read_only() ) {
			Removed_Bot::clean( $bot );
		}
		$removed = $this->bots->remove( $slug );
		if ( $removed instanceof WP_Error ) {
			return $removed;
		}
		return new WP_REST_Response(
			array(
				'deleted' => true,
				'slug'    => $slug,
			)
		);
	}

	/**
	 * The connection test of one bot (the answer of `POST /settings/test`).
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return WP_REST_Response|WP_Error
	 */
	public function test_bot( WP_REST_Request $request ) {
		$slug = (string) $request->get_param( 'slug' );
		$bot  = $this->bots->get( $slug );
		if ( null === $bot ) {
			return Bots::not_found( $slug );
		}
		return new WP_REST_Response( ( new Connection_Test( $bot, new App_Info( new Error_Mapper() ) ) )->run() );
	}

	/**
	 * The bot's fields the request sends.
	 *
	 * @param WP_REST_Request $request The request.
	 * @param bool            $adding  Whether the slug is a field too.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return array<string, mixed>
	 */
	private static function fields( WP_REST_Request $request, bool $adding ): array {
		$fields = array();
		$names  = array_merge( $adding ? array( 'slug' ) : array(), array( 'name', 'base_url', 'response_mode', 'show_reasoning' ), Bots::LIMITS );
		foreach ( $names as $name ) {
			$value = $request->get_param( $name );
			if ( null !== $value ) {
				$fields[ $name ] = $value;
			}
		}
		return $fields;
	}

	/**
	 * The schema of a bot's fields.
	 *
	 * @param bool $adding Whether a new bot is added (slug, name and base URL required).
	 * @return array<string, array<string, mixed>>
	 */
	private static function args( bool $adding ): array {
		$args = array(
			'name'           => array(
				'description' => Api::describe( static fn (): string => __( 'The bot’s name (plain text).', 'dify-chatbot' ) ),
				'type'        => 'string',
				'minLength'   => 1,
				'maxLength'   => Bots::NAME_MAX,
				'required'    => $adding,
			),
			'base_url'       => Admin_Schema::base_url( static fn (): string => __( 'The Dify API base URL of the bot’s app.', 'dify-chatbot' ), $adding, false ),
			'api_key'        => Admin_Schema::api_key(),
			'response_mode'  => Admin_Schema::response_mode(),
			'show_reasoning' => array(
				'description' => Api::describe( static fn (): string => __( 'Whether answers show the model’s reasoning.', 'dify-chatbot' ) ),
				'type'        => 'boolean',
			),
		);
		foreach ( Bots::LIMITS as $limit ) {
			$args[ $limit ] = Admin_Schema::limit(
				'daily_token_budget' === $limit
					? static fn (): string => __( 'Tokens the bot may use per day; 0 for no budget.', 'dify-chatbot' )
					: static fn (): string => __( 'A message limit of the bot; 0 for no limit.', 'dify-chatbot' ),
				Option::LIMITS[ $limit ]
			);
		}
		if ( $adding ) {
			$args['slug'] = array(
				'description' => Api::describe( static fn (): string => __( 'The bot’s slug: 1 to 40 lower-case letters, digits, hyphens and underscores.', 'dify-chatbot' ) ),
				'type'        => 'string',
				'pattern'     => '^[a-z0-9][a-z0-9_-]{0,39}$',
				'required'    => true,
			);
		} else {
			$args['remove_api_key'] = Admin_Schema::remove_api_key();
		}
		return $args;
	}
}
