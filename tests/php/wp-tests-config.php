<?php
/**
 * The PHPUnit site's configuration: the test site's real WordPress tree (bin/env.sh builds it),
 * a dedicated MariaDB database, and this plugin active. Nothing of WordPress is faked.
 *
 * @package Dify_Chatbot
 */

$dify_root = dirname( __DIR__, 2 );
$wp_dir    = getenv( 'WP_TESTS_WP_DIR' ) ? getenv( 'WP_TESTS_WP_DIR' ) : $dify_root . '/.wp/test/wordpress';
if ( ! is_file( $wp_dir . '/wp-settings.php' ) ) {
	fwrite( STDERR, "No WordPress at $wp_dir: run the tests with `npm test` (or `npm run test:php`), which builds it.\n" );
	exit( 1 );
}

define( 'ABSPATH', $wp_dir . '/' );
define( 'DB_NAME', getenv( 'WP_TESTS_DB_NAME' ) ? getenv( 'WP_TESTS_DB_NAME' ) : 'dify_chatbot_phpunit' );
define( 'DB_USER', 'dify_chatbot' );
define( 'DB_PASSWORD', 'dify_chatbot' );
define( 'DB_HOST', 'localhost' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
$GLOBALS['table_prefix'] = 'wptests_';

// Fixed salts: the key store's encryption is keyed from them in tests as on a real site.
foreach ( array( 'AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT' ) as $dify_salt ) {
	define( $dify_salt, hash( 'sha256', 'dify-chatbot-tests-' . $dify_salt ) );
}

define( 'WP_TESTS_DOMAIN', 'example.org' );
if ( getenv( 'WP_TESTS_MULTISITE' ) ) {
	// A subdirectory network (tests/php/install.php installs it; until then it is one site).
	if ( ! defined( 'DIFY_TESTS_INSTALLING' ) ) {
		define( 'MULTISITE', true );
		define( 'SUBDOMAIN_INSTALL', false );
		define( 'DOMAIN_CURRENT_SITE', WP_TESTS_DOMAIN );
		define( 'PATH_CURRENT_SITE', '/' );
		define( 'SITE_ID_CURRENT_SITE', 1 );
		define( 'BLOG_ID_CURRENT_SITE', 1 );
	}
} else {
	// One address for every site of a network would be wrong: only for a single site.
	define( 'WP_HOME', 'http://example.org' );
	define( 'WP_SITEURL', 'http://example.org' );
}
define( 'WP_ENVIRONMENT_TYPE', 'local' );
define( 'WP_DEBUG', true );
define( 'WP_DEBUG_DISPLAY', true );
define( 'WP_DEBUG_LOG', false );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'WP_ACCESSIBLE_HOSTS', '127.0.0.1,localhost' );
define( 'DISABLE_WP_CRON', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_AUTO_UPDATE_CORE', false );

$_SERVER['HTTP_HOST']       = WP_TESTS_DOMAIN;
$_SERVER['SERVER_NAME']     = WP_TESTS_DOMAIN;
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
$_SERVER['REQUEST_METHOD']  = 'GET';
$_SERVER['REQUEST_URI']     = '/';
$_SERVER['REMOTE_ADDR']     = '127.0.0.1';
