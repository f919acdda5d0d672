<?php
/**
 * The optional certificate authority bundle for a Dify server with its own (self-signed) CA.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Settings;

use WP_Error;

/**
 * One rule set for the option sanitizer, the REST route and the connection test. There is no
 * "do not verify" switch: a self-hosted Dify with its own certificate authority is reached by
 * trusting that authority's certificate, never by turning verification off.
 */
final class Ca_Bundle {

	/**
	 * Longest accepted path.
	 */
	public const MAX_PATH = 4096;

	/**
	 * Largest accepted file (the system bundle of all public CAs is about 200 KB).
	 */
	public const MAX_BYTES = 5242880;

	/**
	 * Checks a path and returns it trimmed ('' = the site's default certificates) or why it is
	 * refused: it must be an absolute path of a readable, non-empty file holding at least one
	 * PEM certificate.
	 *
	 * @param string $path The path as entered.
	 * @return string|WP_Error
	 */
	public static function check( string $path ) {
		$path = trim( $path );
		if ( '' === $path ) {
			return '';
		}
		if ( ! self::is_path_shape( $path ) ) {
			return self::error( __( 'Enter the full path of the certificate file on this server, starting with / (or a drive letter on Windows; for example /etc/ssl/dify-ca.pem).', 'dify-chatbot' ) );
		}
		if ( ! is_file( $path ) ) {
			/* translators: %s: file path. */
			return self::error( sprintf( __( 'There is no file at %s on this server.', 'dify-chatbot' ), $path ) );
		}
		if ( ! is_readable( $path ) ) {
			/* translators: %s: file path. */
			return self::error( sprintf( __( 'The web server may not read %s. Make the file readable for the user PHP runs as.', 'dify-chatbot' ), $path ) );
		}
		$size = filesize( $path );
		$head = false !== $size && $size > 0 && $size <= self::MAX_BYTES ? file_get_contents( $path ) : false; // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents -- a local file.
		if ( ! is_string( $head ) || false === strpos( $head, '-----BEGIN CERTIFICATE-----' ) || false === strpos( $head, '-----END CERTIFICATE-----' ) ) {
			/* translators: %s: file path. */
			return self::error( sprintf( __( '%s is not a certificate bundle: it must contain at least one certificate in PEM format (-----BEGIN CERTIFICATE-----).', 'dify-chatbot' ), $path ) );
		}
		return $path;
	}

	/**
	 * Whether a path looks like one check() could accept, without touching the file system
	 * (cheap enough for every read of the option).
	 *
	 * @param string $path The path.
	 */
	public static function is_path_shape( string $path ): bool {
		// Control characters first: path_is_absolute() (realpath) throws on a NUL byte.
		return '' !== $path
			&& strlen( $path ) <= self::MAX_PATH
			&& 1 !== preg_match( '/[\x00-\x1f\x7f]/', $path )
			&& false === strpos( $path, '://' )
			&& path_is_absolute( $path );
	}

	/**
	 * An error for the REST route (400) and the connection test.
	 *
	 * @param string $message Message for the site owner.
	 */
	private static function error( string $message ): WP_Error {
		return new WP_Error( 'dify_chatbot_invalid_ca_bundle', $message, array( 'status' => 400 ) );
	}
}
