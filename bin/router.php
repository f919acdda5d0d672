<?php
/**
 * Router for PHP's built-in server: what the usual Apache/nginx WordPress rewrite rules do.
 *
 * @package Dify_Chatbot
 */

$dify_root = rtrim( $_SERVER['DOCUMENT_ROOT'], '/' );
$dify_path = rawurldecode( (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH ) );
// A subdirectory multisite network (bin/env.sh WP_MULTISITE=1): /site/wp-admin/…, /site/wp-includes/…,
// /site/wp-content/… and /site/*.php are the network's own files, as the rewrite rules WordPress
// gives for Apache and nginx say.
$dify_site_file = null;
if ( ! file_exists( $dify_root . $dify_path ) && preg_match( '#^/[_0-9a-zA-Z-]+(/(?:wp-(?:content|admin|includes)(?:/.*)?|[^/]*\.php))$#', $dify_path, $dify_match ) && file_exists( $dify_root . $dify_match[1] ) ) {
	$dify_site_file = $dify_match[1];
}
// Never serve dot-files (.wp/, .git/, .ht.sqlite), the SQLite folder or the plugin's dev folders.
foreach ( array( $dify_path, (string) $dify_site_file ) as $dify_checked ) {
	if ( preg_match( '#/\.|^/wp-content/database(/|$)|^/wp-content/plugins/dify-chatbot/(node_modules|vendor|tests|bin)(/|$)#', $dify_checked ) ) {
		http_response_code( 403 );
		return true;
	}
}
if ( null !== $dify_site_file ) {
	$dify_file = $dify_root . $dify_site_file;
	if ( is_dir( $dify_file ) ) {
		if ( '/' !== substr( $dify_path, -1 ) ) {
			header( 'Location: ' . $dify_path . '/', true, 301 );
			return true;
		}
		$dify_site_file = rtrim( $dify_site_file, '/' ) . '/index.php';
		$dify_file      = $dify_root . $dify_site_file;
	}
	if ( '.php' === substr( $dify_file, -4 ) ) {
		$_SERVER['SCRIPT_NAME']     = $dify_site_file;
		$_SERVER['PHP_SELF']        = $dify_site_file;
		$_SERVER['SCRIPT_FILENAME'] = $dify_file;
		chdir( dirname( $dify_file ) );
		require $dify_file;
		return true;
	}
	// A static file: the built-in server would look for it under the site's path, so send it here.
	$dify_types = array(
		'css'   => 'text/css',
		'js'    => 'text/javascript',
		'json'  => 'application/json',
		'svg'   => 'image/svg+xml',
		'png'   => 'image/png',
		'jpg'   => 'image/jpeg',
		'gif'   => 'image/gif',
		'webp'  => 'image/webp',
		'ico'   => 'image/x-icon',
		'woff'  => 'font/woff',
		'woff2' => 'font/woff2',
		'ttf'   => 'font/ttf',
		'map'   => 'application/json',
		'txt'   => 'text/plain',
	);
	$dify_ext   = strtolower( pathinfo( $dify_file, PATHINFO_EXTENSION ) );
	header( 'Content-Type: ' . ( $dify_types[ $dify_ext ] ?? 'application/octet-stream' ) );
	header( 'Content-Length: ' . filesize( $dify_file ) );
	readfile( $dify_file );
	return true;
}
if ( '/' !== $dify_path && file_exists( $dify_root . $dify_path ) ) {
	if ( is_dir( $dify_root . $dify_path ) && '/' !== substr( $dify_path, -1 ) ) {
		header( 'Location: ' . $dify_path . '/', true, 301 );
		return true;
	}
	if ( is_dir( $dify_root . $dify_path ) || '.php' === substr( $dify_path, -4 ) ) {
		return false;
		// The built-in server runs it (or the folder's index.php).
	}
	return false;
}
// Everything else is a pretty permalink or a REST route: the front controller.
$_SERVER['SCRIPT_NAME']     = '/index.php';
$_SERVER['PHP_SELF']        = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $dify_root . '/index.php';
chdir( $dify_root );
require $dify_root . '/index.php';
