<?php
/**
 * The visitor's chat routes.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Rest;

use Dify_Chatbot\Dify\App\App_Info;
use Dify_Chatbot\Dify\App\App_Parameters;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Rest\Chat_Controller;
use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\Support\Memory_Writer;
use Dify_Chatbot\Tests\Support\Visitor_Routes;
use Dify_Chatbot\Tests\TestCase;
use WP_REST_Request;
use WP_REST_Response;

require_once dirname( __DIR__ ) . '/Support/Emulator.php';
require_once dirname( __DIR__ ) . '/Support/Memory_Writer.php';
require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';
require_once dirname( __DIR__ ) . '/Support/Visitor_Routes.php';

final class Chat_ControllerTest extends TestCase {

	use Emulator;
	use Clean_Environment;
	use Visitor_Routes;

	protected function set_up() {
		parent::set_up();
		$this->clean_environment();
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		Settings::create()->keys()->remove();
	}

	protected function tear_down() {
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		remove_all_filters( 'dify_chatbot_max_query_length' );
		$this->restore_environment();
		parent::tear_down();
	}

	private function configure( string $key = 'app-emulator' ): void {
		$this->require_emulator();
		$settings = Settings::create();
		$settings->option()->update( array( 'base_url' => self::emulator_url() ) );
		$settings->keys()->save( $key );
	}

	private function dispatch( string $route, $body ): WP_REST_Response {
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1' . $route );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( is_string( $body ) ? $body : wp_json_encode( $body ) );
		return rest_get_server()->dispatch( $request );
	}

	/**
	 * The last POST the emulator received on a path.
	 */
	private function last_post( int $since, string $path ): array {
		$posts = array_values(
			array_filter(
				$this->emulator_requests( $since, $path ),
				static function ( $r ) use ( $path ) {
					return 'POST' === $r['method'] && substr( $r['path'], -strlen( $path ) ) === $path;
				}
			)
		);
		$this->assertNotEmpty( $posts, "No POST to $path reached the emulator." );
		return $posts[ count( $posts ) - 1 ];
	}

	/**
	 * @dataProvider invalid_bodies
	 */
	public function test_schema_errors_are_400_with_a_message( $body, string $param ): void {
		$response = $this->dispatch( '/chat', $body );
		$this->assertSame( 400, $response->get_status() );
		$data = $response->get_data();
		$this->assertContains( $data['code'], array( 'rest_invalid_param', 'rest_missing_callback_param' ) );
		$this->assertStringContainsString( $param, $data['message'] );
		if ( 'rest_invalid_param' === $data['code'] ) {
			$this->assertNotEmpty( $data['data']['params'][ $param ] );
		}
	}

	public function invalid_bodies(): array {
		return array(
			'missing query'        => array( array( 'inputs' => array() ), 'query' ),
			'empty query'          => array( array( 'query' => '' ), 'query' ),
			'query not a string'   => array( array( 'query' => array( 'a' ) ), 'query' ),
			'too long'             => array( array( 'query' => str_repeat( 'a', 4001 ) ), 'query' ),
			'bad uuid'             => array(
				array(
					'query'           => 'hi',
					'conversation_id' => 'not-a-uuid',
				),
				'conversation_id',
			),
			'inputs a string'      => array(
				array(
					'query'  => 'hi',
					'inputs' => 'name=x',
				),
				'inputs',
			),
			'inputs a list'        => array(
				array(
					'query'  => 'hi',
					'inputs' => array( 1, 2 ),
				),
				'inputs',
			),
			'bad bot'              => array(
				array(
					'query' => 'hi',
					'bot'   => 'Bad Bot!',
				),
				'bot',
			),
			'bot too long'         => array(
				array(
					'query' => 'hi',
					'bot'   => str_repeat( 'a', 65 ),
				),
				'bot',
			),
			'files not objects'    => array(
				array(
					'query' => 'hi',
					'files' => array( 'x' ),
				),
				'files',
			),
			'file transfer method' => array(
				array(
					'query' => 'hi',
					'files' => array(
						array(
							'type'            => 'image',
							'transfer_method' => 'tool_file',
						),
					),
				),
				'files',
			),
		);
	}

	/**
	 * @dataProvider mismatched_files
	 */
	public function test_each_transfer_method_needs_its_own_field( array $file ): void {
		$this->configure();
		$since    = $this->emulator_last_seq();
		$response = $this->dispatch(
			'/chat',
			array(
				'query' => 'hi',
				'files' => array( $file ),
			)
		);
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'rest_invalid_param', $response->get_data()['code'] );
		$this->assertStringContainsString( 'files[0] needs upload_file_id', $response->get_data()['data']['params']['files'] );
		$this->assertSame( array(), $this->emulator_requests( $since, '/chat-messages' ) );
	}

	public function mismatched_files(): array {
		$id  = 'e0000000-0000-4000-8000-000000000001';
		$url = 'https://example.org/cat.png';
		return array(
			'local without id'  => array(
				array(
					'type'            => 'image',
					'transfer_method' => 'local_file',
				),
			),
			'local with a url'  => array(
				array(
					'type'            => 'image',
					'transfer_method' => 'local_file',
					'upload_file_id'  => $id,
					'url'             => $url,
				),
			),
			'remote with an id' => array(
				array(
					'type'            => 'image',
					'transfer_method' => 'remote_url',
					'upload_file_id'  => $id,
				),
			),
		);
	}

	/**
	 * An upload straight to the emulator by this request's visitor (since Dify 1.14 an upload
	 * belongs to the user who made it, and only that user may attach it): its id.
	 */
	private function uploaded( string $key = 'app-emulator' ): string {
		$user     = ( new Visitor_Identity( static function (): void {} ) )->user();
		$boundary = 'phpunit' . wp_generate_password( 12, false );
		$response = wp_remote_post(
			self::emulator_url() . '/files/upload',
			array(
				'headers' => array(
					'Authorization' => 'Bearer ' . $key,
					'Content-Type'  => 'multipart/form-data; boundary=' . $boundary,
				),
				'body'    => "--$boundary\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\n$user\r\n"
					. "--$boundary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nPNG\r\n--$boundary--\r\n",
			)
		);
		$json     = json_decode( wp_remote_retrieve_body( $response ), true );
		$this->assertIsString( $json['id'] ?? null );
		return $json['id'];
	}

	private function with_files( array $ids ): array {
		return array(
			'query' => 'Look #delay:0',
			'files' => array_map(
				static function ( $id ) {
					return array(
						'type'            => 'image',
						'transfer_method' => 'local_file',
						'upload_file_id'  => $id,
					);
				},
				$ids
			),
		);
	}

	public function test_uploaded_files_reach_dify_with_the_message(): void {
		$this->configure();
		$id       = $this->uploaded();
		$since    = $this->emulator_last_seq();
		$response = $this->dispatch( '/chat', $this->with_files( array( $id ) ) );
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$post = $this->last_post( $since, '/chat-messages' );
		$this->assertSame( 200, $post['status'] );
		$this->assertSame( $id, $post['body']['files'][0]['upload_file_id'] );
	}

	public function test_more_files_than_the_app_takes_are_refused_before_dify(): void {
		$this->configure();
		$id       = $this->uploaded();
		$since    = $this->emulator_last_seq();
		$response = $this->dispatch( '/chat', $this->with_files( array( $id, $id, $id, $id ) ) );
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'dify_chatbot_too_many_files', $response->get_data()['code'] );
		$this->assertStringContainsString( '3', $response->get_data()['message'] );
		$this->assertSame( array(), $this->emulator_requests( $since, '/chat-messages' ) );
	}

	public function test_files_for_an_app_without_uploads_are_refused_before_dify(): void {
		$this->configure( 'app-emulator-plain' );
		$id       = $this->uploaded( 'app-emulator-plain' );
		$since    = $this->emulator_last_seq();
		$response = $this->dispatch( '/chat', $this->with_files( array( $id ) ) );
		// 403 like the upload route's: the app does not offer the feature.
		$this->assertSame( 403, $response->get_status() );
		$this->assertSame( 'dify_chatbot_uploads_disabled', $response->get_data()['code'] );
		$this->assertSame( array(), $this->emulator_requests( $since, '/chat-messages' ) );
	}

	public function test_file_errors_of_a_stream_are_one_error_event_like_input_errors(): void {
		$this->configure( 'app-emulator-plain' );
		$id    = $this->uploaded( 'app-emulator-plain' );
		$since = $this->emulator_last_seq();
		foreach ( array(
			'app-emulator-plain' => 'dify_chatbot_uploads_disabled',
			'app-emulator'       => 'dify_chatbot_too_many_files',
		) as $key => $code ) {
			$this->configure( $key );
			$writer  = new Memory_Writer();
			$ended   = false;
			$request = $this->stream_request( 'Look #delay:0' );
			$request->set_param( 'files', $this->with_files( array( $id, $id, $id, $id ) )['files'] );
			$response = $this->streaming_route( $writer, $ended )->chat( $request );

			$this->assertTrue( $ended, $key );
			$this->assertSame( 200, $response->get_status(), $key );
			$this->assertSame( 'text/event-stream; charset=utf-8', $writer->headers['Content-Type'], $key );
			$this->assertSame( array( 'error' ), $writer->names(), $key );
			$this->assertSame( $code, $writer->events()[0]['code'], $key );
		}
		$this->assertSame( array(), $this->emulator_requests( $since, '/chat-messages' ) );
	}

	public function test_a_stream_without_a_key_is_one_error_event(): void {
		$writer = new Memory_Writer();
		$ended  = false;
		$this->streaming_route( $writer, $ended )->chat( $this->stream_request( 'Hello' ) );
		$this->assertTrue( $ended );
		$this->assertSame( array( 'error' ), $writer->names() );
		$this->assertSame( 'dify_chatbot_not_configured', $writer->events()[0]['code'] );
		$this->assertSame( 503, $writer->events()[0]['status'] );
	}

	public function test_a_remote_file_must_be_an_http_url(): void {
		$this->configure();
		Settings::create()->option()->update( array( 'allow_remote_files' => true ) );
		foreach ( array( 'javascript:alert(1)', 'data:image/png;base64,AAAA', 'file:///etc/passwd', 'ftp://example.org/a.png' ) as $url ) {
			$response = $this->dispatch( '/chat', $this->remote_file( $url ) );
			$this->assertSame( 400, $response->get_status(), $url );
		}
		// A public address (a literal one: the suite needs no outside DNS).
		$since    = $this->emulator_last_seq();
		$response = $this->dispatch( '/chat', $this->remote_file( 'https://93.184.215.14/cat.png' ) );
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( 'https://93.184.215.14/cat.png', $this->last_post( $since, '/chat-messages' )['body']['files'][0]['url'] );
	}

	public function test_remote_files_are_refused_before_anything_reaches_dify_while_they_are_off(): void {
		$this->configure();
		$this->assertFalse( Settings::create()->option()->get()['allow_remote_files'], 'Off by default.' );
		$since = $this->emulator_last_seq();
		foreach ( array( $this->remote_file( 'https://93.184.215.14/cat.png' ), $this->remote_input( 'https://93.184.215.14/cat.png' ) ) as $body ) {
			$response = $this->dispatch( '/chat', $body );
			$this->assertSame( 403, $response->get_status() );
			$this->assertSame( 'dify_chatbot_remote_files_off', $response->get_data()['code'] );
			$this->assertStringContainsString( 'Attach the file from your device instead', $response->get_data()['message'] );
		}
		$this->assertSame( $since, $this->emulator_last_seq(), 'Nothing reached Dify, not even the app info.' );
	}

	public function test_when_on_only_public_addresses_reach_dify(): void {
		$this->configure();
		Settings::create()->option()->update(
			array(
				'allow_remote_files'   => true,
				// Many refused requests from one visitor: the rate limits are not what is tested.
				'limit_visitor_minute' => 0,
				'limit_ip_minute'      => 0,
			)
		);
		$since = $this->emulator_last_seq();
		foreach ( array( 'http://169.254.169.254/latest/meta-data/', 'http://localhost/x.png', 'http://127.0.0.1/x.png', 'http://10.0.0.8/x.png', 'http://[::1]/x.png', 'http://[::ffff:169.254.169.254]/x.png', 'https://93.184.215.14:8443/x.png' ) as $url ) {
			foreach ( array( $this->remote_file( $url ), $this->remote_input( $url ) ) as $body ) {
				$response = $this->dispatch( '/chat', $body );
				$this->assertSame( 400, $response->get_status(), $url );
				$this->assertSame( 'dify_chatbot_remote_file_refused', $response->get_data()['code'], $url );
			}
		}
		$this->assertSame( $since, $this->emulator_last_seq(), 'Nothing reached Dify.' );
	}

	public function test_a_streamed_chat_is_refused_the_same_way(): void {
		$this->configure();
		$since   = $this->emulator_last_seq();
		$writer  = new Memory_Writer();
		$ended   = false;
		$request = $this->stream_request( 'A picture' );
		$request->set_param( 'files', $this->remote_file( 'https://93.184.215.14/cat.png' )['files'] );
		$this->streaming_route( $writer, $ended )->chat( $request );
		$this->assertSame( array( 'error' ), $writer->names() );
		$this->assertSame( 'dify_chatbot_remote_files_off', $writer->events()[0]['code'] );
		$this->assertSame( 403, $writer->events()[0]['status'] );
		$this->assertSame( $since, $this->emulator_last_seq() );
	}

	/**
	 * A remote file as the value of a file-list input (the form's way to attach one).
	 */
	private function remote_input( string $url ): array {
		return array(
			'query'  => 'A picture #delay:0',
			'inputs' => array(
				'attachments' => array(
					array(
						'type'            => 'image',
						'transfer_method' => 'remote_url',
						'url'             => $url,
					),
				),
			),
		);
	}

	private function remote_file( string $url ): array {
		return array(
			'query' => 'A picture #delay:0',
			'files' => array(
				array(
					'type'            => 'image',
					'transfer_method' => 'remote_url',
					'url'             => $url,
				),
			),
		);
	}

	public function test_schema_messages_are_readable(): void {
		$data = $this->dispatch(
			'/chat',
			array(
				'query'           => 'hi',
				'conversation_id' => 'nope',
			)
		)->get_data();
		$this->assertSame( 'conversation_id must be a conversation id (a UUID), or empty to start a new conversation.', $data['data']['params']['conversation_id'] );
		$data = $this->dispatch(
			'/chat',
			array(
				'query' => 'hi',
				'bot'   => 'BAD',
			)
		)->get_data();
		$this->assertStringContainsString( 'lower-case letters', $data['data']['params']['bot'] );
	}

	public function test_the_longest_message_is_filterable(): void {
		add_filter(
			'dify_chatbot_max_query_length',
			static function () {
				return 10;
			}
		);
		// Routes read the filter when they are registered.
		$GLOBALS['wp_rest_server'] = null;
		$this->assertSame( 400, $this->dispatch( '/chat', array( 'query' => str_repeat( 'a', 11 ) ) )->get_status() );
	}

	public function test_no_key_is_503_not_configured(): void {
		$response = $this->dispatch( '/chat', array( 'query' => 'hello' ) );
		$this->assertSame( 503, $response->get_status() );
		$this->assertSame( 'dify_chatbot_not_configured', $response->get_data()['code'] );
		$this->assertSame( 'The chat is not available right now.', $response->get_data()['message'] );
		$stop = $this->dispatch( '/chat/abc-123/stop', array() );
		$this->assertSame( 503, $stop->get_status() );
	}

	public function test_a_blocking_answer_as_json_for_an_anonymous_visitor(): void {
		$this->configure();
		$since    = $this->emulator_last_seq();
		$response = $this->dispatch(
			'/chat',
			array(
				'query' => 'Hello blocking #delay:1',
				'user'  => 'wp-user-1',
			)
		);
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$data = $response->get_data();
		$this->assertSame( array( 'answer', 'conversation_id', 'message_id', 'task_id', 'mode', 'metadata', 'created_at' ), array_keys( $data ) );
		$this->assertNotSame( '', trim( $data['answer'] ) );
		$this->assertSame( 'chat', $data['mode'] );
		$this->assertTrue( wp_is_uuid( $data['conversation_id'] ) );
		$this->assertSame( array( 'retriever_resources', 'usage' ), array_keys( $data['metadata'] ) );
		$this->assertIsInt( $data['created_at'] );

		$request = $this->last_post( $since, '/chat-messages' );
		$this->assertMatchesRegularExpression( '/^visitor-[0-9a-f]{32}$/', $request['user'], 'The body cannot choose the user.' );
		$this->assertSame( array(), $request['body']['inputs'] );
		$this->assertSame( 'blocking', $request['body']['response_mode'] );
		$this->assertSame( 'Hello blocking #delay:1', $request['body']['query'] );
		$this->assertArrayNotHasKey( 'conversation_id', $request['body'] );
		$this->assertStringStartsWith( 'application/json', $request['headers']['content-type'] );

		// The next turn continues the conversation as the same visitor (the cookie came back).
		$this->assertArrayHasKey( Visitor_Identity::COOKIE, $_COOKIE );
		$since2 = $this->emulator_last_seq();
		$second = $this->dispatch(
			'/chat',
			array(
				'query'           => 'And more #delay:1',
				'conversation_id' => $data['conversation_id'],
				'inputs'          => array( 'topic' => 'x' ),
			)
		);
		$this->assertSame( 200, $second->get_status() );
		$this->assertSame( $data['conversation_id'], $second->get_data()['conversation_id'] );
		$request2 = $this->last_post( $since2, '/chat-messages' );
		$this->assertSame( $request['user'], $request2['user'] );
		$this->assertSame( $data['conversation_id'], $request2['body']['conversation_id'] );
	}

	public function test_a_logged_in_user_is_their_wordpress_id(): void {
		$this->configure();
		$id = $this->make_user( 'subscriber' );
		wp_set_current_user( $id );
		$since = $this->emulator_last_seq();
		$this->assertSame( 200, $this->dispatch( '/chat', array( 'query' => 'Hi #delay:1' ) )->get_status() );
		$this->assertSame( 'wp-user-' . $id . '-' . Visitor_Identity::site_part(), $this->last_post( $since, '/chat-messages' )['user'] );
	}

	public function test_another_visitors_conversation_is_not_found(): void {
		$this->configure();
		$first = $this->dispatch( '/chat', array( 'query' => 'Mine #delay:1' ) )->get_data();
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );

		$response = $this->dispatch(
			'/chat',
			array(
				'query'           => 'Let me in #delay:1',
				'conversation_id' => $first['conversation_id'],
			)
		);
		$this->assertSame( 404, $response->get_status() );
		$this->assertSame( 'dify_chatbot_conversation_not_found', $response->get_data()['code'] );
		$this->assertStringContainsString( 'start a new chat', $response->get_data()['message'] );
	}

	public function test_a_rate_limit_passes_retry_after_to_the_browser(): void {
		$this->configure();
		$response = $this->dispatch( '/chat', array( 'query' => 'Busy? #fault:429:11' ) );
		$this->assertSame( 429, $response->get_status() );
		$this->assertSame( '11', $response->get_headers()['Retry-After'] );
		$this->assertSame( 'dify_chatbot_rate_limited', $response->get_data()['code'] );
	}

	public function test_a_wrong_key_tells_the_visitor_nothing_about_keys(): void {
		$this->configure( 'app-not-valid-0000' );
		$response = $this->dispatch( '/chat', array( 'query' => 'Hello' ) );
		$this->assertSame( 503, $response->get_status() );
		$this->assertSame( 'The chat is not available right now.', $response->get_data()['message'] );
		$this->assertStringNotContainsString( 'app-not-valid', (string) wp_json_encode( $response->get_data() ) );
	}

	public function test_an_agent_app_streams_upstream_and_answers_json(): void {
		$this->configure( 'app-emulator-agent' );
		$since    = $this->emulator_last_seq();
		$response = $this->dispatch( '/chat', array( 'query' => 'Use a tool #delay:1' ) );
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$this->assertSame( 'agent-chat', $response->get_data()['mode'] );
		$this->assertNotSame( '', trim( $response->get_data()['answer'] ) );
		$this->assertSame( 'streaming', $this->last_post( $since, '/chat-messages' )['body']['response_mode'] );
	}

	public function test_a_completion_app_gets_the_message_as_its_query_input(): void {
		$this->configure( 'app-emulator-completion' );
		$since    = $this->emulator_last_seq();
		$response = $this->dispatch(
			'/chat',
			array(
				'query'           => 'Write a haiku #delay:1',
				'conversation_id' => wp_generate_uuid4(),
			)
		);
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$this->assertSame( 'completion', $response->get_data()['mode'] );
		$this->assertNull( $response->get_data()['conversation_id'] );
		$request = $this->last_post( $since, '/completion-messages' );
		$this->assertSame( 'Write a haiku #delay:1', $request['body']['inputs']['query'] );
		$this->assertArrayNotHasKey( 'conversation_id', $request['body'] );
	}

	public function test_an_incomplete_form_is_400_naming_the_field_and_nothing_reaches_dify(): void {
		$this->configure( 'app-emulator-form' );
		$since    = $this->emulator_last_seq();
		$response = $this->dispatch(
			'/chat',
			array(
				'query'  => 'Hello',
				'inputs' => array( 'topic' => 'support' ),
			)
		);
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'dify_chatbot_invalid_input', $response->get_data()['code'] );
		$this->assertSame( '“Your name” is required.', $response->get_data()['message'] );
		$this->assertSame( 'name', $response->get_data()['data']['field'] );
		$this->assertSame( array(), $this->emulator_requests( $since, '/chat-messages' ) );

		$response = $this->dispatch(
			'/chat',
			array(
				'query'  => 'Hello',
				'inputs' => array(
					'name'  => 'Ann',
					'topic' => 'weather',
				),
			)
		);
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'Choose one of the options for “Topic”.', $response->get_data()['message'] );
	}

	public function test_form_values_reach_dify_normalised_with_undeclared_keys_dropped(): void {
		$this->configure( 'app-emulator-form' );
		$since    = $this->emulator_last_seq();
		$response = $this->dispatch(
			'/chat',
			array(
				'query'  => 'Hello #delay:1',
				'inputs' => array(
					'name'      => 'Ann',
					'topic'     => 'sales',
					'age'       => '42',
					'subscribe' => 'on',
					'notes'     => '',
					'sneaky'    => 'not in the form',
				),
			)
		);
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$this->assertSame(
			array(
				'name'      => 'Ann',
				'topic'     => 'sales',
				'age'       => 42,
				'subscribe' => true,
			),
			$this->last_post( $since, '/chat-messages' )['body']['inputs']
		);
	}

	public function test_site_inputs_override_the_browser_and_see_the_chat_s_page(): void {
		$this->configure( 'app-emulator-form' );
		$post = (int) wp_insert_post(
			array(
				'post_title'  => 'Pricing',
				'post_status' => 'publish',
				'post_type'   => 'page',
			)
		);
		add_filter(
			'dify_chatbot_inputs',
			static function ( $inputs, $post ) {
				return $inputs + array(
					'page_title' => $post ? $post->post_title : 'none',
					'topic'      => 'billing',
				);
			},
			10,
			2
		);
		$since    = $this->emulator_last_seq();
		$response = $this->dispatch(
			'/chat',
			array(
				'query'   => 'Hello #delay:1',
				'post_id' => $post,
				'inputs'  => array(
					'name'       => 'Ann',
					'topic'      => 'sales',
					'page_title' => 'typed by the visitor',
				),
			)
		);
		remove_all_filters( 'dify_chatbot_inputs' );
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$inputs = $this->last_post( $since, '/chat-messages' )['body']['inputs'];
		$this->assertSame( 'Pricing', $inputs['page_title'] );
		$this->assertSame( 'billing', $inputs['topic'] );
		$this->assertSame( 'Ann', $inputs['name'] );
	}

	public function test_a_stream_with_a_bad_form_is_one_error_event_naming_the_problem(): void {
		$this->configure( 'app-emulator-form' );
		$writer  = new Memory_Writer();
		$ended   = false;
		$request = $this->stream_request( 'Hello' );
		$request->set_param(
			'inputs',
			array(
				'name'  => str_repeat( 'x', 21 ),
				'topic' => 'sales',
			)
		);
		$this->streaming_route( $writer, $ended )->chat( $request );
		$this->assertTrue( $ended );
		$this->assertSame( array( 'error' ), $writer->names() );
		$this->assertSame( 'dify_chatbot_invalid_input', $writer->events()[0]['code'] );
		$this->assertSame( '“Your name” must be at most 20 characters.', $writer->events()[0]['message'] );
	}

	public function test_a_workflow_app_gets_the_message_as_its_query_input(): void {
		$this->configure( 'app-emulator-workflow' );
		$since    = $this->emulator_last_seq();
		$response = $this->dispatch( '/chat', array( 'query' => 'Summarize this #delay:1' ) );
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$this->assertSame( 'workflow', $response->get_data()['mode'] );
		$this->assertNotSame( '', trim( $response->get_data()['answer'] ) );
		$this->assertSame( 'Summarize this #delay:1', $this->last_post( $since, '/workflows/run' )['body']['inputs']['query'] );
	}

	private function streaming_route( Memory_Writer $writer, bool &$ended ): Chat_Controller {
		$errors = new Error_Mapper();
		return new Chat_Controller(
			self::visitor_api(),
			new App_Info( $errors ),
			new App_Parameters( $errors ),
			static function () use ( $writer ) {
				return $writer;
			},
			static function () use ( &$ended ) {
				$ended = true;
			}
		);
	}

	private function stream_request( string $query ): WP_REST_Request {
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/chat' );
		$request->set_header( 'Accept', 'text/event-stream' );
		$request->set_param( 'query', $query );
		$request->set_param( 'inputs', array() );
		return $request;
	}

	public function test_accept_event_stream_relays_the_stream_and_ends_the_request(): void {
		$this->configure();
		$writer = new Memory_Writer();
		$ended  = false;
		$since  = $this->emulator_last_seq();
		$this->streaming_route( $writer, $ended )->chat( $this->stream_request( 'Stream it #delay:1' ) );

		$this->assertTrue( $ended );
		$this->assertSame( 'text/event-stream; charset=utf-8', $writer->headers['Content-Type'] );
		$names = $writer->names();
		$this->assertSame( 'message', $names[0] );
		$this->assertSame( 'message_end', end( $names ) );
		$request = $this->last_post( $since, '/chat-messages' );
		$this->assertSame( 'streaming', $request['body']['response_mode'] );
		$this->assertSame( array(), $request['body']['inputs'] );
		$this->assertMatchesRegularExpression( '/^visitor-/', $request['user'] );
	}

	public function test_a_stream_that_cannot_start_is_one_error_event(): void {
		$this->configure( 'app-not-valid-0000' );
		$writer = new Memory_Writer();
		$ended  = false;
		$this->streaming_route( $writer, $ended )->chat( $this->stream_request( 'Hello' ) );
		$this->assertTrue( $ended );
		$this->assertSame( array( 'error' ), $writer->names() );
		$this->assertSame( 'dify_chatbot_not_configured', $writer->events()[0]['code'] );
	}

	public function test_stop_uses_the_visitors_own_user(): void {
		$this->configure();
		$chat = $this->dispatch( '/chat', array( 'query' => 'Hi #delay:1' ) )->get_data();
		$user = $this->last_post( 0, '/chat-messages' )['user'];

		$since    = $this->emulator_last_seq();
		$response = $this->dispatch( '/chat/' . $chat['task_id'] . '/stop', array() );
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( array( 'result' => 'success' ), $response->get_data() );
		$stop = $this->emulator_requests( $since, 'stop' );
		$this->assertCount( 1, $stop );
		$this->assertSame( '/v1/chat-messages/' . $chat['task_id'] . '/stop', $stop[0]['path'] );
		$this->assertSame( $user, $stop[0]['body']['user'] );
	}

	public function test_stop_rejects_odd_task_ids(): void {
		$this->assertSame( 404, $this->dispatch( '/chat/' . rawurlencode( '../info' ) . '/stop', array() )->get_status() );
		$this->assertSame( 404, $this->dispatch( '/chat/' . str_repeat( 'a', 65 ) . '/stop', array() )->get_status() );
	}

	public function test_a_blocking_answer_carries_the_reasoning_only_when_the_setting_shows_it(): void {
		$this->configure();
		$hidden = $this->dispatch( '/chat', array( 'query' => 'Think #reasoning #delay:0' ) );
		$this->assertSame( 200, $hidden->get_status(), (string) wp_json_encode( $hidden->get_data() ) );
		$this->assertArrayNotHasKey( 'reasoning', $hidden->get_data() );
		$this->assertStringStartsWith( '## ', $hidden->get_data()['answer'] );
		$this->assertStringNotContainsString( 'EMULATOR-REASONING', (string) wp_json_encode( $hidden->get_data() ) );
		$this->assertStringNotContainsString( 'think>', (string) wp_json_encode( $hidden->get_data() ) );

		Settings::create()->option()->update( array( 'show_reasoning' => true ) );
		$shown = $this->dispatch( '/chat', array( 'query' => 'Think #reasoning #delay:0' ) )->get_data();
		$this->assertStringStartsWith( '## ', $shown['answer'] );
		$this->assertStringContainsString( 'EMULATOR-REASONING', $shown['reasoning'] );
		$this->assertStringNotContainsString( 'think>', $shown['reasoning'] );
	}

	public function test_a_blocking_workflow_answer_shows_its_separated_reasoning_only_when_the_setting_shows_it(): void {
		$this->configure( 'app-emulator-workflow' );
		$hidden = $this->dispatch( '/chat', array( 'query' => 'Think apart #reasoning:separated #delay:0' ) );
		$this->assertSame( 200, $hidden->get_status(), (string) wp_json_encode( $hidden->get_data() ) );
		// Dify does send it: the End node's outputs carry the LLM's reasoning_content.
		$direct = json_decode(
			( new Client( self::emulator_url(), 'app-emulator-workflow' ) )->chat_blocking(
				'/workflows/run',
				array(
					'inputs'        => array( 'query' => 'Think apart #reasoning:separated #delay:0' ),
					'user'          => 'phpunit-direct',
					'response_mode' => 'blocking',
				)
			)->body(),
			true
		);
		$this->assertStringContainsString( 'EMULATOR-REASONING', (string) ( $direct['data']['outputs']['reasoning_content'] ?? wp_json_encode( $direct ) ) );
		$this->assertArrayNotHasKey( 'reasoning', $hidden->get_data() );
		$this->assertStringNotContainsString( 'EMULATOR-REASONING', (string) wp_json_encode( $hidden->get_data() ) );
		$this->assertStringStartsWith( '## ', $hidden->get_data()['answer'] );

		Settings::create()->option()->update( array( 'show_reasoning' => true ) );
		$shown = $this->dispatch( '/chat', array( 'query' => 'Think apart #reasoning:separated #delay:0' ) )->get_data();
		$this->assertStringStartsWith( '## ', $shown['answer'] );
		$this->assertStringNotContainsString( 'EMULATOR-REASONING', $shown['answer'] );
		$this->assertStringContainsString( 'EMULATOR-REASONING', $shown['reasoning'] );
	}

	public function test_a_stream_drops_the_reasoning_unless_the_setting_shows_it(): void {
		$this->configure();
		$writer = new Memory_Writer();
		$ended  = false;
		$this->streaming_route( $writer, $ended )->chat( $this->stream_request( 'Think #reasoning #delay:0' ) );
		$this->assertStringNotContainsString( 'EMULATOR-REASONING', implode( '', $writer->frames ) );
		$this->assertNotContains( 'reasoning_chunk', $writer->names() );

		Settings::create()->option()->update( array( 'show_reasoning' => true ) );
		$shown = new Memory_Writer();
		$this->streaming_route( $shown, $ended )->chat( $this->stream_request( 'Think #reasoning #delay:0' ) );
		$this->assertContains( 'reasoning_chunk', $shown->names() );
	}

	/**
	 * A New Agent streams only: a JSON answer is collected from the stream, its closing
	 * `message` taken as the whole answer (not added to the deltas), without the thinking.
	 */
	public function test_a_new_agent_answers_json_from_its_stream_with_the_text_once(): void {
		$this->configure( 'app-emulator-new-agent' );
		$since    = $this->emulator_last_seq();
		$response = $this->dispatch( '/chat', array( 'query' => 'Look it up #delay:0 #reasoning' ) );
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$data = $response->get_data();
		$this->assertSame( 'agent', $data['mode'] );
		$this->assertSame( 1, substr_count( $data['answer'], '## New Agent answer' ) );
		$this->assertStringNotContainsString( 'EMULATOR-REASONING', (string) wp_json_encode( $data ) );
		$this->assertStringNotContainsString( 'EMULATOR-SANDBOX-SECRET', (string) wp_json_encode( $data ) );
		$this->assertSame( 'streaming', $this->last_post( $since, '/chat-messages' )['body']['response_mode'] );
	}
}
