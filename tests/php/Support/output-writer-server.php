<?php
/**
 * Router script for `php -S`: one streamed answer written through Output_Writer inside the
 * PHPUnit site's WordPress, as the chat route writes one. Used by Output_WriterTest.
 *
 * Query: `dir` a folder the test watches. The script opens two output buffers and prints into
 * them (as a theme or a notice might), starts the stream, writes frame 1, waits until the test
 * creates `dir/go`, writes frame 2, then writes a frame every 50 ms until the writer notices that
 * the test has closed the connection. What it saw goes to `dir/result.json`.
 *
 * @package Dify_Chatbot
 */

require __DIR__ . '/../wp-tests-config.php';
require ABSPATH . 'wp-settings.php';

// phpcs:disable WordPress.Security.ValidatedSanitizedInput, WordPress.Security.NonceVerification -- a test fixture on 127.0.0.1.
$dify_dir = isset( $_GET['dir'] ) ? (string) $_GET['dir'] : '';
if ( '' === $dify_dir || ! is_dir( $dify_dir ) ) {
	http_response_code( 400 );
	exit;
}
ob_start();
ob_start();
echo 'printed before the stream';

$dify_writer = new Dify_Chatbot\Dify\Relay\Output_Writer();
$dify_writer->start(
	array(
		'Content-Type'      => 'text/event-stream; charset=utf-8',
		'X-Accel-Buffering' => 'no',
		'X-Test-Stream'     => 'yes',
	)
);
$dify_level = ob_get_level();
$dify_writer->write( "data: {\"n\":1}\n\n" );
$dify_wait = microtime( true ) + 10;
while ( ! file_exists( $dify_dir . '/go' ) && microtime( true ) < $dify_wait ) {
	usleep( 50000 );
}
$dify_writer->write( "data: {\"n\":2}\n\n" );
$dify_gone = 0;
for ( $dify_n = 3; $dify_n < 400; $dify_n++ ) {
	usleep( 50000 );
	$dify_writer->write( "data: {\"n\":$dify_n}\n\n" );
	if ( $dify_writer->is_gone() ) {
		$dify_gone = $dify_n;
		break;
	}
}
file_put_contents(
	$dify_dir . '/result.json',
	wp_json_encode(
		array(
			'buffers_left'      => $dify_level,
			'gone_at'           => $dify_gone,
			'ignore_user_abort' => (bool) ignore_user_abort(),
		)
	)
);
