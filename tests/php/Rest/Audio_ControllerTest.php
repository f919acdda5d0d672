<?php
/**
 * The visitor's voice routes.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Rest;

use Dify_Chatbot\Dify\App\App_Parameters;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Rest\Audio_Controller;
use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\Support\Uploads;
use Dify_Chatbot\Tests\Support\Visitor_Routes;
use Dify_Chatbot\Tests\TestCase;
use WP_REST_Request;
use WP_REST_Response;

require_once dirname( __DIR__ ) . '/Support/Emulator.php';
require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';
require_once dirname( __DIR__ ) . '/Support/Uploads.php';
require_once dirname( __DIR__ ) . '/Support/Visitor_Routes.php';

final class Audio_ControllerTest extends TestCase {

	use Emulator;
	use Clean_Environment;
	use Uploads;
	use Visitor_Routes;

	/**
	 * The Dify user the routes derive in these tests.
	 *
	 * @var string
	 */
	private $user;

	protected function set_up() {
		parent::set_up();
		$this->clean_environment();
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		Settings::create()->keys()->remove();
		$this->user = 'visitor-phpunit-' . wp_generate_password( 12, false );
		add_filter( 'dify_chatbot_user_id', array( $this, 'user' ) );
	}

	protected function tear_down() {
		remove_filter( 'dify_chatbot_user_id', array( $this, 'user' ) );
		remove_all_filters( 'upload_size_limit' );
		remove_all_filters( 'dify_chatbot_max_tts_length' );
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		$this->remove_temporary_files();
		$this->restore_environment();
		parent::tear_down();
	}

	/**
	 * The user the identity filter gives.
	 */
	public function user(): string {
		return $this->user;
	}

	private function configure( string $key = 'app-emulator' ): void {
		$this->require_emulator();
		$settings = Settings::create();
		$settings->option()->update(
			array(
				'base_url'             => self::emulator_url(),
				'limit_visitor_minute' => 0,
				'limit_visitor_day'    => 0,
				'limit_ip_minute'      => 0,
			)
		);
		$settings->keys()->save( $key );
	}

	private function transcribe( string $bytes, string $name = 'speech.webm' ): WP_REST_Response {
		return rest_get_server()->dispatch( $this->upload_request( '/audio-to-text', $name, $bytes, 'audio/webm' ) );
	}

	private function speak( $body ): WP_REST_Response {
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/text-to-audio' );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( (string) wp_json_encode( $body ) );
		return rest_get_server()->dispatch( $request );
	}

	private function assert_refused( WP_REST_Response $response, int $status, string $code, int $since, string $path ): void {
		$data = $response->get_data();
		$this->assertSame( $status, $response->get_status(), (string) wp_json_encode( $data ) );
		$this->assertSame( $code, $data['code'] );
		$this->assertNotSame( '', $data['message'] );
		$this->assertSame( array(), $this->emulator_requests( $since, $path ), 'Nothing may reach Dify.' );
	}

	public function test_no_key_is_503_not_configured(): void {
		$this->assertSame( 503, $this->transcribe( self::wav() )->get_status() );
		$this->assertSame( 503, $this->speak( array( 'text' => 'Hello' ) )->get_status() );
	}

	public function test_a_recording_is_transcribed_as_the_derived_user(): void {
		$this->configure();
		$since    = $this->emulator_last_seq();
		$response = $this->transcribe( self::wav(), 'blob' );
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$this->assertSame( array( 'text' ), array_keys( $response->get_data() ) );
		$this->assertStringContainsString( 'transcript of speech.wav', $response->get_data()['text'] );

		$requests = $this->emulator_requests( $since, '/audio-to-text' );
		$this->assertCount( 1, $requests );
		$this->assertSame( $this->user, $requests[0]['user'] );
		$part = $requests[0]['body']['files'][0];
		// Recognised by its bytes and sent with a part type Dify 1.12 takes.
		$this->assertSame( 'audio/wav', $part['type'] );
		$this->assertSame( 'speech.wav', $part['filename'] );
		$this->assertSame( strlen( self::wav() ), $part['size'] );
	}

	public function test_an_mp3_is_sent_as_audio_mp3(): void {
		$this->configure();
		$since = $this->emulator_last_seq();
		$this->assertSame( 200, $this->transcribe( "ID3\x04\0\0\0\0\0\0" . str_repeat( "\0", 64 ) )->get_status() );
		$this->assertSame( 'audio/mp3', $this->emulator_requests( $since, '/audio-to-text' )[0]['body']['files'][0]['type'] );
	}

	public function test_voice_input_of_an_app_without_it_is_refused_without_asking_dify(): void {
		$this->configure( 'app-emulator-plain' );
		$since = $this->emulator_last_seq();
		$this->assert_refused( $this->transcribe( self::wav() ), 403, 'dify_chatbot_voice_disabled', $since, '/audio-to-text' );
	}

	public function test_a_format_dify_does_not_take_is_415_without_asking_dify(): void {
		$this->configure();
		$since = $this->emulator_last_seq();
		// A WebM/Matroska header: what MediaRecorder gives, and what Dify 1.12 refuses.
		$this->assert_refused( $this->transcribe( "\x1A\x45\xDF\xA3\x9F\x42\x86\x81\x01\x42\xF7\x81" . str_repeat( "\0", 64 ) ), 415, 'dify_chatbot_unsupported_audio', $since, '/audio-to-text' );
		$this->assert_refused( $this->transcribe( 'short' ), 415, 'dify_chatbot_unsupported_audio', $since, '/audio-to-text' );
	}

	public function test_a_recording_over_the_sites_limit_is_413_without_asking_dify(): void {
		$this->configure();
		add_filter(
			'upload_size_limit',
			static function () {
				return 100;
			}
		);
		$since = $this->emulator_last_seq();
		$this->assert_refused( $this->transcribe( self::wav() ), 413, 'dify_chatbot_file_too_large', $since, '/audio-to-text' );
	}

	public function test_a_request_without_a_recording_is_400(): void {
		$this->configure();
		$since    = $this->emulator_last_seq();
		$response = rest_get_server()->dispatch( new WP_REST_Request( 'POST', '/dify-chatbot/v1/audio-to-text' ) );
		$this->assert_refused( $response, 400, 'dify_chatbot_no_file', $since, '/audio-to-text' );
	}

	public function test_difys_refusal_of_a_feature_switched_off_since_the_cache_is_readable(): void {
		$this->configure( 'app-emulator-plain' );
		$this->cache_parameters(
			array(
				'speech_to_text' => array( 'enabled' => true ),
				'text_to_speech' => array( 'enabled' => true ),
			)
		);
		$since    = $this->emulator_last_seq();
		$response = $this->transcribe( self::wav() );
		$this->assertSame( 403, $response->get_status() );
		$this->assertSame( 'dify_chatbot_voice_disabled', $response->get_data()['code'] );
		$this->assertSame( 400, $this->emulator_requests( $since, '/audio-to-text' )[0]['status'] );

		$response = $this->speak( array( 'text' => 'Hello' ) );
		$this->assertSame( 403, $response->get_status() );
		$this->assertSame( 'dify_chatbot_voice_disabled', $response->get_data()['code'] );
		$this->assertSame( 400, $this->emulator_requests( $since, '/text-to-audio' )[0]['status'] );
	}

	public function test_a_text_is_read_aloud_with_the_apps_voice(): void {
		$this->configure();
		$since    = $this->emulator_last_seq();
		$response = $this->speak( array( 'text' => 'Hello there, this is an answer.' ) );
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( 'audio/mpeg', $response->get_headers()['Content-Type'] );
		$audio = $response->get_data();
		$this->assertIsString( $audio );
		$this->assertSame( "\xFF\xFB", substr( $audio, 0, 2 ), 'MPEG audio frames.' );
		$this->assertSame( (string) strlen( $audio ), $response->get_headers()['Content-Length'] );

		$requests = $this->emulator_requests( $since, '/text-to-audio' );
		$this->assertCount( 1, $requests );
		$this->assertSame( $this->user, $requests[0]['user'] );
		$this->assertSame( 'Hello there, this is an answer.', $requests[0]['body']['text'] );
		// No voice: Dify then checks that the app has text-to-speech on, and uses its voice.
		$this->assertArrayNotHasKey( 'voice', $requests[0]['body'] );
		$this->assertArrayNotHasKey( 'message_id', $requests[0]['body'] );
	}

	public function test_the_audio_is_served_as_bytes(): void {
		$this->configure();
		$request  = new WP_REST_Request( 'POST', '/dify-chatbot/v1/text-to-audio' );
		$response = $this->speak( array( 'text' => 'Hello' ) );
		$route    = new Audio_Controller( self::visitor_api(), new App_Parameters( new Error_Mapper() ) );
		ob_start();
		$served = $route->serve_audio( false, $response );
		$output = (string) ob_get_clean();
		$this->assertTrue( $served );
		$this->assertSame( $response->get_data(), $output );

		// Any other answer is left to WordPress.
		$other = rest_get_server()->dispatch( new WP_REST_Request( 'GET', '/dify-chatbot/v1/parameters' ) );
		ob_start();
		$this->assertFalse( $route->serve_audio( false, $other ) );
		$this->assertSame( '', ob_get_clean() );
		$error = $this->speak( array( 'text' => '' ) );
		ob_start();
		$this->assertFalse( $route->serve_audio( false, $error ) );
		$this->assertSame( '', ob_get_clean() );
		unset( $request );
	}

	public function test_reading_aloud_in_an_app_without_it_is_refused_without_asking_dify(): void {
		$this->configure( 'app-emulator-plain' );
		$since = $this->emulator_last_seq();
		$this->assert_refused( $this->speak( array( 'text' => 'Hello' ) ), 403, 'dify_chatbot_voice_disabled', $since, '/text-to-audio' );
	}

	/**
	 * @dataProvider bad_texts
	 */
	public function test_the_text_is_checked_before_anything_is_sent( $body ): void {
		$this->configure();
		$since    = $this->emulator_last_seq();
		$response = $this->speak( $body );
		$this->assertSame( 400, $response->get_status() );
		$this->assertContains( $response->get_data()['code'], array( 'rest_invalid_param', 'rest_missing_callback_param' ) );
		$this->assertSame( array(), $this->emulator_requests( $since, '/text-to-audio' ) );
	}

	public function bad_texts(): array {
		return array(
			'missing'  => array( array( 'message_id' => 'e0000000-0000-4000-8000-000000000001' ) ),
			'empty'    => array( array( 'text' => '' ) ),
			'blank'    => array( array( 'text' => "  \n " ) ),
			'not text' => array( array( 'text' => array( 'a' ) ) ),
			'too long' => array( array( 'text' => str_repeat( 'a', 4001 ) ) ),
		);
	}

	public function test_the_audio_format_is_told_by_the_first_bytes(): void {
		$cases = array(
			'wav'  => array( self::wav(), array( 'wav', 'audio/wav' ) ),
			'mp3'  => array( "\xFF\xFB\x90\x64" . str_repeat( "\0", 20 ), array( 'mp3', 'audio/mp3' ) ),
			'm4a'  => array( "\0\0\0\x20ftypM4A \0\0\0\0", array( 'm4a', 'audio/m4a' ) ),
			'amr'  => array( "#!AMR\n" . str_repeat( "\0", 20 ), array( 'amr', 'audio/amr' ) ),
			'webm' => array( "\x1A\x45\xDF\xA3" . str_repeat( "\0", 20 ), null ),
			'text' => array( 'RIFF but not a wave file', null ),
		);
		foreach ( $cases as $name => list( $bytes, $expected ) ) {
			$this->assertSame( $expected, Audio_Controller::audio_format( $this->temporary_file( $bytes ) ), $name );
		}
	}
}
