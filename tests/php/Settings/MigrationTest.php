<?php
/**
 * The upgrade from one configuration to several bots.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Settings;

use Dify_Chatbot\Settings\Bots;
use Dify_Chatbot\Settings\Key_Store;
use Dify_Chatbot\Settings\Migration;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\TestCase;

require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';

final class MigrationTest extends TestCase {

	use Clean_Environment;

	protected function set_up() {
		parent::set_up();
		$this->clean_environment();
	}

	protected function tear_down() {
		$this->restore_environment();
		parent::tear_down();
	}

	/**
	 * A site as the plugin left it before there were several bots: the option, the key, no
	 * bots option and no schema version.
	 */
	private function a_site_from_before(): void {
		delete_option( Bots::OPTION );
		delete_option( Migration::VERSION_OPTION );
		update_option(
			Option::NAME,
			array(
				'base_url'             => 'https://dify.example.org/v1',
				'response_mode'        => 'blocking',
				'show_reasoning'       => true,
				'limit_visitor_minute' => 7,
				'limit_visitor_day'    => 70,
				'limit_ip_minute'      => 17,
				'daily_token_budget'   => 5000,
				'who_may_chat'         => 'logged_in',
			)
		);
		// A key saved by an earlier version, before keys were bound to their server.
		( new Key_Store( new \Dify_Chatbot\Settings\Encryption() ) )->save( 'app-upgraded-site-key-1234' );
		// Saved, as then, not autoloaded.
		wp_set_option_autoload( Key_Store::OPTION, false );
	}

	/**
	 * An option's autoload value as stored.
	 *
	 * @param string $name The option.
	 */
	private static function autoload( string $name ): string {
		global $wpdb;
		return (string) $wpdb->get_var( $wpdb->prepare( "SELECT autoload FROM {$wpdb->options} WHERE option_name = %s", $name ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
	}

	public function test_schema_3_autoloads_the_saved_keys(): void {
		$this->a_site_from_before();
		update_option(
			Bots::OPTION,
			array(
				'default' => array( 'name' => 'Default' ),
				'sales'   => array( 'name' => 'Sales' ),
			),
			false
		);
		update_option(
			Bots::key_option( 'sales' ),
			array(
				'ciphertext' => 'x',
				'last4'      => '',
			),
			false
		);
		update_option( Migration::VERSION_OPTION, 2, true );
		$this->assertContains( self::autoload( Key_Store::OPTION ), array( 'no', 'off' ) );

		( new Migration() )->maybe_upgrade();

		$this->assertSame( 3, Migration::stored_version() );
		foreach ( array( Key_Store::OPTION, Bots::key_option( 'sales' ) ) as $name ) {
			$this->assertContains( self::autoload( $name ), array( 'yes', 'on' ), $name );
			$this->assertArrayHasKey( $name, wp_load_alloptions(), $name );
		}
		$this->assertSame( 'app-upgraded-site-key-1234', Bots::create()->default()->api_key(), 'the same key' );
		$this->assertContains( self::autoload( Bots::OPTION ), array( 'no', 'off' ), 'the bots stay as they were' );
	}

	public function test_an_upgraded_site_keeps_working_as_the_default_bot(): void {
		$this->a_site_from_before();
		$this->assertSame( 1, Migration::stored_version() );

		( new Migration() )->maybe_upgrade();

		$this->assertSame( Migration::VERSION, Migration::stored_version() );
		$bots    = Bots::create();
		$default = $bots->get( '' );
		$this->assertNotNull( $default );
		$this->assertSame( $default, $bots->get( 'default' ) );
		$this->assertSame( 'default', $default->slug() );
		$this->assertSame( 'Default', $default->name() );
		$this->assertTrue( $default->is_default() );
		$this->assertSame( 'https://dify.example.org/v1', $default->base_url() );
		$this->assertSame( 'app-upgraded-site-key-1234', $default->api_key(), 'the same key, from the same store' );
		$this->assertTrue( $default->is_configured() );
		$this->assertSame( 'blocking', $default->response_mode() );
		$this->assertTrue( $default->show_reasoning() );
		$this->assertSame(
			array(
				'limit_visitor_minute' => 7,
				'limit_visitor_day'    => 70,
				'limit_ip_minute'      => 17,
				'daily_token_budget'   => 5000,
			),
			$default->limits()
		);
		$this->assertSame( 'logged_in', $default->option()->get()['who_may_chat'], 'site-wide values stay' );
		$this->assertSame( array( 'default' ), array_map( static fn ( $bot ) => $bot->slug(), $bots->all() ) );
		// The bots option is not autoloaded: a page without a chat never reads it.
		$this->assertSame( array( 'default' => array( 'name' => 'Default' ) ), get_option( Bots::OPTION ) );
		global $wpdb;
		$autoload = $wpdb->get_var( $wpdb->prepare( "SELECT autoload FROM {$wpdb->options} WHERE option_name = %s", Bots::OPTION ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
		$this->assertContains( $autoload, array( 'no', 'off' ) );
	}

	public function test_it_runs_once_and_leaves_later_changes_alone(): void {
		$this->a_site_from_before();
		( new Migration() )->maybe_upgrade();
		update_option( Bots::OPTION, array( 'default' => array( 'name' => 'Support' ) ), false );

		( new Migration() )->maybe_upgrade();
		( new Migration() )->upgrade();

		$this->assertSame( 'Support', Bots::create()->default()->name() );
		$this->assertSame( 'app-upgraded-site-key-1234', Bots::create()->default()->api_key() );
	}

	public function test_it_is_hooked_on_init_and_a_page_without_a_chat_reads_only_the_autoloaded_version(): void {
		$this->assertSame( Migration::VERSION, Migration::stored_version(), 'the test site was upgraded on init' );
		global $wpdb;
		$autoload = $wpdb->get_var( $wpdb->prepare( "SELECT autoload FROM {$wpdb->options} WHERE option_name = %s", Migration::VERSION_OPTION ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
		$this->assertContains( $autoload, array( 'yes', 'on', 'auto-on' ) );
	}
}
