<?php
/**
 * Installs WordPress into the PHPUnit database (dropping what an earlier run left) and activates
 * the plugin, failing on any PHP notice, warning or deprecation raised while activating it.
 *
 * @package Dify_Chatbot
 */

// With WP_TESTS_MULTISITE=1 it installs a subdirectory network instead, in two PHP processes: the
// network's tables are made while WordPress runs as one site (as wp-admin's Network Setup does),
// then the plugin is activated network-wide by `install.php network` with MULTISITE on.
$dify_multisite = (bool) getenv( 'WP_TESTS_MULTISITE' );
if ( $dify_multisite && 'network' === ( $argv[1] ?? '' ) ) {
	require __DIR__ . '/wp-tests-config.php';
	require ABSPATH . 'wp-settings.php';
	require_once ABSPATH . 'wp-admin/includes/plugin.php';
	dify_activate( true );
	echo 'installed a WordPress ' . $GLOBALS['wp_version'] . " network for PHPUnit; plugin active network-wide\n";
	exit( 0 );
}

define( 'DIFY_TESTS_INSTALLING', true );
require __DIR__ . '/wp-tests-config.php';
define( 'WP_INSTALLING', true );

// A clean database for every run: drop the tables an earlier run left.
$dify_db = new mysqli( DB_HOST, DB_USER, DB_PASSWORD, DB_NAME );
$dify_db->query( 'SET FOREIGN_KEY_CHECKS = 0' );
$dify_tables = $dify_db->query( "SHOW TABLES LIKE 'wptests\\_%'" );
foreach ( $dify_tables ? $dify_tables->fetch_all() : array() as $dify_row ) {
	$dify_db->query( 'DROP TABLE IF EXISTS `' . $dify_row[0] . '`' );
}
$dify_db->close();

require ABSPATH . 'wp-settings.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
if ( ! function_exists( 'wp_new_blog_notification' ) ) {
	/** No mail on install. */
	function wp_new_blog_notification() {}
}
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

wp_install( 'Dify Chatbot tests', 'admin', 'admin@example.org', true, '', 'password' );
update_option( 'permalink_structure', '/%postname%/' );

if ( $dify_multisite ) {
	define( 'WP_INSTALLING_NETWORK', true );
	// As wp-admin/network.php does: the network's tables are not known to a single site yet.
	foreach ( $wpdb->tables( 'ms_global' ) as $dify_table => $dify_prefixed ) {
		$wpdb->$dify_table = $dify_prefixed;
	}
	install_network();
	$dify_network = populate_network( 1, WP_TESTS_DOMAIN, 'admin@example.org', 'Dify Chatbot tests network', '/', false );
	if ( is_wp_error( $dify_network ) ) {
		fwrite( STDERR, 'network install failed: ' . $dify_network->get_error_message() . "\n" );
		exit( 1 );
	}
	// phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.system_calls_passthru -- a test tool run from the shell.
	passthru( escapeshellarg( PHP_BINARY ) . ' ' . escapeshellarg( __FILE__ ) . ' network', $dify_status );
	exit( $dify_status );
}
dify_activate( false );
echo 'installed WordPress ' . $GLOBALS['wp_version'] . " for PHPUnit; plugin active\n";

/**
 * Activates the plugin (network-wide on a network), failing on any PHP message it raises.
 *
 * @param bool $network_wide Network-wide.
 */
function dify_activate( bool $network_wide ): void {
	$notices = array();
	set_error_handler(
		function ( $errno, $errstr, $errfile, $errline ) use ( &$notices ) {
			$notices[] = "$errstr ($errfile:$errline)";
			return true;
		}
	);
	$result = activate_plugin( 'dify-chatbot/dify-chatbot.php', '', $network_wide );
	restore_error_handler();
	if ( is_wp_error( $result ) ) {
		fwrite( STDERR, 'activation failed: ' . $result->get_error_message() . "\n" );
		exit( 1 );
	}
	if ( $notices ) {
		fwrite( STDERR, "PHP notices while activating the plugin:\n" . implode( "\n", $notices ) . "\n" );
		exit( 1 );
	}
}
