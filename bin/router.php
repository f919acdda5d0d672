<?php
/**
 * Router for PHP's built-in server: what the usual Apache/nginx WordPress rewrite rules do.
 *
 * @package Dify_Chatbot
 */

$dify_root = rtrim( $_SERVER['DOCUMENT_ROOT'], '/' );
$dify_path = rawurldecode( (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH ) );
// Never serve dot-files (.wp/, .git/, .ht.sqlite), the SQLite folder or the plugin's dev folders.
if ( preg_match( '#/\.|^/wp-content/database(/|$)|^/wp-content/plugins/dify-chatbot/(node_modules|vendor|tests|bin)(/|$)#', $dify_path ) ) {
	http_response_code( 403 );
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
