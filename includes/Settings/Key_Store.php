<?php
/**
 * The stored Dify API key: write-only, encrypted at rest.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Settings;

/**
 * Option `dify_chatbot_api_key` (not autoloaded) holds the encrypted key and its last four
 * characters, so the screen can say which key is saved without decrypting it. Nothing here
 * returns the key except get(), which only the Dify client's callers use.
 */
final class Key_Store {

	public const OPTION = 'dify_chatbot_api_key';

	/**
	 * Keys shorter than this show no last characters (they would give away too much of it).
	 */
	private const MIN_LENGTH_FOR_HINT = 8;

	/**
	 * The encryption.
	 *
	 * @var Encryption
	 */
	private Encryption $encryption;

	/**
	 * Keeps the encryption.
	 *
	 * @param Encryption $encryption Encrypts and decrypts the key.
	 */
	public function __construct( Encryption $encryption ) {
		$this->encryption = $encryption;
	}

	/**
	 * The plaintext key, or null when none is saved or it cannot be decrypted.
	 */
	public function get(): ?string {
		$stored = $this->stored();
		if ( null === $stored ) {
			return null;
		}
		$key = $this->encryption->decrypt( $stored['ciphertext'] );
		return null === $key || '' === $key ? null : $key;
	}

	/**
	 * Replaces the saved key.
	 *
	 * @param string $key The new key (already validated).
	 */
	public function save( string $key ): void {
		$value = array(
			'ciphertext' => $this->encryption->encrypt( $key ),
			'last4'      => strlen( $key ) >= self::MIN_LENGTH_FOR_HINT ? substr( $key, -4 ) : '',
		);
		// Not autoloaded: the key is needed by chat requests only, not on every page.
		update_option( self::OPTION, $value, false );
	}

	/**
	 * Removes the saved key.
	 */
	public function remove(): void {
		delete_option( self::OPTION );
	}

	/**
	 * What the settings screen may know about the saved key.
	 *
	 * @return array{saved: bool, last4: string, unreadable: bool}
	 */
	public function status(): array {
		$stored = $this->stored();
		if ( null === $stored ) {
			return array(
				'saved'      => false,
				'last4'      => '',
				'unreadable' => false,
			);
		}
		return array(
			'saved'      => true,
			'last4'      => $stored['last4'],
			// Salts rotated or the row was altered: the owner must enter the key again.
			'unreadable' => null === $this->get(),
		);
	}

	/**
	 * The stored row, when it has the expected shape.
	 *
	 * @return array{ciphertext: string, last4: string}|null
	 */
	private function stored(): ?array {
		$value = get_option( self::OPTION, null );
		if ( ! is_array( $value ) || ! isset( $value['ciphertext'] ) || ! is_string( $value['ciphertext'] ) ) {
			return null;
		}
		return array(
			'ciphertext' => $value['ciphertext'],
			'last4'      => isset( $value['last4'] ) && is_string( $value['last4'] ) ? $value['last4'] : '',
		);
	}
}
