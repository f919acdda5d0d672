<?php
/**
 * The app's cached mode and parameters: read with the autoloaded options, refreshed when past
 * their time, pruned when nobody refreshes them.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\App;

use Dify_Chatbot\Dify\App\App_Cache;
use Dify_Chatbot\Dify\App\App_Info;
use Dify_Chatbot\Dify\App\App_Parameters;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\TestCase;

require_once dirname( __DIR__, 2 ) . '/Support/Emulator.php';

final class App_CacheTest extends TestCase {

	use Emulator;

	protected function set_up() {
		parent::set_up();
		$this->require_emulator();
	}

	/**
	 * The autoload value of an option row, or null when there is no row.
	 *
	 * @param string $option The option's name.
	 */
	private static function autoload( string $option ): ?string {
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery -- what the options table holds.
		$value = $wpdb->get_var( $wpdb->prepare( "SELECT autoload FROM {$wpdb->options} WHERE option_name = %s", $option ) );
		return null === $value ? null : (string) $value;
	}

	/**
	 * Runs $lookups as at the start of a request (nothing in memory) and returns the queries that
	 * named one of the plugin's options.
	 *
	 * @param callable $lookups The lookups.
	 * @return string[]
	 */
	private static function queries_of( callable $lookups ): array {
		wp_cache_flush();
		$queries = array();
		$record  = static function ( $query ) use ( &$queries ) {
			if ( false !== strpos( (string) $query, 'dify_chatbot_' ) ) {
				$queries[] = (string) $query;
			}
			return $query;
		};
		add_filter( 'query', $record );
		try {
			$lookups();
		} finally {
			remove_filter( 'query', $record );
		}
		return $queries;
	}

	public function test_a_message_reads_the_mode_and_the_parameters_with_the_autoloaded_options(): void {
		$client = new Client( self::emulator_url(), 'app-emulator' );
		$info   = new App_Info( new Error_Mapper() );
		$params = new App_Parameters( new Error_Mapper() );
		$this->assertSame( 'chat', $info->mode( $client )->name() );
		$this->assertIsArray( $params->get( $client ) );
		foreach ( array( App_Info::PREFIX, App_Parameters::PREFIX ) as $prefix ) {
			$this->assertContains( self::autoload( '_transient_' . $prefix . $client->fingerprint() ), array( 'on', 'yes' ) );
			$this->assertNull( self::autoload( '_transient_timeout_' . $prefix . $client->fingerprint() ), 'No expiry row of WordPress’s own.' );
		}

		$since   = $this->emulator_last_seq();
		$queries = self::queries_of(
			function () use ( $info, $params, $client ) {
				$this->assertSame( 'chat', $info->mode( $client )->name() );
				$this->assertIsArray( $params->get( $client ) );
			}
		);
		$this->assertSame( array(), $queries );
		$this->assertSame( array(), $this->emulator_requests( $since, '' ), 'Both came from the cache.' );
	}

	public function test_an_entry_past_its_time_is_asked_for_again(): void {
		$client = new Client( self::emulator_url(), 'app-emulator' );
		App_Cache::set(
			App_Info::PREFIX . $client->fingerprint(),
			array(
				'name' => 'Old',
				'mode' => 'completion',
			),
			-1
		);
		$this->assertNull( App_Cache::get( App_Info::PREFIX . $client->fingerprint() ) );
		$since = $this->emulator_last_seq();
		$this->assertSame( 'chat', ( new App_Info( new Error_Mapper() ) )->mode( $client )->name() );
		$this->assertCount( 1, $this->emulator_requests( $since, '/info' ) );
		$this->assertSame( 'chat', App_Cache::get( App_Info::PREFIX . $client->fingerprint() )['mode'] ?? null, 'The new answer is kept.' );
	}

	public function test_a_big_entry_is_not_autoloaded_but_still_read(): void {
		$big = array( 'opening_statement' => str_repeat( 'x', App_Cache::AUTOLOAD_MAX ) );
		App_Cache::set( 'dify_chatbot_params_big', $big, 300 );
		$this->assertContains( self::autoload( '_transient_dify_chatbot_params_big' ), array( 'off', 'no' ) );
		$this->assertNotNull( self::autoload( '_transient_timeout_dify_chatbot_params_big' ), 'It expires the usual way.' );
		wp_cache_flush();
		$this->assertSame( $big, App_Cache::get( 'dify_chatbot_params_big' ) );

		// Small again: autoloaded again.
		App_Cache::set( 'dify_chatbot_params_big', array( 'opening_statement' => 'x' ), 300 );
		$this->assertContains( self::autoload( '_transient_dify_chatbot_params_big' ), array( 'on', 'yes' ) );
	}

	public function test_the_daily_prune_drops_entries_nobody_refreshed_for_a_day(): void {
		$now = time();
		App_Cache::set( 'dify_chatbot_info_fresh', array( 'mode' => 'chat' ), 600 );
		App_Cache::set( 'dify_chatbot_info_lately', array( 'mode' => 'chat' ), -3600 );
		App_Cache::set( 'dify_chatbot_params_gone', array( 'a' => 1 ), -DAY_IN_SECONDS - 60 );
		// Stored by an older version: the value alone, no time of its own.
		set_transient( 'dify_chatbot_params_legacy', array( 'a' => 1 ) );
		set_transient( 'dify_chatbot_other', array( 'a' => 1 ) );

		App_Cache::prune( $now );
		wp_cache_flush();

		$this->assertNotFalse( get_transient( 'dify_chatbot_info_fresh' ) );
		$this->assertNotFalse( get_transient( 'dify_chatbot_info_lately' ), 'Past its time for an hour: kept (its bot may ask again).' );
		$this->assertFalse( get_transient( 'dify_chatbot_params_gone' ) );
		$this->assertFalse( get_transient( 'dify_chatbot_params_legacy' ) );
		$this->assertNotFalse( get_transient( 'dify_chatbot_other' ), 'Not one of the app entries.' );
		delete_transient( 'dify_chatbot_other' );
	}

	public function test_the_prune_runs_with_the_counters_daily_one(): void {
		App_Cache::set( 'dify_chatbot_info_gone', array( 'mode' => 'chat' ), -DAY_IN_SECONDS - 60 );
		do_action( \Dify_Chatbot\Security\Counter_Store::PRUNE_HOOK ); // phpcs:ignore WordPress.NamingConventions.ValidHookName -- the plugin's own hook.
		wp_cache_flush();
		$this->assertFalse( get_transient( 'dify_chatbot_info_gone' ) );
	}
}
