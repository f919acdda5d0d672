<?php
/**
 * What kind of failure a transport error is.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\Http;

use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Dify\Http\Transport_Error;
use Dify_Chatbot\Tests\TestCase;
use WP_Error;

final class Transport_ErrorTest extends TestCase {

	/**
	 * @dataProvider errors
	 */
	public function test_the_kind_of_an_http_api_error( WP_Error $error, string $kind ): void {
		$this->assertSame( $kind, Transport_Error::kind( $error ) );
	}

	public function errors(): array {
		$failed = static function ( string $message ): WP_Error {
			return new WP_Error( 'http_request_failed', $message );
		};
		return array(
			'dns'          => array( $failed( 'cURL error 6: Could not resolve host: dify.invalid' ), 'dns' ),
			'refused'      => array( $failed( 'cURL error 7: Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn\'t connect to server' ), 'refused' ),
			'timeout'      => array( $failed( 'cURL error 28: Operation timed out after 5001 milliseconds with 0 bytes received' ), 'timeout' ),
			'idle timeout' => array( $failed( 'cURL error 28: Operation too slow. Less than 1 bytes/sec transferred the last 60 seconds' ), 'timeout' ),
			'tls verify'   => array( $failed( 'cURL error 60: SSL certificate problem: self-signed certificate' ), 'tls' ),
			'tls connect'  => array( $failed( 'cURL error 35: OpenSSL SSL_connect: SSL_ERROR_SYSCALL' ), 'tls' ),
			'bad url'      => array( $failed( 'A valid URL was not provided.' ), 'bad_url' ),
			'reset'        => array( $failed( 'cURL error 56: Recv failure: Connection reset by peer' ), 'network' ),
			'no curl text' => array( $failed( 'Connection timed out' ), 'timeout' ),
			'blocked'      => array( new WP_Error( 'http_request_not_executed', 'User has blocked requests through HTTP.' ), 'blocked' ),
		);
	}

	public function test_a_real_refused_connection_is_refused(): void {
		$error = ( new Client( 'http://127.0.0.1:1/v1', 'app-emulator' ) )->info();
		$this->assertInstanceOf( WP_Error::class, $error );
		$this->assertSame( 'refused', Transport_Error::kind( $error ) );
	}
}
