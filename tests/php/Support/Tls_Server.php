<?php
/**
 * An HTTPS front with a self-signed certificate and a redirecting server, for the TLS and
 * redirect tests.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Support;

/**
 * The certificate is made at test time with `openssl req -x509` into a temporary folder; the
 * servers are tests/php/Support/tls-server.ts, started once per test class and stopped when the
 * class is done (their standard input closes).
 */
trait Tls_Server {

	/**
	 * Folder with cert.pem (the self-signed certificate, also the CA bundle) and key.pem.
	 *
	 * @var string|null
	 */
	private static $tls_dir = null;

	/**
	 * Running helper servers: [process, stdin pipe, stdout pipe].
	 *
	 * @var array<int, array{0: resource, 1: resource, 2: resource}>
	 */
	private static $tls_servers = array();

	/**
	 * The folder holding cert.pem and key.pem (made on first use).
	 */
	protected static function tls_dir(): string {
		if ( null === self::$tls_dir ) {
			$dir = sys_get_temp_dir() . '/dify-chatbot-tls-' . bin2hex( random_bytes( 6 ) );
			mkdir( $dir, 0700 );
			$command = sprintf(
				'openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj %s -addext %s -keyout %s -out %s 2>&1',
				escapeshellarg( '/CN=Dify Chatbot test server' ),
				escapeshellarg( 'subjectAltName=IP:127.0.0.1' ),
				escapeshellarg( $dir . '/key.pem' ),
				escapeshellarg( $dir . '/cert.pem' )
			);
			exec( $command, $output, $status ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.system_calls_exec -- test set-up.
			if ( 0 !== $status ) {
				throw new \RuntimeException( 'openssl could not make a test certificate: ' . implode( "\n", $output ) );
			}
			self::$tls_dir = $dir;
		}
		return self::$tls_dir;
	}

	/**
	 * The self-signed certificate (a valid CA bundle for the HTTPS front).
	 */
	protected static function tls_certificate(): string {
		return self::tls_dir() . '/cert.pem';
	}

	/**
	 * Starts the HTTPS front for an origin; returns its origin (https://127.0.0.1:PORT).
	 *
	 * @param string $target Origin to forward to.
	 */
	protected static function start_tls_proxy( string $target ): string {
		return 'https://127.0.0.1:' . self::start_helper( array( 'proxy', self::tls_certificate(), self::tls_dir() . '/key.pem', $target ) );
	}

	/**
	 * Starts a server that redirects every request to $origin + the same path; returns its
	 * origin (http://127.0.0.1:PORT).
	 *
	 * @param string $origin Where to redirect.
	 */
	protected static function start_redirector( string $origin ): string {
		return 'http://127.0.0.1:' . self::start_helper( array( 'redirect', $origin ) );
	}

	/**
	 * Stops the helpers and removes the certificate.
	 */
	protected static function stop_tls_servers(): void {
		foreach ( self::$tls_servers as $server ) {
			fclose( $server[1] ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fclose
			fclose( $server[2] ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fclose
			proc_terminate( $server[0] );
			proc_close( $server[0] );
		}
		self::$tls_servers = array();
		if ( null !== self::$tls_dir ) {
			array_map( 'unlink', (array) glob( self::$tls_dir . '/*' ) );
			rmdir( self::$tls_dir );
			self::$tls_dir = null;
		}
	}

	/**
	 * Starts tls-server.ts and waits for its port.
	 *
	 * @param string[] $args Arguments.
	 */
	private static function start_helper( array $args ): int {
		$root    = dirname( __DIR__, 3 );
		$command = array_merge( array( 'node', '--import', 'tsx', $root . '/tests/php/Support/tls-server.ts' ), $args );
		$streams = array(
			0 => array( 'pipe', 'r' ),
			1 => array( 'pipe', 'w' ),
			2 => array( 'file', '/dev/null', 'w' ),
		);
		$process = proc_open( $command, $streams, $pipes, $root ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.system_calls_proc_open -- test set-up.
		if ( ! is_resource( $process ) ) {
			throw new \RuntimeException( 'Could not start tests/php/Support/tls-server.ts.' );
		}
		self::$tls_servers[] = array( $process, $pipes[0], $pipes[1] );
		$read                = array( $pipes[1] );
		$write               = null;
		$except              = null;
		$line                = '';
		if ( stream_select( $read, $write, $except, 20 ) > 0 ) {
			$line = (string) fgets( $pipes[1] );
		}
		if ( 1 !== preg_match( '/^port (\d+)/', $line, $matches ) ) {
			throw new \RuntimeException( 'tests/php/Support/tls-server.ts did not start: ' . $line );
		}
		return (int) $matches[1];
	}
}
