<?php
/**
 * Network activation, sites created later and deleted sites on a subdirectory network.
 *
 * Runs on a real network (WP_TESTS_MULTISITE=1 bash bin/phpunit.sh installs it with the plugin
 * active network-wide). Not inside a transaction: creating and deleting sites creates and drops
 * tables, which commits; every test leaves the plugin active network-wide as it found it.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Multisite;

use Dify_Chatbot\Security\Counter_Store;
use Yoast\PHPUnitPolyfills\TestCases\TestCase;

final class NetworkTest extends TestCase {

	private const PLUGIN = 'dify-chatbot/dify-chatbot.php';

	public function test_a_site_created_on_the_network_has_its_counters_table_at_once(): void {
		$this->assertTrue( is_plugin_active_for_network( self::PLUGIN ) );
		$site = $this->new_site( 'created-later' );

		$this->assertTrue( $this->has_table( $site ), 'The new site has its own counters table before its first request.' );
		switch_to_blog( $site );
		$this->assertSame( Counter_Store::DB_VERSION, get_option( Counter_Store::DB_VERSION_OPTION ) );
		$this->assertSame( 1, ( new Counter_Store() )->add( 'network-probe', time(), 60 ), 'The site counts in its own table.' );
		$this->assertNotFalse( wp_next_scheduled( Counter_Store::PRUNE_HOOK ), 'Its old windows are pruned daily.' );
		restore_current_blog();
		$this->assertSame( 0, ( new Counter_Store() )->get( 'network-probe', time() - time() % 60 ), 'The main site does not see it.' );

		wp_delete_site( $site );
	}

	public function test_a_deleted_site_loses_its_table(): void {
		$site = $this->new_site( 'deleted' );
		$this->assertTrue( $this->has_table( $site ) );

		$deleted = wp_delete_site( $site );

		$this->assertInstanceOf( \WP_Site::class, $deleted );
		$this->assertFalse( $this->has_table( $site ), 'Deleting the site drops its counters table with its other tables.' );
		$this->assertTrue( $this->has_table( get_main_site_id() ), 'Other sites keep theirs.' );
	}

	public function test_network_activation_reaches_a_site_that_existed_before_on_its_first_request(): void {
		deactivate_plugins( self::PLUGIN, true, true );
		$site = $this->new_site( 'before-activation' );
		$this->assertFalse( $this->has_table( $site ), 'Not active on the network: a new site gets nothing.' );

		$this->assertNull( activate_plugin( self::PLUGIN, '', true ) );
		$this->assertTrue( is_plugin_active_for_network( self::PLUGIN ) );
		// Activation does not walk the sites (a large network would not fit in one request).
		$this->assertFalse( $this->has_table( $site ) );

		$this->assertSame( (string) $site, $this->visit( '/before-activation/' ) );
		$this->assertTrue( $this->has_table( $site ), 'The site made its table on its first request.' );
		switch_to_blog( $site );
		$this->assertSame( Counter_Store::DB_VERSION, get_option( Counter_Store::DB_VERSION_OPTION ) );
		restore_current_blog();

		wp_delete_site( $site );
	}

	/**
	 * A new site of the network.
	 *
	 * @param string $path Its path (without slashes).
	 */
	private function new_site( string $path ): int {
		$site = wp_insert_site(
			array(
				'domain'  => DOMAIN_CURRENT_SITE,
				'path'    => "/$path/",
				'title'   => $path,
				'user_id' => 1,
			)
		);
		$this->assertIsInt( $site, is_wp_error( $site ) ? $site->get_error_message() : '' );
		return $site;
	}

	/**
	 * Whether a site has its counters table.
	 *
	 * @param int $site The site's id.
	 */
	private function has_table( int $site ): bool {
		global $wpdb;
		$table = $wpdb->get_blog_prefix( $site ) . Counter_Store::TABLE;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery -- reading the test database.
		return $table === $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->esc_like( $table ) ) );
	}

	/**
	 * A visit to a path of the network in a fresh PHP process; the id of the site that answered.
	 *
	 * @param string $path The path.
	 */
	private function visit( string $path ): string {
		$command = escapeshellarg( PHP_BINARY ) . ' ' . escapeshellarg( dirname( __DIR__ ) . '/Support/site-request.php' ) . ' ' . escapeshellarg( $path ) . ' 2>&1';
		// phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.system_calls_shell_exec -- a separate request, as a visit would be.
		$output = (string) shell_exec( $command );
		$this->assertSame( 1, preg_match( '/^site:(\d+)$/m', $output, $match ), $output );
		return $match[1];
	}
}
