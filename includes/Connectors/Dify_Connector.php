<?php
/**
 * The Dify connection on Settings → Connectors (WordPress 7.0 and newer).
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Connectors;

use Dify_Chatbot\Registrable;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Settings\Settings_Page;
use WP_Connector_Registry;

/**
 * Where WordPress has the Connectors API (feature-detected, never by version: nothing happens on
 * a WordPress without it), the Dify connection is listed on Settings → Connectors and leads to
 * Settings → Dify Chatbot, where it is set up.
 *
 * The key does not move into the Connectors store: core keeps a connector's API key as a plain
 * option (sanitize_text_field, readable through /wp/v2/settings), while this plugin keeps it
 * encrypted and bound to its server (Settings\Key_Store). So the connector declares the
 * authentication method "none" and the card's own script (assets/connectors/connector.js, a
 * script module on that screen only) shows whether the connection is set up and links to the
 * plugin's screen. docs/connectors.md has the reasons from core's source.
 */
final class Dify_Connector implements Registrable {

	public const ID = 'dify-chatbot';

	/**
	 * The connector's type: not `ai_provider`, which core reserves for the AI Client's providers
	 * (their keys are handed to it, and they are dropped when AI support is off).
	 */
	public const TYPE = 'chatbot';

	public const MODULE = 'dify-chatbot-connector';

	/**
	 * The action core fires while it prepares the Connectors screen's scripts (that screen only).
	 */
	private const PAGE_INIT = 'options-connectors-wp-admin_init';

	/**
	 * Gives the effective settings.
	 *
	 * @var callable
	 * @phpstan-var callable(): Settings
	 */
	private $settings;

	/**
	 * Keeps what gives the settings: only the Connectors screen's card reads them, while core
	 * registers the connector on every request.
	 *
	 * @param callable $settings Gives the effective settings.
	 * @phpstan-param callable(): Settings $settings
	 */
	public function __construct( callable $settings ) {
		$this->settings = $settings;
	}

	/**
	 * Adds the hooks where the Connectors API exists.
	 */
	public function register(): void {
		if ( ! self::available() ) {
			return;
		}
		add_action( 'wp_connectors_init', array( $this, 'add' ) );
		add_action( self::PAGE_INIT, array( $this, 'enqueue' ) );
		add_filter( 'script_module_data_' . self::MODULE, array( $this, 'module_data' ) );
	}

	/**
	 * Whether this WordPress has the Connectors API.
	 */
	public static function available(): bool {
		return class_exists( 'WP_Connector_Registry' ) && function_exists( 'wp_get_connector' );
	}

	/**
	 * Registers the connector (core's `wp_connectors_init`).
	 *
	 * @param mixed $registry The registry core hands over.
	 */
	public function add( $registry ): void {
		if ( ! $registry instanceof WP_Connector_Registry || $registry->is_registered( self::ID ) ) {
			return;
		}
		$registry->register( self::ID, self::definition() );
	}

	/**
	 * What the connector says of itself.
	 *
	 * @return array{name: non-empty-string, description: string, type: non-empty-string, authentication: array{method: 'none'}, plugin: array{file: non-empty-string, is_active: callable(): bool}}
	 */
	public static function definition(): array {
		$file = plugin_basename( DIFY_CHATBOT_FILE );
		return array(
			'name'           => 'Dify',
			'description'    => self::description(),
			'type'           => self::TYPE,
			'authentication' => array( 'method' => 'none' ),
			'plugin'         => array(
				'file'      => '' !== $file ? $file : 'dify-chatbot/dify-chatbot.php',
				'is_active' => '__return_true',
			),
		);
	}

	/**
	 * The connector's description. Only the Connectors screen (wp-admin) shows it, so only there is
	 * it translated: core registers connectors on every request's init, and a translation would
	 * load the plugin's text domain on each of them.
	 */
	private static function description(): string {
		return is_admin()
			? __( 'A chat with your Dify app on any page (Dify Chatbot). The API key stays encrypted in the plugin’s own settings.', 'dify-chatbot' )
			: 'A chat with your Dify app on any page (Dify Chatbot). The API key stays encrypted in the plugin’s own settings.';
	}

	/**
	 * The address of the plugin's screen, where the connection is set up.
	 */
	public static function settings_url(): string {
		return admin_url( 'options-general.php?page=' . Settings_Page::SLUG );
	}

	/**
	 * Loads the card's module on the Connectors screen. Enqueued, not added to the screen's boot
	 * dependencies: those are only preloaded, and a module runs when something imports it.
	 */
	public function enqueue(): void {
		if ( ! current_user_can( 'manage_options' ) ) {
			return;
		}
		wp_enqueue_script_module(
			self::MODULE,
			plugins_url( 'assets/connectors/connector.js', DIFY_CHATBOT_FILE ),
			array( '@wordpress/connectors' ),
			DIFY_CHATBOT_VERSION
		);
	}

	/**
	 * What the card shows, handed to its module by WordPress (never the key).
	 *
	 * @param mixed $data Data other code added.
	 * @return array<string, mixed>
	 */
	public function module_data( $data ): array {
		return array_merge(
			is_array( $data ) ? $data : array(),
			array(
				'id'          => self::ID,
				'settingsUrl' => self::settings_url(),
				'configured'  => ( $this->settings )()->is_configured(),
				'labels'      => array(
					'connected'    => __( 'Connected', 'dify-chatbot' ),
					'notSetUp'     => __( 'Not set up', 'dify-chatbot' ),
					'manage'       => __( 'Manage in Dify Chatbot', 'dify-chatbot' ),
					'setUp'        => __( 'Set up in Dify Chatbot', 'dify-chatbot' ),
					'keyStaysHere' => __( 'The API key is kept encrypted by the Dify Chatbot plugin, on its own screen.', 'dify-chatbot' ),
				),
			)
		);
	}
}
