<?php
/**
 * The caps on answers running at the same time: per visitor, per IP address, site-wide.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Security;

use Dify_Chatbot\Security\Client_Ip;
use Dify_Chatbot\Security\Counter_Store;
use Dify_Chatbot\Security\Stream_Slots;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Tests\TestCase;

final class Stream_SlotsTest extends TestCase {

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

	private function slots( array $caps ): Stream_Slots {
		$option = new Option();
		$option->update(
			$caps + array(
				'streams_visitor' => 0,
				'streams_ip'      => 0,
				'streams_site'    => 0,
			)
		);
		return new Stream_Slots( new Counter_Store(), $option, new Client_Ip() );
	}

	private static function from( string $ip ): array {
		return array( 'REMOTE_ADDR' => $ip );
	}

	public function test_the_defaults_leave_two_of_five_php_workers_for_pages(): void {
		$defaults = Option::defaults();
		$this->assertSame( 3, $defaults['streams_site'] );
		$this->assertSame( 2, $defaults['streams_ip'] );
		$this->assertSame( 2, $defaults['streams_visitor'] );
	}

	public function test_the_site_cap_refuses_with_429_and_retry_after_until_a_slot_is_given_back(): void {
		$requests = array();
		for ( $i = 0; $i < 3; $i++ ) {
			$requests[ $i ] = $this->slots( array( 'streams_site' => 3 ) );
			$this->assertNull( $requests[ $i ]->acquire( 'visitor-' . $i, self::from( '198.51.100.' . $i ), $this->now ) );
		}
		$fourth  = $this->slots( array( 'streams_site' => 3 ) );
		$refusal = $fourth->acquire( 'visitor-4', self::from( '198.51.100.4' ), $this->now );
		$this->assertNotNull( $refusal );
		$this->assertSame( Stream_Slots::CODE, $refusal->get_error_code() );
		$this->assertSame(
			array(
				'status'      => 429,
				'retry_after' => Stream_Slots::RETRY_AFTER,
			),
			$refusal->get_error_data()
		);
		$this->assertStringContainsString( 'busy', $refusal->get_error_message() );
		$this->assertSame( 3, $fourth->running( $this->now ), 'A refused request holds no slot.' );

		$requests[1]->release();
		$this->assertSame( 2, $fourth->running( $this->now ) );
		$this->assertNull( $fourth->acquire( 'visitor-4', self::from( '198.51.100.4' ), $this->now ) );
		$requests[1]->release();
		$this->assertSame( 3, $fourth->running( $this->now ), 'Releasing twice gives back one slot.' );
	}

	public function test_the_ip_cap_counts_an_ipv6_64_as_one_address(): void {
		$a = $this->slots( array( 'streams_ip' => 1 ) );
		$this->assertNull( $a->acquire( 'visitor-a', self::from( '2001:db8:1:2::1' ), $this->now ) );
		$refusal = $this->slots( array( 'streams_ip' => 1 ) )->acquire( 'visitor-b', self::from( '2001:db8:1:2:ffff::9' ), $this->now );
		$this->assertNotNull( $refusal, 'Another address of the same /64, without a cookie: refused.' );
		$this->assertNull( $this->slots( array( 'streams_ip' => 1 ) )->acquire( 'visitor-c', self::from( '2001:db8:1:3::1' ), $this->now ), 'Another /64 has its own slot.' );
	}

	public function test_the_visitor_cap_holds_across_addresses(): void {
		$this->assertNull( $this->slots( array( 'streams_visitor' => 1 ) )->acquire( 'wp-user-7', self::from( '198.51.100.1' ), $this->now ) );
		$this->assertNotNull( $this->slots( array( 'streams_visitor' => 1 ) )->acquire( 'wp-user-7', self::from( '203.0.113.9' ), $this->now ) );
		$this->assertNull( $this->slots( array( 'streams_visitor' => 1 ) )->acquire( 'wp-user-8', self::from( '203.0.113.9' ), $this->now ) );
	}

	public function test_a_refusal_by_one_cap_gives_back_the_slots_of_the_others(): void {
		$caps  = array(
			'streams_site'    => 10,
			'streams_ip'      => 10,
			'streams_visitor' => 1,
		);
		$first = $this->slots( $caps );
		$this->assertNull( $first->acquire( 'visitor-a', self::from( '198.51.100.1' ), $this->now ) );
		for ( $i = 0; $i < 5; $i++ ) {
			$this->assertNotNull( $this->slots( $caps )->acquire( 'visitor-a', self::from( '198.51.100.1' ), $this->now ) );
		}
		$this->assertSame( 1, $first->running( $this->now ), 'Five refusals by the visitor cap took no site slot.' );
		$this->assertNull( $this->slots( $caps )->acquire( 'visitor-b', self::from( '198.51.100.1' ), $this->now ), 'Nor an IP slot.' );
	}

	public function test_a_slot_lost_by_a_killed_worker_expires(): void {
		$killed = $this->slots( array( 'streams_site' => 1 ) );
		$this->assertNull( $killed->acquire( 'visitor-a', self::from( '198.51.100.1' ), $this->now ) );
		// Never released (no shutdown function runs in a killed worker).
		$window = Stream_Slots::window();
		$start  = $this->now - ( $this->now % $window );
		$this->assertNotNull( $this->slots( array( 'streams_site' => 1 ) )->acquire( 'visitor-b', self::from( '198.51.100.2' ), $start + $window + 1 ), 'Still counted in the next window: a stream may run that long.' );
		$this->assertNull( $this->slots( array( 'streams_site' => 1 ) )->acquire( 'visitor-b', self::from( '198.51.100.2' ), $start + 2 * $window ), 'Forgotten two windows later.' );
	}

	public function test_the_window_follows_the_stream_limit(): void {
		$this->assertSame( 360, Stream_Slots::window(), '5 minutes of stream and a minute for what comes before it.' );
		add_filter(
			'dify_chatbot_stream_timeout',
			static function () {
				return 1200;
			}
		);
		$this->assertSame( 1260, Stream_Slots::window() );
	}

	public function test_no_cap_when_set_to_zero(): void {
		for ( $i = 0; $i < 20; $i++ ) {
			$this->assertNull( $this->slots( array() )->acquire( 'visitor-a', self::from( '198.51.100.1' ), $this->now ) );
		}
	}

	public function test_the_slots_are_given_back_when_the_route_has_answered(): void {
		$slots = $this->slots( array( 'streams_site' => 1 ) );
		$slots->register();
		$this->assertNull( $slots->acquire( 'visitor-a', self::from( '198.51.100.1' ), $this->now ) );
		$this->assertSame( 1, $slots->running( $this->now ) );
		$this->assertSame( 'answer', apply_filters( 'rest_request_after_callbacks', 'answer' ) );
		$this->assertSame( 0, $slots->running( $this->now ) );
		remove_filter( 'rest_request_after_callbacks', array( $slots, 'release_after' ) );
	}

	/**
	 * Runs PHP code in a separate process on this WordPress and database (autocommitted, outside
	 * this test's transaction), with a site cap the process sets for itself; its output.
	 *
	 * @param string $code PHP code run after WordPress has loaded; $slots is a Stream_Slots.
	 */
	private static function worker( string $code ): string {
		$root   = dirname( __DIR__, 3 );
		$script = '<?php define( "WP_DISABLE_FATAL_ERROR_HANDLER", true );'
			. ' $_SERVER["HTTP_HOST"] = "example.org";'
			. ' require ' . var_export( $root . '/vendor/autoload.php', true ) . ';'
			. ' require ' . var_export( $root . '/tests/php/wp-tests-config.php', true ) . ';'
			. ' require ABSPATH . "wp-settings.php";'
			. ' add_filter( "option_dify_chatbot_settings", static function ( $o ) { $o = (array) $o; $o["streams_site"] = 1000; $o["streams_ip"] = 0; $o["streams_visitor"] = 0; return $o; } );'
			. ' $slots = new Dify_Chatbot\\Security\\Stream_Slots( new Dify_Chatbot\\Security\\Counter_Store(), new Dify_Chatbot\\Settings\\Option(), new Dify_Chatbot\\Security\\Client_Ip() );'
			. ' ' . $code;
		$file   = (string) tempnam( get_temp_dir(), 'stream-slots-worker' );
		file_put_contents( $file, $script ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_file_put_contents
		$output = (string) shell_exec( escapeshellarg( PHP_BINARY ) . ' -d display_errors=0 -d log_errors=0 ' . escapeshellarg( $file ) . ' 2>&1' ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.system_calls_shell_exec
		unlink( $file ); // phpcs:ignore WordPress.WP.AlternativeFunctions.unlink_unlink
		return trim( $output );
	}

	public function test_a_worker_that_dies_of_a_fatal_error_gives_its_slot_back(): void {
		$before = (int) self::worker( 'echo $slots->running();' );
		$during = self::worker( 'var_export( $slots->acquire( "fatal-visitor", array( "REMOTE_ADDR" => "192.0.2.1" ) ) ); echo "|", $slots->running(); dify_chatbot_no_such_function();' );
		$this->assertStringStartsWith( 'NULL|' . ( $before + 1 ), $during, 'The worker held a slot when it died.' );
		$this->assertStringContainsString( 'Fatal error', $during );
		$this->assertSame( (string) $before, self::worker( 'echo $slots->running();' ), 'Its shutdown function gave the slot back.' );
	}

	public function test_a_worker_that_exits_mid_stream_gives_its_slot_back(): void {
		$before = (int) self::worker( 'echo $slots->running();' );
		$this->assertSame( 'NULL', self::worker( 'var_export( $slots->acquire( "exit-visitor", array( "REMOTE_ADDR" => "192.0.2.2" ) ) ); exit;' ) );
		$this->assertSame( (string) $before, self::worker( 'echo $slots->running();' ) );
	}
}
