<?php
/**
 * Settings → Dify Chatbot.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Settings;

use Dify_Chatbot\Registrable;

/**
 * The screen is a mount point for the settings app (build/settings/index.js), which talks to
 * /dify-chatbot/v1/settings. Adds a "Settings" link on the Plugins screen and, while no key is
 * configured, a dismissible notice that leads to the screen.
 */
final class Settings_Page implements Registrable {

	public const SLUG = 'dify-chatbot';

	public const HANDLE = 'dify-chatbot-settings';

	/**
	 * User meta that records the dismissed notice.
	 */
	public const DISMISSED_META = 'dify_chatbot_notice_dismissed';

	/**
	 * The admin-post action (and nonce action) that dismisses the notice.
	 */
	public const DISMISS_ACTION = 'dify_chatbot_dismiss_notice';

	/**
	 * The effective settings.
	 *
	 * @var Settings
	 */
	private Settings $settings;

	/**
	 * The screen's hook suffix, once added.
	 *
	 * @var string
	 */
	private string $hook_suffix = '';

	/**
	 * Keeps the settings.
	 *
	 * @param Settings $settings The effective settings.
	 */
	public function __construct( Settings $settings ) {
		$this->settings = $settings;
	}

	/**
	 * Adds the hooks.
	 */
	public function register(): void {
		add_action( 'admin_menu', array( $this, 'add_page' ) );
		add_action( 'admin_enqueue_scripts', array( $this, 'enqueue' ) );
		add_action( 'admin_notices', array( $this, 'notice' ) );
		add_action( 'admin_post_' . self::DISMISS_ACTION, array( $this, 'dismiss_notice' ) );
		add_filter( 'plugin_action_links_' . plugin_basename( DIFY_CHATBOT_FILE ), array( $this, 'action_links' ) );
	}

	/**
	 * Adds Settings → Dify Chatbot.
	 */
	public function add_page(): void {
		$hook_suffix       = add_options_page(
			__( 'Dify Chatbot', 'dify-chatbot' ),
			__( 'Dify Chatbot', 'dify-chatbot' ),
			'manage_options',
			self::SLUG,
			array( $this, 'render' )
		);
		$this->hook_suffix = is_string( $hook_suffix ) ? $hook_suffix : '';
	}

	/**
	 * The screen: a heading and the app's mount point.
	 */
	public function render(): void {
		echo '<div class="wrap"><h1>' . esc_html__( 'Dify Chatbot', 'dify-chatbot' ) . '</h1>';
		echo '<div id="dify-chatbot-settings"></div>';
		echo '<noscript><p>' . esc_html__( 'This screen needs JavaScript.', 'dify-chatbot' ) . '</p></noscript></div>';
	}

	/**
	 * Enqueues the settings app on its own screen only.
	 *
	 * @param string $hook_suffix The current screen's hook suffix.
	 */
	public function enqueue( $hook_suffix ): void {
		if ( '' === $this->hook_suffix || $hook_suffix !== $this->hook_suffix ) {
			return;
		}
		$asset_file = DIFY_CHATBOT_DIR . '/build/settings/index.asset.php';
		if ( ! file_exists( $asset_file ) ) {
			// Not built yet: `npm run build`.
			return;
		}
		$asset   = require $asset_file;
		$deps    = is_array( $asset ) && isset( $asset['dependencies'] ) && is_array( $asset['dependencies'] ) ? array_values( array_filter( array_map( 'strval', $asset['dependencies'] ) ) ) : array();
		$version = is_array( $asset ) && isset( $asset['version'] ) ? (string) $asset['version'] : DIFY_CHATBOT_VERSION;

		wp_enqueue_script( self::HANDLE, plugins_url( 'build/settings/index.js', DIFY_CHATBOT_FILE ), $deps, $version, true );
		wp_set_script_translations( self::HANDLE, 'dify-chatbot', DIFY_CHATBOT_DIR . '/languages' );
		$style_deps = array( 'wp-components' );
		if ( file_exists( DIFY_CHATBOT_DIR . '/build/settings/index.css' ) ) {
			wp_enqueue_style( self::HANDLE, plugins_url( 'build/settings/index.css', DIFY_CHATBOT_FILE ), $style_deps, $version );
		} else {
			wp_enqueue_style( 'wp-components' );
		}
	}

	/**
	 * Adds "Settings" to the plugin's row on the Plugins screen.
	 *
	 * @param mixed $links The row's links.
	 * @return array<int|string, string>
	 */
	public function action_links( $links ): array {
		$links = is_array( $links ) ? $links : array();
		array_unshift( $links, sprintf( '<a href="%s">%s</a>', esc_url( $this->url() ), esc_html__( 'Settings', 'dify-chatbot' ) ) );
		return $links;
	}

	/**
	 * While no key is configured, tells administrators where to enter it (not on the screen itself).
	 */
	public function notice(): void {
		if ( ! current_user_can( 'manage_options' ) || null !== $this->settings->api_key() ) {
			return;
		}
		if ( get_user_meta( get_current_user_id(), self::DISMISSED_META, true ) ) {
			return;
		}
		$screen = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
		if ( null !== $screen && '' !== $this->hook_suffix && $screen->id === $this->hook_suffix ) {
			return;
		}
		$dismiss = wp_nonce_url( admin_url( 'admin-post.php?action=' . self::DISMISS_ACTION ), self::DISMISS_ACTION );
		$text    = $this->notice_text();
		printf(
			'<div class="notice notice-warning"><p>%1$s <a href="%2$s">%3$s</a> | <a href="%4$s">%5$s</a></p></div>',
			esc_html( $text ),
			esc_url( $this->url() ),
			esc_html__( 'Enter the API key', 'dify-chatbot' ),
			esc_url( $dismiss ),
			esc_html__( 'Dismiss', 'dify-chatbot' )
		);
	}

	/**
	 * Why visitors cannot chat, in the words of the notice.
	 */
	private function notice_text(): string {
		if ( $this->settings->base_url_locked() ) {
			/* translators: 1: a PHP constant's name (the key), 2: a PHP constant's name (the base URL). */
			return sprintf( __( 'Dify Chatbot does not use the API key set by %1$s until %2$s is set the same way (a key from wp-config.php or the environment only goes to a base URL set there too).', 'dify-chatbot' ), Settings::API_KEY_NAME, Settings::BASE_URL_NAME );
		}
		if ( ! $this->settings->keys()->can_save() && null === $this->settings->api_key_source() ) {
			return __( 'Dify Chatbot cannot store an API key safely: this site’s security keys (salts) in wp-config.php are missing or still the placeholder. Add real salts, or define DIFY_CHATBOT_ENCRYPTION_KEY, then enter the key.', 'dify-chatbot' );
		}
		if ( $this->settings->key_for_other_server() ) {
			return __( 'Dify Chatbot’s saved API key was entered for another server than the base URL now in force. Enter the key again to use it with this server.', 'dify-chatbot' );
		}
		return $this->settings->keys()->status()['unreadable']
			? __( 'Dify Chatbot cannot read its saved API key any more (the site’s security keys have changed). Enter the key again to bring the chat back.', 'dify-chatbot' )
			: __( 'Dify Chatbot needs the API key of your Dify app before visitors can chat.', 'dify-chatbot' );
	}

	/**
	 * Records the dismissal for the current user (nonce-checked) and goes back.
	 */
	public function dismiss_notice(): void {
		check_admin_referer( self::DISMISS_ACTION );
		if ( ! current_user_can( 'manage_options' ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to do that.', 'dify-chatbot' ), 403 );
		}
		$this->dismiss( get_current_user_id() );
		$back = wp_get_referer();
		wp_safe_redirect( false !== $back ? $back : admin_url() );
		exit;
	}

	/**
	 * Hides the notice for a user.
	 *
	 * @param int $user_id The user.
	 */
	public function dismiss( int $user_id ): void {
		update_user_meta( $user_id, self::DISMISSED_META, 1 );
	}

	/**
	 * The screen's URL.
	 */
	public function url(): string {
		return admin_url( 'options-general.php?page=' . self::SLUG );
	}
}
