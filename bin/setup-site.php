<?php
/**
 * Installs WordPress once, activates plugins, creates the two demo pages and, when the emulator is
 * used, points the plugin at it. Run by bin/env.sh; idempotent.
 *
 *   php setup-site.php WP_DIR SITE_URL EMULATOR_URL|'' PLUGIN_SLUG...
 *
 * @package Dify_Chatbot
 */

$wp_dir       = $argv[1];
$site_url     = $argv[2];
$emulator_url = $argv[3];
$plugin_slugs = array_slice( $argv, 4 );

$_SERVER['HTTP_HOST']       = parse_url( $site_url, PHP_URL_HOST ) . ':' . parse_url( $site_url, PHP_URL_PORT );
$_SERVER['REQUEST_URI']     = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
define( 'WP_INSTALLING', true );
require $wp_dir . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
if ( ! function_exists( 'wp_new_blog_notification' ) ) {
	/**
	 * Pluggable: no "new site" mail on install (there is no mail server here).
	 */
	function wp_new_blog_notification() {}
}
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

if ( ! is_blog_installed() ) {
	wp_install( 'Dify Chatbot dev', 'admin', 'admin@example.com', true, '', wp_slash( 'password' ) );
	global $wp_rewrite;
	$wp_rewrite->set_permalink_structure( '/%postname%/' );
	$wp_rewrite->flush_rules( false );
	update_option( 'show_avatars', 0 );
	// No Gravatar requests: the machine is offline.
	echo 'installed WordPress ' . $GLOBALS['wp_version'] . "\n";
}

foreach ( $plugin_slugs as $slug ) {
	$files = array_keys( get_plugins( '/' . $slug ) );
	if ( ! $files ) {
		fwrite( STDERR, "no plugin header found in $slug\n" );
		exit( 1 );
	}
	foreach ( $files as $file ) {
		if ( is_plugin_active( "$slug/$file" ) ) {
			continue;
		}
		$result = activate_plugin( "$slug/$file" );
		if ( is_wp_error( $result ) ) {
			fwrite( STDERR, "$slug/$file: " . $result->get_error_message() . "\n" );
			exit( 1 );
		}
		echo "activated $slug/$file\n";
	}
}

$pages = array(
	'dify-chatbot-block'     => array( 'Dify Chatbot (block)', "<!-- wp:paragraph -->\n<p>The chat below is the Dify Chatbot block.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:dify-chatbot/chat /-->" ),
	'dify-chatbot-shortcode' => array( 'Dify Chatbot (shortcode)', "<!-- wp:paragraph -->\n<p>The chat below comes from the shortcode.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:shortcode -->\n[dify_chatbot]\n<!-- /wp:shortcode -->" ),
	'dify-chatbot-bubble'    => array( 'Dify Chatbot (bubble)', "<!-- wp:paragraph -->\n<p>The chat on this page is a bubble in the corner (shortcode <code>layout=\"bubble\"</code>, with an accent color and rounder corners).</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:shortcode -->\n[dify_chatbot layout=\"bubble\" title=\"Ask us\" accent=\"#0b5cad\" radius=\"16px\"]\n<!-- /wp:shortcode -->" ),
);
// A site without this plugin (bin/env.sh WP_PLUGIN=none) gets no demo pages: they hold its block.
if ( ! in_array( 'dify-chatbot', $plugin_slugs, true ) ) {
	$pages = array();
}
foreach ( $pages as $slug => list( $title, $content ) ) {
	if ( get_page_by_path( $slug ) ) {
		continue;
	}
	$id = wp_insert_post(
		array(
			'post_type'    => 'page',
			'post_status'  => 'publish',
			'post_name'    => $slug,
			'post_title'   => $title,
			'post_content' => $content,
		),
		true
	);
	if ( is_wp_error( $id ) ) {
		fwrite( STDERR, "page $slug: " . $id->get_error_message() . "\n" );
		exit( 1 );
	}
	echo "created page /$slug/\n";
}

// Point the plugin at the emulator unless a key is already saved (the settings screen stays the
// owner's: a key entered there is never overwritten). WordPress does not load plugins while
// WP_INSTALLING is defined, so the plugin's file is loaded here for its autoloader.
if ( '' !== $emulator_url ) {
	if ( ! class_exists( '\Dify_Chatbot\Settings\Settings' ) ) {
		require_once WP_PLUGIN_DIR . '/dify-chatbot/dify-chatbot.php';
	}
	// On a WordPress older than it supports, the plugin switches itself off (no autoloader).
	if ( ! class_exists( '\Dify_Chatbot\Settings\Settings' ) ) {
		echo 'the plugin is switched off on WordPress ' . $GLOBALS['wp_version'] . ": not pointed at the emulator\n";
		echo "setup-ok\n";
		exit( 0 );
	}
	$dify_settings = \Dify_Chatbot\Settings\Settings::create();
	if ( ! $dify_settings->keys()->status()['saved'] ) {
		$dify_settings->option()->update( array( 'base_url' => $emulator_url ) );
		$dify_settings->save_key( 'app-emulator' );
		echo "pointed the plugin at the emulator ($emulator_url)\n";
	}
}
echo "setup-ok\n";
