<?php
/**
 * Authenticated encryption for secrets stored in the database.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Settings;

/**
 * Uses XSalsa20-Poly1305 (libsodium's secretbox; WordPress ships sodium_compat where the extension is
 * missing). The key comes from wp-config.php, never from the database, so a leaked database dump
 * alone does not reveal the API key.
 *
 * Its decrypt() returns null for a wrong key or tampered data: the MAC check fails and nothing is
 * returned, never garbage (the same contract as Site Kit's Data_Encryption).
 */
final class Encryption {

	/**
	 * Marks the format, so a later format can be told apart.
	 */
	private const PREFIX = 'dcb1:';

	/**
	 * The secret the key is derived from; null = from wp-config.php at use time.
	 *
	 * @var string|null
	 */
	private ?string $secret;

	/**
	 * Keeps an explicit secret (tests, key rotation); without one the constants are read when needed.
	 *
	 * @param string|null $secret Secret to derive the key from.
	 */
	public function __construct( ?string $secret = null ) {
		$this->secret = $secret;
	}

	/**
	 * Encrypts a string with a fresh random nonce.
	 *
	 * @param string $plaintext The secret to store.
	 * @return string Printable ciphertext.
	 */
	public function encrypt( string $plaintext ): string {
		$nonce = random_bytes( SODIUM_CRYPTO_SECRETBOX_NONCEBYTES );
		$box   = sodium_crypto_secretbox( $plaintext, $nonce, $this->key() );
		return self::PREFIX . base64_encode( $nonce . $box ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- binary ciphertext stored as text.
	}

	/**
	 * Decrypts what encrypt() produced.
	 *
	 * @param string $ciphertext Printable ciphertext.
	 * @return string|null The plaintext, or null when the key is wrong or the data was changed.
	 */
	public function decrypt( string $ciphertext ): ?string {
		if ( 0 !== strpos( $ciphertext, self::PREFIX ) ) {
			return null;
		}
		$raw = base64_decode( substr( $ciphertext, strlen( self::PREFIX ) ), true ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_decode -- binary ciphertext stored as text.
		if ( false === $raw || strlen( $raw ) < SODIUM_CRYPTO_SECRETBOX_NONCEBYTES + SODIUM_CRYPTO_SECRETBOX_MACBYTES ) {
			return null;
		}
		$nonce = substr( $raw, 0, SODIUM_CRYPTO_SECRETBOX_NONCEBYTES );
		$box   = substr( $raw, SODIUM_CRYPTO_SECRETBOX_NONCEBYTES );
		try {
			$plaintext = sodium_crypto_secretbox_open( $box, $nonce, $this->key() );
		} catch ( \Throwable $e ) {
			// sodium_compat throws on malformed input where the extension returns false.
			return null;
		}
		return false === $plaintext ? null : $plaintext;
	}

	/**
	 * The 32-byte key: a hash of DIFY_CHATBOT_ENCRYPTION_KEY when defined, else of
	 * LOGGED_IN_KEY . LOGGED_IN_SALT (as wp_salt( 'logged_in' ) combines them). Rotating those
	 * salts makes stored keys unreadable, which the key store reports.
	 */
	private function key(): string {
		$secret = $this->secret;
		if ( null === $secret ) {
			if ( defined( 'DIFY_CHATBOT_ENCRYPTION_KEY' ) && is_string( DIFY_CHATBOT_ENCRYPTION_KEY ) && '' !== DIFY_CHATBOT_ENCRYPTION_KEY ) {
				$secret = DIFY_CHATBOT_ENCRYPTION_KEY;
			} else {
				$secret = ( defined( 'LOGGED_IN_KEY' ) ? (string) LOGGED_IN_KEY : '' ) . ( defined( 'LOGGED_IN_SALT' ) ? (string) LOGGED_IN_SALT : '' );
			}
		}
		// Domain-separated, so the same salts used elsewhere never give this key.
		return hash_hmac( 'sha256', $secret, 'dify-chatbot-api-key-encryption', true );
	}
}
