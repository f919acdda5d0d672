<?php
/**
 * Network Admin → Settings → Dify Chatbot: the network's defaults for its sites.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Settings;

use Dify_Chatbot\Registrable;
use WP_Error;

/**
 * A plain form (no script): the network admin (`manage_network_options`) sets the defaults every
 * site of the network uses where it has not set its own value (Network_Option), and the network's
 * default API key — write-only, encrypted for the network, bound to the origin of the network's
 * base URL like a site's key. Site admins may override every value on their own screen; the
 * network sets defaults, it does not lock them.
 *
 * The form posts to Network Admin's edit.php (`network_admin_edit_{action}`), with a nonce; the
 * values are checked against Network_Option's schema before anything is saved. The key is never
 * shown, only its last four characters.
 */
final class Network_Page implements Registrable {

	public const SLUG = 'dify-chatbot-network';

	public const ACTION = 'dify_chatbot_network';

	public const CAPABILITY = 'manage_network_options';

	/**
	 * Where a refused submission's message waits for the next screen (per user, one minute).
	 */
	private const NOTICE = 'dify_chatbot_network_notice_';

	/**
	 * The network's values.
	 *
	 * @var Network_Option
	 */
	private Network_Option $option;

	/**
	 * The network's default key.
	 *
	 * @var Key_Store
	 */
	private Key_Store $keys;

	/**
	 * Keeps the stores.
	 *
	 * @param Network_Option $option The network's values.
	 * @param Key_Store      $keys   The network's default key (a network store).
	 */
	public function __construct( Network_Option $option, Key_Store $keys ) {
		$this->option = $option;
		$this->keys   = $keys;
	}

	/**
	 * Adds the hooks.
	 */
	public function register(): void {
		add_action( 'network_admin_menu', array( $this, 'add_page' ) );
		add_action( 'network_admin_edit_' . self::ACTION, array( $this, 'handle' ) );
	}

	/**
	 * Adds the page under Network Admin → Settings.
	 */
	public function add_page(): void {
		add_submenu_page( 'settings.php', __( 'Dify Chatbot', 'dify-chatbot' ), __( 'Dify Chatbot', 'dify-chatbot' ), self::CAPABILITY, self::SLUG, array( $this, 'render' ) );
	}

	/**
	 * Saves a submission and goes back to the page.
	 */
	public function handle(): void {
		if ( ! current_user_can( self::CAPABILITY ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to change the network’s Dify Chatbot defaults.', 'dify-chatbot' ), 403 );
		}
		check_admin_referer( self::ACTION );
		$input = array();
		foreach ( array_merge( Network_Option::fields(), array( 'api_key', 'remove_api_key' ) ) as $name ) {
			// The nonce is checked above; every value is checked by save() (the key by Key_Entry:
			// any printable character may be part of a key, so it is not run through sanitize_text_field).
			// phpcs:ignore WordPress.Security.NonceVerification.Missing, WordPress.Security.ValidatedSanitizedInput.InputNotSanitized
			$value          = isset( $_POST[ $name ] ) && is_string( $_POST[ $name ] ) ? wp_unslash( $_POST[ $name ] ) : '';
			$input[ $name ] = 'api_key' === $name ? (string) $value : sanitize_text_field( (string) $value );
		}
		$saved = $this->save( $input );
		$url   = add_query_arg( 'page', self::SLUG, network_admin_url( 'settings.php' ) );
		if ( is_wp_error( $saved ) ) {
			set_site_transient( self::NOTICE . get_current_user_id(), $saved->get_error_message(), 60 );
			$url = add_query_arg( 'error', '1', $url );
		} else {
			$url = add_query_arg( 'updated', '1', $url );
		}
		wp_safe_redirect( $url );
		exit;
	}

	/**
	 * Checks a submission of the form (every value a string, '' = not set by the network) and
	 * saves it; nothing is saved when a value is invalid.
	 *
	 * @param array<string, string> $input The form's fields.
	 * @return true|WP_Error
	 */
	public function save( array $input ) {
		$values = array();
		foreach ( Network_Option::fields() as $name ) {
			$text = trim( $input[ $name ] ?? '' );
			if ( '' === $text ) {
				continue;
			}
			if ( 'show_reasoning' === $name ) {
				$values[ $name ] = 'on' === $text ? true : ( 'off' === $text ? false : $text );
			} elseif ( isset( Option::LIMITS[ $name ] ) ) {
				$values[ $name ] = ctype_digit( $text ) && strlen( $text ) < 16 ? (int) $text : $text;
			} else {
				$values[ $name ] = $text;
			}
		}
		$valid = rest_validate_value_from_schema( $values, Network_Option::schema(), __( 'Network defaults', 'dify-chatbot' ) );
		if ( is_wp_error( $valid ) ) {
			return $valid;
		}
		if ( isset( $values['base_url'] ) ) {
			$url = Base_Url::check( (string) $values['base_url'] );
			if ( is_wp_error( $url ) ) {
				return $url;
			}
		}
		$key = trim( $input['api_key'] ?? '' );
		if ( '' !== $key ) {
			$wrong = Key_Entry::check( $key );
			if ( null !== $wrong ) {
				return $wrong;
			}
			if ( ! $this->keys->can_save() ) {
				return new WP_Error( 'dify_chatbot_no_encryption_secret', Key_Entry::no_secret_message() );
			}
		}
		$before = $this->base_url();
		$this->option->replace( $values );
		$after = $this->base_url();
		if ( '' !== $key ) {
			// Bound to the network's base URL, the one it is entered with.
			$this->keys->save( $key, Base_Url::origin( $after ) );
		} elseif ( '1' === ( $input['remove_api_key'] ?? '' ) || Base_Url::origin( $before ) !== Base_Url::origin( $after ) ) {
			// A key is never sent to another server than the one it was entered for.
			$this->keys->remove();
		}
		return true;
	}

	/**
	 * The network's base URL (the plugin's default when the network sets none).
	 */
	private function base_url(): string {
		$values = $this->option->get();
		return isset( $values['base_url'] ) ? (string) $values['base_url'] : Base_Url::DEFAULT_URL;
	}

	/**
	 * The page.
	 */
	public function render(): void {
		if ( ! current_user_can( self::CAPABILITY ) ) {
			return;
		}
		$values = $this->option->get();
		$key    = $this->keys->status();
		echo '<div class="wrap"><h1>' . esc_html__( 'Dify Chatbot: network defaults', 'dify-chatbot' ) . '</h1>';
		// phpcs:disable WordPress.Security.NonceVerification.Recommended -- only which notice to show.
		if ( isset( $_GET['updated'] ) ) {
			echo '<div class="notice notice-success"><p>' . esc_html__( 'Network defaults saved.', 'dify-chatbot' ) . '</p></div>';
		}
		if ( isset( $_GET['error'] ) ) {
			$message = get_site_transient( self::NOTICE . get_current_user_id() );
			delete_site_transient( self::NOTICE . get_current_user_id() );
			if ( is_string( $message ) ) {
				echo '<div class="notice notice-error"><p>' . esc_html__( 'Nothing was saved:', 'dify-chatbot' ) . ' ' . esc_html( $message ) . '</p></div>';
			}
		}
		// phpcs:enable
		echo '<p>' . esc_html__( 'Every site of the network uses these values where it has not set its own. A field left empty is not set by the network: sites use the plugin’s default. Site administrators may override each value on their own Settings → Dify Chatbot screen.', 'dify-chatbot' ) . '</p>';
		echo '<form method="post" action="' . esc_url( network_admin_url( 'edit.php?action=' . self::ACTION ) ) . '">';
		wp_nonce_field( self::ACTION );
		echo '<table class="form-table" role="presentation"><tbody>';
		$this->row( 'base_url', __( 'Base URL', 'dify-chatbot' ), '<input type="url" class="regular-text code" id="base_url" name="base_url" value="' . esc_attr( (string) ( $values['base_url'] ?? '' ) ) . '" placeholder="' . esc_attr( Base_Url::DEFAULT_URL ) . '">' );
		$key_note = $key['saved']
			? ( $key['unreadable'] ? __( 'A key is saved but cannot be read (the salts changed): enter it again.', 'dify-chatbot' ) : ( '' !== $key['last4'] ? sprintf( /* translators: %s: last four characters of the key. */ __( 'A key ending in %s is saved.', 'dify-chatbot' ), $key['last4'] ) : __( 'A key is saved.', 'dify-chatbot' ) ) )
			: __( 'No network key.', 'dify-chatbot' );
		$remove   = $key['saved'] ? ' <label><input type="checkbox" name="remove_api_key" value="1"> ' . esc_html__( 'Remove the network key', 'dify-chatbot' ) . '</label>' : '';
		$this->row( 'api_key', __( 'API key', 'dify-chatbot' ), '<input type="password" class="regular-text" id="api_key" name="api_key" value="" autocomplete="off"> <p class="description">' . esc_html( $key_note . ' ' . __( 'Write-only; bound to the base URL above. Empty keeps the saved key.', 'dify-chatbot' ) ) . '</p>' . $remove );
		$this->row(
			'response_mode',
			__( 'Response mode', 'dify-chatbot' ),
			$this->select(
				'response_mode',
				(string) ( $values['response_mode'] ?? '' ),
				array(
					'streaming' => __( 'Streaming', 'dify-chatbot' ),
					'blocking'  => __(
						'Blocking',
						'dify-chatbot'
					),
				)
			)
		);
		$reasoning = isset( $values['show_reasoning'] ) ? ( $values['show_reasoning'] ? 'on' : 'off' ) : '';
		$this->row(
			'show_reasoning',
			__( 'Show reasoning', 'dify-chatbot' ),
			$this->select(
				'show_reasoning',
				$reasoning,
				array(
					'on'  => __( 'Shown', 'dify-chatbot' ),
					'off' => __(
						'Hidden',
						'dify-chatbot'
					),
				)
			)
		);
		$labels = array(
			'limit_visitor_minute' => __( 'Messages per minute, per visitor', 'dify-chatbot' ),
			'limit_visitor_day'    => __( 'Messages per day, per visitor', 'dify-chatbot' ),
			'limit_ip_minute'      => __( 'Messages per minute, per IP address', 'dify-chatbot' ),
			'daily_token_budget'   => __( 'Tokens per day for the site', 'dify-chatbot' ),
			'streams_visitor'      => __( 'Answers at once, per visitor', 'dify-chatbot' ),
			'streams_ip'           => __( 'Answers at once, per IP address', 'dify-chatbot' ),
			'streams_site'         => __( 'Answers at once, for the site', 'dify-chatbot' ),
			'limit_ip_day'         => __( 'Messages per day, per IP address', 'dify-chatbot' ),
			'daily_message_cap'    => __( 'Paid calls per day for the site', 'dify-chatbot' ),
		);
		echo '</tbody></table><h2>' . esc_html__( 'Limits (0 = none)', 'dify-chatbot' ) . '</h2><table class="form-table" role="presentation"><tbody>';
		foreach ( Option::LIMITS as $name => $max ) {
			$this->row( $name, $labels[ $name ], '<input type="number" class="small-text" id="' . esc_attr( $name ) . '" name="' . esc_attr( $name ) . '" min="0" max="' . esc_attr( (string) $max ) . '" value="' . esc_attr( isset( $values[ $name ] ) ? (string) $values[ $name ] : '' ) . '" placeholder="' . esc_attr( (string) Option::defaults()[ $name ] ) . '">' );
		}
		echo '</tbody></table>';
		submit_button( __( 'Save network defaults', 'dify-chatbot' ) );
		echo '</form></div>';
	}

	/**
	 * One row of the form.
	 *
	 * @param string $name  The field's name.
	 * @param string $label Its label.
	 * @param string $field Its HTML, escaped by the caller.
	 */
	private function row( string $name, string $label, string $field ): void {
		// phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- $field is built from escaped parts.
		echo '<tr><th scope="row"><label for="' . esc_attr( $name ) . '">' . esc_html( $label ) . '</label></th><td>' . $field . '</td></tr>';
	}

	/**
	 * A select with a first, empty choice (not set by the network).
	 *
	 * @param string                $name    The field's name.
	 * @param string                $current The value now.
	 * @param array<string, string> $choices Values and labels.
	 */
	private function select( string $name, string $current, array $choices ): string {
		$html = '<select id="' . esc_attr( $name ) . '" name="' . esc_attr( $name ) . '"><option value="">' . esc_html__( '— Not set (plugin default) —', 'dify-chatbot' ) . '</option>';
		foreach ( $choices as $value => $label ) {
			$html .= '<option value="' . esc_attr( $value ) . '"' . selected( $current, $value, false ) . '>' . esc_html( $label ) . '</option>';
		}
		return $html . '</select>';
	}
}
