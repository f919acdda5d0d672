<?php
/**
 * Installs WordPress into the PHPUnit database (dropping what an earlier run left) and activates
 * the plugin, failing on any PHP notice, warning or deprecation raised while activating it.
 *
 * @package Dify_Chatbot
 */

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

$dify_notices = array();
set_error_handler(
	function ( $errno, $errstr, $errfile, $errline ) use ( &$dify_notices ) {
		$dify_notices[] = "$errstr ($errfile:$errline)";
		return true;
	}
);
$dify_result = activate_plugin( 'dify-chatbot/dify-chatbot.php' );
restore_error_handler();
if ( is_wp_error( $dify_result ) ) {
	fwrite( STDERR, 'activation failed: ' . $dify_result->get_error_message() . "\n" );
	exit( 1 );
}
if ( $dify_notices ) {
	fwrite( STDERR, "PHP notices while activating the plugin:\n" . implode( "\n", $dify_notices ) . "\n" );
	exit( 1 );
}
echo 'installed WordPress ' . $GLOBALS['wp_version'] . " for PHPUnit; plugin active\n";
