<?php
/**
 * The write-only key store.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Settings;

use Dify_Chatbot\Settings\Encryption;
use Dify_Chatbot\Settings\Key_Store;
use Dify_Chatbot\Tests\TestCase;

final class Key_StoreTest extends TestCase {

	public function test_nothing_saved(): void {
		$store = new Key_Store( new Encryption() );
		$store->remove();
		$this->assertNull( $store->get() );
		$this->assertSame(
			array(
				'saved'      => false,
				'last4'      => '',
				'unreadable' => false,
			),
			$store->status()
		);
	}

	public function test_save_stores_it_encrypted_not_autoloaded_with_its_last_four(): void {
		global $wpdb;
		$store = new Key_Store( new Encryption() );
		$store->save( 'app-emulator' );

		$this->assertSame( 'app-emulator', $store->get() );
		$this->assertSame(
			array(
				'saved'      => true,
				'last4'      => 'ator',
				'unreadable' => false,
			),
			$store->status()
		);
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the stored row itself is checked.
		$row = $wpdb->get_row( $wpdb->prepare( "SELECT option_value, autoload FROM {$wpdb->options} WHERE option_name = %s", Key_Store::OPTION ) );
		$this->assertNotNull( $row );
		$this->assertStringNotContainsString( 'app-emulator', $row->option_value );
		$this->assertContains( $row->autoload, array( 'no', 'off', 'auto-off' ) );
	}

	public function test_replace_and_remove(): void {
		$store = new Key_Store( new Encryption() );
		$store->save( 'app-first-key-1111' );
		$store->save( 'app-second-key-2222' );
		$this->assertSame( 'app-second-key-2222', $store->get() );
		$this->assertSame( '2222', $store->status()['last4'] );

		$store->remove();
		$this->assertNull( $store->get() );
		$this->assertFalse( $store->status()['saved'] );
		$this->assertFalse( get_option( Key_Store::OPTION ) );
	}

	public function test_a_short_key_shows_no_last_characters(): void {
		$store = new Key_Store( new Encryption() );
		$store->save( 'abc123' );
		$this->assertSame( '', $store->status()['last4'] );
		$this->assertSame( 'abc123', $store->get() );
	}

	public function test_unreadable_after_the_encryption_key_changes(): void {
		( new Key_Store( new Encryption( 'salts before rotation' ) ) )->save( 'app-rotated-key-9999' );

		$after = new Key_Store( new Encryption( 'salts after rotation' ) );
		$this->assertNull( $after->get() );
		$this->assertSame(
			array(
				'saved'      => true,
				'last4'      => '9999',
				'unreadable' => true,
			),
			$after->status()
		);

		// Entering the key again makes it readable.
		$after->save( 'app-rotated-key-9999' );
		$this->assertFalse( $after->status()['unreadable'] );
		$this->assertSame( 'app-rotated-key-9999', $after->get() );
	}

	public function test_a_malformed_stored_row_counts_as_nothing_saved(): void {
		update_option( Key_Store::OPTION, 'app-plaintext-from-elsewhere', false );
		$store = new Key_Store( new Encryption() );
		$this->assertNull( $store->get() );
		$this->assertFalse( $store->status()['saved'] );
	}
}
