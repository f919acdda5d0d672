<?php
/**
 * A TCP port that never completes a connection: it listens with a backlog of 0 and fills that
 * backlog itself without ever accepting, so the kernel drops every further SYN and a client waits
 * until its connect timeout. Used by faults.spec.ts for "connect timeout".
 *
 * Usage: php blackhole.php [PORT]   (0 or none: any free port; prints "ready PORT", then holds the
 * port for 120 seconds).
 *
 * @package Dify_Chatbot
 */

$port    = (int) ( $argv[1] ?? 0 );
$context = stream_context_create( array( 'socket' => array( 'backlog' => 0 ) ) );
$server  = stream_socket_server( "tcp://127.0.0.1:$port", $errno, $errstr, STREAM_SERVER_BIND | STREAM_SERVER_LISTEN, $context );
if ( false === $server ) {
	fwrite( STDERR, "cannot listen on $port: $errstr\n" );
	exit( 1 );
}
$port = (int) substr( (string) strrchr( (string) stream_socket_get_name( $server, false ), ':' ), 1 );
$fill = array();
for ( $i = 0; $i < 4; $i++ ) {
	$fill[] = stream_socket_client( "tcp://127.0.0.1:$port", $errno, $errstr, 1, STREAM_CLIENT_CONNECT | STREAM_CLIENT_ASYNC_CONNECT );
}
echo "ready $port\n";
sleep( 120 );
