<?php
/**
 * Removes everything the plugin stored: its options (including the encrypted API key),
 * transients, counters and usage tables and scheduled pruning — on every site of a multisite network, and
 * its network-wide options. Runs when the site owner deletes the plugin.
 *
 * @package Dify_Chatbot
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

/**
 * What the plugin keeps in the current site: every option and transient starting with its
 * prefix, the rate-limit and token counters (Security\Counter_Store), the usage per day and bot
 * (Usage\Usage_Store) and their daily pruning.
 * Called once per site, inside switch_to_blog() on a network, so `$wpdb->options` and
 * `$wpdb->prefix` are the site's own.
 */
$dify_chatbot_clean_site = static function (): void {
	global $wpdb;
	$like = $wpdb->esc_like( 'dify_chatbot_' ) . '%';
	$rows = $wpdb->get_col( $wpdb->prepare( "SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE %s OR option_name LIKE %s OR option_name LIKE %s", $like, '\_transient\_' . $like, '\_transient\_timeout\_' . $like ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
	foreach ( $rows as $option ) {
		delete_option( $option );
	}
	$wpdb->query( "DROP TABLE IF EXISTS {$wpdb->prefix}dify_chatbot_counters" ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.DirectDatabaseQuery.SchemaChange -- the plugin's own table.
	$wpdb->query( "DROP TABLE IF EXISTS {$wpdb->prefix}dify_chatbot_usage" ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.DirectDatabaseQuery.SchemaChange -- the plugin's own table.
	wp_clear_scheduled_hook( 'dify_chatbot_prune_counters' );
};

/**
 * The plugin's network-wide options and site transients, in every network.
 */
$dify_chatbot_clean_network = static function (): void {
	global $wpdb;
	$like = $wpdb->esc_like( 'dify_chatbot_' ) . '%';
	$rows = $wpdb->get_results( $wpdb->prepare( "SELECT site_id, meta_key FROM {$wpdb->sitemeta} WHERE meta_key LIKE %s OR meta_key LIKE %s OR meta_key LIKE %s", $like, '\_site\_transient\_' . $like, '\_site\_transient\_timeout\_' . $like ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
	foreach ( $rows as $row ) {
		delete_network_option( (int) $row->site_id, $row->meta_key );
	}
};

// The per-user dismissal of the "no key yet" notice (one users table for the whole network).
delete_metadata( 'user', 0, 'dify_chatbot_notice_dismissed', '', true );

if ( ! is_multisite() ) {
	$dify_chatbot_clean_site();
	return;
}

// Every site of every network, a hundred ids at a time (a large network never loads all).
$dify_chatbot_offset = 0;
do {
	$dify_chatbot_sites = get_sites(
		array(
			'fields'                 => 'ids',
			'number'                 => 100,
			'offset'                 => $dify_chatbot_offset,
			'orderby'                => 'id',
			'update_site_meta_cache' => false,
		)
	);
	foreach ( $dify_chatbot_sites as $dify_chatbot_site ) {
		switch_to_blog( (int) $dify_chatbot_site );
		$dify_chatbot_clean_site();
		restore_current_blog();
	}
	$dify_chatbot_offset += 100;
	$dify_chatbot_more    = 100 === count( $dify_chatbot_sites );
} while ( $dify_chatbot_more );
$dify_chatbot_clean_network();
