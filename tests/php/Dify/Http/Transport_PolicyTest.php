<?php
/**
 * TLS verification, the CA bundle and redirects, against a real HTTPS server with a certificate
 * made at test time.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\Http;

use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Dify\Http\Transport_Error;
use Dify_Chatbot\Dify\Http\Transport_Policy;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\Support\Tls_Server;
use Dify_Chatbot\Tests\TestCase;

require_once dirname( __DIR__, 2 ) . '/Support/Emulator.php';
require_once dirname( __DIR__, 2 ) . '/Support/Clean_Environment.php';
require_once dirname( __DIR__, 2 ) . '/Support/Tls_Server.php';

final class Transport_PolicyTest extends TestCase {

	use Emulator;
	use Clean_Environment;
	use Tls_Server;

	/**
	 * The HTTPS front of the emulator (https://127.0.0.1:PORT).
	 *
	 * @var string
	 */
	private static $https = '';

	/**
	 * A server that redirects to the emulator under another host name (localhost).
	 *
	 * @var string
	 */
	private static $redirector = '';

	public static function set_up_before_class() {
		parent::set_up_before_class();
		self::$https      = self::start_tls_proxy( self::emulator_origin() );
		self::$redirector = self::start_redirector( str_replace( '127.0.0.1', 'localhost', self::emulator_origin() ) );
	}

	public static function tear_down_after_class() {
		self::stop_tls_servers();
		parent::tear_down_after_class();
	}

	protected function set_up() {
		parent::set_up();
		$this->clean_environment();
		$this->require_emulator();
	}

	protected function tear_down() {
		remove_all_filters( 'http_request_args' );
		remove_all_filters( 'https_ssl_verify' );
		remove_all_actions( 'http_api_curl' );
		$this->restore_environment();
		parent::tear_down();
	}

	/**
	 * What a careless "fix SSL errors" snippet does: verification off for every request, in all
	 * three places WordPress lets it.
	 */
	private function turn_verification_off_everywhere(): void {
		add_filter(
			'http_request_args',
			static function ( $args ) {
				$args['sslverify']   = false;
				$args['redirection'] = 5;
				return $args;
			}
		);
		add_filter( 'https_ssl_verify', '__return_false' );
		add_action(
			'http_api_curl',
			static function ( $handle ) {
				curl_setopt( $handle, CURLOPT_SSL_VERIFYPEER, false ); // phpcs:ignore WordPress.WP.AlternativeFunctions.curl_curl_setopt
				curl_setopt( $handle, CURLOPT_SSL_VERIFYHOST, 0 ); // phpcs:ignore WordPress.WP.AlternativeFunctions.curl_curl_setopt
				curl_setopt( $handle, CURLOPT_FOLLOWLOCATION, true ); // phpcs:ignore WordPress.WP.AlternativeFunctions.curl_curl_setopt
			}
		);
	}

	public function test_a_self_signed_server_is_refused_without_a_ca_bundle(): void {
		$since    = $this->emulator_last_seq();
		$response = ( new Client( self::$https . '/v1', 'app-emulator', new Transport_Policy( '' ) ) )->info();

		$this->assertInstanceOf( \WP_Error::class, $response );
		$this->assertSame( 'tls', Transport_Error::kind( $response ) );
		$this->assertSame( array(), $this->emulator_requests( $since, '/info' ), 'The key must not reach a server whose certificate failed.' );
	}

	public function test_the_ca_bundle_makes_the_self_signed_server_trusted(): void {
		$since    = $this->emulator_last_seq();
		$response = ( new Client( self::$https . '/v1', 'app-emulator', new Transport_Policy( self::tls_certificate() ) ) )->info();

		$this->assert_not_wp_error( $response );
		$this->assertSame( 200, $response->status() );
		$this->assertSame( 'chat', $response->json()['mode'] );
		$this->assertCount( 1, $this->emulator_requests( $since, '/info' ) );
	}

	public function test_a_stream_works_over_tls_with_the_ca_bundle(): void {
		$events   = array();
		$response = ( new Client( self::$https . '/v1', 'app-emulator', new Transport_Policy( self::tls_certificate() ) ) )->stream(
			'/chat-messages',
			array(
				'inputs' => new \stdClass(),
				'query'  => 'tls stream token-7f3a #echo #delay:1',
				'user'   => 'visitor-tls-test',
			),
			static function ( array $event ) use ( &$events ) {
				$events[] = $event;
			}
		);

		$this->assert_not_wp_error( $response );
		$this->assertSame( 200, $response->status() );
		$answer = implode( '', array_column( array_filter( $events, static fn ( $e ) => 'message' === $e['event'] ), 'answer' ) );
		$this->assertStringContainsString( 'token-7f3a', $answer );
		$this->assertSame( 'message_end', end( $events )['event'] );
	}

	public function test_other_plugins_cannot_turn_verification_off_for_our_requests(): void {
		$this->turn_verification_off_everywhere();
		$since = $this->emulator_last_seq();

		$info   = ( new Client( self::$https . '/v1', 'app-emulator', new Transport_Policy( '' ) ) )->info();
		$stream = ( new Client( self::$https . '/v1', 'app-emulator', new Transport_Policy( '' ) ) )->stream(
			'/chat-messages',
			array(
				'inputs' => new \stdClass(),
				'query'  => 'hi',
				'user'   => 'visitor-tls-test',
			),
			static function () {}
		);

		$this->assertInstanceOf( \WP_Error::class, $info );
		$this->assertSame( 'tls', Transport_Error::kind( $info ) );
		$this->assertInstanceOf( \WP_Error::class, $stream );
		$this->assertSame( 'tls', Transport_Error::kind( $stream ) );
		$this->assertSame( array(), $this->emulator_requests( $since, '/v1/' ) );
	}

	public function test_the_policy_applies_only_to_our_requests(): void {
		$this->turn_verification_off_everywhere();
		// The same snippet still decides for the site's other requests (proof that it works at all).
		$other = wp_remote_get( self::$https . '/v1/' );
		$this->assert_not_wp_error( $other );
		$this->assertSame( 200, wp_remote_retrieve_response_code( $other ) );
		$this->assertSame( 10, has_filter( 'https_ssl_verify', '__return_false' ) );
		$this->assertFalse( has_filter( 'http_request_args', array( 'Dify_Chatbot\Dify\Http\Transport_Policy', 'filter_args' ) ) );
	}

	public function test_a_redirect_to_another_host_is_not_followed(): void {
		$this->turn_verification_off_everywhere(); // Including a filter that asks for 5 redirects.
		$since  = $this->emulator_last_seq();
		$client = new Client( self::$redirector . '/v1', 'app-emulator', new Transport_Policy( '' ) );

		$info   = $client->info();
		$chat   = $client->chat_blocking(
			'/chat-messages',
			array(
				'inputs' => new \stdClass(),
				'query'  => 'hi',
				'user'   => 'visitor-tls-test',
			)
		);
		$stream = $client->stream(
			'/chat-messages',
			array(
				'inputs' => new \stdClass(),
				'query'  => 'hi',
				'user'   => 'visitor-tls-test',
			),
			static function () {}
		);

		foreach ( array( $info, $chat, $stream ) as $response ) {
			$this->assert_not_wp_error( $response );
			$this->assertSame( 307, $response->status() );
		}
		$this->assertSame( str_replace( '127.0.0.1', 'localhost', self::emulator_origin() ) . '/v1/info', $info->header( 'location' ) );
		$this->assertSame( array(), $this->emulator_requests( $since, '/v1/' ), 'Nothing may reach the redirect target.' );
		$this->assertSame( 502, ( new Error_Mapper() )->from_response( $chat )->get_error_data()['status'] );
	}
}
