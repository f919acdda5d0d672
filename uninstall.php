<?php
/**
 * Removes everything the plugin stored: its options (including the encrypted API key) and
 * transients. Runs when the site owner deletes the plugin.
 *
 * @package Dify_Chatbot
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

global $wpdb;
// Every option and transient of the plugin starts with its prefix.
$dify_chatbot_like = $wpdb->esc_like( 'dify_chatbot_' ) . '%';
$dify_chatbot_rows = $wpdb->get_col( $wpdb->prepare( "SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE %s OR option_name LIKE %s OR option_name LIKE %s", $dify_chatbot_like, '\_transient\_' . $dify_chatbot_like, '\_transient\_timeout\_' . $dify_chatbot_like ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
foreach ( $dify_chatbot_rows as $dify_chatbot_option ) {
	delete_option( $dify_chatbot_option );
}
// The per-user dismissal of the "no key yet" notice.
delete_metadata( 'user', 0, 'dify_chatbot_notice_dismissed', '', true );

// The rate-limit and token counters (Security\Counter_Store) and their daily pruning.
$wpdb->query( "DROP TABLE IF EXISTS {$wpdb->prefix}dify_chatbot_counters" ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.DirectDatabaseQuery.SchemaChange -- the plugin's own table.
wp_clear_scheduled_hook( 'dify_chatbot_prune_counters' );
