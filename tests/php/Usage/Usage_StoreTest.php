<?php
/**
 * The usage table: days, bots, pruning.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Usage;

use Dify_Chatbot\Security\Counter_Store;
use Dify_Chatbot\Tests\TestCase;
use Dify_Chatbot\Usage\Usage_Store;

final class Usage_StoreTest extends TestCase {

	/**
	 * 2026-01-01 03:00 UTC: still 31 December in New York.
	 */
	private const NOW = 1767236400;

	protected function set_up() {
		parent::set_up();
		global $wpdb;
		$wpdb->query( 'DELETE FROM ' . Usage_Store::table() ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.NotPrepared -- the plugin's own table, no input.
		update_option( 'timezone_string', 'America/New_York' );
	}

	public function test_the_table_is_created_with_the_counters(): void {
		global $wpdb;
		$this->assertSame( Usage_Store::table(), $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', Usage_Store::table() ) ) );
		$this->assertSame( '2', Counter_Store::DB_VERSION, 'A new table needs a new schema version, so existing sites create it.' );
	}

	public function test_messages_and_refusals_add_up_per_site_day_and_bot(): void {
		$store = new Usage_Store();
		$store->message( 'default', 120, false, 1, self::NOW );
		$store->message( 'default', 30, true, 1, self::NOW + 60 );
		$store->message( 'sales', 7, false, 1, self::NOW );
		$store->refusal( 'sales', 'stream_cap', self::NOW );
		$store->refusal( 'sales', 'not_a_reason', self::NOW );
		// 2026-01-01 06:00 UTC is 1 January in New York: the next day's row.
		$store->message( 'default', 5, false, 1, self::NOW + 3 * 3600 );

		$rows = $store->rows( 2, null, self::NOW + 3 * 3600 );
		$this->assertSame( array( '2026-01-01', '2025-12-31', '2025-12-31' ), array_column( $rows, 'date' ) );
		$this->assertSame( array( 'default', 'default', 'sales' ), array_column( $rows, 'bot' ) );
		$this->assertSame( array( 1, 2, 1 ), array_column( $rows, 'messages' ) );
		$this->assertSame( array( 5, 150, 7 ), array_column( $rows, 'tokens' ) );
		$this->assertSame( array( 0, 1, 0 ), array_column( $rows, 'errors' ) );
		$this->assertSame( array( 0, 0, 1 ), array_column( $rows, 'stream_cap' ) );
		$this->assertSame( 0, array_sum( array_column( $rows, 'rate_limit' ) ) );
		$this->assertSame( array( 'sales' ), array_column( $store->rows( 2, 'sales', self::NOW + 3 * 3600 ), 'bot' ) );
		$this->assertCount( 1, $store->rows( 1, null, self::NOW + 3 * 3600 ), 'One day is today only.' );

		$totals = Usage_Store::totals( $rows );
		$this->assertSame( 4, $totals['messages'] );
		$this->assertSame( 162, $totals['tokens'] );
		$this->assertSame( 1, $totals['errors'] );
		$this->assertSame( 1, $totals['stream_cap'] );
	}

	public function test_a_resumed_run_adds_tokens_and_errors_but_no_message(): void {
		$store = new Usage_Store();
		$store->message( 'default', 10, false, 1, self::NOW );
		$store->message( 'default', 20, true, 0, self::NOW );
		$row = $store->rows( 1, 'default', self::NOW )[0];
		$this->assertSame( array( 1, 30, 1 ), array( $row['messages'], $row['tokens'], $row['errors'] ) );
	}

	public function test_thirty_days_are_kept_and_older_ones_pruned_by_the_daily_event(): void {
		$store = new Usage_Store();
		$day   = DAY_IN_SECONDS;
		foreach ( array( 0, 29, 30, 45 ) as $ago ) {
			$store->message( 'default', $ago + 1, false, 1, self::NOW - $ago * $day );
		}
		$this->assertCount( 4, $this->all_rows() );
		$store->prune( self::NOW );
		$this->assertSame( array( 1, 30 ), array_column( $store->rows( 30, null, self::NOW ), 'tokens' ), 'Today and the 29 days before it stay.' );
		$this->assertCount( 2, $this->all_rows(), 'The older days are gone from the table.' );
	}

	public function test_the_counters_daily_event_prunes_the_usage_rows(): void {
		$store = new Usage_Store();
		$store->message( 'default', 1, false, 1, time() - 40 * DAY_IN_SECONDS );
		$store->message( 'default', 1, false, 1 );
		do_action( Counter_Store::PRUNE_HOOK );
		$this->assertCount( 1, $this->all_rows() );
	}

	public function test_a_bot_is_its_slug_and_default_when_none(): void {
		$this->assertSame( 'default', Usage_Store::slug( null ) );
		$this->assertSame( 'default', Usage_Store::slug( '' ) );
		$this->assertSame( 'default', Usage_Store::slug( array( 'x' ) ) );
		$this->assertSame( 'sales', Usage_Store::slug( 'Sales' ) );
		$this->assertSame( 'support-bot_2', Usage_Store::slug( 'support-bot_2' ) );
		$this->assertSame( 40, strlen( Usage_Store::slug( str_repeat( 'a', 64 ) ) ) );
	}

	/**
	 * Every row of the table.
	 *
	 * @return array<int, array<string, string>>
	 */
	private function all_rows(): array {
		global $wpdb;
		return (array) $wpdb->get_results( 'SELECT * FROM ' . Usage_Store::table(), ARRAY_A ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.NotPrepared -- the plugin's own table, no input.
	}
}
