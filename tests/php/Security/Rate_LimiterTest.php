<?php
/**
 * Messages per minute and per day.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Security;

use Dify_Chatbot\Security\Budget;
use Dify_Chatbot\Security\Client_Ip;
use Dify_Chatbot\Security\Counter_Store;
use Dify_Chatbot\Security\Rate_Limiter;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Tests\TestCase;

final class Rate_LimiterTest extends TestCase {

	private const NOW = 1767225630; // 2026-01-01 00:00:30 UTC: 30 s into a minute.

	private function limiter( array $settings ): Rate_Limiter {
		$option = new Option();
		$option->update(
			$settings + array(
				'limit_visitor_minute' => 0,
				'limit_visitor_day'    => 0,
				'limit_ip_minute'      => 0,
			)
		);
		return new Rate_Limiter( new Counter_Store(), $option, new Client_Ip() );
	}

	public function test_the_visitor_minute_limit_refuses_with_retry_after(): void {
		$limiter = $this->limiter( array( 'limit_visitor_minute' => 3 ) );
		$server  = array( 'REMOTE_ADDR' => '198.51.100.1' );
		for ( $i = 0; $i < 3; $i++ ) {
			$this->assertNull( $limiter->hit( 'visitor-a', $server, self::NOW ) );
		}
		$refusal = $limiter->hit( 'visitor-a', $server, self::NOW + 5 );
		$this->assertNotNull( $refusal );
		$this->assertSame( 'dify_chatbot_rate_limited', $refusal->get_error_code() );
		$this->assertSame(
			array(
				'status'      => 429,
				'retry_after' => 25,
			),
			$refusal->get_error_data()
		);
		$this->assertSame( 'You are sending messages too quickly. Please wait 25 seconds and try again.', $refusal->get_error_message() );
		$this->assertNull( $limiter->hit( 'visitor-b', $server, self::NOW ), 'Another visitor has their own count.' );
		$this->assertNull( $limiter->hit( 'visitor-a', $server, self::NOW + 30 ), 'The next minute starts afresh.' );
	}

	public function test_the_visitor_day_limit_lasts_until_the_site_day_ends(): void {
		update_option( 'timezone_string', 'Europe/Berlin' );
		$limiter = $this->limiter( array( 'limit_visitor_day' => 2 ) );
		$server  = array( 'REMOTE_ADDR' => '198.51.100.1' );
		$this->assertNull( $limiter->hit( 'visitor-a', $server, self::NOW ) );
		$this->assertNull( $limiter->hit( 'visitor-a', $server, self::NOW + 120 ) );
		$refusal = $limiter->hit( 'visitor-a', $server, self::NOW + 240 );
		$this->assertNotNull( $refusal );
		// Berlin is UTC+1: its day ends at 23:00 UTC.
		$this->assertSame( Budget::day_end( self::NOW ) - ( self::NOW + 240 ), $refusal->get_error_data()['retry_after'] );
		$this->assertSame( 23 * HOUR_IN_SECONDS - 30 - 240, $refusal->get_error_data()['retry_after'] );
		$this->assertStringContainsString( 'come back tomorrow', $refusal->get_error_message() );
	}

	public function test_the_action_bucket_is_separate_and_three_times_larger(): void {
		$limiter = $this->limiter(
			array(
				'limit_visitor_minute' => 1,
				'limit_ip_minute'      => 2,
			)
		);
		$server  = array( 'REMOTE_ADDR' => '198.51.100.1' );
		$this->assertNull( $limiter->hit( 'visitor-a', $server, self::NOW ) );
		$this->assertNotNull( $limiter->hit( 'visitor-a', $server, self::NOW ) );
		for ( $i = 0; $i < 3; $i++ ) {
			$this->assertNull( $limiter->hit( 'visitor-a', $server, self::NOW, Rate_Limiter::ACTIONS ), 'Messages do not use up actions.' );
		}
		$this->assertNotNull( $limiter->hit( 'visitor-a', $server, self::NOW, Rate_Limiter::ACTIONS ) );
		$this->assertNull( $limiter->hit( 'visitor-b', $server, self::NOW, Rate_Limiter::ACTIONS ) );
		$this->assertNull( $limiter->hit( 'visitor-c', $server, self::NOW, Rate_Limiter::ACTIONS ) );
		$this->assertNotNull( $limiter->hit( 'visitor-d', $server, self::NOW, Rate_Limiter::ACTIONS ), 'The IP limit is tripled too (6).' );
	}

	public function test_the_ip_limit_applies_across_visitors(): void {
		$limiter = $this->limiter( array( 'limit_ip_minute' => 2 ) );
		$server  = array( 'REMOTE_ADDR' => '198.51.100.1' );
		$this->assertNull( $limiter->hit( 'visitor-a', $server, self::NOW ) );
		$this->assertNull( $limiter->hit( 'visitor-b', $server, self::NOW ) );
		$this->assertNotNull( $limiter->hit( 'visitor-c', $server, self::NOW ), 'A new cookie does not escape the IP limit.' );
		$this->assertNull( $limiter->hit( 'visitor-c', array( 'REMOTE_ADDR' => '198.51.100.2' ), self::NOW ) );
	}

	public function test_forwarded_for_counts_only_behind_a_trusted_proxy(): void {
		$proxy = array(
			'REMOTE_ADDR'          => '10.0.0.5',
			'HTTP_X_FORWARDED_FOR' => '203.0.113.1',
		);
		$other = array(
			'REMOTE_ADDR'          => '10.0.0.5',
			'HTTP_X_FORWARDED_FOR' => '203.0.113.2',
		);

		// Not trusted: every visitor behind the proxy is one address.
		$limiter = $this->limiter( array( 'limit_ip_minute' => 1 ) );
		$this->assertNull( $limiter->hit( 'visitor-a', $proxy, self::NOW ) );
		$this->assertNotNull( $limiter->hit( 'visitor-b', $other, self::NOW ) );

		// Trusted: each client address counts on its own, and a forged header does not help.
		$limiter = $this->limiter(
			array(
				'limit_ip_minute' => 1,
				'trusted_proxies' => array( '10.0.0.0/8' ),
			)
		);
		$this->assertNull( $limiter->hit( 'visitor-a', $proxy, self::NOW + 60 ) );
		$this->assertNull( $limiter->hit( 'visitor-b', $other, self::NOW + 60 ) );
		$forged = array(
			'REMOTE_ADDR'          => '10.0.0.5',
			'HTTP_X_FORWARDED_FOR' => '1.1.1.1, 203.0.113.1',
		);
		$this->assertNotNull( $limiter->hit( 'visitor-c', $forged, self::NOW + 60 ), 'The right-most untrusted address is the one counted.' );
	}

	public function test_zero_turns_every_limit_off(): void {
		$limiter = $this->limiter( array() );
		for ( $i = 0; $i < 50; $i++ ) {
			$this->assertNull( $limiter->hit( 'visitor-a', array( 'REMOTE_ADDR' => '198.51.100.1' ), self::NOW ) );
		}
	}

	public function test_keys_do_not_store_addresses_in_clear(): void {
		$key = Rate_Limiter::key( 'ipm', '198.51.100.1' );
		$this->assertStringNotContainsString( '198.51', $key );
		$this->assertLessThanOrEqual( 64, strlen( $key ) );
	}

	public function test_keys_are_hashed_with_a_secret_of_the_site_not_a_constant_in_the_code(): void {
		$key = Rate_Limiter::key( 'ipm', '198.51.100.1' );
		// What anyone could compute from the code alone before: an HMAC with a public key.
		$this->assertNotSame( 'ipm:' . substr( hash_hmac( 'sha256', '198.51.100.1', 'dify_chatbot_rate_limit' ), 0, 40 ), $key );
		$this->assertSame( $key, Rate_Limiter::key( 'ipm', '198.51.100.1' ), 'Stable within a site.' );

		// Another site (other salts) counts the same address under another key.
		$other_salt = static function () {
			return 'another site’s salt';
		};
		add_filter( 'salt', $other_salt );
		try {
			$this->assertNotSame( $key, Rate_Limiter::key( 'ipm', '198.51.100.1' ) );
		} finally {
			remove_filter( 'salt', $other_salt );
		}
	}

	public function test_each_bot_counts_apart_the_default_bot_with_the_keys_of_earlier_versions(): void {
		delete_option( \Dify_Chatbot\Settings\Bots::OPTION );
		\Dify_Chatbot\Settings\Bots::create()->add(
			array(
				'slug'                 => 'sales',
				'name'                 => 'Sales',
				'base_url'             => 'https://sales.example.org/v1',
				'limit_visitor_minute' => 1,
				'limit_visitor_day'    => 0,
				'limit_ip_minute'      => 0,
			)
		);
		$limiter = $this->limiter(
			array(
				'limit_visitor_minute' => 2,
				'limit_ip_day'         => 4,
			)
		);
		$server  = array( 'REMOTE_ADDR' => '198.51.100.1' );
		$store   = new Counter_Store();
		$this->assertNull( $limiter->hit( 'visitor-a', $server, self::NOW ) );
		// The default bot's counter has the key it had before there were several bots.
		$this->assertSame( 1, $store->get( Rate_Limiter::key( 'vm', 'visitor-a' ), self::NOW - 30 ) );

		$this->assertNull( $limiter->hit( 'visitor-a', $server, self::NOW, Rate_Limiter::CHAT, array(), 'sales' ) );
		$this->assertNotNull( $limiter->hit( 'visitor-a', $server, self::NOW, Rate_Limiter::CHAT, array(), 'sales' ), 'sales allows one a minute' );
		$this->assertSame( 1, $store->get( Rate_Limiter::key( 'vm', 'visitor-a' ), self::NOW - 30 ), 'sales counted nothing of the default bot' );
		$this->assertNull( $limiter->hit( 'visitor-a', $server, self::NOW ), 'the default bot allows its second' );
		// The per-IP day is the site's: every bot's messages count against it (four so far, the
		// refused one too: the IP limits are counted before the visitor's).
		$refused = $limiter->hit( 'visitor-b', $server, self::NOW + 1, Rate_Limiter::CHAT, array(), 'sales' );
		$this->assertNotNull( $refused );
		$this->assertStringContainsString( 'most messages allowed for today', $refused->get_error_message() );
	}
}
