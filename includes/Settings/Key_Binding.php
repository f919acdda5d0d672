<?php
/**
 * A saved key leaves with the server it was entered for.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Settings;

use Dify_Chatbot\Registrable;

/**
 * When the stored base URL moves to another origin, the saved key is removed: it was entered for
 * the old server, and the owner enters the new server's key. Watching the option itself (not the
 * settings route) covers every way it can be written — the route, options.php, other plugins'
 * update_option() calls. The key store would refuse the key to the new origin anyway
 * (Key_Store::key_for()); removing it leaves no key behind that looks saved but is never used.
 */
final class Key_Binding implements Registrable {

	/**
	 * The effective settings.
	 *
	 * @var Settings
	 */
	private Settings $settings;

	/**
	 * Reads the other bots' keys.
	 *
	 * @var Encryption
	 */
	private Encryption $encryption;

	/**
	 * Keeps the settings.
	 *
	 * @param Settings        $settings   The default bot's settings.
	 * @param Encryption|null $encryption Reads the other bots' keys.
	 */
	public function __construct( Settings $settings, ?Encryption $encryption = null ) {
		$this->settings   = $settings;
		$this->encryption = null !== $encryption ? $encryption : new Encryption();
	}

	/**
	 * Watches every write of the option and of the other bots' option.
	 */
	public function register(): void {
		add_action( 'update_option_' . Option::NAME, array( $this, 'updated' ), 10, 2 );
		add_action( 'add_option_' . Option::NAME, array( $this, 'added' ), 10, 2 );
		add_action( 'update_option_' . Bots::OPTION, array( $this, 'bots_updated' ), 10, 2 );
	}

	/**
	 * The other bots' option was changed: a bot whose base URL moved to another server loses its
	 * key, a bot that is gone loses it too.
	 *
	 * @param mixed $old_value The value before.
	 * @param mixed $value     The value now.
	 */
	public function bots_updated( $old_value, $value ): void {
		if ( ! is_array( $old_value ) ) {
			return;
		}
		$value = is_array( $value ) ? $value : array();
		foreach ( $old_value as $slug => $row ) {
			$slug = (string) $slug;
			if ( Bots::DEFAULT === $slug || 1 !== preg_match( Bots::SLUG_PATTERN, $slug ) ) {
				continue;
			}
			$keys = new Key_Store( $this->encryption, Bots::key_option( $slug ) );
			if ( ! isset( $value[ $slug ] ) ) {
				$keys->remove();
				continue;
			}
			Bots::unbind( $keys, self::base_url( $row ), self::base_url( $value[ $slug ] ) );
		}
	}

	/**
	 * The option was changed.
	 *
	 * @param mixed $old_value The value before.
	 * @param mixed $value     The value now.
	 */
	public function updated( $old_value, $value ): void {
		$this->moved( self::base_url( $old_value ), self::base_url( $value ) );
	}

	/**
	 * The option was written for the first time (it held the defaults until then).
	 *
	 * @param string $name  The option's name.
	 * @param mixed  $value The value.
	 */
	public function added( $name, $value ): void {
		$this->moved( Base_Url::DEFAULT_URL, self::base_url( $value ) );
	}

	/**
	 * Removes the saved key when the stored base URL now points to another server than the one
	 * the key was entered for.
	 *
	 * @param string $before The stored base URL before.
	 * @param string $after  The stored base URL now.
	 */
	private function moved( string $before, string $after ): void {
		if ( null !== $this->settings->base_url_source() ) {
			// The stored URL is not the one in force: the key goes where the override says.
			return;
		}
		$origin = $this->settings->keys()->origin();
		if ( null === $origin ) {
			return;
		}
		// A key that has no origin yet was in use with the stored URL until now.
		$bound = '' === $origin ? Base_Url::origin( $before ) : $origin;
		if ( Base_Url::origin( $after ) !== $bound ) {
			$this->settings->keys()->remove();
		}
	}

	/**
	 * The base URL in a stored value of the option (the default when it has none).
	 *
	 * @param mixed $value The option's value.
	 */
	private static function base_url( $value ): string {
		return is_array( $value ) && isset( $value['base_url'] ) && is_string( $value['base_url'] ) ? $value['base_url'] : Base_Url::DEFAULT_URL;
	}
}
