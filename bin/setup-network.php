<?php
/**
 * Turns the site bin/env.sh installed into a subdirectory multisite network (WP_MULTISITE=1), as
 * Network Setup does, in two steps run by env.sh:
 *
 *   php setup-network.php WP_DIR URL tables   (with DIFY_CHATBOT_SINGLE_SITE=1: MULTISITE off)
 *       the network's tables and its first network, once;
 *   php setup-network.php WP_DIR URL sites    (MULTISITE on)
 *       a second site at /site2/ with a page holding the chat (shortcode), once.
 *
 * The plugin is linked but not active: the e2e network-activates it in Network Admin → Plugins.
 * Prints `network-ok` when done.
 *
 * @package Dify_Chatbot
 */

$wp_dir = $argv[1];
$url    = $argv[2];
$step   = $argv[3];
$host   = parse_url( $url, PHP_URL_HOST ) . ':' . parse_url( $url, PHP_URL_PORT );

$_SERVER['HTTP_HOST']       = $host;
$_SERVER['REQUEST_URI']     = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';

if ( 'tables' === $step ) {
	define( 'WP_INSTALLING', true );
	define( 'WP_INSTALLING_NETWORK', true );
	require $wp_dir . '/wp-load.php';
	require_once ABSPATH . 'wp-admin/includes/upgrade.php';
	global $wpdb;
	// As wp-admin/network.php does: the network's tables are not known to a single site yet.
	foreach ( $wpdb->tables( 'ms_global' ) as $table => $prefixed ) {
		$wpdb->$table = $prefixed;
	}
	if ( $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->site ) ) !== $wpdb->site ) {
		install_network();
		$network = populate_network( 1, $host, 'admin@example.com', 'Dify Chatbot network', '/', false );
		if ( is_wp_error( $network ) ) {
			fwrite( STDERR, 'network install failed: ' . $network->get_error_message() . "\n" );
			exit( 1 );
		}
		echo "installed a subdirectory network on $host\n";
	}
	echo "network-ok\n";
	exit( 0 );
}

require $wp_dir . '/wp-load.php';
if ( ! is_multisite() ) {
	fwrite( STDERR, "wp-config.php does not turn the network on\n" );
	exit( 1 );
}
$site = get_site_by_path( $host, '/site2/' );
if ( ! $site || '/site2/' !== $site->path ) {
	$id = wp_insert_site(
		array(
			'domain'  => $host,
			'path'    => '/site2/',
			'title'   => 'Second site',
			'user_id' => 1,
		)
	);
	if ( is_wp_error( $id ) ) {
		fwrite( STDERR, 'site2: ' . $id->get_error_message() . "\n" );
		exit( 1 );
	}
	switch_to_blog( $id );
	update_option( 'permalink_structure', '/%postname%/' );
	$page = wp_insert_post(
		array(
			'post_type'    => 'page',
			'post_status'  => 'publish',
			'post_name'    => 'chat',
			'post_title'   => 'Chat',
			'post_content' => "<!-- wp:shortcode -->\n[dify_chatbot]\n<!-- /wp:shortcode -->",
		),
		true
	);
	restore_current_blog();
	if ( is_wp_error( $page ) ) {
		fwrite( STDERR, 'site2 page: ' . $page->get_error_message() . "\n" );
		exit( 1 );
	}
	echo "created /site2/ with the page /site2/chat/\n";
}
echo "network-ok\n";
