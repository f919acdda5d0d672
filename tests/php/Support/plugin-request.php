<?php
/**
 * One REST request in a fresh PHP process: loads WordPress as a request would (wp-settings.php
 * runs plugins_loaded and init), takes the REST route QUERY_ROUTE and METHOD (GET by default) as
 * the ones this request asks for (as rest_api_loaded() does before it builds the REST server),
 * dispatches DISPATCH_ROUTE with METHOD, and prints the response's status on the first line, then
 * each of the plugin's classes that were loaded, then `text domain dify-chatbot` if anything
 * asked for one of the plugin's translations, then, where the chat route was registered, the
 * description of its `query` argument (`chat query: …`).
 * Used by PluginTest to see which of the plugin's parts a request builds.
 *
 * Usage: php plugin-request.php QUERY_ROUTE DISPATCH_ROUTE [METHOD]
 *
 * @package Dify_Chatbot
 */

$dify_method = $argv[3] ?? 'GET';
require __DIR__ . '/../wp-tests-config.php';
$_SERVER['REQUEST_METHOD'] = $dify_method;
require ABSPATH . 'wp-settings.php';

$GLOBALS['wp']->query_vars['rest_route'] = $argv[1];
define( 'REST_REQUEST', true );

$dify_response = rest_do_request( new WP_REST_Request( $dify_method, $argv[2] ) );
echo (int) $dify_response->get_status(), "\n";
foreach ( get_declared_classes() as $dify_class ) {
	if ( 0 === strpos( $dify_class, 'Dify_Chatbot\\' ) ) {
		echo $dify_class, "\n"; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- a class name, to a test.
	}
}
// WordPress keeps an entry (a NOOP one when nothing is installed) once a domain was asked for.
if ( isset( $GLOBALS['l10n']['dify-chatbot'] ) || isset( $GLOBALS['l10n_unloaded']['dify-chatbot'] ) ) {
	echo "text domain dify-chatbot\n";
}
$dify_routes = rest_get_server()->get_routes();
if ( isset( $dify_routes['/dify-chatbot/v1/chat'][0]['args']['query'] ) ) {
	echo 'chat query: ', $dify_routes['/dify-chatbot/v1/chat'][0]['args']['query']['description'] ?? '(none)', "\n"; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- to a test.
}
