<?php
/**
 * The connection test's diagnoses.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\App;

use Dify_Chatbot\Dify\App\App_Cache;
use Dify_Chatbot\Dify\App\App_Info;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Dify\App\Connection_Test;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Settings\Encryption;
use Dify_Chatbot\Settings\Key_Store;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\Support\Tls_Server;
use Dify_Chatbot\Tests\TestCase;

require_once dirname( __DIR__, 2 ) . '/Support/Emulator.php';
require_once dirname( __DIR__, 2 ) . '/Support/Clean_Environment.php';
require_once dirname( __DIR__, 2 ) . '/Support/Tls_Server.php';

final class Connection_TestTest extends TestCase {

	use Emulator;
	use Clean_Environment;
	use Tls_Server;

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
		remove_all_filters( 'pre_http_request' );
		$this->restore_environment();
		parent::tear_down();
	}

	private function run_test( string $base_url, ?string $key ): array {
		$settings = Settings::create();
		$settings->option()->update( array( 'base_url' => $base_url ) );
		if ( null === $key ) {
			$settings->keys()->remove();
		} else {
			$settings->save_key( $key );
		}
		return ( new Connection_Test( $settings, new App_Info( new Error_Mapper() ) ) )->run();
	}

	public function test_a_chat_app_connects(): void {
		$result = $this->run_test( self::emulator_url(), 'app-emulator' );
		$this->assertTrue( $result['ok'] );
		$this->assertSame( 'ok', $result['code'] );
		$this->assertSame( 'chat', $result['app']['mode'] );
		$this->assertTrue( $result['app']['can_chat'] );
		$this->assertNotSame( '', $result['app']['name'] );
		$this->assertMatchesRegularExpression( '/Connected to .*\(chat\)/', $result['message'] );
		// The mode is cached for the chat route.
		$this->assertSame( 'chat', App_Cache::get( App_Info::PREFIX . ( new Client( self::emulator_url(), 'app-emulator' ) )->fingerprint() )['mode'] ?? null );
	}

	/**
	 * @dataProvider chat_modes
	 */
	public function test_every_mode_says_whether_it_can_chat( string $key, string $mode, bool $can_chat ): void {
		$result = $this->run_test( self::emulator_url(), $key );
		$this->assertTrue( $result['ok'] );
		$this->assertSame( $mode, $result['app']['mode'] );
		$this->assertSame( $can_chat, $result['app']['can_chat'] );
		if ( ! $can_chat ) {
			$this->assertStringContainsString( 'can answer but not hold a conversation', $result['message'] );
		}
	}

	public function chat_modes(): array {
		return array(
			'agent'      => array( 'app-emulator-agent', 'agent-chat', true ),
			'chatflow'   => array( 'app-emulator-chatflow', 'advanced-chat', true ),
			'completion' => array( 'app-emulator-completion', 'completion', false ),
			'workflow'   => array( 'app-emulator-workflow', 'workflow', false ),
		);
	}

	public function test_a_wrong_key(): void {
		$result = $this->run_test( self::emulator_url(), 'app-wrong-key-1234' );
		$this->assertFalse( $result['ok'] );
		$this->assertSame( 'unauthorized', $result['code'] );
		$this->assertMatchesRegularExpression( '/key.*(wrong|invalid|rejected|not valid)|(wrong|invalid|rejected|not valid).*key/i', $result['message'] );
		$this->assertNull( $result['app'] );
	}

	public function test_an_app_with_its_api_disabled(): void {
		$result = $this->run_test( self::emulator_url(), 'app-emulator-disabled' );
		$this->assertSame( 'forbidden', $result['code'] );
		$this->assertStringContainsString( 'API', $result['message'] );
	}

	public function test_a_wrong_path(): void {
		$result = $this->run_test( self::emulator_origin(), 'app-emulator' );
		$this->assertSame( 'not_found', $result['code'] );
		$this->assertStringContainsString( '/v1', $result['message'] );
	}

	public function test_an_html_answer_is_not_a_dify_api(): void {
		add_filter(
			'pre_http_request',
			static function () {
				return array(
					'headers'  => array( 'content-type' => 'text/html; charset=UTF-8' ),
					'body'     => '<!doctype html><html><body>Welcome to nginx!</body></html>',
					'response' => array(
						'code'    => 200,
						'message' => 'OK',
					),
					'cookies'  => array(),
				);
			}
		);
		$result = $this->run_test( 'https://www.example.com/v1', 'app-emulator' );
		$this->assertSame( 'not_dify', $result['code'] );
		$this->assertFalse( $result['ok'] );
	}

	public function test_connection_refused(): void {
		$result = $this->run_test( 'http://127.0.0.1:1/v1', 'app-emulator' );
		$this->assertSame( 'refused', $result['code'] );
		$this->assertStringContainsString( '127.0.0.1', $result['message'] );
	}

	/**
	 * @dataProvider transport_failures
	 */
	public function test_transport_failures_in_plain_words( string $curl_message, string $code, string $words ): void {
		add_filter(
			'pre_http_request',
			static function () use ( $curl_message ) {
				return new \WP_Error( 'http_request_failed', $curl_message );
			}
		);
		$result = $this->run_test( 'https://dify.example.org/v1', 'app-emulator' );
		$this->assertSame( $code, $result['code'] );
		$this->assertStringContainsString( $words, $result['message'] );
		$this->assertStringNotContainsString( 'cURL', $result['message'] );
	}

	public function transport_failures(): array {
		return array(
			'dns'     => array( 'cURL error 6: Could not resolve host: dify.example.org', 'dns', 'could not be found' ),
			'timeout' => array( 'cURL error 28: Connection timed out after 10001 milliseconds', 'timeout', 'did not answer in time' ),
			'tls'     => array( 'cURL error 60: SSL certificate problem: unable to get local issuer certificate', 'tls', 'certificate' ),
		);
	}

	public function test_a_blocked_host_is_explained(): void {
		// The PHPUnit site blocks external hosts (WP_HTTP_BLOCK_EXTERNAL) but 127.0.0.1.
		$result = $this->run_test( 'https://dify.example.org/v1', 'app-emulator' );
		$this->assertSame( 'refused', $result['code'] );
		$this->assertStringContainsString( 'WP_ACCESSIBLE_HOSTS', $result['message'] );
	}

	public function test_no_key(): void {
		$result = $this->run_test( self::emulator_url(), null );
		$this->assertSame( 'no_key', $result['code'] );
	}

	public function test_an_unreadable_key_asks_for_it_again(): void {
		update_option(
			Key_Store::OPTION,
			array(
				'ciphertext' => ( new Encryption( 'old salts' ) )->encrypt( 'app-emulator' ),
				'last4'      => 'ator',
			),
			false
		);
		$settings = Settings::create();
		$settings->option()->update( array( 'base_url' => self::emulator_url() ) );
		$result = ( new Connection_Test( $settings, new App_Info( new Error_Mapper() ) ) )->run();
		$this->assertSame( 'no_key', $result['code'] );
		$this->assertStringContainsString( 'again', $result['message'] );
	}

	public function test_an_invalid_base_url_override(): void {
		$this->set_environment( 'DIFY_CHATBOT_BASE_URL', 'https://user:pw@dify.example.org/v1' );
		$result = $this->run_test( self::emulator_url(), 'app-emulator' );
		$this->assertSame( 'bad_url', $result['code'] );
		$this->assertStringContainsString( 'user name or password', $result['message'] );
	}

	public function test_the_environment_key_is_tested(): void {
		$this->set_environment( 'DIFY_CHATBOT_API_KEY', 'app-emulator-agent' );
		$this->set_environment( 'DIFY_CHATBOT_BASE_URL', self::emulator_url() );
		$result = $this->run_test( 'https://stored.example/v1', 'app-emulator' );
		$this->assertSame( 'agent-chat', $result['app']['mode'] );
	}

	public function test_an_environment_key_without_its_base_url_is_sent_nowhere(): void {
		$this->set_environment( 'DIFY_CHATBOT_API_KEY', 'app-emulator-agent' );
		$since  = $this->emulator_last_seq();
		$result = $this->run_test( self::emulator_url(), 'app-emulator' );
		$this->assertSame( 'key_needs_url', $result['code'] );
		$this->assertStringContainsString( 'DIFY_CHATBOT_BASE_URL', $result['message'] );
		$this->assertSame( array(), $this->emulator_requests( $since, '/' ) );
	}

	public function test_a_saved_key_is_not_tried_on_another_server(): void {
		$this->run_test( self::emulator_url(), 'app-emulator' );
		// The emulator by another name: another origin to the plugin.
		$this->set_environment( 'DIFY_CHATBOT_BASE_URL', str_replace( '://127.0.0.1:', '://localhost:', self::emulator_url() ) );
		$since  = $this->emulator_last_seq();
		$result = ( new Connection_Test( Settings::create(), new App_Info( new Error_Mapper() ) ) )->run();
		$this->assertSame( 'key_elsewhere', $result['code'] );
		$this->assertStringContainsString( 'enter the key again', $result['message'] );
		$this->assertSame( array(), $this->emulator_requests( $since, '/' ) );
	}

	public function test_a_self_signed_server_asks_for_the_ca_bundle(): void {
		$https  = self::start_tls_proxy( self::emulator_origin() );
		$result = $this->run_test( $https . '/v1', 'app-emulator' );
		$this->assertFalse( $result['ok'] );
		$this->assertSame( 'tls', $result['code'] );
		$this->assertStringContainsString( 'certificate could not be verified', $result['message'] );
		$this->assertStringContainsString( 'Advanced → CA bundle', $result['message'] );

		// The same server with its certificate as the CA bundle (here through the override).
		$this->set_environment( 'DIFY_CHATBOT_CA_BUNDLE', self::tls_certificate() );
		$result = $this->run_test( $https . '/v1', 'app-emulator' );
		$this->assertTrue( $result['ok'], $result['message'] );
		$this->assertSame( 'chat', $result['app']['mode'] );
	}

	public function test_a_ca_bundle_that_does_not_verify_the_server_names_the_file(): void {
		$https = self::start_tls_proxy( self::emulator_origin() );
		$other = (string) tempnam( sys_get_temp_dir(), 'dify-ca' );
		// A real, but unrelated, certificate authority: the system bundle's first certificate.
		preg_match( '/-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----/s', (string) file_get_contents( '/etc/ssl/certs/ca-certificates.crt' ), $first ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents
		file_put_contents( $other, $first[0] . "\n" ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_file_put_contents
		$this->set_environment( 'DIFY_CHATBOT_CA_BUNDLE', $other );

		$result = $this->run_test( $https . '/v1', 'app-emulator' );
		unlink( $other );
		$this->assertSame( 'tls', $result['code'] );
		$this->assertStringContainsString( 'with the certificates in ' . $other, $result['message'] );
	}

	public function test_an_unusable_ca_bundle_override_is_explained_before_any_request(): void {
		$this->set_environment( 'DIFY_CHATBOT_CA_BUNDLE', '/nonexistent/dify-ca.pem' );
		$since  = $this->emulator_last_seq();
		$result = $this->run_test( self::emulator_url(), 'app-emulator' );
		$this->assertSame( 'bad_ca_bundle', $result['code'] );
		$this->assertStringContainsString( 'There is no file at /nonexistent/dify-ca.pem', $result['message'] );
		$this->assertSame( array(), $this->emulator_requests( $since, '/info' ) );
	}

	public function test_a_redirect_is_not_followed_and_its_target_is_suggested(): void {
		$target     = str_replace( '127.0.0.1', 'localhost', self::emulator_origin() );
		$redirector = self::start_redirector( $target );
		$since      = $this->emulator_last_seq();

		$result = $this->run_test( $redirector . '/v1', 'app-emulator' );
		$this->assertFalse( $result['ok'] );
		$this->assertSame( 'redirect', $result['code'] );
		$this->assertStringContainsString( 'redirect to ' . $target . '/v1.', $result['message'] );
		$this->assertStringContainsString( 'enter it as the API base URL', $result['message'] );
		$this->assertSame( array(), $this->emulator_requests( $since, '/info' ) );
	}
}
