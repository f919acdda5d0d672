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

	public function test_the_table_exists_after_activation(): void {
		global $wpdb;
		$this->assertSame( Counter_Store::table(), $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', Counter_Store::table() ) ) );
		$this->assertSame( Counter_Store::DB_VERSION, get_option( Counter_Store::DB_VERSION_OPTION ) );
		$this->assertNotFalse( wp_next_scheduled( Counter_Store::PRUNE_HOOK ) );
	}

	public function test_a_lost_prune_event_comes_back_with_an_admin_request_not_a_page(): void {
		wp_clear_scheduled_hook( Counter_Store::PRUNE_HOOK );
		( new Counter_Store() )->maybe_install();
		$this->assertFalse( wp_next_scheduled( Counter_Store::PRUNE_HOOK ), 'A page does not read the cron array for it.' );
		self::on_admin_screen(
			'dashboard',
			static function () {
				( new Counter_Store() )->maybe_install();
			}
		);
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

	private static function hit( string $key, int $limit, bool $given_back = false, ?int $previous = null ): Count {
		return new Count(
			$key,
			1200,
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
				// The statement's verb, after a leading comment.
				$queries[] = strtok( trim( (string) preg_replace( '#^\s*/\*.*?\*/#s', '', (string) $query ) ), ' ' );
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

	/**
	 * The paths admit() takes: one statement that returns the rows it wrote (MariaDB 10.5+, which
	 * the tests run on; SQLite 3.35+), and one transaction (MySQL, older MariaDB and SQLite).
	 *
	 * @return array<string, array{0: bool, 1: string[]}> Whether RETURNING may be used, and the statements expected.
	 */
	public function paths(): array {
		return array(
			// Inside this test's open transaction no START TRANSACTION / COMMIT of its own (it would
			// commit the test's): the autocommit check, the INSERT, the SELECT.
			'one transaction'          => array( false, array( 'SELECT', 'INSERT', 'SELECT' ) ),
			'one statement, RETURNING' => array( true, array( 'INSERT' ) ),
		);
	}

	/**
	 * @dataProvider paths
	 *
	 * @param bool     $returning  Whether RETURNING may be used.
	 * @param string[] $statements The statements expected.
	 */
	public function test_admit_takes_every_count_at_once( bool $returning, array $statements ): void {
		$store  = new Counter_Store( $returning );
		$counts = array( self::hit( 'test:a', 5 ), self::hit( 'test:b', 5 ), self::hit( 'test:slot', 5, true, 600 ) );
		$store->add( 'test:slot', 600, 60 );
		$queries = self::counter_queries(
			static function () use ( $store, $counts ) {
				self::assertNull( $store->admit( $counts ) );
			}
		);
		$this->assertSame( $statements, $queries );
		$this->assertSame( 1, $store->get( 'test:a', 1200 ) );
		$this->assertSame( 1, $store->get( 'test:b', 1200 ) );
		$this->assertSame( 1, $store->get( 'test:slot', 1200 ) );
		$this->assertSame(
			array( 'UPDATE' ),
			self::counter_queries(
				static function () use ( $store, $counts ) {
					$store->subtract_each( $counts );
				}
			)
		);
		$this->assertSame( 0, $store->get( 'test:a', 1200 ) );
		$this->assertSame( 0, $store->get( 'test:slot', 1200 ) );
		$this->assertSame( 1, $store->get( 'test:slot', 600 ), 'The earlier window is read, never changed.' );
	}

	public function test_an_earlier_window_that_was_never_written_reads_as_zero(): void {
		$store = new Counter_Store();
		$this->assertNull( $store->admit( array( self::hit( 'test:slot', 1, true, 600 ) ) ) );
		$this->assertNull( $store->admit( array( self::hit( 'test:other', 1, true, 600 ) ) ), 'A new counter is not refused by an empty earlier window.' );
		$this->assertSame( 0, $store->get( 'test:slot', 600 ) );
		$this->assertNotNull( $store->admit( array( self::hit( 'test:slot', 1, true, 600 ) ) ), 'Past its limit of one.' );
		$this->assertSame( 1, $store->get( 'test:slot', 1200 ), 'The refused hit was taken back.' );
	}

	/**
	 * @dataProvider paths
	 *
	 * @param bool $returning Whether RETURNING may be used.
	 */
	public function test_admit_refuses_at_the_first_count_past_its_limit_and_takes_back_what_one_by_one_would_not_have_taken( bool $returning ): void {
		$store = new Counter_Store( $returning );
		$store->add( 'test:b', 1200, 60, 2 );
		$store->add( 'test:slot', 600, 60 );
		$counts  = array( self::hit( 'test:a', 5 ), self::hit( 'test:b', 2 ), self::hit( 'test:c', 5 ), self::hit( 'test:slot', 5, true ) );
		$refused = $store->admit( $counts );
		$this->assertNotNull( $refused );
		$this->assertSame( 'test:b', $refused->refusal()->get_error_message() );
		$this->assertSame( 1, $store->get( 'test:a', 1200 ), 'A rate limit before the refusing one keeps its hit.' );
		$this->assertSame( 3, $store->get( 'test:b', 1200 ), 'The refusing rate limit keeps its hit (refused messages count).' );
		$this->assertSame( 0, $store->get( 'test:c', 1200 ), 'A count after the refusing one is taken back.' );
		$this->assertSame( 0, $store->get( 'test:slot', 1200 ), 'A slot is taken back.' );

		// A slot counts its earlier window too; refused, every given-back hit is taken back.
		$counts = array( self::hit( 'test:a', 5 ), self::hit( 'test:slot', 5, true ), self::hit( 'test:slot2', 1, true, 600 ) );
		$store->add( 'test:slot2', 600, 60 );
		$refused = $store->admit( $counts );
		$this->assertNotNull( $refused );
		$this->assertSame( 'test:slot2', $refused->refusal()->get_error_message() );
		$this->assertSame( 2, $store->get( 'test:a', 1200 ) );
		$this->assertSame( 0, $store->get( 'test:slot', 1200 ) );
		$this->assertSame( 0, $store->get( 'test:slot2', 1200 ) );
		$this->assertNull( $store->admit( array() ) );
	}

	/**
	 * Twelve PHP processes, each with its own database connection (as on several web servers),
	 * take a limited count (limit 5) and a slot in one admit() at the same moment: exactly the
	 * limit are admitted, and every admitted one holds its slot.
	 */
	/**
	 * @dataProvider paths
	 *
	 * @param bool $returning Whether RETURNING may be used.
	 */
	public function test_concurrent_admits_let_exactly_the_limit_through( bool $returning ): void {
		$key      = 'test:admit:' . wp_generate_password( 8, false );
		$window   = time();
		$start_at = microtime( true ) + 2.0;
		$script   = dirname( __DIR__ ) . '/Support/counter-admit.php';
		$children = array();
		for ( $i = 0; $i < 12; $i++ ) {
			$command    = escapeshellarg( PHP_BINARY ) . ' ' . escapeshellarg( $script ) . ' ' . escapeshellarg( $key ) . ' ' . $window . ' 5 ' . sprintf( '%.3F', $start_at ) . ( $returning ? ' returning' : ' transaction' );
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
		$this->assertSame( 5, $counted['admitted'] ?? 0, 'Outcomes: ' . implode( ', ', $outcomes ) );
		$this->assertSame( 7, $counted['refused'] ?? 0, 'Outcomes: ' . implode( ', ', $outcomes ) );
		$this->assertSame( 12, $hits['limit'] ?? 0, 'Every refused message counts against the limit.' );
		$this->assertSame( 5, $hits['slot'] ?? 0, 'Only the admitted hold a slot.' );
	}
}
