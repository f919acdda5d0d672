<?php
/**
 * The write-only key store, and the binding of a key to the server it was entered for.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Settings;

use Dify_Chatbot\Settings\Encryption;
use Dify_Chatbot\Settings\Key_Store;
use Dify_Chatbot\Tests\TestCase;

final class Key_StoreTest extends TestCase {

	private const HOME = 'https://dify.example';

	private const ELSEWHERE = 'https://attacker.example';

	public function test_nothing_saved(): void {
		$store = new Key_Store( new Encryption() );
		$store->remove();
		$this->assertNull( $store->key_for( self::HOME ) );
		$this->assertNull( $store->origin() );
		$this->assertSame(
			array(
				'saved'      => false,
				'last4'      => '',
				'unreadable' => false,
				'origin'     => '',
			),
			$store->status()
		);
	}

	public function test_save_stores_it_encrypted_autoloaded_with_its_last_four(): void {
		global $wpdb;
		$store = new Key_Store( new Encryption() );
		$this->assertTrue( $store->save( 'app-emulator', self::HOME ) );

		$this->assertSame( 'app-emulator', $store->key_for( self::HOME ) );
		$this->assertSame(
			array(
				'saved'      => true,
				'last4'      => 'ator',
				'unreadable' => false,
				'origin'     => self::HOME,
			),
			$store->status()
		);
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the stored row itself is checked.
		$row = $wpdb->get_row( $wpdb->prepare( "SELECT option_value, autoload FROM {$wpdb->options} WHERE option_name = %s", Key_Store::OPTION ) );
		$this->assertNotNull( $row );
		$this->assertStringNotContainsString( 'app-emulator', $row->option_value );
		// The origin is inside the encrypted text, not beside it.
		$this->assertStringNotContainsString( 'dify.example', $row->option_value );
		$this->assertContains( $row->autoload, array( 'yes', 'on' ), 'Read with the options every request loads: no query of its own in a chat.' );
	}

	public function test_the_key_is_handed_out_only_for_the_origin_it_was_entered_for(): void {
		$store = new Key_Store( new Encryption() );
		$store->save( 'app-bound-key-4242', self::HOME );

		$this->assertSame( 'app-bound-key-4242', $store->key_for( self::HOME ) );
		$this->assertNull( $store->key_for( self::ELSEWHERE ) );
		$this->assertNull( $store->key_for( 'http://dify.example' ), 'another scheme is another server' );
		$this->assertNull( $store->key_for( 'https://dify.example:8443' ), 'another port is another server' );
		$this->assertNull( $store->key_for( '' ) );
		// Asking for it elsewhere changed nothing.
		$this->assertSame( self::HOME, $store->origin() );
	}

	public function test_the_binding_cannot_be_moved_by_editing_the_row(): void {
		$store = new Key_Store( new Encryption() );
		$store->save( 'app-bound-key-4242', self::HOME );
		$row = get_option( Key_Store::OPTION );
		$this->assertIsArray( $row );
		// Someone who can write options but not read the key adds an origin of their own.
		$row['origin'] = self::ELSEWHERE;
		update_option( Key_Store::OPTION, $row, false );
		$this->assertNull( $store->key_for( self::ELSEWHERE ) );
		$this->assertSame( 'app-bound-key-4242', $store->key_for( self::HOME ) );

		// Or swaps in a key encrypted for their own server with a key they know: unreadable
		// without the site's secret.
		$forged = ( new Encryption( 'a secret the attacker chose' ) )->encrypt( self::ELSEWHERE . "\napp-bound-key-4242" );
		update_option(
			Key_Store::OPTION,
			array(
				'ciphertext' => $forged,
				'last4'      => '4242',
			),
			false
		);
		$this->assertNull( $store->key_for( self::ELSEWHERE ) );
		$this->assertTrue( $store->status()['unreadable'] );
	}

	public function test_a_key_saved_before_keys_were_bound_is_bound_to_the_first_origin_it_is_used_with(): void {
		// The 0.1 row: the bare key encrypted, no origin.
		update_option(
			Key_Store::OPTION,
			array(
				'ciphertext' => ( new Encryption() )->encrypt( 'app-legacy-key-7777' ),
				'last4'      => '7777',
			),
			false
		);
		$store = new Key_Store( new Encryption() );
		$this->assertSame( '', $store->origin() );

		$this->assertSame( 'app-legacy-key-7777', $store->key_for( self::HOME ) );
		$this->assertSame( self::HOME, $store->origin() );
		$this->assertNull( $store->key_for( self::ELSEWHERE ) );
	}

	public function test_replace_and_remove(): void {
		$store = new Key_Store( new Encryption() );
		$store->save( 'app-first-key-1111', self::HOME );
		$store->save( 'app-second-key-2222', self::ELSEWHERE );
		$this->assertSame( 'app-second-key-2222', $store->key_for( self::ELSEWHERE ) );
		$this->assertNull( $store->key_for( self::HOME ) );
		$this->assertSame( '2222', $store->status()['last4'] );

		$store->remove();
		$this->assertNull( $store->key_for( self::ELSEWHERE ) );
		$this->assertFalse( $store->status()['saved'] );
		$this->assertFalse( get_option( Key_Store::OPTION ) );
	}

	public function test_a_short_key_shows_no_last_characters(): void {
		$store = new Key_Store( new Encryption() );
		$store->save( 'abc123', self::HOME );
		$this->assertSame( '', $store->status()['last4'] );
		$this->assertSame( 'abc123', $store->key_for( self::HOME ) );
	}

	public function test_unreadable_after_the_encryption_key_changes(): void {
		( new Key_Store( new Encryption( 'salts before rotation' ) ) )->save( 'app-rotated-key-9999', self::HOME );

		$after = new Key_Store( new Encryption( 'salts after rotation' ) );
		$this->assertNull( $after->key_for( self::HOME ) );
		$this->assertNull( $after->origin() );
		$this->assertSame(
			array(
				'saved'      => true,
				'last4'      => '9999',
				'unreadable' => true,
				'origin'     => '',
			),
			$after->status()
		);

		// Entering the key again makes it readable.
		$after->save( 'app-rotated-key-9999', self::HOME );
		$this->assertFalse( $after->status()['unreadable'] );
		$this->assertSame( 'app-rotated-key-9999', $after->key_for( self::HOME ) );
	}

	public function test_nothing_is_saved_without_a_secret_of_the_site(): void {
		// What Encryption gives on a site with missing or placeholder salts (see EncryptionTest).
		$store = new Key_Store( new Encryption( '' ) );
		$this->assertFalse( $store->can_save() );
		$this->assertFalse( $store->save( 'app-unprotected-0000', self::HOME ) );
		$this->assertFalse( get_option( Key_Store::OPTION ) );
		$this->assertTrue( ( new Key_Store( new Encryption() ) )->can_save() );
	}

	public function test_an_unbound_key_is_not_used_on_a_site_without_a_secret(): void {
		// Binding it would mean storing it again, which such a site cannot do safely.
		update_option(
			Key_Store::OPTION,
			array(
				'ciphertext' => ( new Encryption( '' ) )->encrypt( 'app-legacy-key-7777' ),
				'last4'      => '7777',
			),
			false
		);
		$store = new Key_Store( new Encryption( '' ) );
		$this->assertNull( $store->key_for( self::HOME ) );
		$this->assertSame( '', $store->origin() );
	}

	public function test_a_malformed_stored_row_counts_as_nothing_saved(): void {
		update_option( Key_Store::OPTION, 'app-plaintext-from-elsewhere', false );
		$store = new Key_Store( new Encryption() );
		$this->assertNull( $store->key_for( self::HOME ) );
		$this->assertFalse( $store->status()['saved'] );
	}
}
