<?php
/**
 * Where the app's mode and parameters are cached between requests.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\App;

use Dify_Chatbot\Registrable;
use Dify_Chatbot\Security\Counter_Store;

/**
 * Every chat message needs the app's mode (App_Info) and its parameters (App_Parameters). Each is
 * a transient holding its value and the time it stops being fresh:
 * - without a persistent object cache the transient has no expiry of WordPress's own, which makes
 *   it an autoloaded option: a message reads both with the options WordPress loads on every
 *   request anyway, with no query of its own (an expiring transient is two rows that are not
 *   autoloaded, a query or two per lookup). An entry too big to weigh on every page expires the
 *   usual way instead, and so does every entry in a persistent object cache;
 * - an entry past its time is not used (its caller asks Dify again and stores the answer);
 * - one nobody refreshed for a day (its bot's key or address changed) is deleted by the daily
 *   prune, so autoloaded entries do not pile up.
 */
final class App_Cache implements Registrable {

	/**
	 * Entries bigger than this (serialized, in bytes) are not autoloaded.
	 */
	public const AUTOLOAD_MAX = 16384;

	/**
	 * Seconds past its time after which an entry nobody refreshed is pruned (a day).
	 */
	private const KEEP_STALE = 86400;

	/**
	 * Adds the prune to the counters' daily one.
	 */
	public function register(): void {
		add_action( Counter_Store::PRUNE_HOOK, array( self::class, 'prune' ) );
	}

	/**
	 * The entry's value while it is fresh; null when there is none or it is past its time.
	 *
	 * @param string $name The transient's name.
	 * @return array<string, mixed>|null
	 */
	public static function get( string $name ): ?array {
		$entry = get_transient( $name );
		if ( ! is_array( $entry ) || ! isset( $entry['value'], $entry['expires'] ) || ! is_array( $entry['value'] ) || (int) $entry['expires'] <= time() ) {
			return null;
		}
		return $entry['value'];
	}

	/**
	 * Stores a value, fresh for $ttl seconds.
	 *
	 * @param string               $name  The transient's name.
	 * @param array<string, mixed> $value The value.
	 * @param int                  $ttl   Seconds it stays fresh.
	 */
	public static function set( string $name, array $value, int $ttl ): void {
		$entry = array(
			'value'   => $value,
			'expires' => time() + $ttl,
		);
		// phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.serialize_serialize -- its size as the options table would hold it.
		$expiry = wp_using_ext_object_cache() || strlen( serialize( $entry ) ) > self::AUTOLOAD_MAX ? $ttl : 0;
		if ( 0 === $expiry && false !== get_option( '_transient_timeout_' . $name ) ) {
			// Stored with an expiry before (big, or by an older version): WordPress would update
			// the value and leave the row unloaded and expiring, so it is stored anew.
			delete_transient( $name );
		}
		set_transient( $name, $entry, $expiry );
	}

	/**
	 * Deletes an entry.
	 *
	 * @param string $name The transient's name.
	 */
	public static function forget( string $name ): void {
		delete_transient( $name );
	}

	/**
	 * Deletes the autoloaded entries that were not refreshed for a day after their time (in the
	 * options table only: a persistent object cache expires its entries itself).
	 *
	 * @param int|null $now The time (tests); now by default.
	 */
	public static function prune( $now = null ): void {
		global $wpdb;
		if ( wp_using_ext_object_cache() ) {
			return;
		}
		$now   = is_int( $now ) ? $now : time();
		$names = array();
		foreach ( array( App_Info::PREFIX, App_Parameters::PREFIX ) as $prefix ) {
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery -- finding the plugin's transients by name; WordPress has no API for that.
			$found = $wpdb->get_col( $wpdb->prepare( "SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE %s", $wpdb->esc_like( '_transient_' . $prefix ) . '%' ) );
			$names = array_merge( $names, is_array( $found ) ? $found : array() );
		}
		foreach ( $names as $option ) {
			$name  = substr( (string) $option, strlen( '_transient_' ) );
			$entry = get_transient( $name );
			if ( ! is_array( $entry ) || ! isset( $entry['expires'] ) || (int) $entry['expires'] < $now - self::KEEP_STALE ) {
				delete_transient( $name );
			}
		}
	}
}
