<?php
/**
 * Plugin Name: Dify Chatbot e2e — counter statements
 * Description: Test sites only (copied by bin/test.sh). Tells a test how many writes that add to the
 * plugin's counters went through $wpdb during a REST request (INSERTs; the UPDATE that gives slots back is not counted), in the response header
 * X-Dify-E2e-Counter-Writes: on SQLite the plugin's counting should not go through $wpdb (and
 * the integration's MySQL translation) at all (counters.sqlite.spec.ts).
 *
 * @package Dify_Chatbot
 */

$GLOBALS['dify_chatbot_e2e_counter_writes'] = 0;

add_filter(
	'query',
	static function ( $query ) {
		if ( is_string( $query ) && preg_match( '/^\s*(?:\/\*.*?\*\/\s*)?(?:INSERT|REPLACE)\b[^;]*dify_chatbot_counters/is', $query ) ) {
			++$GLOBALS['dify_chatbot_e2e_counter_writes'];
		}
		return $query;
	}
);

add_filter(
	'rest_post_dispatch',
	static function ( $response ) {
		if ( $response instanceof WP_REST_Response ) {
			$response->header( 'X-Dify-E2e-Counter-Writes', (string) $GLOBALS['dify_chatbot_e2e_counter_writes'] );
		}
		return $response;
	},
	PHP_INT_MAX
);
