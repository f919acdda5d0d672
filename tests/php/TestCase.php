<?php
/**
 * Base test case: each test runs inside a database transaction that is rolled back afterwards, and
 * starts as a logged-out visitor with a fresh REST server.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests;

use Yoast\PHPUnitPolyfills\TestCases\TestCase as Polyfilled_TestCase;

/**
 * Isolation for tests that touch the real WordPress database.
 */
abstract class TestCase extends Polyfilled_TestCase {

	/**
	 * Starts a transaction and resets the current user and the REST server.
	 */
	protected function set_up() {
		parent::set_up();
		global $wpdb, $wp_rest_server;
		// Counters committed outside a test's transaction (child PHP processes of the stream-slot
		// tests, an aborted run) must not carry a daily or per-minute count into the next test;
		// deleted before the transaction begins (inside it, the delete would lock the table against
		// those child processes).
		$wpdb->query( 'DELETE FROM ' . \Dify_Chatbot\Security\Counter_Store::table() ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.NotPrepared -- the plugin's own table, no input.
		$wpdb->query( 'SET autocommit = 0' );
		$wpdb->query( 'START TRANSACTION' );
		wp_cache_flush();
		wp_set_current_user( 0 );
		$wp_rest_server = null; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited -- rebuilt by rest_get_server().
		rest_get_server();
	}

	/**
	 * Rolls back everything the test wrote.
	 */
	protected function tear_down() {
		global $wpdb, $wp_rest_server;
		$wpdb->query( 'ROLLBACK' );
		wp_cache_flush();
		wp_set_current_user( 0 );
		$wp_rest_server = null; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
		parent::tear_down();
	}

	/**
	 * Waits, when needed, until at least 10 seconds of the current clock minute are left. Tests
	 * that count several requests against a real per-minute window would otherwise see the
	 * window roll over between two requests and admit one too many; each such test sends a
	 * handful of requests, a few seconds at most on a loaded machine, so 10 seconds are enough
	 * and the wait (a sixth of the runs, 5 seconds on average) costs little.
	 */
	protected function start_in_a_fresh_minute(): void {
		$second = time() % 60;
		if ( $second > 50 ) {
			sleep( 61 - $second );
		}
	}

	/**
	 * Creates a user with a role and returns its id.
	 *
	 * @param string $role Role name.
	 */
	/**
	 * Runs $test, then takes back every hook added or removed meanwhile: this base class keeps no
	 * copy of the hooks between tests (the plugin adds its own once, when it loads).
	 *
	 * @param callable $test The test's body.
	 */
	protected static function keeping_hooks( callable $test ): void {
		$saved = array();
		foreach ( $GLOBALS['wp_filter'] as $name => $hook ) {
			$saved[ $name ] = clone $hook;
		}
		try {
			$test();
		} finally {
			$GLOBALS['wp_filter'] = $saved; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited -- the hooks as they were.
		}
	}

	/**
	 * Runs $test as on a wp-admin screen (is_admin() is true there), then goes back to the front end.
	 *
	 * @param string   $screen The screen's id.
	 * @param callable $test   The test's body.
	 */
	protected static function on_admin_screen( string $screen, callable $test ): void {
		require_once ABSPATH . 'wp-admin/includes/class-wp-screen.php';
		require_once ABSPATH . 'wp-admin/includes/screen.php';
		set_current_screen( $screen );
		try {
			$test();
		} finally {
			$GLOBALS['current_screen'] = null; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited -- back to the front end.
		}
	}

	protected function make_user( string $role ): int {
		$id = wp_insert_user(
			array(
				'user_login' => $role . '_' . wp_generate_password( 6, false ),
				'user_pass'  => wp_generate_password(),
				'user_email' => $role . wp_generate_password( 6, false ) . '@example.org',
				'role'       => $role,
			)
		);
		$this->assertIsInt( $id );
		return $id;
	}
}
