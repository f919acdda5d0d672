<?php
/**
 * PHPUnit bootstrap: loads the real WordPress (installed by tests/php/install.php) with the plugin
 * active, exactly as a request to the site would.
 *
 * @package Dify_Chatbot
 */

// PHPUnit includes this file inside a method, so variables WordPress sets at file level would be
// local here (and copied back over the real globals afterwards). Declare them global first, as
// WordPress's own test bootstrap does.
global $wpdb, $current_site, $current_blog, $wp_rewrite, $shortcode_tags, $wp, $phpmailer, $wp_theme_directories, $table_prefix;

require dirname( __DIR__, 2 ) . '/vendor/autoload.php';
require __DIR__ . '/wp-tests-config.php';
require ABSPATH . 'wp-settings.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

if ( ! is_plugin_active( 'dify-chatbot/dify-chatbot.php' ) || ! class_exists( '\Dify_Chatbot\Plugin' ) ) {
	fwrite( STDERR, "The plugin is not active in the PHPUnit site: run tests/php/install.php first (npm run test:php does).\n" );
	exit( 1 );
}
// WordPress hooks REST routes on rest_api_init; tests dispatch through the real server.
require __DIR__ . '/TestCase.php';
