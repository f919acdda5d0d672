<?php
/**
 * The visitor's conversation routes: list, history, rename, delete — own conversations only.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Rest;

use Dify_Chatbot\Rest\Conversation_Controller;
use Dify_Chatbot\Security\Cross_Site;
use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\TestCase;
use WP_REST_Request;
use WP_REST_Response;

require_once dirname( __DIR__ ) . '/Support/Emulator.php';
require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';

final class Conversation_ControllerTest extends TestCase {

	use Emulator;
	use Clean_Environment;

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
		$_SERVER['REQUEST_METHOD'] = 'GET';
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
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
		$settings->option()->update( array( 'base_url' => self::emulator_url() ) );
		$settings->keys()->save( $key );
	}

	/**
	 * Calls the emulator directly with the app key.
	 *
	 * @return array<string, mixed>|null The JSON answer (null for an empty body).
	 */
	private function dify( string $method, string $path, ?array $body = null ): ?array {
		$args = array(
			'method'  => $method,
			'headers' => array( 'Authorization' => 'Bearer app-emulator' ),
			'timeout' => 15,
		);
		if ( null !== $body ) {
			$args['headers']['Content-Type'] = 'application/json';
			$args['body']                    = wp_json_encode( $body );
		}
		$response = wp_remote_request( self::emulator_url() . $path, $args );
		$this->assert_not_wp_error( $response );
		return json_decode( wp_remote_retrieve_body( $response ), true );
	}

	/**
	 * A new conversation of $user with one turn, straight from the emulator.
	 *
	 * @return array{conversation_id: string, message_id: string}
	 */
	private function conversation_of( string $user, string $query = 'Hi #delay:0', string $conversation_id = '' ): array {
		$json = $this->dify(
			'POST',
			'/chat-messages',
			array(
				'query'           => $query,
				'inputs'          => new \stdClass(),
				'user'            => $user,
				'response_mode'   => 'blocking',
				'conversation_id' => $conversation_id,
			)
		);
		$this->assertIsString( $json['conversation_id'] ?? null, (string) wp_json_encode( $json ) );
		return array(
			'conversation_id' => $json['conversation_id'],
			'message_id'      => $json['message_id'],
		);
	}

	/**
	 * The ids of $user's conversations, as Dify itself lists them.
	 *
	 * @return string[]
	 */
	private function dify_conversations( string $user ): array {
		$json = $this->dify( 'GET', '/conversations?limit=100&user=' . rawurlencode( $user ) );
		return array_column( $json['data'] ?? array(), 'id' );
	}

	private function dispatch( string $method, string $path, ?array $body = null, array $query = array() ): WP_REST_Response {
		$request = new WP_REST_Request( $method, '/dify-chatbot/v1' . $path );
		if ( null !== $body ) {
			$request->set_header( 'Content-Type', 'application/json' );
			$request->set_body( (string) wp_json_encode( $body ) );
		}
		if ( array() !== $query ) {
			$request->set_query_params( $query );
		}
		return rest_get_server()->dispatch( $request );
	}

	public function test_the_routes_are_registered_with_uuid_ids(): void {
		$routes = rest_get_server()->get_routes( 'dify-chatbot/v1' );
		$this->assertArrayHasKey( '/dify-chatbot/v1/conversations', $routes );
		$this->assertSame( 404, $this->dispatch( 'GET', '/conversations/not-a-uuid/messages' )->get_status() );
		$this->assertSame( 404, $this->dispatch( 'DELETE', '/conversations/../../settings' )->get_status() );
		$this->assertSame( 404, $this->dispatch( 'POST', '/conversations/1234/name', array( 'name' => 'x' ) )->get_status() );
	}

	public function test_no_key_is_503_not_configured(): void {
		$id = 'e0000000-0000-4000-8000-000000000001';
		$this->assertSame( 503, $this->dispatch( 'GET', '/conversations' )->get_status() );
		$this->assertSame( 503, $this->dispatch( 'GET', '/conversations/' . $id . '/messages' )->get_status() );
		$this->assertSame( 503, $this->dispatch( 'DELETE', '/conversations/' . $id )->get_status() );
		$this->assertSame( 503, $this->dispatch( 'DELETE', '/conversations' )->get_status() );
	}

	public function test_lists_only_the_visitors_own_conversations(): void {
		$this->configure();
		$mine   = $this->conversation_of( $this->user );
		$theirs = $this->conversation_of( 'visitor-other-' . wp_generate_password( 8, false ) );
		$since  = $this->emulator_last_seq();

		$response = $this->dispatch( 'GET', '/conversations' );
		$this->assertSame( 200, $response->get_status() );
		$data = $response->get_data();
		$this->assertFalse( $data['has_more'] );
		$ids = array_column( $data['data'], 'id' );
		$this->assertSame( array( $mine['conversation_id'] ), $ids );
		$this->assertNotContains( $theirs['conversation_id'], $ids );
		$this->assertSame( array( 'id', 'name', 'status', 'introduction', 'created_at', 'updated_at' ), array_keys( $data['data'][0] ) );

		$requests = $this->emulator_requests( $since, '/conversations' );
		$this->assertCount( 1, $requests );
		$this->assertSame( $this->user, $requests[0]['user'] );
	}

	public function test_the_history_of_a_failed_run_keeps_difys_error_text_on_the_server(): void {
		$this->configure( 'app-emulator-chatflow' );
		$response = wp_remote_post(
			self::emulator_url() . '/chat-messages',
			array(
				'headers' => array(
					'Authorization' => 'Bearer app-emulator-chatflow',
					'Content-Type'  => 'application/json',
				),
				'body'    => wp_json_encode(
					array(
						'query'         => 'Break #leak #delay:0',
						'inputs'        => new \stdClass(),
						'user'          => $this->user,
						'response_mode' => 'streaming',
					)
				),
				'timeout' => 30,
			)
		);
		$this->assert_not_wp_error( $response );
		$this->assertSame( 1, preg_match( '/"conversation_id":"([0-9a-f-]{36})"/', wp_remote_retrieve_body( $response ), $id ) );

		$history = $this->dispatch( 'GET', '/conversations/' . $id[1] . '/messages' );
		$this->assertSame( 200, $history->get_status() );
		$json = (string) wp_json_encode( $history->get_data() );
		foreach ( array( '10.0.3.', 'Vector store', 'Errno' ) as $secret ) {
			$this->assertStringNotContainsString( $secret, $json );
		}
		$this->assertSame( 'This answer could not be completed.', $history->get_data()['data'][0]['error'] );
	}

	public function test_the_messages_of_the_visitors_conversation_oldest_first(): void {
		$this->configure();
		$first = $this->conversation_of( $this->user, 'First question #delay:0' );
		$this->conversation_of( $this->user, 'Second question #delay:0', $first['conversation_id'] );

		$response = $this->dispatch( 'GET', '/conversations/' . strtoupper( $first['conversation_id'] ) . '/messages' );
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$data = $response->get_data();
		$this->assertCount( 2, $data['data'] );
		$this->assertStringStartsWith( 'First question', $data['data'][0]['query'] );
		$this->assertStringStartsWith( 'Second question', $data['data'][1]['query'] );
		$this->assertSame( $first['message_id'], $data['data'][0]['id'] );
		$this->assertNotSame( '', $data['data'][0]['answer'] );
		$this->assertArrayNotHasKey( 'inputs', $data['data'][0] );
		foreach ( $data['data'][0]['retriever_resources'] as $citation ) {
			$this->assertArrayNotHasKey( 'index_node_hash', $citation );
		}
	}

	public function test_the_page_size_and_cursor_are_checked(): void {
		$this->configure();
		$id = $this->conversation_of( $this->user )['conversation_id'];
		$this->assertSame( 400, $this->dispatch( 'GET', '/conversations/' . $id . '/messages', null, array( 'limit' => 101 ) )->get_status() );
		$this->assertSame( 400, $this->dispatch( 'GET', '/conversations/' . $id . '/messages', null, array( 'first_id' => 'x' ) )->get_status() );
		$this->assertSame( 400, $this->dispatch( 'GET', '/conversations', null, array( 'last_id' => '../x' ) )->get_status() );
	}

	public function test_the_visitor_renames_and_deletes_their_own_conversation(): void {
		$this->configure();
		$id = $this->conversation_of( $this->user )['conversation_id'];

		$response = $this->dispatch( 'POST', '/conversations/' . $id . '/name', array( 'name' => 'Trip plans' ) );
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$this->assertSame( 'Trip plans', $response->get_data()['name'] );
		$this->assertSame( $id, $response->get_data()['id'] );

		$this->assertSame( 400, $this->dispatch( 'POST', '/conversations/' . $id . '/name', array( 'name' => '' ) )->get_status() );
		$this->assertSame( 400, $this->dispatch( 'POST', '/conversations/' . $id . '/name', array( 'name' => array( 'x' ) ) )->get_status() );
		$this->assertSame( 400, $this->dispatch( 'POST', '/conversations/' . $id . '/name', array( 'name' => 42 ) )->get_status() );

		$response = $this->dispatch( 'DELETE', '/conversations/' . $id );
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( array( 'result' => 'success' ), $response->get_data() );
		$this->assertNotContains( $id, $this->dify_conversations( $this->user ) );
	}

	public function test_another_visitor_cannot_read_rename_or_delete_a_conversation(): void {
		$this->configure();
		$owner = 'visitor-owner-' . wp_generate_password( 8, false );
		$id    = $this->conversation_of( $owner )['conversation_id'];
		$since = $this->emulator_last_seq();

		// $this->user is visitor B.
		$responses = array(
			'read'   => $this->dispatch( 'GET', '/conversations/' . $id . '/messages' ),
			'rename' => $this->dispatch( 'POST', '/conversations/' . $id . '/name', array( 'name' => 'Mine now' ) ),
			'delete' => $this->dispatch( 'DELETE', '/conversations/' . $id ),
		);
		foreach ( $responses as $what => $response ) {
			$this->assertSame( 404, $response->get_status(), $what );
			$this->assertSame( 'dify_chatbot_conversation_not_found', $response->get_data()['code'], $what );
			$this->assertStringNotContainsString( 'did you mean', $response->get_data()['message'], $what );
		}

		// Neither a rename nor a delete ever reached Dify, and A's conversation is intact.
		foreach ( $this->emulator_requests( $since, '/conversations/' ) as $request ) {
			$this->assertSame( 'GET', $request['method'], $request['path'] );
		}
		$this->assertContains( $id, $this->dify_conversations( $owner ) );
		$json = $this->dify( 'GET', '/conversations?limit=100&user=' . rawurlencode( $owner ) );
		$this->assertNotSame( 'Mine now', $json['data'][0]['name'] );
	}

	public function test_an_unknown_conversation_is_404(): void {
		$this->configure();
		$response = $this->dispatch( 'DELETE', '/conversations/e0000000-0000-4000-8000-0000000000ff' );
		$this->assertSame( 404, $response->get_status() );
		$this->assertSame( 'dify_chatbot_conversation_not_found', $response->get_data()['code'] );
	}

	public function test_deleting_all_deletes_every_conversation_of_the_visitor_and_nobody_elses(): void {
		$this->configure();
		$mine = array();
		for ( $i = 0; $i < 3; $i++ ) {
			$mine[] = $this->conversation_of( $this->user )['conversation_id'];
		}
		$other  = 'visitor-other-' . wp_generate_password( 8, false );
		$theirs = array( $this->conversation_of( $other )['conversation_id'], $this->conversation_of( $other )['conversation_id'] );
		$since  = $this->emulator_last_seq();

		$response = $this->dispatch( 'DELETE', '/conversations' );
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$this->assertSame(
			array(
				'deleted' => 3,
				'more'    => false,
			),
			$response->get_data()
		);
		$this->assertSame( array(), $this->dify_conversations( $this->user ) );
		$this->assertEqualsCanonicalizing( $theirs, $this->dify_conversations( $other ) );

		// One list as this visitor, then one DELETE per own conversation, each as this visitor.
		$requests = $this->emulator_requests( $since, '/conversations' );
		$this->assertSame( 'GET', $requests[0]['method'] );
		$this->assertSame( $this->user, $requests[0]['user'] );
		$deletes = array_values(
			array_filter(
				$requests,
				static function ( array $request ): bool {
					return 'DELETE' === $request['method'];
				}
			)
		);
		$this->assertCount( 3, $deletes );
		$paths = array();
		foreach ( $deletes as $delete ) {
			$this->assertSame( $this->user, $delete['user'] );
			$paths[] = substr( $delete['path'], strrpos( $delete['path'], '/' ) + 1 );
		}
		$this->assertEqualsCanonicalizing( $mine, $paths );

		// Nothing left: nothing to delete, and no DELETE reaches Dify.
		$since = $this->emulator_last_seq();
		$this->assertSame(
			array(
				'deleted' => 0,
				'more'    => false,
			),
			$this->dispatch( 'DELETE', '/conversations' )->get_data()
		);
		$this->assertCount( 1, $this->emulator_requests( $since, '/conversations' ) );
	}

	public function test_deleting_all_stops_at_the_cap_and_says_more_remain(): void {
		$this->configure();
		$count = Conversation_Controller::DELETE_PER_REQUEST + 2;
		for ( $i = 0; $i < $count; $i++ ) {
			$this->conversation_of( $this->user );
		}
		$since = $this->emulator_last_seq();

		$first = $this->dispatch( 'DELETE', '/conversations' );
		$this->assertSame(
			array(
				'deleted' => Conversation_Controller::DELETE_PER_REQUEST,
				'more'    => true,
			),
			$first->get_data()
		);
		$this->assertCount( 1 + Conversation_Controller::DELETE_PER_REQUEST, $this->emulator_requests( $since, '/conversations' ), 'One list and at most the cap of deletions per request.' );
		$this->assertCount( 2, $this->dify_conversations( $this->user ) );

		$second = $this->dispatch( 'DELETE', '/conversations' );
		$this->assertSame(
			array(
				'deleted' => 2,
				'more'    => false,
			),
			$second->get_data()
		);
		$this->assertSame( array(), $this->dify_conversations( $this->user ) );
	}

	public function test_a_cross_site_or_overridden_delete_all_is_refused_before_dify_hears_of_it(): void {
		$this->configure();
		$mine  = $this->conversation_of( $this->user )['conversation_id'];
		$since = $this->emulator_last_seq();

		// A form or a fetch() of another site.
		$request = new WP_REST_Request( 'DELETE', '/dify-chatbot/v1/conversations' );
		$request->set_header( 'Origin', 'https://evil.example' );
		$request->set_header( 'Sec-Fetch-Site', 'cross-site' );
		$_SERVER['REQUEST_METHOD'] = 'DELETE';
		$response                  = rest_get_server()->dispatch( $request );
		$this->assertSame( 403, $response->get_status() );
		$this->assertSame( Cross_Site::CODE, $response->get_data()['code'] );

		// A link (a top-level GET carries the visitor's cookie) made a DELETE by `?_method=`.
		$request = new WP_REST_Request( 'DELETE', '/dify-chatbot/v1/conversations' );
		$request->set_query_params( array( '_method' => 'DELETE' ) );
		$_SERVER['REQUEST_METHOD'] = 'GET';
		$response                  = rest_get_server()->dispatch( $request );
		$this->assertSame( 403, $response->get_status() );
		$this->assertSame( Cross_Site::METHOD, $response->get_data()['code'] );
		$this->assertNotSame( '', $response->get_data()['message'] );

		$this->assertSame( array(), $this->emulator_requests( $since, '/' ), 'A refused request must not reach Dify.' );
		$this->assertSame( array( $mine ), $this->dify_conversations( $this->user ) );
	}

	public function test_deleting_all_when_dify_is_out_of_reach_is_a_readable_error(): void {
		$settings = Settings::create();
		// A port nothing listens on: the connection is refused at once.
		$settings->option()->update( array( 'base_url' => 'http://127.0.0.1:9/v1' ) );
		$settings->keys()->save( 'app-emulator' );

		$response = $this->dispatch( 'DELETE', '/conversations' );
		$this->assertSame( 503, $response->get_status() );
		$this->assertSame( 'dify_chatbot_unreachable', $response->get_data()['code'] );
		$this->assertNotSame( '', $response->get_data()['message'] );
		$this->assertSame( 503, $this->dispatch( 'DELETE', '/conversations' )->get_status(), 'Asked again, the same answer.' );
	}

	public function test_stored_answers_lose_their_reasoning_unless_the_setting_shows_it(): void {
		$this->configure();
		$first = $this->conversation_of( $this->user, 'Think #reasoning #delay:0' );
		$path  = '/conversations/' . $first['conversation_id'] . '/messages';

		$hidden = $this->dispatch( 'GET', $path )->get_data()['data'][0];
		$this->assertStringStartsWith( '## ', $hidden['answer'] );
		$this->assertArrayNotHasKey( 'reasoning', $hidden );
		$this->assertStringNotContainsString( 'EMULATOR-REASONING', (string) wp_json_encode( $hidden ) );

		Settings::create()->option()->update( array( 'show_reasoning' => true ) );
		$shown = $this->dispatch( 'GET', $path )->get_data()['data'][0];
		$this->assertStringStartsWith( '## ', $shown['answer'] );
		$this->assertStringContainsString( 'EMULATOR-REASONING', $shown['reasoning'] );
	}
}
