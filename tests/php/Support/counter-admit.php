<?php
/**
 * One chat message's worth of Counter_Store::admit(): loads WordPress like a request would (its
 * own database connection), waits for the start time, takes a rate-limit-like count and a
 * slot-like count of the shared counters in one go, and prints "admitted" or "refused".
 * Used by Counter_StoreTest to race many processes against one limit.
 *
 * Usage: php counter-admit.php KEY WINDOW_START LIMIT START_AT_MICROTIME returning|transaction
 *
 * @package Dify_Chatbot
 */

require __DIR__ . '/../wp-tests-config.php';
require ABSPATH . 'wp-settings.php';

$dify_start = (float) $argv[4];
while ( microtime( true ) < $dify_start ) {
	usleep( 1000 );
}
$dify_refusal = static function (): WP_Error {
	return new WP_Error( 'refused', 'refused' );
};
$dify_refused = ( new Dify_Chatbot\Security\Counter_Store( 'returning' === ( $argv[5] ?? 'returning' ) ) )->admit(
	array(
		new Dify_Chatbot\Security\Count( $argv[1] . ':limit', (int) $argv[2], (int) $argv[3], $dify_refusal ),
		new Dify_Chatbot\Security\Count( $argv[1] . ':slot', (int) $argv[2], 1000, $dify_refusal, true, true ),
	)
);
echo null === $dify_refused ? 'admitted' : 'refused';
