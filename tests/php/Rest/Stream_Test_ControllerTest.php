<?php
/**
 * The streaming self-test's routes: administrators only, the chat's headers and writer, a few
 * events a moment apart without a call to Dify, diagnostics without a secret, and the record of a
 * browser that left. (The real connection through Output_Writer: Output_WriterTest; the timing in
 * a browser on each server stack: tests/e2e/specs/stream-test.stack.spec.ts.)
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Rest;

use Dify_Chatbot\Dify\Relay\Stream_Relay;
use Dify_Chatbot\Rest\Stream_Test_Controller;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\Support\Memory_Writer;
use Dify_Chatbot\Tests\TestCase;
use WP_REST_Request;
use WP_REST_Response;

require_once dirname( __DIR__ ) . '/Support/Emulator.php';
require_once dirname( __DIR__ ) . '/Support/Memory_Writer.php';
require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';

final class Stream_Test_ControllerTest extends TestCase {

	use Emulator;
	use Clean_Environment;

	private const KEY = 'app-stream-test-secret-4411';

	private const RUN = '0b9c6a52-1f3e-4c7d-9a55-3f2e8d7c6b10';

	/**
	 * The pauses the controller asked for, in ms.
	 *
	 * @var int[]
	 */
	private $pauses = array();

	/**
	 * Whether the controller ended the request.
	 *
	 * @var bool
	 */
	private $ended = false;

	/**
	 * SERVER_SOFTWARE before the test.
	 *
	 * @var string|null
	 */
	private $software = null;

	protected function set_up() {
		parent::set_up();
		$this->clean_environment();
		$this->software = isset( $_SERVER['SERVER_SOFTWARE'] ) ? $_SERVER['SERVER_SOFTWARE'] : null; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput -- kept to be put back as it was.
	}

	protected function tear_down() {
		remove_all_filters( 'dify_chatbot_stream_padding' );
		remove_all_filters( 'dify_chatbot_stream_headers' );
		if ( null === $this->software ) {
			unset( $_SERVER['SERVER_SOFTWARE'] );
		} else {
			$_SERVER['SERVER_SOFTWARE'] = $this->software;
		}
		$this->restore_environment();
		parent::tear_down();
	}

	/**
	 * The controller as the plugin builds it, writing to memory instead of the connection.
	 */
	private function controller( Memory_Writer $writer ): Stream_Test_Controller {
		return new Stream_Test_Controller(
			static function () use ( $writer ) {
				return $writer;
			},
			function () {
				$this->ended = true;
			},
			function ( int $ms ) {
				$this->pauses[] = $ms;
			}
		);
	}

	private function request( ?string $run = null ): WP_REST_Request {
		$request = new WP_REST_Request( 'GET', '/dify-chatbot/v1/settings/stream-test' );
		if ( null !== $run ) {
			$request->set_param( 'run', $run );
		}
		return $request;
	}

	private function dispatch( string $path, array $query = array() ): WP_REST_Response {
		$request = new WP_REST_Request( 'GET', '/dify-chatbot/v1' . $path );
		$request->set_query_params( $query );
		return rest_get_server()->dispatch( $request );
	}

	public function test_only_administrators_may_run_it(): void {
		$routes = array( '/settings/stream-test', '/settings/stream-test/' . self::RUN );
		foreach ( $routes as $path ) {
			$response = $this->dispatch( $path );
			$this->assertSame( 401, $response->get_status(), "anonymous $path" );
			$this->assertSame( 'rest_forbidden', $response->get_data()['code'] );
			foreach ( array( 'subscriber', 'editor' ) as $role ) {
				wp_set_current_user( $this->make_user( $role ) );
				$response = $this->dispatch( $path );
				$this->assertSame( 403, $response->get_status(), "$role $path" );
				$this->assertSame( 'rest_forbidden', $response->get_data()['code'] );
				wp_set_current_user( 0 );
			}
		}
		$writer = new Memory_Writer();
		$this->assertFalse( $this->controller( $writer )->check_permissions() );
		wp_set_current_user( $this->make_user( 'editor' ) );
		$this->assertFalse( $this->controller( $writer )->check_permissions() );
		wp_set_current_user( $this->make_user( 'administrator' ) );
		$this->assertTrue( $this->controller( $writer )->check_permissions() );
	}

	public function test_a_run_id_that_is_not_a_uuid_is_refused_with_a_message(): void {
		wp_set_current_user( $this->make_user( 'administrator' ) );
		$response = $this->dispatch( '/settings/stream-test', array( 'run' => 'not-a-uuid' ) );
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'rest_invalid_param', $response->get_data()['code'] );
		$this->assertArrayHasKey( 'run', $response->get_data()['data']['params'] );
	}

	public function test_it_streams_ticks_a_moment_apart_then_the_diagnostics_without_calling_dify(): void {
		$this->require_emulator();
		$settings = Settings::create();
		$settings->option()->update( array( 'base_url' => self::emulator_url() ) );
		$settings->keys()->save( self::KEY );
		wp_set_current_user( $this->make_user( 'administrator' ) );
		$since  = $this->emulator_last_seq();
		$writer = new Memory_Writer();

		$response = $this->controller( $writer )->stream( $this->request() );

		$this->assertSame( 200, $response->get_status() );
		$this->assertTrue( $this->ended, 'The request ends after the stream, like a chat stream.' );
		$this->assertSame( 1, $writer->starts );
		$this->assertSame( Stream_Relay::headers(), $writer->headers, 'The headers of a chat stream.' );
		$this->assertSame( 'text/event-stream; charset=utf-8', $writer->headers['Content-Type'] );
		$this->assertSame( 'no', $writer->headers['X-Accel-Buffering'] );

		$names = $writer->names();
		$this->assertSame( array_merge( array_fill( 0, Stream_Test_Controller::TICKS, 'stream_test' ), array( 'stream_test_end' ) ), $names );
		$events = $writer->events();
		$this->assertSame( range( 1, Stream_Test_Controller::TICKS ), array_column( array_slice( $events, 0, -1 ), 'n' ) );
		foreach ( $events as $event ) {
			$this->assertIsInt( $event['sent_ms'] );
		}
		$this->assertSame( array_fill( 0, Stream_Test_Controller::TICKS - 1, Stream_Test_Controller::INTERVAL_MS ), $this->pauses, 'One pause between two ticks.' );
		foreach ( $writer->frames as $frame ) {
			$this->assertLessThan( 600, strlen( $frame ), 'Small events: a buffer of a few KB holds them all back.' );
		}

		$this->assertSame( array(), $this->emulator_requests( $since, '/' ), 'Nothing reached Dify.' );
		$all = implode( '', $writer->frames );
		$this->assertStringNotContainsString( self::KEY, $all );
		$this->assertStringNotContainsString( substr( self::KEY, 0, 12 ), $all );
		$this->assertStringNotContainsString( ABSPATH, $all, 'No path of the site.' );
		$this->assertStringNotContainsString( DB_PASSWORD, $all );
	}

	public function test_the_diagnostics_say_what_php_sees_and_the_padding_in_use(): void {
		wp_set_current_user( $this->make_user( 'administrator' ) );
		$_SERVER['SERVER_SOFTWARE'] = 'Apache/2.4.62 (Debian)';
		add_filter(
			'dify_chatbot_stream_padding',
			static function () {
				return 1234;
			}
		);
		$writer = new Memory_Writer();
		$this->controller( $writer )->stream( $this->request() );

		$events      = $writer->events();
		$diagnostics = end( $events )['diagnostics'];
		$this->assertSame(
			array( 'sapi', 'server_software', 'zlib_output_compression', 'zlib_turned_off', 'output_buffering', 'output_buffers', 'padding' ),
			array_keys( $diagnostics )
		);
		$this->assertSame( PHP_SAPI, $diagnostics['sapi'] );
		$this->assertSame( 'Apache/2.4.62 (Debian)', $diagnostics['server_software'] );
		$this->assertSame( 1234, $diagnostics['padding'], 'The padding the writer uses: the filter decides it.' );
		$this->assertIsBool( $diagnostics['zlib_output_compression'] );
		$this->assertFalse( $diagnostics['zlib_turned_off'], 'The memory writer turns nothing off.' );
		$this->assertSame( (string) ini_get( 'output_buffering' ), $diagnostics['output_buffering'] );
		$this->assertSame( array( 'found', 'left' ), array_keys( $diagnostics['output_buffers'] ) );
		// PHPUnit's own buffer is there, and a memory writer ends none.
		$this->assertSame( ob_get_level(), $diagnostics['output_buffers']['found'] );
		$this->assertSame( ob_get_level(), $diagnostics['output_buffers']['left'] );

		remove_all_filters( 'dify_chatbot_stream_padding' );
		$writer = new Memory_Writer();
		$this->controller( $writer )->stream( $this->request() );
		$events = $writer->events();
		$this->assertSame( 0, end( $events )['diagnostics']['padding'], 'No padding outside Apache + FastCGI (this is ' . PHP_SAPI . ').' );
	}

	public function test_a_host_s_header_filter_applies_to_the_test_as_to_a_chat(): void {
		wp_set_current_user( $this->make_user( 'administrator' ) );
		add_filter(
			'dify_chatbot_stream_headers',
			static function ( array $headers ) {
				return $headers + array( 'Content-Encoding' => 'none' );
			}
		);
		$writer = new Memory_Writer();
		$this->controller( $writer )->stream( $this->request() );
		$this->assertSame( 'none', $writer->headers['Content-Encoding'] );
	}

	public function test_a_browser_that_left_is_recorded_and_reported_to_its_user_only(): void {
		$admin = $this->make_user( 'administrator' );
		wp_set_current_user( $admin );
		$writer = new Memory_Writer( 3 );
		$this->controller( $writer )->stream( $this->request( self::RUN ) );

		$this->assertSame( array( 'stream_test', 'stream_test', 'stream_test' ), $writer->names(), 'No more events once the browser has gone.' );
		$this->assertTrue( $this->ended );
		$response = $this->dispatch( '/settings/stream-test/' . self::RUN );
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( 'noticed', $response->get_data()['state'] );
		$this->assertIsInt( $response->get_data()['ms_ago'] );
		$this->assertGreaterThanOrEqual( 0, $response->get_data()['ms_ago'] );
		// Upper case is the same id.
		$this->assertSame( 200, $this->dispatch( '/settings/stream-test/' . strtoupper( self::RUN ) )->get_status() );

		wp_set_current_user( $this->make_user( 'administrator' ) );
		$response = $this->dispatch( '/settings/stream-test/' . self::RUN );
		$this->assertSame( 404, $response->get_status(), 'Another administrator does not see it.' );
		$this->assertSame( 'dify_chatbot_stream_test_unknown', $response->get_data()['code'] );
		$this->assertNotSame( '', $response->get_data()['message'] );
	}

	public function test_a_browser_that_stayed_is_recorded_as_ended(): void {
		wp_set_current_user( $this->make_user( 'administrator' ) );
		$this->controller( new Memory_Writer() )->stream( $this->request( self::RUN ) );
		$this->assertSame( 'ended', $this->dispatch( '/settings/stream-test/' . self::RUN )->get_data()['state'] );
	}

	public function test_an_unknown_run_is_404_with_a_message(): void {
		wp_set_current_user( $this->make_user( 'administrator' ) );
		$response = $this->dispatch( '/settings/stream-test/' . self::RUN );
		$this->assertSame( 404, $response->get_status() );
		$this->assertSame( 'No streaming self-test with this id ran in the last five minutes.', $response->get_data()['message'] );
		// Not an id: no route.
		$this->assertSame( 404, $this->dispatch( '/settings/stream-test/x' )->get_status() );
	}
}
