<?php
/**
 * The rules a newly entered API key must pass, wherever it is entered.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Settings;

use WP_Error;

/**
 * One place for what the settings route and `wp dify-chatbot set-key` both check before a key is
 * saved: its shape (it goes into an HTTP header), that the site has a secret to encrypt it with,
 * and — through Settings::save_key() — that it is bound to the server it is entered for.
 */
final class Key_Entry {

	/**
	 * The longest key accepted.
	 */
	public const MAX_LENGTH = 512;

	/**
	 * Why a key has the wrong shape, or null when it may be saved.
	 *
	 * @param string $key The key as entered (trimmed first).
	 */
	public static function check( string $key ): ?WP_Error {
		$key = trim( $key );
		if ( '' === $key ) {
			return new WP_Error( 'rest_invalid_param', __( 'The API key is empty.', 'dify-chatbot' ), array( 'status' => 400 ) );
		}
		// The key goes into an HTTP header: printable ASCII without spaces only.
		if ( 1 !== preg_match( '/^[\x21-\x7E]*$/', $key ) ) {
			return new WP_Error( 'rest_invalid_param', __( 'The API key may only contain letters, digits and punctuation, without spaces or line breaks inside.', 'dify-chatbot' ), array( 'status' => 400 ) );
		}
		if ( strlen( $key ) > self::MAX_LENGTH ) {
			/* translators: %d: number of characters. */
			return new WP_Error( 'rest_invalid_param', sprintf( __( 'The API key is longer than %d characters.', 'dify-chatbot' ), self::MAX_LENGTH ), array( 'status' => 400 ) );
		}
		return null;
	}

	/**
	 * Saves a key that passed check(), bound to the effective base URL's server, or says why not.
	 *
	 * @param Settings $settings The effective settings.
	 * @param string   $key      The key (trimmed here).
	 * @return true|WP_Error
	 */
	public static function save( Settings $settings, string $key ) {
		$invalid = self::check( $key );
		if ( null !== $invalid ) {
			return $invalid;
		}
		if ( ! $settings->keys()->can_save() ) {
			return new WP_Error( 'dify_chatbot_no_encryption_secret', self::no_secret_message(), array( 'status' => 409 ) );
		}
		if ( ! $settings->save_key( trim( $key ) ) ) {
			return new WP_Error(
				'dify_chatbot_invalid_settings',
				/* translators: %s: the base URL in force. */
				sprintf( __( 'The key was not saved: the base URL in force (%s) is not a valid address, and a key is always bound to the server it is entered for. Set a valid base URL first.', 'dify-chatbot' ), $settings->base_url() ),
				array( 'status' => 409 )
			);
		}
		return true;
	}

	/**
	 * Why no key can be saved on a site without a secret of its own.
	 */
	public static function no_secret_message(): string {
		return __( 'The API key cannot be stored safely: this site’s security keys (the salts in wp-config.php) are missing or still the placeholder “put your unique phrase here”, so anyone with a copy of the database could decrypt the key. Add real salts to wp-config.php (https://api.wordpress.org/secret-key/1.1/salt/), or define DIFY_CHATBOT_ENCRYPTION_KEY there, then enter the key again.', 'dify-chatbot' );
	}
}
