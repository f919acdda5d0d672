<?php
/**
 * What one committed write costs the database itself, apart from the plugin: the floor under the
 * counters' statement a chat message makes before it asks Dify (bench row (d)). Prints numbers;
 * asserts nothing. Run: php tests/bench/write-floor.php (MariaDB too with BENCH_FLOOR_MYSQL =
 * "host user password database", e.g. "localhost dify_chatbot dify_chatbot dify_chatbot_dev").
 *
 * - SQLite, as the SQLite Database Integration opens it (WAL, synchronous NORMAL), in a fresh
 *   process each time as a request would be: the first write of a process that finds no other
 *   connection open (the last one to close deleted the write-ahead log, so this write creates it
 *   again), then the same with another process holding a connection open (the log stays), then a
 *   second write in the same process.
 * - MariaDB: an autocommit 10-row upsert in a fresh connection after a pause (as requests come),
 *   and the same back to back in one connection.
 *
 * @package Dify_Chatbot
 */

// phpcs:disable WordPress -- a command-line measurement, outside WordPress.

if ( PHP_SAPI !== 'cli' ) {
	exit( 1 );
}

/**
 * Median and 90th percentile of a list, in ms.
 *
 * @param float[] $values The values.
 */
function dify_floor_stats( array $values ): string {
	sort( $values );
	$n = count( $values );
	return sprintf( 'median %.2f ms, p90 %.2f ms (%d)', $values[ intdiv( $n, 2 ) ], $values[ (int) floor( 0.9 * ( $n - 1 ) ) ], $n );
}

$dify_child = $argv[1] ?? '';
if ( 'sqlite-write' === $dify_child ) {
	// One "request": open, read (as WordPress would first), then two writes; prints both times.
	$pdo = new PDO( 'sqlite:' . $argv[2] );
	$pdo->setAttribute( PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION );
	$pdo->exec( 'PRAGMA journal_mode = WAL' );
	$pdo->exec( 'PRAGMA synchronous = NORMAL' );
	$pdo->exec( 'PRAGMA busy_timeout = 10000' );
	$pdo->query( 'SELECT COUNT(*) FROM counters' )->fetchAll();
	$times = array();
	for ( $i = 0; $i < 2; $i++ ) {
		$start = hrtime( true );
		$pdo->exec( "INSERT INTO counters VALUES ('a', 1, 1) ON CONFLICT (k, w) DO UPDATE SET hits = hits + 1" );
		$times[] = ( hrtime( true ) - $start ) / 1e6;
	}
	echo implode( ' ', $times ), "\n";
	exit( 0 );
}
if ( 'sqlite-hold' === $dify_child ) {
	$pdo = new PDO( 'sqlite:' . $argv[2] );
	$pdo->query( 'SELECT COUNT(*) FROM counters' )->fetchAll();
	sleep( (int) $argv[3] );
	exit( 0 );
}

$dify_rounds = 20;
$dify_file   = tempnam( sys_get_temp_dir(), 'dify-floor-' );
$dify_pdo    = new PDO( 'sqlite:' . $dify_file );
$dify_pdo->exec( 'PRAGMA journal_mode = WAL' );
$dify_pdo->exec( 'CREATE TABLE counters (k TEXT, w INTEGER, hits INTEGER, PRIMARY KEY (k, w))' );
$dify_pdo = null;
$dify_run = static function () use ( $dify_file ): array {
	$out = (string) shell_exec( escapeshellarg( PHP_BINARY ) . ' ' . escapeshellarg( __FILE__ ) . ' sqlite-write ' . escapeshellarg( $dify_file ) );
	return array_map( 'floatval', explode( ' ', trim( $out ) ) );
};
$dify_first = array();
$dify_again = array();
for ( $i = 0; $i < $dify_rounds; $i++ ) {
	list( $first, $second ) = $dify_run();
	$dify_first[]           = $first;
	$dify_again[]           = $second;
	usleep( 100000 );
}
$dify_hold = proc_open( array( PHP_BINARY, __FILE__, 'sqlite-hold', $dify_file, '30' ), array(), $dify_pipes );
usleep( 300000 );
$dify_run();
$dify_held = array();
for ( $i = 0; $i < $dify_rounds; $i++ ) {
	$dify_held[] = $dify_run()[0];
	usleep( 100000 );
}
proc_terminate( $dify_hold );
proc_close( $dify_hold );
foreach ( array( '', '-wal', '-shm' ) as $dify_suffix ) {
	@unlink( $dify_file . $dify_suffix ); // phpcs:ignore WordPress.PHP.NoSilencedErrors
}
echo 'SQLite ', SQLite3::version()['versionString'], " (WAL, synchronous NORMAL), one upsert per fresh process:\n";
echo '  first write, no other connection open  ', dify_floor_stats( $dify_first ), "\n";
echo '  first write, another connection open   ', dify_floor_stats( $dify_held ), "\n";
echo '  second write in the same process       ', dify_floor_stats( $dify_again ), "\n";

$dify_mysql = getenv( 'BENCH_FLOOR_MYSQL' );
if ( ! is_string( $dify_mysql ) || '' === $dify_mysql ) {
	exit( 0 );
}
list( $dify_host, $dify_user, $dify_password, $dify_database ) = array_pad( explode( ' ', $dify_mysql ), 4, '' );
$dify_sql = 'INSERT INTO zz_dify_floor (k, w, hits) VALUES ' . implode( ', ', array_map( static fn ( $i ) => "('k$i', $i, 1)", range( 1, 10 ) ) ) . ' ON DUPLICATE KEY UPDATE hits = hits + VALUES(hits)';
$dify_db  = new mysqli( $dify_host, $dify_user, $dify_password, $dify_database );
$dify_db->query( 'CREATE TABLE IF NOT EXISTS zz_dify_floor (k VARCHAR(16), w INT, hits INT, PRIMARY KEY (k, w)) ENGINE=InnoDB' );
$dify_apart = array();
for ( $i = 0; $i < $dify_rounds; $i++ ) {
	usleep( 100000 );
	$connection = new mysqli( $dify_host, $dify_user, $dify_password, $dify_database );
	$start      = hrtime( true );
	$connection->query( $dify_sql );
	$dify_apart[] = ( hrtime( true ) - $start ) / 1e6;
	$connection->close();
}
$dify_loop = array();
for ( $i = 0; $i < $dify_rounds; $i++ ) {
	$start = hrtime( true );
	$dify_db->query( $dify_sql );
	$dify_loop[] = ( hrtime( true ) - $start ) / 1e6;
}
$dify_flush = $dify_db->query( 'SELECT @@innodb_flush_log_at_trx_commit' )->fetch_row()[0];
$dify_db->query( 'DROP TABLE zz_dify_floor' );
echo 'MariaDB ', $dify_db->server_info, " (innodb_flush_log_at_trx_commit = $dify_flush), a 10-row autocommit upsert:\n";
echo '  in a fresh connection, 0.1 s apart     ', dify_floor_stats( $dify_apart ), "\n";
echo '  back to back in one connection         ', dify_floor_stats( $dify_loop ), "\n";
