<?php
/**
 * The visitor's file upload route.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Rest;

use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\Support\Uploads;
use Dify_Chatbot\Tests\TestCase;
use WP_REST_Request;
use WP_REST_Response;

require_once dirname( __DIR__ ) . '/Support/Emulator.php';
require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';
require_once dirname( __DIR__ ) . '/Support/Uploads.php';

final class File_ControllerTest extends TestCase {

	use Emulator;
	use Clean_Environment;
	use Uploads;

	/**
	 * The Dify user the route derives in these tests.
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

	private function configure( string $key = 'app-emulator', string $base_url = '' ): void {
		$this->require_emulator();
		$settings = Settings::create();
		$settings->option()->update(
			array(
				'base_url'             => '' !== $base_url ? $base_url : self::emulator_url(),
				'limit_visitor_minute' => 0,
				'limit_visitor_day'    => 0,
				'limit_ip_minute'      => 0,
			)
		);
		$settings->keys()->save( $key );
	}

	private function upload( string $name, string $bytes, string $type = 'image/png' ): WP_REST_Response {
		return rest_get_server()->dispatch( $this->upload_request( '/files', $name, $bytes, $type ) );
	}

	/**
	 * The uploads that reached the emulator after $since.
	 */
	private function upstream_uploads( int $since ): array {
		return $this->emulator_requests( $since, '/files/upload' );
	}

	private function assert_refused( WP_REST_Response $response, int $status, string $code, int $since ): void {
		$data = $response->get_data();
		$this->assertSame( $status, $response->get_status(), (string) wp_json_encode( $data ) );
		$this->assertSame( $code, $data['code'] );
		$this->assertNotSame( '', $data['message'] );
		$this->assertSame( array(), $this->upstream_uploads( $since ), 'Nothing may reach Dify.' );
	}

	public function test_no_key_is_503_not_configured(): void {
		$response = $this->upload( 'photo.png', self::png() );
		$this->assertSame( 503, $response->get_status() );
		$this->assertSame( 'dify_chatbot_not_configured', $response->get_data()['code'] );
	}

	public function test_an_image_reaches_dify_as_the_derived_user_and_only_the_needed_fields_come_back(): void {
		$this->configure();
		$since    = $this->emulator_last_seq();
		$response = $this->upload( 'My "holiday" photo.PNG', self::png(), 'text/html' );
		$this->assertSame( 201, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );

		$data = $response->get_data();
		$this->assertSame( array( 'id', 'name', 'size', 'extension', 'mime_type', 'type' ), array_keys( $data ) );
		$this->assertTrue( wp_is_uuid( $data['id'] ) );
		$this->assertSame( strlen( self::png() ), $data['size'] );
		$this->assertSame( 'png', $data['extension'] );
		$this->assertSame( 'image/png', $data['mime_type'] );
		$this->assertSame( 'image', $data['type'] );
		$this->assertStringNotContainsString( '"', $data['name'] );
		$this->assertStringEndsWith( '.PNG', $data['name'] );

		$uploads = $this->upstream_uploads( $since );
		$this->assertCount( 1, $uploads );
		$this->assertSame( 201, $uploads[0]['status'] );
		$this->assertSame( $this->user, $uploads[0]['user'] );
		$this->assertSame( $this->user, $uploads[0]['body']['fields']['user'] );
		$part = $uploads[0]['body']['files'][0];
		$this->assertSame( 'file', $part['field'] );
		$this->assertSame( $data['name'], $part['filename'] );
		// The part's type comes from the extension, never from the browser's word.
		$this->assertSame( 'image/png', $part['type'] );
		$this->assertSame( strlen( self::png() ), $part['size'] );

		$json = (string) wp_json_encode( $data );
		$this->assertStringNotContainsString( 'app-emulator', $json );
		$this->assertStringNotContainsString( 'tenant', $json );
		$this->assertStringNotContainsString( 'created_by', $json );
		$this->assertStringNotContainsString( 'file-preview', $json );
		$this->assertStringNotContainsString( 'tmp', $json );
	}

	public function test_a_document_is_sent_as_a_document(): void {
		$this->configure();
		$response = $this->upload( 'notes.md', "# Notes\n", 'text/markdown' );
		$this->assertSame( 201, $response->get_status() );
		$this->assertSame( 'document', $response->get_data()['type'] );
	}

	public function test_an_app_without_uploads_refuses_without_asking_dify(): void {
		$this->configure( 'app-emulator-plain' );
		$since = $this->emulator_last_seq();
		$this->assert_refused( $this->upload( 'photo.png', self::png() ), 403, 'dify_chatbot_uploads_disabled', $since );
	}

	private function upload_for( string $field, string $name, string $bytes ): WP_REST_Response {
		$request = $this->upload_request( '/files', $name, $bytes );
		$request->set_body_params( array( 'field' => $field ) );
		return rest_get_server()->dispatch( $request );
	}

	public function test_a_form_file_field_takes_files_by_its_own_rules_even_with_attachments_off(): void {
		// app-emulator-form: no message attachments, a `document` file field for documents.
		$this->configure( 'app-emulator-form' );
		$since = $this->emulator_last_seq();
		$this->assert_refused( $this->upload( 'notes.txt', "Notes\n" ), 403, 'dify_chatbot_uploads_disabled', $since );

		$response = $this->upload_for( 'document', 'notes.txt', "Notes\n" );
		$this->assertSame( 201, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$this->assertSame( 'document', $response->get_data()['type'] );
		$this->assertCount( 1, $this->upstream_uploads( $since ) );

		// The field takes documents only.
		$since = $this->emulator_last_seq();
		$this->assert_refused( $this->upload_for( 'document', 'photo.png', self::png() ), 415, 'dify_chatbot_unsupported_file', $since );
	}

	public function test_a_field_that_is_not_a_file_field_is_400(): void {
		$this->configure( 'app-emulator-form' );
		$since = $this->emulator_last_seq();
		$this->assert_refused( $this->upload_for( 'name', 'notes.txt', "Notes\n" ), 400, 'dify_chatbot_not_a_file_field', $since );
		$this->assert_refused( $this->upload_for( 'nothing_here', 'notes.txt', "Notes\n" ), 400, 'dify_chatbot_not_a_file_field', $since );
		$response = $this->upload_for( '../../etc', 'notes.txt', "Notes\n" );
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'rest_invalid_param', $response->get_data()['code'] );
	}

	public function test_an_app_that_takes_remote_urls_only_refuses_uploads(): void {
		$this->configure();
		$this->cache_parameters(
			array(
				'file_upload' => array(
					'enabled'                     => true,
					'allowed_file_types'          => array( 'image' ),
					'allowed_file_upload_methods' => array( 'remote_url' ),
				),
			)
		);
		$since = $this->emulator_last_seq();
		$this->assert_refused( $this->upload( 'photo.png', self::png() ), 403, 'dify_chatbot_uploads_disabled', $since );
	}

	public function test_a_request_without_a_file_is_400(): void {
		$this->configure();
		$since    = $this->emulator_last_seq();
		$response = rest_get_server()->dispatch( new WP_REST_Request( 'POST', '/dify-chatbot/v1/files' ) );
		$this->assert_refused( $response, 400, 'dify_chatbot_no_file', $since );
	}

	public function test_a_list_of_files_or_a_failed_upload_is_400(): void {
		$this->configure();
		$since   = $this->emulator_last_seq();
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/files' );
		$path    = $this->temporary_file( self::png() );
		$request->set_file_params(
			array(
				'file' => array(
					'name'     => array( 'a.png', 'b.png' ),
					'tmp_name' => array( $path, $path ),
					'error'    => array( 0, 0 ),
				),
			)
		);
		$this->assert_refused( rest_get_server()->dispatch( $request ), 400, 'dify_chatbot_no_file', $since );

		$request->set_file_params(
			array(
				'file' => array(
					'name'     => 'a.png',
					'tmp_name' => $path,
					'error'    => UPLOAD_ERR_PARTIAL,
				),
			)
		);
		$this->assert_refused( rest_get_server()->dispatch( $request ), 400, 'dify_chatbot_no_file', $since );
	}

	public function test_only_files_in_the_temporary_folder_are_read(): void {
		$this->configure();
		$since   = $this->emulator_last_seq();
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/files' );
		$request->set_file_params(
			array(
				'file' => array(
					'name'     => 'config.txt',
					'tmp_name' => ABSPATH . 'wp-config.php',
					'error'    => UPLOAD_ERR_OK,
				),
			)
		);
		$this->assert_refused( rest_get_server()->dispatch( $request ), 400, 'dify_chatbot_no_file', $since );
	}

	/**
	 * @dataProvider refused_types
	 */
	public function test_a_type_the_app_does_not_take_is_415_without_asking_dify( string $name, string $bytes ): void {
		$this->configure();
		$since = $this->emulator_last_seq();
		$this->assert_refused( $this->upload( $name, $bytes, 'image/png' ), 415, 'dify_chatbot_unsupported_file', $since );
	}

	public function refused_types(): array {
		return array(
			'audio'           => array( 'song.mp3', "ID3\x03\0\0\0\0\0\0" ),
			'program'         => array( 'setup.exe', "MZ\x90\0" ),
			'no extension'    => array( 'README', 'text' ),
			'script'          => array( 'shell.php', '<?php echo 1;' ),
			'text as a png'   => array( 'photo.png', 'not an image at all' ),
			'a gif as a jpeg' => array( 'photo.jpg', "GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff!\xf9\x04\x01\0\0\0\0,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;" ),
		);
	}

	public function test_custom_extensions_the_app_lists_are_taken(): void {
		$this->configure();
		$this->cache_parameters(
			array(
				'file_upload' => array(
					'enabled'                     => true,
					'allowed_file_types'          => array( 'custom' ),
					'allowed_file_extensions'     => array( '.LOG' ),
					'allowed_file_upload_methods' => array( 'local_file' ),
				),
			)
		);
		$response = $this->upload( 'server.log', "line\n", 'text/plain' );
		$this->assertSame( 201, $response->get_status() );
		$this->assertSame( 'custom', $response->get_data()['type'] );
		$since = $this->emulator_last_seq();
		$this->assert_refused( $this->upload( 'photo.png', self::png() ), 415, 'dify_chatbot_unsupported_file', $since );
	}

	public function test_a_file_over_the_apps_limit_is_413_without_asking_dify(): void {
		$this->configure();
		$this->cache_parameters(
			array(
				'file_upload'       => array(
					'enabled'                     => true,
					'allowed_file_types'          => array( 'image' ),
					'allowed_file_upload_methods' => array( 'local_file' ),
				),
				'system_parameters' => array( 'image_file_size_limit' => 0.0001 ),
			)
		);
		$since    = $this->emulator_last_seq();
		$response = $this->upload( 'photo.png', self::png() . str_repeat( "\0", 200 ) );
		$this->assert_refused( $response, 413, 'dify_chatbot_file_too_large', $since );
		$this->assertStringContainsString( 'The limit is', $response->get_data()['message'] );
	}

	public function test_a_file_over_the_sites_limit_is_413_without_asking_dify(): void {
		$this->configure();
		add_filter(
			'upload_size_limit',
			static function () {
				return 50;
			}
		);
		$since = $this->emulator_last_seq();
		$this->assert_refused( $this->upload( 'photo.png', self::png() ), 413, 'dify_chatbot_file_too_large', $since );
	}

	public function test_difys_own_size_refusal_is_a_readable_413(): void {
		$this->configure();
		// The app reports a larger limit than Dify enforces (the emulator keeps Dify's 10 MiB).
		$this->cache_parameters(
			array(
				'file_upload'       => array(
					'enabled'                     => true,
					'allowed_file_types'          => array( 'image' ),
					'allowed_file_upload_methods' => array( 'local_file' ),
				),
				'system_parameters' => array( 'image_file_size_limit' => 20 ),
			)
		);
		add_filter(
			'upload_size_limit',
			static function () {
				return 20 * 1048576;
			}
		);
		$since    = $this->emulator_last_seq();
		$response = $this->upload( 'big.png', self::png() . str_repeat( "\0", 10 * 1048576 ) );
		$this->assertSame( 413, $response->get_status() );
		$this->assertSame( 'dify_chatbot_file_too_large', $response->get_data()['code'] );
		$uploads = $this->upstream_uploads( $since );
		$this->assertCount( 1, $uploads );
		$this->assertSame( 413, $uploads[0]['status'] );
		$this->assertStringNotContainsString( '{message}', $response->get_data()['message'] );
	}

	public function test_an_unreachable_service_is_a_readable_error(): void {
		$this->configure( 'app-emulator', 'http://127.0.0.1:9/v1' );
		$this->cache_parameters(
			array(
				'file_upload' => array(
					'enabled'                     => true,
					'allowed_file_types'          => array( 'image' ),
					'allowed_file_upload_methods' => array( 'local_file' ),
				),
			)
		);
		$response = $this->upload( 'photo.png', self::png() );
		$this->assertSame( 503, $response->get_status() );
		$this->assertSame( 'dify_chatbot_unreachable', $response->get_data()['code'] );
	}

	public function test_a_visitor_over_the_rate_limit_is_refused_before_anything_is_read(): void {
		$this->configure();
		Settings::create()->option()->update( array( 'limit_visitor_minute' => 1 ) );
		$this->start_in_a_fresh_minute();
		// Uploads count as visitor actions: three times the per-minute message limit.
		for ( $i = 0; $i < 3; $i++ ) {
			$this->assertSame( 201, $this->upload( 'photo.png', self::png() )->get_status() );
		}
		$since = $this->emulator_last_seq();
		$this->assertSame( 429, $this->upload( 'photo.png', self::png() )->get_status() );
		$this->assertSame( array(), $this->upstream_uploads( $since ) );
	}
}
