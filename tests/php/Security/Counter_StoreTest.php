<?php
/**
 * The shared fixed-window counters.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Security;

use Dify_Chatbot\Security\Count;
use Dify_Chatbot\Security\Counter_Store;
use Dify_Chatbot\Tests\TestCase;
use WP_Error;

final class Counter_StoreTest extends TestCase {

	/**
	 * The window the tests count in: a current one. Counter_Store prunes windows older than two
	 * days now and then (1 add in 500), so an old one (these tests once used 600 and 1200, in
	 * 1970) could vanish between an add and the get that reads it.
	 *
	 * @var int
	 */
	private int $window;

	protected function set_up() {
		parent::set_up();
		$this->window = time() - time() % 60;
	}

	public function test_the_table_exists_after_activation(): void {
		global $wpdb;
		$this->assertSame( Counter_Store::table(), $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', Counter_Store::table() ) ) );
		$this->assertSame( Counter_Store::DB_VERSION, get_option( Counter_Store::DB_VERSION_OPTION ) );
		$this->assertNotFalse( wp_next_scheduled( Counter_Store::PRUNE_HOOK ) );
	}

	public function test_add_returns_the_new_value_per_window(): void {
		$store = new Counter_Store();
		$this->assertSame( 0, $store->get( 'test:a', $this->window - 600 ) );
		$this->assertSame( 1, $store->add( 'test:a', $this->window - 600, 60 ) );
		$this->assertSame( 2, $store->add( 'test:a', $this->window - 600, 60 ) );
		$this->assertSame( 1, $store->add( 'test:a', $this->window - 540, 60 ), 'A new window starts at 1.' );
		$this->assertSame( 1, $store->add( 'test:b', $this->window - 600, 60 ), 'Keys are separate.' );
		$this->assertSame( 12, $store->add( 'test:a', $this->window - 600, 60, 10 ) );
		$this->assertSame( 12, $store->get( 'test:a', $this->window - 600 ) );
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
			$this->assertSame( 1, $store->add( 'test:cache', $this->window - 600, 60 ) );
			$this->assertSame( 3, $store->add( 'test:cache', $this->window - 600, 60, 2 ) );
			$this->assertSame( 3, $store->get( 'test:cache', $this->window - 600 ) );
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
		$store->add( 'test:subtract', $this->window, 60, 2 );
		$store->subtract( 'test:subtract', $this->window );
		$this->assertSame( 1, $store->get( 'test:subtract', $this->window ) );
		$store->subtract( 'test:subtract', $this->window, 5 );
		$this->assertSame( 0, $store->get( 'test:subtract', $this->window ) );
		$store->subtract( 'test:subtract', $this->window );
		$this->assertSame( 0, $store->get( 'test:subtract', $this->window ) );
		$this->assertSame( 1, $store->add( 'test:subtract', $this->window, 60 ) );
		$store->subtract( 'test:missing', $this->window );
		$this->assertSame( 0, $store->get( 'test:missing', $this->window ) );
	}

	private function hit( string $key, int $limit, bool $given_back = false, ?int $previous = null ): Count {
		return new Count(
			$key,
			$this->window,
			$limit,
			static function () use ( $key ): WP_Error {
				return new WP_Error( 'refused', $key );
			},
			$given_back,
			$given_back,
			$previous
		);
	}

	/**
	 * @return string[] The statements a callback sent about the counters table.
	 */
	private static function counter_queries( callable $callback ): array {
		$queries = array();
		$record  = static function ( $query ) use ( &$queries ) {
			if ( false !== strpos( (string) $query, Counter_Store::table() ) || false !== strpos( (string) $query, '@@autocommit' ) ) {
				$queries[] = strtok( trim( (string) $query ), ' ' );
			}
			return $query;
		};
		add_filter( 'query', $record );
		try {
			$callback();
		} finally {
			remove_filter( 'query', $record );
		}
		return $queries;
	}

	public function test_admit_takes_every_count_in_one_write_and_one_read(): void {
		$store  = new Counter_Store();
		$counts = array( $this->hit( 'test:a', 5 ), $this->hit( 'test:b', 5 ), $this->hit( 'test:slot', 5, true, $this->window - 600 ) );
		$store->add( 'test:slot', $this->window - 600, 60 );
		$queries = self::counter_queries(
			static function () use ( $store, $counts ) {
				self::assertNull( $store->admit( $counts ) );
			}
		);
		// Inside this test's open transaction no START TRANSACTION / COMMIT of its own (it would commit the test's).
		$this->assertSame( array( 'SELECT', 'INSERT', 'SELECT' ), $queries );
		$this->assertSame( 1, $store->get( 'test:a', $this->window ) );
		$this->assertSame( 1, $store->get( 'test:b', $this->window ) );
		$this->assertSame( 1, $store->get( 'test:slot', $this->window ) );
		$this->assertSame(
			array( 'UPDATE' ),
			self::counter_queries(
				static function () use ( $store, $counts ) {
					$store->subtract_each( $counts );
				}
			)
		);
		$this->assertSame( 0, $store->get( 'test:a', $this->window ) );
		$this->assertSame( 0, $store->get( 'test:slot', $this->window ) );
		$this->assertSame( 1, $store->get( 'test:slot', $this->window - 600 ), 'The earlier window is read, never written.' );
	}

	public function test_admit_refuses_at_the_first_count_past_its_limit_and_takes_back_what_one_by_one_would_not_have_taken(): void {
		$store = new Counter_Store();
		$store->add( 'test:b', $this->window, 60, 2 );
		$store->add( 'test:slot', $this->window - 600, 60 );
		$counts  = array( $this->hit( 'test:a', 5 ), $this->hit( 'test:b', 2 ), $this->hit( 'test:c', 5 ), $this->hit( 'test:slot', 5, true ) );
		$refused = $store->admit( $counts );
		$this->assertNotNull( $refused );
		$this->assertSame( 'test:b', $refused->refusal()->get_error_message() );
		$this->assertSame( 1, $store->get( 'test:a', $this->window ), 'A rate limit before the refusing one keeps its hit.' );
		$this->assertSame( 3, $store->get( 'test:b', $this->window ), 'The refusing rate limit keeps its hit (refused messages count).' );
		$this->assertSame( 0, $store->get( 'test:c', $this->window ), 'A count after the refusing one is taken back.' );
		$this->assertSame( 0, $store->get( 'test:slot', $this->window ), 'A slot is taken back.' );

		// A slot counts its earlier window too; refused, every given-back hit is taken back.
		$counts = array( $this->hit( 'test:a', 5 ), $this->hit( 'test:slot', 5, true ), $this->hit( 'test:slot2', 1, true, $this->window - 600 ) );
		$store->add( 'test:slot2', $this->window - 600, 60 );
		$refused = $store->admit( $counts );
		$this->assertNotNull( $refused );
		$this->assertSame( 'test:slot2', $refused->refusal()->get_error_message() );
		$this->assertSame( 2, $store->get( 'test:a', $this->window ) );
		$this->assertSame( 0, $store->get( 'test:slot', $this->window ) );
		$this->assertSame( 0, $store->get( 'test:slot2', $this->window ) );
		$this->assertNull( $store->admit( array() ) );
	}

	/**
	 * Twenty PHP processes, each with its own database connection (as on several web servers),
	 * take a limited count and a slot in one admit() at the same moment: exactly the limit are
	 * admitted, and every admitted one holds its slot.
	 */
	public function test_concurrent_admits_let_exactly_the_limit_through(): void {
		$key      = 'test:admit:' . wp_generate_password( 8, false );
		$window   = time();
		$start_at = microtime( true ) + 2.0;
		$script   = dirname( __DIR__ ) . '/Support/counter-admit.php';
		$children = array();
		for ( $i = 0; $i < 20; $i++ ) {
			$command    = escapeshellarg( PHP_BINARY ) . ' ' . escapeshellarg( $script ) . ' ' . escapeshellarg( $key ) . ' ' . $window . ' 7 ' . sprintf( '%.3F', $start_at );
			$children[] = popen( $command . ' 2>&1', 'r' ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.system_calls_popen -- separate processes are the point.
		}
		$outcomes = array();
		foreach ( $children as $child ) {
			$outcomes[] = trim( (string) stream_get_contents( $child ) );
			pclose( $child );
		}

		$db    = new \mysqli( DB_HOST, DB_USER, DB_PASSWORD, DB_NAME );
		$table = Counter_Store::table();
		$like  = $db->real_escape_string( $key ) . ':%';
		$hits  = array();
		$found = $db->query( "SELECT counter_key, hits FROM {$table} WHERE counter_key LIKE '{$like}'" );
		foreach ( $found instanceof \mysqli_result ? $found->fetch_all() : array() as $row ) {
			$hits[ substr( $row[0], strlen( $key ) + 1 ) ] = (int) $row[1];
		}
		$db->query( "DELETE FROM {$table} WHERE counter_key LIKE '{$like}'" );
		$db->close();

		$counted = array_count_values( $outcomes );
		$this->assertSame( 7, $counted['admitted'] ?? 0, 'Outcomes: ' . implode( ', ', $outcomes ) );
		$this->assertSame( 13, $counted['refused'] ?? 0, 'Outcomes: ' . implode( ', ', $outcomes ) );
		$this->assertSame( 20, $hits['limit'] ?? 0, 'Every refused message counts against the limit.' );
		$this->assertSame( 7, $hits['slot'] ?? 0, 'Only the admitted hold a slot.' );
	}
}
