<?php
/**
 * `wp dify-chatbot usage`: through WP-CLI's own classes (its logger captures what a terminal would
 * show; its error() throws instead of exiting).
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Cli;

use Dify_Chatbot\Cli\Usage_Command;
use Dify_Chatbot\Tests\TestCase;
use Dify_Chatbot\Usage\Usage_Store;
use ReflectionProperty;
use WP_CLI;
use WP_CLI\ExitException;
use WP_CLI\Loggers\Execution;

// WP-CLI's helper functions (format_items()), which its runner loads before any command.
require_once dirname( __DIR__, 3 ) . '/vendor/wp-cli/wp-cli/php/utils.php';

final class Usage_CommandTest extends TestCase {

	protected function set_up() {
		parent::set_up();
		global $wpdb;
		$wpdb->query( 'DELETE FROM ' . Usage_Store::table() ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.NotPrepared -- the plugin's own table, no input.
		self::capture_exit( true );
		$store = new Usage_Store();
		$store->message( 'default', 100, false );
		$store->message( 'default', 50, true );
		$store->refusal( 'default', 'budget' );
		$store->message( '-sales', 7, false );
		$store->message( 'default', 40, false, 1, time() - 3 * DAY_IN_SECONDS );
	}

	protected function tear_down() {
		self::capture_exit( false );
		parent::tear_down();
	}

	/**
	 * WP-CLI's switch that makes error() throw (WP_CLI::runcommand() flips it the same way).
	 */
	private static function capture_exit( bool $on ): void {
		$property = new ReflectionProperty( WP_CLI::class, 'capture_exit' );
		$property->setAccessible( true );
		$property->setValue( null, $on );
	}

	/**
	 * Runs the command; its exit code and output.
	 *
	 * @return array{code: int, stdout: string, stderr: string}
	 */
	private function run_usage( array $assoc_args ): array {
		$code   = 0;
		$logger = new Execution();
		WP_CLI::set_logger( $logger );
		ob_start();
		try {
			( new Usage_Command( new Usage_Store() ) )( array(), $assoc_args );
		} catch ( ExitException $exit ) {
			$code = $exit->getCode();
		}
		$echoed = (string) ob_get_clean();
		return array(
			'code'   => $code,
			'stdout' => $echoed . $logger->stdout,
			'stderr' => $logger->stderr,
		);
	}

	public function test_json_lists_each_day_and_bot(): void {
		$out  = $this->run_usage( array( 'format' => 'json' ) );
		$rows = json_decode( $out['stdout'], true );
		$this->assertSame( 0, $out['code'] );
		$this->assertSame( array( '-sales', 'default', 'default' ), array_column( $rows, 'bot' ) );
		$this->assertSame( array( 1, 2, 1 ), array_column( $rows, 'messages' ) );
		$this->assertSame( array( 7, 150, 40 ), array_column( $rows, 'tokens' ) );
		$this->assertSame( array( 0, 1, 0 ), array_column( $rows, 'errors' ) );
		$this->assertSame( array( 0, 1, 0 ), array_column( $rows, 'budget' ) );
		$this->assertSame( wp_date( 'Y-m-d' ), $rows[0]['date'] );
	}

	public function test_days_and_bot_narrow_it(): void {
		$rows = json_decode(
			$this->run_usage(
				array(
					'format' => 'json',
					'days'   => '1',
					'bot'    => 'default',
				)
			)['stdout'],
			true
		);
		$this->assertSame( array( 'default' ), array_column( $rows, 'bot' ) );
		$this->assertSame( array( 150 ), array_column( $rows, 'tokens' ) );
	}

	public function test_a_table_with_a_total_line(): void {
		$out = $this->run_usage( array() );
		$this->assertSame( 0, $out['code'] );
		// WP-CLI draws the table's borders on a terminal and separates the cells by tabs elsewhere.
		$this->assertMatchesRegularExpression( '/date[\s|]+bot[\s|]+messages[\s|]+tokens[\s|]+errors[\s|]+rate_limit[\s|]+budget[\s|]+who_may_chat[\s|]+stream_cap[\s|]+daily_cap/', $out['stdout'] );
		$this->assertMatchesRegularExpression( '/total[\s|]+4[\s|]+197[\s|]+1[\s|]+0[\s|]+1[\s|]+0[\s|]+0[\s|]+0\s/', $out['stdout'] );
	}

	public function test_csv_is_the_screens_download(): void {
		$out   = $this->run_usage( array( 'format' => 'csv' ) );
		$lines = explode( "\r\n", trim( $out['stdout'] ) );
		$this->assertCount( 4, $lines );
		$this->assertStringStartsWith( 'date,bot,messages,tokens,errors,refused_rate_limit', $lines[0] );
		$this->assertSame( wp_date( 'Y-m-d' ) . ",'-sales,1,7,0,0,0,0,0,0", $lines[1], 'A cell a spreadsheet would run is text.' );
	}

	/**
	 * @dataProvider refused
	 */
	public function test_odd_arguments_are_refused( array $assoc_args, string $says ): void {
		$out = $this->run_usage( $assoc_args );
		$this->assertSame( 1, $out['code'] );
		$this->assertStringContainsString( $says, $out['stderr'] );
	}

	public function refused(): array {
		return array(
			'no days'      => array( array( 'days' => '0' ), '--days' ),
			'too many'     => array( array( 'days' => '31' ), '--days' ),
			'not a number' => array( array( 'days' => '7d' ), '--days' ),
			'bad bot'      => array( array( 'bot' => 'Sales Bot' ), '--bot' ),
		);
	}

	public function test_nothing_counted_says_so(): void {
		global $wpdb;
		$wpdb->query( 'DELETE FROM ' . Usage_Store::table() ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.NotPrepared -- the plugin's own table, no input.
		$this->assertStringContainsString( 'No chat messages', $this->run_usage( array() )['stdout'] );
	}
}
