<?php
/**
 * One web request's worth of Counter_Store: loads WordPress like a request would (its own
 * database connection), waits for the start time, adds 1 to a counter and prints the new value.
 * Used by Counter_StoreTest to race many processes against one counter.
 *
 * Usage: php counter-hit.php KEY WINDOW_START START_AT_MICROTIME
 *
 * @package Dify_Chatbot
 */

require __DIR__ . '/../wp-tests-config.php';
require ABSPATH . 'wp-settings.php';

$dify_start = (float) $argv[3];
while ( microtime( true ) < $dify_start ) {
	usleep( 1000 );
}
$dify_value = ( new Dify_Chatbot\Security\Counter_Store() )->add( $argv[1], (int) $argv[2], 60 );
echo null === $dify_value ? 'null' : (int) $dify_value;
