<?php
/**
 * The shared fixed-window counters.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Security;

use Dify_Chatbot\Security\Counter_Store;
use Dify_Chatbot\Tests\TestCase;

final class Counter_StoreTest extends TestCase {

	public function test_the_table_exists_after_activation(): void {
		global $wpdb;
		$this->assertSame( Counter_Store::table(), $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', Counter_Store::table() ) ) );
		$this->assertSame( Counter_Store::DB_VERSION, get_option( Counter_Store::DB_VERSION_OPTION ) );
		$this->assertNotFalse( wp_next_scheduled( Counter_Store::PRUNE_HOOK ) );
	}

	public function test_add_returns_the_new_value_per_window(): void {
		$store = new Counter_Store();
		$this->assertSame( 0, $store->get( 'test:a', 600 ) );
		$this->assertSame( 1, $store->add( 'test:a', 600, 60 ) );
		$this->assertSame( 2, $store->add( 'test:a', 600, 60 ) );
		$this->assertSame( 1, $store->add( 'test:a', 660, 60 ), 'A new window starts at 1.' );
		$this->assertSame( 1, $store->add( 'test:b', 600, 60 ), 'Keys are separate.' );
		$this->assertSame( 12, $store->add( 'test:a', 600, 60, 10 ) );
		$this->assertSame( 12, $store->get( 'test:a', 600 ) );
	}

	public function test_old_windows_are_pruned(): void {
		$store  = new Counter_Store();
		$old    = time() - 3 * DAY_IN_SECONDS;
		$recent = time() - DAY_IN_SECONDS;
		$store->add( 'test:old', $old, 60 );
		$store->add( 'test:recent', $recent, 86400 );
		$store->prune();
		$this->assertSame( 0, $store->get( 'test:old', $old ) );
		$this->assertSame( 1, $store->get( 'test:recent', $recent ), 'Yesterday is kept (a daily window).' );
	}

	public function test_counts_stay_in_the_table_with_a_persistent_object_cache(): void {
		global $wpdb;
		// The object cache API promises no atomic increment (Redis Object Cache 2.6 does GET + SET
		// and returns true): the table counts even when a persistent cache is there. The real
		// drop-in is exercised across two php-fpm nodes by bin/stacks/test-nodes.sh.
		$before = wp_using_ext_object_cache( true );
		try {
			$store = new Counter_Store();
			$this->assertSame( 1, $store->add( 'test:cache', 600, 60 ) );
			$this->assertSame( 3, $store->add( 'test:cache', 600, 60, 2 ) );
			$this->assertSame( 3, $store->get( 'test:cache', 600 ) );
			$this->assertSame( '3', $wpdb->get_var( $wpdb->prepare( 'SELECT hits FROM ' . Counter_Store::table() . ' WHERE counter_key = %s', 'test:cache' ) ) );
		} finally {
			wp_using_ext_object_cache( $before );
		}
	}

	/**
	 * Twenty PHP processes, each with its own database connection (as on several web servers),
	 * add to one counter at the same moment: every value 1…20 comes back exactly once.
	 */
	public function test_concurrent_connections_never_get_the_same_count(): void {
		$key = 'test:race:' . wp_generate_password( 8, false );
		// A current window: an old one (say 1200) could be pruned by one of the hits mid-race
		// (Counter_Store prunes ended windows now and then), which restarts the count.
		$window   = time();
		$start_at = microtime( true ) + 2.0;
		$script   = dirname( __DIR__ ) . '/Support/counter-hit.php';
		$php      = PHP_BINARY;
		$children = array();
		for ( $i = 0; $i < 20; $i++ ) {
			$command    = escapeshellarg( $php ) . ' ' . escapeshellarg( $script ) . ' ' . escapeshellarg( $key ) . ' ' . $window . ' ' . sprintf( '%.3F', $start_at );
			$children[] = popen( $command . ' 2>&1', 'r' ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.system_calls_popen -- separate processes are the point.
		}
		$values = array();
		foreach ( $children as $child ) {
			$values[] = trim( (string) stream_get_contents( $child ) );
			pclose( $child );
		}

		// The rows were committed by the other connections: remove them from outside this test's transaction.
		$db = new \mysqli( DB_HOST, DB_USER, DB_PASSWORD, DB_NAME );
		$db->query( 'DELETE FROM ' . Counter_Store::table() . " WHERE counter_key = '" . $db->real_escape_string( $key ) . "'" );
		$db->close();

		$numbers = array_map( 'intval', $values );
		sort( $numbers );
		$this->assertSame( range( 1, 20 ), $numbers, 'Values: ' . implode( ', ', $values ) );
	}

	public function test_subtract_gives_back_and_never_goes_below_zero(): void {
		$store = new Counter_Store();
		$store->add( 'test:subtract', 1200, 60, 2 );
		$store->subtract( 'test:subtract', 1200 );
		$this->assertSame( 1, $store->get( 'test:subtract', 1200 ) );
		$store->subtract( 'test:subtract', 1200, 5 );
		$this->assertSame( 0, $store->get( 'test:subtract', 1200 ) );
		$store->subtract( 'test:subtract', 1200 );
		$this->assertSame( 0, $store->get( 'test:subtract', 1200 ) );
		$this->assertSame( 1, $store->add( 'test:subtract', 1200, 60 ) );
		$store->subtract( 'test:missing', 1200 );
		$this->assertSame( 0, $store->get( 'test:missing', 1200 ) );
	}
}
