<?php
/**
 * Failed app lookups, remembered briefly.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\App;

use Dify_Chatbot\Dify\Http\Client;
use WP_Error;

/**
 * The app's mode (/info) and parameters (/parameters) are looked up on a cache miss by anonymous
 * requests. While Dify is down or slow, each lookup would hold a PHP worker for the whole
 * timeout, so anyone could keep every worker busy by reloading a page. A failed lookup is
 * therefore remembered for FOR_SECONDS (per base URL + key, so a corrected key is tried at once)
 * and answered from memory meanwhile: one upstream attempt per lookup per half minute.
 */
final class Failed_Lookup {

	/**
	 * Transient name prefix (uninstall.php removes every `dify_chatbot_` transient).
	 */
	private const PREFIX = 'dify_chatbot_failed_';

	/**
	 * Seconds a failure is remembered: short, so a recovered Dify is used again soon.
	 */
	public const FOR_SECONDS = 30;

	/**
	 * The remembered failure of a lookup, or null.
	 *
	 * @param string $lookup 'info' or 'parameters'.
	 * @param Client $client The client (its base URL + key).
	 */
	public static function recall( string $lookup, Client $client ): ?WP_Error {
		$stored = get_transient( self::name( $lookup, $client ) );
		if ( ! is_array( $stored ) || ! isset( $stored['code'], $stored['message'] ) || ! is_string( $stored['code'] ) || ! is_string( $stored['message'] ) ) {
			return null;
		}
		return new WP_Error( $stored['code'], $stored['message'], $stored['data'] ?? null );
	}

	/**
	 * Remembers a failure and returns it.
	 *
	 * @param string   $lookup 'info' or 'parameters'.
	 * @param Client   $client The client.
	 * @param WP_Error $error  The mapped failure the visitor gets.
	 */
	public static function remember( string $lookup, Client $client, WP_Error $error ): WP_Error {
		set_transient(
			self::name( $lookup, $client ),
			array(
				'code'    => (string) $error->get_error_code(),
				'message' => $error->get_error_message(),
				'data'    => $error->get_error_data(),
			),
			self::FOR_SECONDS
		);
		return $error;
	}

	/**
	 * Forgets a failure (a lookup that succeeded, or the admin's connection test).
	 *
	 * @param string $lookup 'info' or 'parameters'.
	 * @param Client $client The client.
	 */
	public static function forget( string $lookup, Client $client ): void {
		delete_transient( self::name( $lookup, $client ) );
	}

	/**
	 * The transient's name.
	 *
	 * @param string $lookup 'info' or 'parameters'.
	 * @param Client $client The client.
	 */
	private static function name( string $lookup, Client $client ): string {
		return self::PREFIX . $lookup . '_' . $client->fingerprint();
	}
}
