<?php
/**
 * The Dify API base URL: what is accepted and how it is normalized.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Settings;

use WP_Error;

/**
 * One rule set for the option sanitizer, the REST route and the overrides, so a URL that one of
 * them accepts is never rejected by another.
 */
final class Base_Url {

	/**
	 * Dify Cloud's service API.
	 */
	public const DEFAULT_URL = 'https://api.dify.ai/v1';

	/**
	 * Checks a URL and returns it normalized (trimmed, no trailing slash) or why it is refused.
	 *
	 * The key is sent to this URL, so anything that could send it elsewhere than the site owner
	 * meant is refused: other schemes, credentials (they would be sent as Basic auth and shown in
	 * logs), a query or fragment (Dify paths are appended after the base).
	 *
	 * @param string $url The URL as entered.
	 * @return string|WP_Error The normalized URL, or an error with a message for the site owner.
	 */
	public static function check( string $url ) {
		$url = trim( $url );
		if ( '' === $url ) {
			return self::error( __( 'Enter the URL of the Dify API, for example https://api.dify.ai/v1.', 'dify-chatbot' ) );
		}
		if ( 1 === preg_match( '/[\x00-\x20\x7f<>"\'\\\\^`{|}]/', $url ) ) {
			return self::error( __( 'The Dify API URL contains characters that are not allowed, such as spaces or quotes.', 'dify-chatbot' ) );
		}
		$parts = wp_parse_url( $url );
		if ( ! is_array( $parts ) || ! isset( $parts['scheme'] ) || ! in_array( strtolower( $parts['scheme'] ), array( 'http', 'https' ), true ) ) {
			return self::error( __( 'The Dify API URL must start with http:// or https://.', 'dify-chatbot' ) );
		}
		if ( ! isset( $parts['host'] ) || '' === $parts['host'] ) {
			return self::error( __( 'The Dify API URL must include a host name, for example https://dify.example.com/v1.', 'dify-chatbot' ) );
		}
		if ( isset( $parts['user'] ) || isset( $parts['pass'] ) || false !== strpos( self::authority( $url ), '@' ) ) {
			return self::error( __( 'The Dify API URL must not contain a user name or password.', 'dify-chatbot' ) );
		}
		if ( false !== strpbrk( $url, '?#' ) ) {
			return self::error( __( 'The Dify API URL must not contain a query (?) or a fragment (#).', 'dify-chatbot' ) );
		}
		return rtrim( $url, '/' );
	}

	/**
	 * Whether a URL passes check().
	 *
	 * @param string $url The URL.
	 */
	public static function is_valid( string $url ): bool {
		return ! is_wp_error( self::check( $url ) );
	}

	/**
	 * The origin (scheme, host, port) of a base URL: where the key goes, and what turns Dify's
	 * relative file links into absolute ones. Scheme and host in lower case and a default port left
	 * out, so one server is always written the same way ('' for a URL without scheme or host).
	 *
	 * @param string $url A valid base URL.
	 */
	public static function origin( string $url ): string {
		$parts = wp_parse_url( $url );
		if ( ! is_array( $parts ) || ! isset( $parts['scheme'], $parts['host'] ) || '' === $parts['host'] ) {
			return '';
		}
		$scheme   = strtolower( $parts['scheme'] );
		$defaults = array(
			'http'  => 80,
			'https' => 443,
		);
		$port     = isset( $parts['port'] ) && ( $defaults[ $scheme ] ?? 0 ) !== (int) $parts['port'] ? ':' . (int) $parts['port'] : '';
		return $scheme . '://' . strtolower( $parts['host'] ) . $port;
	}

	/**
	 * The authority part (between "//" and the next "/"), where credentials would be.
	 *
	 * @param string $url The URL.
	 */
	private static function authority( string $url ): string {
		$after = (string) substr( $url, (int) strpos( $url, '//' ) + 2 );
		$slash = strpos( $after, '/' );
		return false === $slash ? $after : substr( $after, 0, $slash );
	}

	/**
	 * An error for the REST route (400) and the settings screen.
	 *
	 * @param string $message Message for the site owner.
	 */
	private static function error( string $message ): WP_Error {
		return new WP_Error( 'dify_chatbot_invalid_base_url', $message, array( 'status' => 400 ) );
	}
}
