<?php
/**
 * POST /forms/{form}: Human Input forms answered by the visitor they were shown to.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Rest;

use Dify_Chatbot\Dify\App\App_Info;
use Dify_Chatbot\Dify\App\App_Parameters;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Rest\Chat_Controller;
use Dify_Chatbot\Rest\Conversation_Controller;
use Dify_Chatbot\Rest\File_Controller;
use Dify_Chatbot\Rest\Form_Controller;
use Dify_Chatbot\Security\Budget;
use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Bots;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\Support\Memory_Writer;
use Dify_Chatbot\Tests\Support\Uploads;
use Dify_Chatbot\Tests\Support\Visitor_Routes;
use Dify_Chatbot\Tests\TestCase;
use Dify_Chatbot\Usage\Usage_Recorder;
use Dify_Chatbot\Usage\Usage_Store;
use WP_REST_Request;
use WP_REST_Response;

require_once dirname( __DIR__ ) . '/Support/Emulator.php';
require_once dirname( __DIR__ ) . '/Support/Memory_Writer.php';
require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';
require_once dirname( __DIR__ ) . '/Support/Visitor_Routes.php';
require_once dirname( __DIR__ ) . '/Support/Uploads.php';

final class Form_ControllerTest extends TestCase {

	use Emulator;
	use Clean_Environment;
	use Visitor_Routes;
	use Uploads;

	private const APPROVAL = 'app-emulator-approval';

	protected function set_up() {
		parent::set_up();
		$this->clean_environment();
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		$this->require_emulator();
		$settings = Settings::create();
		$settings->option()->update( array( 'base_url' => self::emulator_url() ) );
		$settings->keys()->save( self::APPROVAL );
	}

	protected function tear_down() {
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		$this->remove_temporary_files();
		$this->restore_environment();
		parent::tear_down();
	}

	/**
	 * A new visitor (a fresh signed cookie); returns their Dify user.
	 */
	private function new_visitor(): string {
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		return self::visitor_api()->user();
	}

	/**
	 * Asks the approval chatflow as the current visitor (streamed) and returns the writer.
	 */
	private function ask( string $query ): Memory_Writer {
		$writer  = new Memory_Writer();
		$errors  = new Error_Mapper();
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/chat' );
		$request->set_header( 'Accept', 'text/event-stream' );
		$request->set_param( 'query', $query );
		$request->set_param( 'inputs', array() );
		$request->set_param( 'conversation_id', '' );
		$route = new Chat_Controller(
			self::visitor_api(),
			new App_Info( $errors ),
			new App_Parameters( $errors ),
			static function () use ( $writer ) {
				return $writer;
			},
			static function () {}
		);
		$route->chat( $request );
		return $writer;
	}

	/**
	 * The one event of a name in a stream.
	 */
	private static function event( Memory_Writer $writer, string $name ): array {
		foreach ( $writer->events() as $event ) {
			if ( $name === $event['event'] ) {
				return $event;
			}
		}
		self::fail( "No $name event in: " . implode( ', ', $writer->names() ) );
	}

	/**
	 * Answers a form as the current visitor, streamed (a writer) or not (a response).
	 *
	 * @return Memory_Writer|WP_REST_Response
	 */
	private function submit( string $handle, array $body, bool $stream = true ) {
		$writer  = new Memory_Writer();
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/forms/' . $handle );
		if ( $stream ) {
			$request->set_header( 'Accept', 'text/event-stream' );
		}
		$request->set_url_params( array( 'form' => $handle ) );
		foreach ( $body as $key => $value ) {
			$request->set_param( $key, $value );
		}
		$route    = new Form_Controller(
			self::visitor_api(),
			new App_Info( new Error_Mapper() ),
			static function () use ( $writer ) {
				return $writer;
			},
			static function () {}
		);
		$response = $route->submit( $request );
		return $stream ? $writer : $response;
	}

	/**
	 * Dify's form token of the visitor's paused answer, read from Dify's history.
	 */
	private function token_of( string $conversation_id, string $user ): string {
		$history = ( new Client( self::emulator_url(), self::APPROVAL ) )->messages( $conversation_id, $user, null, 20 );
		$json    = json_decode( $history->body(), true );
		$token   = $json['data'][0]['extra_contents'][0]['form_definition']['form_token'] ?? '';
		$this->assertNotSame( '', $token );
		return $token;
	}

	private function submits_since( int $since ): int {
		return count(
			array_filter(
				$this->emulator_requests( $since, '/form/human_input/' ),
				static function ( $r ) {
					return 'POST' === $r['method'];
				}
			)
		);
	}

	public function test_a_paused_answer_brings_the_form_with_a_handle_and_never_the_token(): void {
		$user   = $this->new_visitor();
		$writer = $this->ask( 'Please approve the refund #human:simple #delay:0' );
		$names  = array_values( array_diff( $writer->names(), array( 'ping' ) ) );
		$this->assertSame( 'workflow_paused', end( $names ), 'A paused run ends its stream, and that is no error.' );
		$this->assertNotContains( 'error', $names );

		$form = self::event( $writer, 'human_input_required' )['data'];
		$this->assertMatchesRegularExpression( '/^[A-Za-z0-9_-]{16,128}$/', $form['form'] );
		$this->assertSame( 'Approval', $form['node_title'] );
		$this->assertStringContainsString( 'Review the draft', $form['form_content'] );
		$this->assertSame( array( 'approve', 'revise', 'escalate', 'skip' ), array_column( $form['actions'], 'id' ) );
		$this->assertSame( array( 'primary', 'default', 'accent', 'ghost' ), array_column( $form['actions'], 'button_style' ) );
		$this->assertSame( array( 'paragraph', 'select' ), array_column( $form['inputs'], 'type' ) );
		$this->assertSame( array( 'low', 'normal', 'high' ), $form['inputs'][1]['options'] );
		$this->assertArrayHasKey( 'comment', $form['resolved_default_values'] );
		$this->assertGreaterThan( time(), $form['expiration_time'] );

		$all   = implode( '', $writer->frames );
		$token = $this->token_of( self::event( $writer, 'message' )['conversation_id'], $user );
		$this->assertStringNotContainsString( $token, $all, 'The form token never reaches the browser.' );
		$this->assertStringNotContainsString( 'form_token', $all );
		$this->assertStringNotContainsString( 'reasons', $all );
		$this->assertStringNotContainsString( $user, $all );
	}

	public function test_the_visitor_answers_and_the_resumed_run_streams_into_the_same_answer(): void {
		$user    = $this->new_visitor();
		$writer  = $this->ask( 'Please approve the refund #human:simple #delay:10' );
		$handle  = self::event( $writer, 'human_input_required' )['data']['form'];
		$message = self::event( $writer, 'message' )['message_id'];
		$since   = $this->emulator_last_seq();

		$resumed = $this->submit(
			$handle,
			array(
				'action' => 'approve',
				'inputs' => array( 'priority' => 'high' ),
			)
		);
		$names   = array_values( array_diff( $resumed->names(), array( 'ping' ) ) );
		$this->assertSame( 'human_input_form_filled', $names[0] );
		$this->assertContains( 'message', $names );
		$this->assertContains( 'message_end', $names );
		$this->assertNotContains( 'error', $names );
		$this->assertSame( 'approve', self::event( $resumed, 'human_input_form_filled' )['data']['action_id'] );
		$this->assertArrayNotHasKey( 'submitted_data', self::event( $resumed, 'human_input_form_filled' )['data'] );
		$this->assertSame( $message, self::event( $resumed, 'message' )['message_id'], 'The same answer goes on.' );

		$posts = array_values(
			array_filter(
				$this->emulator_requests( $since, '/form/human_input/' ),
				static function ( $r ) {
					return 'POST' === $r['method'];
				}
			)
		);
		$this->assertCount( 1, $posts );
		$this->assertSame( $user, $posts[0]['body']['user'], 'Dify hears the visitor\'s own user.' );
		$this->assertSame( 'approve', $posts[0]['body']['action'] );
		$this->assertSame( 'high', $posts[0]['body']['inputs']['priority'] );
		$this->assertIsString( $posts[0]['body']['inputs']['comment'], 'A paragraph left out gets its default.' );
		$events = $this->emulator_requests( $since, '/events' );
		$this->assertNotEmpty( $events );
		$this->assertSame( 'GET', $events[0]['method'] );
		$this->assertSame( $user, $events[0]['query']['user'], 'The resumed run is followed as the same user.' );

		// A second answer is refused here; Dify is not asked again.
		$since  = $this->emulator_last_seq();
		$second = $this->submit( $handle, array( 'action' => 'revise' ), false );
		$this->assertSame( 409, $second->get_status() );
		$this->assertSame( Error_Mapper::FORM_SUBMITTED, $second->get_data()['code'] );
		$this->assertSame( 'This form has already been answered.', $second->get_data()['message'] );
		$this->assertSame( 0, $this->submits_since( $since ) );
	}

	public function test_the_resumed_run_adds_its_tokens_to_the_message_that_paused_not_a_message(): void {
		global $wpdb;
		$wpdb->query( 'DELETE FROM ' . Usage_Store::table() ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.NotPrepared -- the plugin's own table, no input.
		// A bot of its own, so the usage row is the one the request's bot names.
		$bot = Bots::create()->add(
			array(
				'slug'     => 'approvals',
				'name'     => 'Approvals',
				'base_url' => self::emulator_url(),
			)
		);
		$this->assertInstanceOf( Settings::class, $bot );
		$this->assertTrue( $bot->save_key( self::APPROVAL ) );
		$this->new_visitor();
		$usage   = new Usage_Recorder( new Usage_Store() );
		$writer  = new Memory_Writer();
		$errors  = new Error_Mapper();
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/chat' );
		$request->set_header( 'Accept', 'text/event-stream' );
		$request->set_param( 'query', 'Please approve the refund #human:simple #delay:10' );
		$request->set_param( 'inputs', array() );
		$request->set_param( 'bot', 'approvals' );
		$factory = static function () use ( &$writer ) {
			return $writer;
		};
		( new Chat_Controller( self::visitor_api(), new App_Info( $errors ), new App_Parameters( $errors ), $factory, static function () {}, $usage ) )->chat( $request );
		$handle = self::event( $writer, 'human_input_required' )['data']['form'];
		$paused = ( new Usage_Store() )->rows( 1, 'approvals' )[0];
		$this->assertSame( 1, $paused['messages'] );

		$writer = new Memory_Writer();
		$submit = new WP_REST_Request( 'POST', '/dify-chatbot/v1/forms/' . $handle );
		$submit->set_header( 'Accept', 'text/event-stream' );
		$submit->set_url_params( array( 'form' => $handle ) );
		$submit->set_param( 'action', 'approve' );
		$submit->set_param( 'inputs', array( 'priority' => 'high' ) );
		$submit->set_param( 'bot', 'approvals' );
		( new Form_Controller( self::visitor_api(), new App_Info( $errors ), $factory, static function () {}, $usage ) )->submit( $submit );
		$this->assertNotContains( 'error', $writer->names(), (string) wp_json_encode( $writer->events() ) );
		$end    = self::event( $writer, 'message_end' );
		$tokens = (int) $end['metadata']['usage']['total_tokens'];
		$this->assertGreaterThan( 0, $tokens );

		$row = ( new Usage_Store() )->rows( 1, 'approvals' )[0];
		$this->assertSame( 1, $row['messages'], 'Answering the form is not a new message.' );
		$this->assertSame( $paused['tokens'] + $tokens, $row['tokens'] );
		$this->assertSame( $row['tokens'], ( new Budget( new Usage_Store(), new Option() ) )->used_today( null, 'approvals' ), 'The bot\'s budget holds the resumed run\'s tokens too.' );
		$this->assertSame( 0, $row['errors'] );
	}

	public function test_another_visitors_handle_is_404_and_nothing_reaches_dify(): void {
		$this->new_visitor();
		$handle = self::event( $this->ask( 'Approve mine #human:simple #delay:0' ), 'human_input_required' )['data']['form'];

		$this->new_visitor();
		$since = $this->emulator_last_seq();
		foreach ( array( $handle, str_repeat( 'A', 43 ), substr( $handle, 0, -1 ) . ( 'A' === substr( $handle, -1 ) ? 'B' : 'A' ) ) as $other ) {
			$response = $this->submit( $other, array( 'action' => 'approve' ), false );
			$this->assertSame( 404, $response->get_status() );
			$this->assertSame( Error_Mapper::FORM_NOT_FOUND, $response->get_data()['code'] );
			$stream = $this->submit( $other, array( 'action' => 'approve' ) );
			$this->assertSame( array( 'error' ), $stream->names() );
			$this->assertSame( 404, $stream->events()[0]['status'] );
		}
		$this->assertSame( 0, $this->submits_since( $since ) );
		$this->assertCount( 0, $this->emulator_requests( $since, '/events' ) );
	}

	public function test_an_expired_form_is_410(): void {
		$this->new_visitor();
		$handle = self::event( $this->ask( 'Approve soon #human:simple #expire:1 #delay:0' ), 'human_input_required' )['data']['form'];
		sleep( 2 );
		$since    = $this->emulator_last_seq();
		$response = $this->submit( $handle, array( 'action' => 'approve' ), false );
		$this->assertSame( 410, $response->get_status() );
		$this->assertSame( Error_Mapper::FORM_EXPIRED, $response->get_data()['code'] );
		$this->assertSame( 0, $this->submits_since( $since ) );
	}

	/**
	 * Dify's own refusal counts when the form was answered elsewhere (through the token, by
	 * another channel): the visitor hears it, and the handle remembers it.
	 */
	public function test_a_form_answered_at_dify_meanwhile_is_409(): void {
		$user   = $this->new_visitor();
		$writer = $this->ask( 'Approve elsewhere #human:simple #delay:0' );
		$handle = self::event( $writer, 'human_input_required' )['data']['form'];
		$token  = $this->token_of( self::event( $writer, 'message' )['conversation_id'], $user );
		$answer = ( new Client( self::emulator_url(), self::APPROVAL ) )->submit_form( $token, 'someone-else', 'skip', array( 'priority' => 'low' ) );
		$this->assertSame( 200, $answer->status() );

		$response = $this->submit(
			$handle,
			array(
				'action' => 'approve',
				'inputs' => array( 'priority' => 'high' ),
			),
			false
		);
		$this->assertSame( 409, $response->get_status() );
		$this->assertSame( Error_Mapper::FORM_SUBMITTED, $response->get_data()['code'] );
	}

	/**
	 * @dataProvider wrong_answers
	 */
	public function test_an_answer_that_does_not_fit_the_form_is_400_and_the_form_stays_open( array $body, string $says ): void {
		$this->new_visitor();
		$handle   = self::event( $this->ask( 'Approve with care #human:simple #delay:0' ), 'human_input_required' )['data']['form'];
		$since    = $this->emulator_last_seq();
		$response = $this->submit( $handle, $body, false );
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( Error_Mapper::INVALID_FORM, $response->get_data()['code'] );
		$this->assertStringContainsString( $says, $response->get_data()['message'] );
		$this->assertSame( 0, $this->submits_since( $since ) );

		$this->assertSame(
			array( 'result' => 'success' ),
			$this->submit(
				$handle,
				array(
					'action' => 'approve',
					'inputs' => array( 'priority' => 'low' ),
				),
				false
			)->get_data()
		);
	}

	public function wrong_answers(): array {
		return array(
			'unknown button'     => array(
				array(
					'action' => 'delete_everything',
					'inputs' => array( 'priority' => 'low' ),
				),
				'buttons',
			),
			'unknown field'      => array(
				array(
					'action' => 'approve',
					'inputs' => array(
						'priority'    => 'low',
						'sys.user_id' => 'x',
					),
				),
				'sys.user_id',
			),
			'select not listed'  => array(
				array(
					'action' => 'approve',
					'inputs' => array( 'priority' => 'urgent' ),
				),
				'priority',
			),
			'select missing'     => array( array( 'action' => 'approve' ), 'priority' ),
			'paragraph not text' => array(
				array(
					'action' => 'approve',
					'inputs' => array(
						'priority' => 'low',
						'comment'  => array( 'x' ),
					),
				),
				'comment',
			),
		);
	}

	public function test_file_fields_take_the_visitors_own_uploads(): void {
		$user   = $this->new_visitor();
		$handle = self::event( $this->ask( 'Approve with files #human #delay:20' ), 'human_input_required' )['data']['form'];
		$file   = tempnam( get_temp_dir(), 'form' );
		file_put_contents( $file, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_file_put_contents
		$client = new Client( self::emulator_url(), self::APPROVAL );
		$mine   = json_decode( $client->upload( $user, $file, 'evidence.pdf', 'application/pdf' )->body(), true )['id'];
		$theirs = json_decode( $client->upload( 'visitor-someone-else', $file, 'other.pdf', 'application/pdf' )->body(), true )['id'];
		unlink( $file );

		$answer  = static function ( string $id ): array {
			return array(
				'action' => 'approve',
				'inputs' => array(
					'priority'   => 'normal',
					'attachment' => array(
						'type'            => 'document',
						'transfer_method' => 'local_file',
						'upload_file_id'  => $id,
					),
					'evidence'   => array(
						array(
							'type'            => 'document',
							'transfer_method' => 'local_file',
							'upload_file_id'  => $id,
						),
					),
				),
			);
		};
		$refused = $this->submit( $handle, $answer( $theirs ), false );
		$this->assertSame( 400, $refused->get_status(), 'Another user\'s upload is refused by Dify.' );
		$this->assertSame( Error_Mapper::INVALID_FORM, $refused->get_data()['code'] );

		$missing = $this->submit(
			$handle,
			array(
				'action' => 'approve',
				'inputs' => array( 'priority' => 'low' ),
			),
			false
		);
		$this->assertSame( 400, $missing->get_status() );
		$this->assertStringContainsString( 'attachment', $missing->get_data()['message'] );

		$resumed = $this->submit( $handle, $answer( $mine ) );
		$this->assertNotContains( 'error', $resumed->names() );
		$this->assertStringContainsString( '[file]', self::event( $resumed, 'human_input_form_filled' )['data']['rendered_content'] );
	}

	/**
	 * Uploads a file for a field of a form, as the current visitor, through the files route.
	 */
	private function upload_for_form( string $handle, string $field, string $name, string $bytes ): WP_REST_Response {
		$request = $this->upload_request( '/files', $name, $bytes );
		$request->set_param( 'form', $handle );
		$request->set_param( 'field', $field );
		return ( new File_Controller( self::visitor_api(), new App_Parameters( new Error_Mapper() ) ) )->upload( $request );
	}

	public function test_a_form_file_field_takes_the_owners_upload_by_the_fields_rules_not_the_apps(): void {
		$user   = $this->new_visitor();
		$handle = self::event( $this->ask( 'Approve with a file #human #delay:20' ), 'human_input_required' )['data']['form'];
		// The chat itself takes no files at all: the form field's rules are what count.
		$this->cache_parameters( array( 'file_upload' => array( 'enabled' => false ) ) );

		$since    = $this->emulator_last_seq();
		$response = $this->upload_for_form( $handle, 'attachment', 'notes.txt', "Notes\n" );
		$this->assertSame( 201, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$this->assertSame( 'document', $response->get_data()['type'] );
		$uploads = $this->emulator_requests( $since, '/files/upload' );
		$this->assertCount( 1, $uploads );
		$this->assertSame( $user, $uploads[0]['body']['fields']['user'], 'The upload belongs to the visitor who submits the form.' );

		$list = $this->upload_for_form( $handle, 'evidence', 'photo.png', self::png() );
		$this->assertSame( 201, $list->get_status(), (string) wp_json_encode( $list->get_data() ) );
		$this->assertSame( 'image', $list->get_data()['type'] );

		// The uploaded file answers the form, and Dify takes it as the same user's.
		$resumed = $this->submit(
			$handle,
			array(
				'action' => 'approve',
				'inputs' => array(
					'priority'   => 'normal',
					'attachment' => array(
						'type'            => 'document',
						'transfer_method' => 'local_file',
						'upload_file_id'  => $response->get_data()['id'],
					),
					'evidence'   => array(
						array(
							'type'            => 'image',
							'transfer_method' => 'local_file',
							'upload_file_id'  => $list->get_data()['id'],
						),
					),
				),
			)
		);
		$this->assertNotContains( 'error', $resumed->names() );
		$this->assertStringContainsString( '[1 files]', self::event( $resumed, 'human_input_form_filled' )['data']['rendered_content'] );
	}

	public function test_a_form_upload_by_another_visitor_is_404_and_nothing_reaches_dify(): void {
		$this->new_visitor();
		$handle = self::event( $this->ask( 'Approve mine with a file #human #delay:0' ), 'human_input_required' )['data']['form'];

		$this->new_visitor();
		$since = $this->emulator_last_seq();
		foreach ( array( $handle, str_repeat( 'A', 43 ) ) as $other ) {
			$response = $this->upload_for_form( $other, 'attachment', 'notes.txt', "Notes\n" );
			$this->assertSame( 404, $response->get_status() );
			$this->assertSame( Error_Mapper::FORM_NOT_FOUND, $response->get_data()['code'] );
		}
		$this->assertSame( array(), $this->emulator_requests( $since, '/files/upload' ) );
	}

	public function test_a_form_upload_the_field_refuses_is_4xx_even_when_the_app_takes_it(): void {
		$this->new_visitor();
		$handle = self::event( $this->ask( 'Approve with audio #human #delay:0' ), 'human_input_required' )['data']['form'];
		// The chat takes audio; the form's file fields take images and documents only.
		$this->cache_parameters(
			array(
				'file_upload' => array(
					'enabled'                     => true,
					'allowed_file_types'          => array( 'image', 'document', 'audio' ),
					'allowed_file_upload_methods' => array( 'local_file' ),
				),
			)
		);
		$since = $this->emulator_last_seq();

		$audio = $this->upload_for_form( $handle, 'attachment', 'voice.mp3', "ID3\x03\x00\x00\x00\x00\x00\x00" );
		$this->assertSame( 415, $audio->get_status() );
		$this->assertSame( 'dify_chatbot_unsupported_file', $audio->get_data()['code'] );

		foreach ( array( 'comment', 'priority', 'nothing', '' ) as $field ) {
			$response = $this->upload_for_form( $handle, $field, 'notes.txt', "Notes\n" );
			$this->assertSame( 400, $response->get_status(), $field );
			$this->assertSame( File_Controller::NOT_A_FILE_FIELD, $response->get_data()['code'] );
		}
		$this->assertSame( array(), $this->emulator_requests( $since, '/files/upload' ) );
	}

	public function test_a_form_upload_for_an_answered_form_is_409(): void {
		$this->new_visitor();
		$handle   = self::event( $this->ask( 'Approve quickly #human:simple #delay:0' ), 'human_input_required' )['data']['form'];
		$answered = $this->submit(
			$handle,
			array(
				'action' => 'skip',
				'inputs' => array( 'priority' => 'low' ),
			),
			false
		);
		$this->assertSame( 200, $answered->get_status() );
		$since    = $this->emulator_last_seq();
		$response = $this->upload_for_form( $handle, 'attachment', 'notes.txt', "Notes\n" );
		$this->assertSame( 409, $response->get_status() );
		$this->assertSame( Error_Mapper::FORM_SUBMITTED, $response->get_data()['code'] );
		$this->assertSame( array(), $this->emulator_requests( $since, '/files/upload' ) );
	}

	/**
	 * Dify answers a follow-up of a run that already ended with that run's `workflow_finished`
	 * alone (no envelope): the relay ends the resumed stream cleanly with it, and the answer is
	 * whole in the history, where the chat takes it from.
	 */
	public function test_a_run_that_ended_before_it_is_followed_ends_cleanly_and_the_history_has_the_answer(): void {
		$this->new_visitor();
		$writer       = $this->ask( 'Approve fast #human:simple #variant:form_submit:after_run #delay:0' );
		$handle       = self::event( $writer, 'human_input_required' )['data']['form'];
		$conversation = self::event( $writer, 'message' )['conversation_id'];
		$message      = self::event( $writer, 'message' )['message_id'];
		$since        = $this->emulator_last_seq();

		$resumed = $this->submit(
			$handle,
			array(
				'action' => 'approve',
				'inputs' => array( 'priority' => 'high' ),
			)
		);
		$names   = array_values( array_diff( $resumed->names(), array( 'ping' ) ) );
		$this->assertSame( array( 'workflow_finished' ), $names, 'The finished run, and no error.' );
		$this->assertSame( 'succeeded', $resumed->events()[0]['data']['status'] );
		$this->assertArrayNotHasKey( 'outputs', $resumed->events()[0]['data'] );
		$this->assertCount( 1, $this->emulator_requests( $since, '/events' ) );

		$request = new WP_REST_Request( 'GET', '/dify-chatbot/v1/conversations/' . $conversation . '/messages' );
		$request->set_url_params( array( 'conversation_id' => $conversation ) );
		$request->set_param( 'limit', 20 );
		$history = ( new Conversation_Controller( self::visitor_api() ) )->messages( $request )->get_data()['data'];
		$last    = end( $history );
		$this->assertSame( $message, $last['id'] );
		$this->assertStringContainsString( 'Approved', $last['answer'], 'The whole answer, with what the run wrote after the form.' );
	}

	public function test_a_reload_restores_the_pending_form_from_the_history_with_the_same_handle(): void {
		$user    = $this->new_visitor();
		$writer  = $this->ask( 'Approve after reload #human:simple #delay:0' );
		$handle  = self::event( $writer, 'human_input_required' )['data']['form'];
		$id      = self::event( $writer, 'message' )['conversation_id'];
		$request = new WP_REST_Request( 'GET', '/dify-chatbot/v1/conversations/' . $id . '/messages' );
		$request->set_url_params( array( 'conversation_id' => $id ) );
		$request->set_param( 'limit', 20 );
		$history = ( new Conversation_Controller( self::visitor_api() ) )->messages( $request );
		$this->assertSame( 200, $history->get_status() );
		$json = (string) wp_json_encode( $history->get_data() );
		$this->assertStringNotContainsString( 'form_token', $json );
		$this->assertStringNotContainsString( $this->token_of( $id, $user ), $json );
		$this->assertStringNotContainsString( 'total_price', $json );

		$item = $history->get_data()['data'][0]['extra_contents'][0];
		$this->assertFalse( $item['submitted'] );
		$this->assertSame( $handle, $item['form_definition']['form'], 'The same form gets the same handle.' );
		$this->assertSame( 'Approval', $item['form_definition']['node_title'] );

		$this->submit(
			$handle,
			array(
				'action' => 'revise',
				'inputs' => array( 'priority' => 'low' ),
			)
		);
		$after = ( new Conversation_Controller( self::visitor_api() ) )->messages( $request )->get_data()['data'][0]['extra_contents'][0];
		$this->assertTrue( $after['submitted'] );
		$this->assertArrayNotHasKey( 'form_definition', $after );
		$this->assertSame( 'revise', $after['form_submission_data']['action_id'] );
	}

	public function test_the_route_is_a_chat_route_with_a_schema(): void {
		$routes = rest_get_server()->get_routes();
		$this->assertArrayHasKey( '/dify-chatbot/v1/forms/(?P<form>[A-Za-z0-9_-]{16,128})', $routes );
		$route = $routes['/dify-chatbot/v1/forms/(?P<form>[A-Za-z0-9_-]{16,128})'][0];
		$this->assertSame( 'chat', $route['permission_callback'][1], 'Rate limits, origin rules and the budget of /chat apply.' );
		$this->assertArrayHasKey( 'POST', $route['methods'] );
	}

	/**
	 * @dataProvider bad_bodies
	 */
	public function test_schema_errors_are_400_with_a_message( $body, string $param ): void {
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/forms/' . str_repeat( 'a', 43 ) );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( is_string( $body ) ? $body : (string) wp_json_encode( $body ) );
		$response = rest_get_server()->dispatch( $request );
		// A body beyond the plugin's size limit is refused before the schema (413).
		$this->assertContains( $response->get_status(), array( 400, 413 ) );
		$this->assertNotEmpty( $response->get_data()['message'] );
		if ( 400 === $response->get_status() ) {
			$this->assertStringContainsString( $param, $response->get_data()['message'] );
		}
	}

	public function bad_bodies(): array {
		return array(
			'no action'        => array( array( 'inputs' => array() ), 'action' ),
			'empty action'     => array( array( 'action' => '' ), 'action' ),
			'action a list'    => array( array( 'action' => array( 'a' ) ), 'action' ),
			'action too long'  => array( array( 'action' => str_repeat( 'a', 129 ) ), 'action' ),
			'inputs a string'  => array(
				array(
					'action' => 'a',
					'inputs' => 'x=1',
				),
				'inputs',
			),
			'inputs a list'    => array(
				array(
					'action' => 'a',
					'inputs' => array( 1, 2 ),
				),
				'inputs',
			),
			'inputs too large' => array(
				array(
					'action' => 'a',
					'inputs' => array( 'x' => str_repeat( 'a', 70000 ) ),
				),
				'inputs',
			),
		);
	}

	public function test_a_malformed_handle_is_no_route(): void {
		foreach ( array( 'short', str_repeat( 'a', 129 ), 'has%20space0000000000' ) as $handle ) {
			$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/forms/' . $handle );
			$request->set_param( 'action', 'approve' );
			$this->assertSame( 404, rest_get_server()->dispatch( $request )->get_status(), $handle );
		}
	}
}
