<?php
/**
 * Brings stored settings up to the plugin's schema.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Settings;

use Dify_Chatbot\Registrable;

/**
 * Schema 2 (several bots): the single configuration of earlier versions — option
 * `dify_chatbot_settings` and key `dify_chatbot_api_key` — stays where it is and *is* the default
 * bot, so an upgraded site keeps its key, limits, response mode and reasoning setting without
 * copying the key anywhere; the migration creates the bots option (not autoloaded) that holds
 * the other bots and the default bot's name, and records the schema version.
 *
 * Schema 3: the saved keys (the default bot's and every stored bot's) become autoloaded, as
 * Key_Store now saves them.
 *
 * Checked on `init` against VERSION_OPTION, which is autoloaded: a page without a chat pays one
 * lookup in the already loaded options, nothing more. The migration runs once; running it again
 * changes nothing.
 */
final class Migration implements Registrable {

	public const VERSION_OPTION = 'dify_chatbot_schema';

	public const VERSION = 3;

	/**
	 * Checks the schema on init.
	 */
	public function register(): void {
		add_action( 'init', array( $this, 'maybe_upgrade' ), 5 );
	}

	/**
	 * Upgrades when the stored schema is older than this code's.
	 */
	public function maybe_upgrade(): void {
		if ( self::stored_version() < self::VERSION ) {
			$this->upgrade();
		}
	}

	/**
	 * The stored schema version (1: a site from before the version was stored, or a new one).
	 */
	public static function stored_version(): int {
		$version = get_option( self::VERSION_OPTION, 1 );
		return is_numeric( $version ) ? (int) $version : 1;
	}

	/**
	 * Runs every step from the stored version to VERSION.
	 */
	public function upgrade(): void {
		if ( self::stored_version() < 2 ) {
			$bots = get_option( Bots::OPTION, null );
			if ( ! is_array( $bots ) ) {
				// The default bot's name; its other settings stay in Option and Key_Store.
				update_option( Bots::OPTION, array( Bots::DEFAULT => array( 'name' => __( 'Default', 'dify-chatbot' ) ) ), false );
			}
		}
		if ( self::stored_version() < 3 && function_exists( 'wp_set_option_autoload_values' ) ) {
			// Keys saved before schema 3 were not autoloaded (Key_Store::save() explains why they
			// are now). WordPress 6.4+ changes that in place; before it, a key is autoloaded once it
			// is saved again, and until then costs its query as before.
			$keys = array( Key_Store::OPTION => true );
			$bots = get_option( Bots::OPTION, array() );
			foreach ( is_array( $bots ) ? array_keys( $bots ) : array() as $slug ) {
				$keys[ Bots::key_option( (string) $slug ) ] = true;
			}
			wp_set_option_autoload_values( $keys );
		}
		update_option( self::VERSION_OPTION, self::VERSION, true );
	}
}
