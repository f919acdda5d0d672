<?php
/**
 * REST routes of the settings screen.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Dify\App\App_Info;
use Dify_Chatbot\Dify\App\Connection_Test;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Registrable;
use Dify_Chatbot\Security\Budget;
use Dify_Chatbot\Security\Capacity;
use Dify_Chatbot\Security\Client_Ip;
use Dify_Chatbot\Security\Counter_Store;
use Dify_Chatbot\Security\Daily_Cap;
use Dify_Chatbot\Security\Stream_Slots;
use Dify_Chatbot\Settings\Base_Url;
use Dify_Chatbot\Settings\Bots;
use Dify_Chatbot\Settings\Ca_Bundle;
use Dify_Chatbot\Settings\Encryption;
use Dify_Chatbot\Settings\Key_Entry;
use Dify_Chatbot\Settings\Network_Option;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Usage\Usage_Store;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `GET|POST /dify-chatbot/v1/settings` and `POST /dify-chatbot/v1/settings/test` (the default
 * bot's and the site-wide values; GET lists every bot under `bots`), for users who can
 * `manage_options` (anonymous 401, others 403; cookie authentication requires the REST
 * nonce). The API key is write-only: no response contains it, only whether one is saved and its
 * last four characters.
 */
final class Settings_Controller implements Registrable {

	/**
	 * The effective settings.
	 *
	 * @var Settings
	 */
	private Settings $settings;

	/**
	 * Today's token usage.
	 *
	 * @var Budget
	 */
	private Budget $budget;

	/**
	 * The running answers and today's paid calls.
	 *
	 * @var Capacity
	 */
	private Capacity $capacity;

	/**
	 * The bots.
	 *
	 * @var Bots
	 */
	private Bots $bots;

	/**
	 * Keeps the settings.
	 *
	 * @param Settings      $settings The effective settings.
	 * @param Budget|null   $budget   Today's token usage.
	 * @param Capacity|null $capacity The running answers and today's paid calls.
	 * @param Bots|null     $bots     The bots (built around $settings when null).
	 */
	public function __construct( Settings $settings, ?Budget $budget = null, ?Capacity $capacity = null, ?Bots $bots = null ) {
		$this->settings = $settings;
		$this->bots     = null !== $bots ? $bots : new Bots( $settings->option(), new Encryption(), $settings );
		$this->budget   = null !== $budget ? $budget : new Budget( new Usage_Store(), $settings->option() );
		$this->capacity = null !== $capacity ? $capacity : new Capacity( new Stream_Slots( new Counter_Store(), $settings->option(), new Client_Ip() ), new Daily_Cap( new Counter_Store(), $settings->option() ) );
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
			Api::NAMESPACE,
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
			Api::NAMESPACE,
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
		return Admin_Schema::allowed();
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
		$change = Admin_Schema::key_change( $request, $this->settings->keys() );
		if ( $change instanceof WP_Error ) {
			return $change;
		}
		$new_key = $change['key'];
		$remove  = $change['remove'];

		$changes  = array();
		$base_url = $request->get_param( 'base_url' );
		if ( is_string( $base_url ) ) {
			// Empty: the default in force (the network's on a network, which the site then follows).
			$changes['base_url'] = '' === trim( $base_url ) ? $this->settings->option()->inherited()['base_url'] : $base_url;
			if ( $this->settings->base_url_locked() && Base_Url::check( $changes['base_url'] ) !== $this->settings->option()->get()['base_url'] ) {
				return new WP_Error( 'dify_chatbot_base_url_locked', self::locked_message(), array( 'status' => 403 ) );
			}
		}
		$ca_bundle = $request->get_param( 'ca_bundle' );
		if ( is_string( $ca_bundle ) ) {
			$changes['ca_bundle'] = trim( $ca_bundle );
		}
		$mode = $request->get_param( 'response_mode' );
		if ( is_string( $mode ) ) {
			$changes['response_mode'] = $mode;
		}
		$reasoning = $request->get_param( 'show_reasoning' );
		if ( is_bool( $reasoning ) ) {
			$changes['show_reasoning'] = $reasoning;
		}
		foreach ( array_merge( array_keys( Option::LIMITS ), array( 'trusted_proxies', 'who_may_chat', 'allow_remote_files' ) ) as $name ) {
			$value = $request->get_param( $name );
			if ( null !== $value ) {
				$changes[ $name ] = 'trusted_proxies' === $name && is_array( $value ) ? array_map( 'trim', $value ) : $value;
			}
		}
		$had_key = $this->settings->keys()->status()['saved'];
		if ( array() !== $changes ) {
			// A base URL on another server removes the saved key (Settings\Key_Binding).
			$this->settings->option()->update( $changes );
		}
		if ( null !== $new_key ) {
			// Bound to the base URL in force now, the one it is entered with (the rules `wp
			// dify-chatbot set-key` obeys too).
			Key_Entry::save( $this->settings, $new_key );
		} elseif ( $remove ) {
			$this->settings->keys()->remove();
		}
		$answer = $this->describe();
		// Said once, in the answer to the change that did it.
		$answer['key_removed'] = $had_key && ! $remove && null === $new_key && ! $this->settings->keys()->status()['saved'];
		return new WP_REST_Response( $answer );
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
			'base_url'             => $stored['base_url'],
			'ca_bundle'            => $stored['ca_bundle'],
			'response_mode'        => $stored['response_mode'],
			'limit_visitor_minute' => $stored['limit_visitor_minute'],
			'limit_visitor_day'    => $stored['limit_visitor_day'],
			'limit_ip_minute'      => $stored['limit_ip_minute'],
			'trusted_proxies'      => $stored['trusted_proxies'],
			'daily_token_budget'   => $stored['daily_token_budget'],
			'who_may_chat'         => $stored['who_may_chat'],
			'streams_visitor'      => $stored['streams_visitor'],
			'streams_ip'           => $stored['streams_ip'],
			'streams_site'         => $stored['streams_site'],
			'limit_ip_day'         => $stored['limit_ip_day'],
			'daily_message_cap'    => $stored['daily_message_cap'],
			'allow_remote_files'   => $stored['allow_remote_files'],
			'show_reasoning'       => $stored['show_reasoning'],
			'usage'                => array(
				'tokens_today'    => $this->budget->used_today(),
				'streams_running' => $this->capacity->slots()->running(),
				'calls_today'     => $this->capacity->daily_cap()->used_today(),
			),
			'api_key'              => $this->settings->keys()->status(),
			// Why the base URL cannot be changed here (null: it can).
			'locks'                => array(
				'base_url' => $this->settings->base_url_locked() ? self::locked_message() : null,
			),
			// False: the site has no secret to encrypt a key with (missing or placeholder salts).
			'encryption'           => array(
				'ready'   => $this->settings->keys()->can_save(),
				'message' => $this->settings->keys()->can_save() ? '' : Key_Entry::no_secret_message(),
			),
			'overrides'            => array(
				'base_url'  => $this->settings->base_url_source(),
				'api_key'   => $this->settings->api_key_source(),
				'ca_bundle' => $this->settings->ca_bundle_source(),
			),
			// Which values come from the network's defaults (multisite): 'network', else what
			// `overrides` says (a constant or the environment) or null (the site's own or the
			// plugin's default).
			'sources'              => $this->sources(),
			'effective'            => array(
				'base_url'      => $this->settings->base_url(),
				'ca_bundle'     => $this->settings->ca_bundle(),
				'api_key_last4' => null !== $key && strlen( $key ) >= 8 ? substr( $key, -4 ) : '',
				'configured'    => $this->settings->is_configured(),
				// The saved key was entered for another server than the base URL in force.
				'key_elsewhere' => $this->settings->key_for_other_server(),
			),
			'defaults'             => Option::defaults(),
			// Every bot (the default first, then by name), never a key.
			'bots'                 => array_map( array( Bots::class, 'describe' ), $this->bots->all() ),
		);
	}

	/**
	 * Where each value the network may set comes from, and the key: 'network' for the network's
	 * defaults, 'constant'/'environment' for an override (base URL and key), else null.
	 *
	 * @return array<string, string|null>
	 */
	private function sources(): array {
		$network = $this->settings->option()->from_network();
		$sources = array();
		foreach ( Network_Option::fields() as $name ) {
			$sources[ $name ] = in_array( $name, $network, true ) ? 'network' : null;
		}
		$sources['base_url'] = $this->settings->base_url_source() ?? $sources['base_url'];
		$sources['api_key']  = $this->settings->api_key_source() ?? ( $this->settings->uses_network_key() ? 'network' : null );
		return $sources;
	}

	/**
	 * Why the base URL cannot be changed on the screen while the key comes from outside it.
	 */
	private static function locked_message(): string {
		return sprintf(
			/* translators: 1: a PHP constant's name (the key), 2: a PHP constant's name (the base URL). */
			__( 'The API key is set by %1$s (in wp-config.php or the server’s environment), so the base URL cannot be changed here: the key would follow it to any server. Set %2$s the same way as the key.', 'dify-chatbot' ),
			Settings::API_KEY_NAME,
			Settings::BASE_URL_NAME
		);
	}

	/**
	 * The POST body's schema.
	 *
	 * @return array<string, array<string, mixed>>
	 */
	private function args(): array {
		return array(
			'base_url'       => Admin_Schema::base_url( static fn (): string => __( 'The Dify API base URL; empty for Dify Cloud.', 'dify-chatbot' ), false, true ),
			'ca_bundle'      => array(
				'description'       => Api::describe( static fn (): string => __( 'Absolute path of a PEM file with the certificate authority of a Dify server with its own certificates; empty for the default certificates.', 'dify-chatbot' ) ),
				'type'              => 'string',
				'maxLength'         => Ca_Bundle::MAX_PATH,
				'validate_callback' => static function ( $value, $request, $param ) {
					$valid = rest_validate_request_arg( $value, $request, $param );
					if ( true !== $valid ) {
						return $valid;
					}
					$path = Ca_Bundle::check( (string) $value );
					return is_wp_error( $path ) ? $path : true;
				},
			),
			'response_mode'  => Admin_Schema::response_mode(),
			'api_key'        => Admin_Schema::api_key(),
			'remove_api_key' => Admin_Schema::remove_api_key(),
			'show_reasoning' => array(
				'description' => Api::describe( static fn (): string => __( 'Whether answers show the model’s reasoning (a collapsed “Thinking” section).', 'dify-chatbot' ) ),
				'type'        => 'boolean',
			),
		) + $this->protection_args() + self::file_args();
	}

	/**
	 * The schema of the file settings.
	 *
	 * @return array<string, array<string, mixed>>
	 */
	private static function file_args(): array {
		return array(
			'allow_remote_files' => array(
				'description' => Api::describe( static fn (): string => __( 'Whether visitors may attach files by web address (Dify then fetches them); only public addresses are passed on.', 'dify-chatbot' ) ),
				'type'        => 'boolean',
			),
		);
	}

	/**
	 * The schema of the abuse protection settings.
	 *
	 * @return array<string, array<string, mixed>>
	 */
	private function protection_args(): array {
		$descriptions = array(
			'limit_visitor_minute' => static fn (): string => __( 'Messages per minute for one visitor; 0 for no limit.', 'dify-chatbot' ),
			'limit_visitor_day'    => static fn (): string => __( 'Messages per day for one visitor; 0 for no limit.', 'dify-chatbot' ),
			'limit_ip_minute'      => static fn (): string => __( 'Messages per minute from one IP address; 0 for no limit.', 'dify-chatbot' ),
			'daily_token_budget'   => static fn (): string => __( 'Tokens the whole site may use per day; 0 for no budget.', 'dify-chatbot' ),
			'streams_visitor'      => static fn (): string => __( 'Answers one visitor may receive at the same time; 0 for no cap.', 'dify-chatbot' ),
			'streams_ip'           => static fn (): string => __( 'Answers one IP address may receive at the same time; 0 for no cap.', 'dify-chatbot' ),
			'streams_site'         => static fn (): string => __( 'Answers the whole site may give at the same time (each holds one PHP worker); 0 for no cap.', 'dify-chatbot' ),
			'limit_ip_day'         => static fn (): string => __( 'Messages per day from one IP address; 0 for no limit.', 'dify-chatbot' ),
			'daily_message_cap'    => static fn (): string => __( 'Messages, uploads, voice and suggested-question calls the whole site may make per day; 0 for no cap.', 'dify-chatbot' ),
		);
		$args         = array();
		foreach ( Option::LIMITS as $name => $max ) {
			$args[ $name ] = Admin_Schema::limit( $descriptions[ $name ], $max );
		}
		$args['trusted_proxies'] = array(
			'description'       => Api::describe( static fn (): string => __( 'IP addresses or CIDR ranges of your own reverse proxies; only then is X-Forwarded-For read.', 'dify-chatbot' ) ),
			'type'              => 'array',
			'maxItems'          => Option::MAX_PROXIES,
			'items'             => array(
				'type'      => 'string',
				'maxLength' => 64,
			),
			'validate_callback' => static function ( $value, $request, $param ) {
				$valid = rest_validate_request_arg( $value, $request, $param );
				if ( true === $valid && ! Option::is_proxy_list( $value ) ) {
					/* translators: %s: parameter name. */
					return new WP_Error( 'rest_invalid_param', sprintf( __( '%s must be a list of IP addresses or CIDR ranges (like 10.0.0.0/8).', 'dify-chatbot' ), $param ), array( 'status' => 400 ) );
				}
				return $valid;
			},
		);
		$args['who_may_chat']    = array(
			'description'       => Api::describe( static fn (): string => __( 'Who may chat: everyone, logged_in, or a capability name.', 'dify-chatbot' ) ),
			'type'              => 'string',
			'maxLength'         => 64,
			'validate_callback' => static function ( $value, $request, $param ) {
				$valid = rest_validate_request_arg( $value, $request, $param );
				if ( true === $valid && ! Option::is_audience( (string) $value ) ) {
					/* translators: %s: parameter name. */
					return new WP_Error( 'rest_invalid_param', sprintf( __( '%s must be everyone, logged_in or a capability name (lower-case letters, digits, _ and -).', 'dify-chatbot' ), $param ), array( 'status' => 400 ) );
				}
				return $valid;
			},
		);
		return $args;
	}
}
