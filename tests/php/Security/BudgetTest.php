<?php
/**
 * The daily token budget: it reads each bot's tokens of the site day from the usage rows.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Security;

use Dify_Chatbot\Security\Budget;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Tests\TestCase;
use Dify_Chatbot\Usage\Usage_Store;

final class BudgetTest extends TestCase {

	private const NOW = 1767225630; // 2026-01-01 00:00:30 UTC.

	protected function set_up() {
		parent::set_up();
		global $wpdb;
		$wpdb->query( 'DELETE FROM ' . Usage_Store::table() ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.NotPrepared -- the plugin's own table, no input.
	}

	private function budget( int $tokens ): Budget {
		$option = new Option();
		$option->update( array( 'daily_token_budget' => $tokens ) );
		return new Budget( new Usage_Store(), $option );
	}

	public function test_the_day_s_tokens_of_the_usage_rows_are_refused_once_they_reach_the_budget(): void {
		$budget = $this->budget( 1000 );
		$usage  = new Usage_Store();
		$this->assertSame( 0, $budget->used_today( self::NOW ) );
		$usage->message( 'default', 600, false, 1, self::NOW );
		$this->assertSame( 600, $budget->used_today( self::NOW ) );
		$this->assertNull( $budget->check( self::NOW ) );
		// A run resumed after a Human Input form adds tokens, not a message.
		$usage->message( 'default', 400, false, 0, self::NOW + 60 );
		$this->assertSame( 1000, $budget->used_today( self::NOW ) );

		$refusal = $budget->check( self::NOW + 120 );
		$this->assertNotNull( $refusal );
		$this->assertSame( 'dify_chatbot_budget_spent', $refusal->get_error_code() );
		$this->assertSame( 503, $refusal->get_error_data()['status'] );
		$this->assertSame( DAY_IN_SECONDS - 30 - 120, $refusal->get_error_data()['retry_after'] );
		$this->assertStringContainsString( 'come back tomorrow', $refusal->get_error_message() );

		$tomorrow = self::NOW + DAY_IN_SECONDS;
		$this->assertSame( 0, $budget->used_today( $tomorrow ) );
		$this->assertNull( $budget->check( $tomorrow ) );
	}

	public function test_each_bot_s_tokens_are_its_own(): void {
		$budget = $this->budget( 1000 );
		( new Usage_Store() )->message( 'sales', 5000, false, 1, self::NOW );
		$this->assertSame( 5000, $budget->used_today( self::NOW, 'sales' ) );
		$this->assertSame( 0, $budget->used_today( self::NOW ) );
		$this->assertNull( $budget->check( self::NOW ), 'the default bot spent nothing' );
	}

	public function test_no_budget_means_unlimited_and_no_query(): void {
		global $wpdb;
		( new Usage_Store() )->message( 'default', 5000000, false, 1, self::NOW );
		$budget  = $this->budget( 0 );
		$queries = $wpdb->num_queries;
		$this->assertNull( $budget->check( self::NOW ) );
		// With no budget there is nothing to hold the usage against: a chat message reads nothing.
		$this->assertSame( 0, $wpdb->num_queries - $queries, 'No query when the budget is off.' );
	}

	public function test_tokens_used_before_a_budget_was_set_count_against_it(): void {
		$option = new Option();
		$option->update( array( 'daily_token_budget' => 0 ) );
		$budget = new Budget( new Usage_Store(), $option );
		( new Usage_Store() )->message( 'default', 700, false, 1, self::NOW );
		$option->update( array( 'daily_token_budget' => 1000 ) );
		$this->assertNull( $budget->check( self::NOW + 60 ) );
		( new Usage_Store() )->message( 'default', 300, false, 1, self::NOW + 60 );
		$this->assertSame( 1000, $budget->used_today( self::NOW ) );
		$this->assertNotNull( $budget->check( self::NOW + 120 ) );
	}

	public function test_the_days_follow_the_site_timezone(): void {
		update_option( 'timezone_string', 'America/New_York' );
		// 00:00:30 UTC is still 19:00:30 of the day before in New York.
		$this->assertSame( strtotime( '2025-12-31 05:00:00 UTC' ), Budget::day_start( self::NOW ) );
		$this->assertSame( strtotime( '2026-01-01 05:00:00 UTC' ), Budget::day_end( self::NOW ) );
		// The usage rows keep the same days: a message at 00:00:30 UTC counts for Dec 31 there.
		$budget = $this->budget( 1000 );
		( new Usage_Store() )->message( 'default', 1000, false, 1, self::NOW );
		$this->assertNotNull( $budget->check( self::NOW ) );
		$this->assertNull( $budget->check( strtotime( '2026-01-01 05:00:01 UTC' ) ), 'a new site day in New York' );
	}
}
