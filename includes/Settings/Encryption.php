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
 *
 * A site whose salts are missing or still wp-config-sample.php's placeholder has no secret worth
 * the name (anyone can derive the key from a database dump): is_ready() is false then, and the key
 * store refuses to save a key until the salts are set or DIFY_CHATBOT_ENCRYPTION_KEY is defined.
 */
final class Encryption {

	/**
	 * The text wp-config-sample.php puts in place of every salt (WordPress's own wp_salt() rejects it too).
	 */
	public const PLACEHOLDER = 'put your unique phrase here';

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
	 * Keeps an explicit secret (tests, key rotation; '' is no secret at all); without one the
	 * constants are read when needed.
	 *
	 * @param string|null $secret Secret to derive the key from.
	 */
	public function __construct( ?string $secret = null ) {
		$this->secret = $secret;
	}

	/**
	 * Whether there is a secret to encrypt with that a database dump does not give away.
	 */
	public function is_ready(): bool {
		return '' !== $this->secret();
	}

	/**
	 * The secret wp-config.php gives: DIFY_CHATBOT_ENCRYPTION_KEY when defined, else
	 * LOGGED_IN_KEY . LOGGED_IN_SALT (as wp_salt( 'logged_in' ) combines them) — '' when they are
	 * missing, empty or the placeholder.
	 */
	public static function configured_secret(): string {
		return self::secret_from(
			defined( 'DIFY_CHATBOT_ENCRYPTION_KEY' ) ? constant( 'DIFY_CHATBOT_ENCRYPTION_KEY' ) : null,
			defined( 'LOGGED_IN_KEY' ) ? constant( 'LOGGED_IN_KEY' ) : null,
			defined( 'LOGGED_IN_SALT' ) ? constant( 'LOGGED_IN_SALT' ) : null
		);
	}

	/**
	 * The secret these values give ('' = none worth the name).
	 *
	 * @param mixed $encryption_key DIFY_CHATBOT_ENCRYPTION_KEY, null when undefined.
	 * @param mixed $logged_in_key  LOGGED_IN_KEY, null when undefined.
	 * @param mixed $logged_in_salt LOGGED_IN_SALT, null when undefined.
	 */
	public static function secret_from( $encryption_key, $logged_in_key, $logged_in_salt ): string {
		if ( is_string( $encryption_key ) && '' !== trim( $encryption_key ) ) {
			return $encryption_key;
		}
		foreach ( array( $logged_in_key, $logged_in_salt ) as $part ) {
			if ( ! is_string( $part ) || '' === trim( $part ) || self::PLACEHOLDER === $part ) {
				return '';
			}
		}
		return $logged_in_key . $logged_in_salt;
	}

	/**
	 * Encrypts a string with a fresh random nonce.
	 *
	 * @param string $plaintext The secret to store.
	 * @param string $context   Where the secret belongs ('' = the single site or a network's first
	 *                          site; see key()): only decrypt() with the same context opens it.
	 * @return string Printable ciphertext.
	 */
	public function encrypt( string $plaintext, string $context = '' ): string {
		$nonce = random_bytes( SODIUM_CRYPTO_SECRETBOX_NONCEBYTES );
		$box   = sodium_crypto_secretbox( $plaintext, $nonce, $this->key( $context ) );
		return self::PREFIX . base64_encode( $nonce . $box ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- binary ciphertext stored as text.
	}

	/**
	 * Decrypts what encrypt() produced.
	 *
	 * @param string $ciphertext Printable ciphertext.
	 * @param string $context    The context it was encrypted with.
	 * @return string|null The plaintext, or null when the key or the context is wrong or the data was changed.
	 */
	public function decrypt( string $ciphertext, string $context = '' ): ?string {
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
			$plaintext = sodium_crypto_secretbox_open( $box, $nonce, $this->key( $context ) );
		} catch ( \Throwable $e ) {
			// sodium_compat throws on malformed input where the extension returns false.
			return null;
		}
		return false === $plaintext ? null : $plaintext;
	}

	/**
	 * The secret in use: the explicit one, else wp-config.php's.
	 */
	private function secret(): string {
		return null !== $this->secret ? $this->secret : self::configured_secret();
	}

	/**
	 * The 32-byte key, a hash of the secret. Rotating the salts makes stored keys unreadable,
	 * which the key store reports.
	 *
	 * The sites of a network share wp-config.php's salts; a context (the site's or the network's
	 * id) gives each its own key, so a ciphertext copied to another site's row does not open there.
	 * The empty context is the key a single site has always used.
	 *
	 * @param string $context Where the secret belongs.
	 */
	private function key( string $context ): string {
		// Domain-separated, so the same salts used elsewhere never give this key.
		$domain = 'dify-chatbot-api-key-encryption' . ( '' === $context ? '' : '|' . $context );
		return hash_hmac( 'sha256', $this->secret(), $domain, true );
	}
}
