<?php
/**
 * The site-wide daily cap on paid calls, and the notice while nothing bounds the spend.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Security;

use Dify_Chatbot\Security\Budget;
use Dify_Chatbot\Security\Counter_Store;
use Dify_Chatbot\Security\Daily_Cap;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Tests\TestCase;

final class Daily_CapTest extends TestCase {

	/**
	 * Now, not a fixed date: Counter_Store prunes windows older than two days now and then.
	 *
	 * @var int
	 */
	private int $now;

	protected function set_up() {
		parent::set_up();
		$this->now = time();
	}

	private function cap( array $settings ): Daily_Cap {
		$option = new Option();
		$option->update( $settings );
		return new Daily_Cap( new Counter_Store(), $option );
	}

	private function notice( Daily_Cap $cap ): string {
		ob_start();
		$cap->notice();
		return (string) ob_get_clean();
	}

	public function test_spend_is_bounded_by_default(): void {
		$this->assertSame( 1000, Option::defaults()['daily_message_cap'] );
		$this->assertSame( 300, Option::defaults()['limit_ip_day'] );
		$this->assertFalse( $this->cap( array() )->is_unbounded() );
	}

	public function test_the_cap_refuses_with_503_until_the_site_day_ends_and_counts_only_what_passed(): void {
		update_option( 'timezone_string', 'Europe/Berlin' );
		$cap = $this->cap( array( 'daily_message_cap' => 2 ) );
		$this->assertNull( $cap->hit( $this->now ) );
		$this->assertNull( $cap->hit( $this->now + 60 ) );
		$refusal = $cap->hit( $this->now + 120 );
		$this->assertNotNull( $refusal );
		$this->assertSame( Daily_Cap::CODE, $refusal->get_error_code() );
		$this->assertSame(
			array(
				'status'      => 503,
				'retry_after' => Budget::day_end( $this->now + 120 ) - ( $this->now + 120 ),
			),
			$refusal->get_error_data()
		);
		$this->assertNotNull( $cap->hit( $this->now + 180 ) );
		$this->assertSame( 2, $cap->used_today( $this->now ) );
		$this->assertNull( $cap->hit( Budget::day_end( $this->now ) ), 'A new site day starts afresh.' );
	}

	public function test_zero_is_no_cap(): void {
		$cap = $this->cap( array( 'daily_message_cap' => 0 ) );
		for ( $i = 0; $i < 5; $i++ ) {
			$this->assertNull( $cap->hit( $this->now ) );
		}
	}

	public function test_administrators_are_told_while_nothing_bounds_the_spend(): void {
		wp_set_current_user( $this->make_user( 'administrator' ) );
		$this->assertSame( '', $this->notice( $this->cap( array() ) ), 'Bounded by default: no notice.' );
		$unbounded = $this->cap(
			array(
				'daily_message_cap'  => 0,
				'daily_token_budget' => 0,
			)
		);
		$this->assertStringContainsString( 'no daily limit bounds what visitors can spend', $this->notice( $unbounded ) );
		$this->assertStringContainsString( 'options-general.php?page=dify-chatbot', $this->notice( $unbounded ) );
		$this->assertSame( '', $this->notice( $this->cap( array( 'daily_token_budget' => 50000 ) ) ), 'A token budget bounds it too.' );

		wp_set_current_user( $this->make_user( 'editor' ) );
		$this->assertSame( '', $this->notice( $unbounded ), 'Only those who can change it are told.' );
	}
}
