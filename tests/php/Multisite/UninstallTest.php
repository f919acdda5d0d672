<?php
/**
 * Deleting the plugin on a subdirectory network cleans every site and the network.
 *
 * Runs on a real network (WP_TESTS_MULTISITE=1 bash bin/phpunit.sh: tests/php/install.php installs
 * it and activates the plugin network-wide). Not inside a transaction: the uninstall drops
 * tables, which commits; the network's database is installed afresh on every run.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Multisite;

use Dify_Chatbot\Dify\Forms\Form_Store;
use Dify_Chatbot\Security\Counter_Store;
use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Usage\Usage_Store;
use Yoast\PHPUnitPolyfills\TestCases\TestCase;

final class UninstallTest extends TestCase {

	private const PLUGIN = 'dify-chatbot/dify-chatbot.php';

	public function test_deleting_the_plugin_leaves_nothing_of_it_on_any_site_of_the_network(): void {
		global $wpdb;
		$this->assertTrue( is_multisite(), 'Run with WP_TESTS_MULTISITE=1 bash bin/phpunit.sh.' );
		$this->assertTrue( is_plugin_active_for_network( self::PLUGIN ) );
		$this->assertFalse( is_subdomain_install() );

		$second = wp_insert_site(
			array(
				'domain'  => DOMAIN_CURRENT_SITE,
				'path'    => '/second/',
				'title'   => 'Second site',
				'user_id' => 1,
			)
		);
		$this->assertIsInt( $second, is_wp_error( $second ) ? $second->get_error_message() : '' );
		$sites = array( get_main_site_id(), $second );

		foreach ( $sites as $site ) {
			switch_to_blog( $site );
			$this->use_the_plugin();
			restore_current_blog();
		}
		// A user dismissed the notice (usermeta is one table for the network).
		update_user_meta( 1, 'dify_chatbot_notice_dismissed', '1' );
		// A network-wide option and site transient under the plugin's prefix.
		update_site_option( 'dify_chatbot_network_probe', 'x' );
		set_site_transient( 'dify_chatbot_network_probe', 'x', 60 );

		// Each site really holds the plugin's data before: options, transients, counters, cron.
		foreach ( $sites as $site ) {
			$this->assertNotSame( array(), $this->leftovers( $site ), "Site $site has the plugin's data before the uninstall." );
		}
		$this->assertNotSame( array(), $this->network_leftovers() );

		// What Plugins → Delete does on a network: deactivate network-wide, then uninstall.
		deactivate_plugins( self::PLUGIN, false, true );
		$this->assertTrue( uninstall_plugin( self::PLUGIN ) );

		foreach ( $sites as $site ) {
			$this->assertSame( array(), $this->leftovers( $site ), "Site $site keeps the plugin's data." );
		}
		$this->assertSame( array(), $this->network_leftovers() );
		$this->assertSame( get_main_site_id(), get_current_blog_id(), 'The uninstall switches back.' );
	}

	/**
	 * What the plugin writes in the current site when visitors chat and the owner configures it:
	 * the settings, the key, the site id, the counters and usage tables (created on the site's
	 * first request, `init`) with a count and a day's usage, a cached lookup, a form handle and the daily pruning.
	 */
	private function use_the_plugin(): void {
		$settings = Settings::create();
		$settings->option()->update( array( 'base_url' => 'http://127.0.0.1:9/v1' ) );
		$this->assertTrue( $settings->keys()->save( 'app-multisite-test' ) );
		Visitor_Identity::site_part();
		$counters = new Counter_Store();
		$counters->maybe_install();
		$this->assertSame( 1, $counters->add( 'multisite-probe', time(), 60 ) );
		( new Usage_Store() )->message( 'default', 10, false );
		$this->assertCount( 1, ( new Usage_Store() )->rows( 1 ), 'The usage table is created with the counters.' );
		set_transient( 'dify_chatbot_params_probe', array( 'x' => 1 ), 300 );
		set_transient( Form_Store::PREFIX . 'probe', array( 'x' => 1 ), 300 );
	}

	/**
	 * Everything of the plugin a site keeps: tables, options (transients too), cron events.
	 *
	 * @param int $site The site's id.
	 * @return string[]
	 */
	private function leftovers( int $site ): array {
		global $wpdb;
		switch_to_blog( $site );
		$found = array();
		// phpcs:disable WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- reading the test database.
		foreach ( (array) $wpdb->get_col( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->esc_like( $wpdb->prefix . 'dify_chatbot' ) . '%' ) ) as $table ) {
			$found[] = "table $table";
		}
		foreach ( (array) $wpdb->get_col( $wpdb->prepare( "SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE %s", '%' . $wpdb->esc_like( 'dify_chatbot' ) . '%' ) ) as $option ) {
			$found[] = "option $option";
		}
		$cron = (string) $wpdb->get_var( "SELECT option_value FROM {$wpdb->options} WHERE option_name = 'cron'" );
		// phpcs:enable
		if ( false !== strpos( $cron, 'dify_chatbot' ) ) {
			$found[] = 'cron event';
		}
		restore_current_blog();
		return $found;
	}

	/**
	 * What of the plugin the network keeps: site options, site transients, user meta.
	 *
	 * @return string[]
	 */
	private function network_leftovers(): array {
		global $wpdb;
		$like  = '%' . $wpdb->esc_like( 'dify_chatbot' ) . '%';
		$found = array();
		// phpcs:disable WordPress.DB.DirectDatabaseQuery -- reading the test database.
		foreach ( (array) $wpdb->get_col( $wpdb->prepare( "SELECT meta_key FROM {$wpdb->sitemeta} WHERE meta_key LIKE %s", $like ) ) as $key ) {
			$found[] = "site option $key";
		}
		foreach ( (array) $wpdb->get_col( $wpdb->prepare( "SELECT meta_key FROM {$wpdb->usermeta} WHERE meta_key LIKE %s", $like ) ) as $key ) {
			$found[] = "user meta $key";
		}
		// phpcs:enable
		return $found;
	}
}
