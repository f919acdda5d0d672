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

	public function test_the_salts_of_this_site_are_a_secret(): void {
		$this->assertTrue( ( new Encryption() )->is_ready() );
		$this->assertSame( LOGGED_IN_KEY . LOGGED_IN_SALT, Encryption::configured_secret() );
	}

	/**
	 * @dataProvider no_secret
	 *
	 * @param mixed $key  LOGGED_IN_KEY (null: undefined).
	 * @param mixed $salt LOGGED_IN_SALT (null: undefined).
	 */
	public function test_missing_or_placeholder_salts_are_no_secret( $key, $salt ): void {
		$this->assertSame( '', Encryption::secret_from( null, $key, $salt ) );
		$this->assertFalse( ( new Encryption( Encryption::secret_from( null, $key, $salt ) ) )->is_ready() );
		// DIFY_CHATBOT_ENCRYPTION_KEY still works on such a site.
		$this->assertSame( 'an own encryption key', Encryption::secret_from( 'an own encryption key', $key, $salt ) );
		$this->assertTrue( ( new Encryption( Encryption::secret_from( 'an own encryption key', $key, $salt ) ) )->is_ready() );
	}

	public function no_secret(): array {
		return array(
			'both missing'           => array( null, null ),
			'salt missing'           => array( 'a real key of the site', null ),
			'both empty'             => array( '', '' ),
			'blank'                  => array( '   ', 'a real salt' ),
			'both the placeholder'   => array( 'put your unique phrase here', 'put your unique phrase here' ),
			'the key a placeholder'  => array( 'put your unique phrase here', 'a real salt of the site' ),
			'the salt a placeholder' => array( 'a real key of the site', 'put your unique phrase here' ),
			'not a string'           => array( 42, 'a real salt' ),
		);
	}

	public function test_real_salts_are_the_secret(): void {
		$this->assertSame( 'keysalt', Encryption::secret_from( null, 'key', 'salt' ) );
		$this->assertSame( 'keysalt', Encryption::secret_from( '', 'key', 'salt' ) );
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

	public function test_a_context_gives_its_own_key_and_no_context_the_single_site_one(): void {
		$encryption = new Encryption( 'shared network salts' );
		$for_site   = $encryption->encrypt( 'app-site-two', 'site:2' );

		$this->assertSame( 'app-site-two', $encryption->decrypt( $for_site, 'site:2' ) );
		$this->assertNull( $encryption->decrypt( $for_site, 'site:3' ), 'Another site cannot open it.' );
		$this->assertNull( $encryption->decrypt( $for_site ), 'Nor the single-site context.' );
		$this->assertNull( $encryption->decrypt( $encryption->encrypt( 'app-single' ), 'site:2' ) );
		$this->assertSame( 'app-single', $encryption->decrypt( $encryption->encrypt( 'app-single', '' ) ), 'The empty context is the one a single site always used.' );
	}
}
