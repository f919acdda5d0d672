<?php
/**
 * The app's cached mode and parameters, read together.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\App;

use Dify_Chatbot\Dify\Http\Client;

/**
 * A chat message needs both the app's mode (App_Info) and its parameters (App_Parameters), each a
 * transient of its own with its own lifetime and failure rules. Without a persistent object cache
 * a transient is two rows of the options table, and each get_transient() is a query of its own;
 * prime() reads all four rows in one query (WordPress 6.4+), so the two lookups that follow find
 * them in memory. With a persistent object cache the transients are not in the options table, and
 * on older WordPress there is no priming: nothing is done.
 */
final class App_Cache {

	/**
	 * Loads the cached mode and parameters of the client's app in one query.
	 *
	 * @param Client $client The app's client.
	 */
	public static function prime( Client $client ): void {
		if ( wp_using_ext_object_cache() || ! function_exists( 'wp_prime_option_caches' ) ) {
			return;
		}
		wp_prime_option_caches( array_merge( App_Info::cache_options( $client ), App_Parameters::cache_options( $client ) ) );
	}
}
