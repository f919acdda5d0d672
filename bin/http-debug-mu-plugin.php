<?php
/**
 * Must-use plugin of the test sites only (copied by bin/test.sh, never shipped): records every
 * outgoing HTTP request the way a debugging plugin does (Query Monitor keeps the arguments of
 * `http_request_args` and everything `http_api_debug` passes: the arguments with their headers,
 * and the response), into run/http-debug.log next to the debug log. bin/test.sh fails when an
 * emulator API key appears in it: the plugin must not put the key where such plugins look.
 *
 * Only web requests (php -S) are recorded; PHPUnit loads the same WordPress and checks the hooks
 * itself (tests/php/Dify/ClientTest.php).
 *
 * @package Dify_Chatbot
 */

if ( 'cli-server' === PHP_SAPI ) {
	$dify_chatbot_http_debug = static function ( string $hook, array $values ): void {
		// print_r shows private and protected properties too (the Requests response objects).
		$entry = gmdate( 'c' ) . ' ' . $hook . ' ' . print_r( $values, true ) . "\n"; // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_print_r
		file_put_contents( dirname( ABSPATH ) . '/run/http-debug.log', $entry, FILE_APPEND | LOCK_EX ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_file_put_contents
	};
	add_filter(
		'http_request_args',
		static function ( $args, $url ) use ( $dify_chatbot_http_debug ) {
			$dify_chatbot_http_debug( 'http_request_args', array( $url, $args ) );
			return $args;
		},
		9999,
		2
	);
	add_action(
		'http_api_debug',
		static function ( $response, $context, $transport, $args, $url ) use ( $dify_chatbot_http_debug ) {
			$dify_chatbot_http_debug( 'http_api_debug', array( $url, $context, $transport, $args, $response ) );
		},
		10,
		5
	);
}
