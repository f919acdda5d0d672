<?php
/**
 * The daily token budget.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Security;

use Dify_Chatbot\Dify\App\App_Mode;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Relay\Stream_Relay;
use Dify_Chatbot\Security\Budget;
use Dify_Chatbot\Security\Counter_Store;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\Support\Memory_Writer;
use Dify_Chatbot\Tests\TestCase;

require_once dirname( __DIR__ ) . '/Support/Emulator.php';
require_once dirname( __DIR__ ) . '/Support/Memory_Writer.php';

final class BudgetTest extends TestCase {

	use Emulator;

	private const NOW = 1767225630; // 2026-01-01 00:00:30 UTC.

	private function budget( int $tokens ): Budget {
		$option = new Option();
		$option->update( array( 'daily_token_budget' => $tokens ) );
		return new Budget( new Counter_Store(), $option );
	}

	public function test_tokens_are_counted_per_site_day_and_refused_when_spent(): void {
		$budget = $this->budget( 1000 );
		$this->assertSame( 0, $budget->used_today( self::NOW ) );
		$budget->record( 600, self::NOW );
		$this->assertNull( $budget->check( self::NOW ) );
		$budget->record( 400, self::NOW + 60 );
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

	public function test_no_budget_means_unlimited_and_nothing_written(): void {
		global $wpdb;
		$budget  = $this->budget( 0 );
		$queries = $wpdb->num_queries;
		$budget->record( 5000000, self::NOW );
		// Every answer reports its tokens: with no budget to hold them against, counting them would
		// be a database write after every answer for nothing.
		$this->assertSame( 0, $wpdb->num_queries - $queries, 'No query when the budget is off.' );
		$this->assertNull( $budget->check( self::NOW ) );
		$this->assertSame( 0, $budget->used_today( self::NOW ) );
	}

	public function test_usage_is_counted_again_once_a_budget_is_set(): void {
		$option = new Option();
		$option->update( array( 'daily_token_budget' => 0 ) );
		$budget = new Budget( new Counter_Store(), $option );
		$budget->record( 700, self::NOW );
		$option->update( array( 'daily_token_budget' => 1000 ) );
		$budget->record( 300, self::NOW + 60 );
		$this->assertSame( 300, $budget->used_today( self::NOW ) );
		$this->assertNull( $budget->check( self::NOW + 60 ) );
	}

	public function test_odd_amounts_are_ignored(): void {
		$budget = $this->budget( 10 );
		$budget->record( '500', self::NOW );
		$budget->record( -5, self::NOW );
		$budget->record( null, self::NOW );
		$this->assertSame( 0, $budget->used_today( self::NOW ) );
	}

	public function test_the_days_follow_the_site_timezone(): void {
		update_option( 'timezone_string', 'America/New_York' );
		// 00:00:30 UTC is still 19:00:30 of the day before in New York.
		$this->assertSame( strtotime( '2025-12-31 05:00:00 UTC' ), Budget::day_start( self::NOW ) );
		$this->assertSame( strtotime( '2026-01-01 05:00:00 UTC' ), Budget::day_end( self::NOW ) );
	}

	public function test_a_streamed_answer_is_counted_from_message_end(): void {
		$this->require_emulator();
		$budget = $this->budget( 1000000 );
		$before = $budget->used_today();
		$writer = new Memory_Writer();
		( new Stream_Relay( $writer, new Error_Mapper() ) )->relay(
			new Client( self::emulator_url(), 'app-emulator' ),
			App_Mode::chat(),
			array(
				'query'  => 'Count me #delay:1',
				'inputs' => (object) array(),
				'user'   => 'budget-test',
			)
		);
		$events = $writer->events();
		$end    = end( $events );
		$this->assertSame( 'message_end', $end['event'] );
		$tokens = $end['metadata']['usage']['total_tokens'];
		$this->assertGreaterThan( 0, $tokens );
		$this->assertSame( $before + $tokens, $budget->used_today() );
	}
}
