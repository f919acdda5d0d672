<?php
/**
 * Authenticated encryption of the API key.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Settings;

use Dify_Chatbot\Settings\Encryption;
use Dify_Chatbot\Tests\TestCase;

final class EncryptionTest extends TestCase {

	public function test_round_trip(): void {
		$encryption = new Encryption();
		$ciphertext = $encryption->encrypt( 'app-1234567890abcdef' );
		$this->assertStringNotContainsString( 'app-1234567890abcdef', $ciphertext );
		$this->assertStringNotContainsString( '1234567890', $ciphertext );
		$this->assertSame( 'app-1234567890abcdef', $encryption->decrypt( $ciphertext ) );
	}

	public function test_each_encryption_uses_a_fresh_nonce(): void {
		$encryption = new Encryption();
		$this->assertNotSame( $encryption->encrypt( 'same' ), $encryption->encrypt( 'same' ) );
	}

	public function test_the_default_key_comes_from_the_logged_in_salts(): void {
		$ciphertext = ( new Encryption() )->encrypt( 'secret' );
		$this->assertSame( 'secret', ( new Encryption( LOGGED_IN_KEY . LOGGED_IN_SALT ) )->decrypt( $ciphertext ) );
	}

	public function test_a_wrong_key_gives_null_not_garbage(): void {
		$ciphertext = ( new Encryption( 'first secret' ) )->encrypt( 'app-key' );
		$this->assertNull( ( new Encryption( 'second secret' ) )->decrypt( $ciphertext ) );
		$this->assertNull( ( new Encryption() )->decrypt( $ciphertext ) );
	}

	public function test_tampered_data_gives_null(): void {
		$encryption = new Encryption();
		$ciphertext = $encryption->encrypt( 'app-key-to-protect' );
		$prefix     = substr( $ciphertext, 0, strpos( $ciphertext, ':' ) + 1 );
		$raw        = base64_decode( substr( $ciphertext, strlen( $prefix ) ) ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_decode -- the stored format.
		// Flip one bit of the last byte (the ciphertext, after nonce and MAC).
		$raw[ strlen( $raw ) - 1 ] = chr( ord( $raw[ strlen( $raw ) - 1 ] ) ^ 1 );
		$this->assertNull( $encryption->decrypt( $prefix . base64_encode( $raw ) ) ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- the stored format.
	}

	/**
	 * @dataProvider garbage
	 */
	public function test_malformed_input_gives_null( string $value ): void {
		$this->assertNull( ( new Encryption() )->decrypt( $value ) );
	}

	public function garbage(): array {
		// phpcs:disable WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- the stored format.
		return array(
			'empty'         => array( '' ),
			'plain key'     => array( 'app-1234567890abcdef' ),
			'prefix only'   => array( 'dcb1:' ),
			'not base64'    => array( 'dcb1:***' ),
			'too short'     => array( 'dcb1:' . base64_encode( 'short' ) ),
			'nonce and mac' => array( 'dcb1:' . base64_encode( str_repeat( "\0", 40 ) ) ),
		);
		// phpcs:enable
	}
}
