<?php
/**
 * The visitor's routes on one answer.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Rest;

use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\TestCase;
use WP_REST_Request;
use WP_REST_Response;

require_once dirname( __DIR__ ) . '/Support/Emulator.php';
require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';

final class Message_ControllerTest extends TestCase {

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
	 * An answer of $user, straight from the emulator; its message id.
	 */
	private function message_of( string $user, string $key = 'app-emulator' ): string {
		$response = wp_remote_post(
			self::emulator_url() . '/chat-messages',
			array(
				'headers' => array(
					'Authorization' => 'Bearer ' . $key,
					'Content-Type'  => 'application/json',
				),
				'body'    => wp_json_encode(
					array(
						'query'         => 'Hi #delay:0',
						'inputs'        => new \stdClass(),
						'user'          => $user,
						'response_mode' => 'blocking',
					)
				),
				'timeout' => 15,
			)
		);
		$this->assert_not_wp_error( $response );
		$json = json_decode( wp_remote_retrieve_body( $response ), true );
		$this->assertIsString( $json['message_id'] ?? null, wp_remote_retrieve_body( $response ) );
		return $json['message_id'];
	}

	private function feedback( string $id, $rating, ?string $content = null ): WP_REST_Response {
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/messages/' . $id . '/feedback' );
		$request->set_header( 'Content-Type', 'application/json' );
		$body = array( 'rating' => $rating );
		if ( null !== $content ) {
			$body['content'] = $content;
		}
		$request->set_body( (string) wp_json_encode( $body ) );
		return rest_get_server()->dispatch( $request );
	}

	private function suggested( string $id ): WP_REST_Response {
		return rest_get_server()->dispatch( new WP_REST_Request( 'GET', '/dify-chatbot/v1/messages/' . $id . '/suggested' ) );
	}

	public function test_no_key_is_503_not_configured(): void {
		$id = 'e0000000-0000-4000-8000-000000000001';
		$this->assertSame( 503, $this->feedback( $id, 'like' )->get_status() );
		$this->assertSame( 503, $this->suggested( $id )->get_status() );
	}

	public function test_a_rating_reaches_dify_as_the_derived_user_and_can_be_taken_back(): void {
		$this->configure();
		$id    = $this->message_of( $this->user );
		$since = $this->emulator_last_seq();

		$response = $this->feedback( strtoupper( $id ), 'like' );
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( array( 'result' => 'success' ), $response->get_data() );
		$this->assertSame( 200, $this->feedback( $id, 'dislike' )->get_status() );
		$this->assertSame( 200, $this->feedback( $id, null )->get_status() );

		$posts = array_values(
			array_filter(
				$this->emulator_requests( $since, '/feedbacks' ),
				static function ( $r ) {
					return 'POST' === $r['method'];
				}
			)
		);
		$this->assertCount( 3, $posts );
		$this->assertSame( '/v1/messages/' . $id . '/feedbacks', $posts[0]['path'] );
		$this->assertSame(
			array( 'like', 'dislike', null ),
			array_map(
				static function ( $r ) {
					return $r['body']['rating'];
				},
				$posts
			)
		);
		foreach ( $posts as $post ) {
			$this->assertSame( $this->user, $post['body']['user'] );
		}
	}

	public function test_taking_back_a_rating_that_does_not_exist_is_a_400(): void {
		$this->configure();
		$id       = $this->message_of( $this->user );
		$response = $this->feedback( $id, null );
		$this->assertSame( 400, $response->get_status() );
		$this->assertStringStartsWith( 'dify_chatbot_', $response->get_data()['code'] );
	}

	public function test_another_visitors_message_cannot_be_rated_or_asked_about(): void {
		$this->configure();
		$id = $this->message_of( 'visitor-someone-else-' . wp_generate_password( 8, false ) );
		foreach ( array( $this->feedback( $id, 'like' ), $this->suggested( $id ) ) as $response ) {
			$this->assertSame( 404, $response->get_status() );
			$this->assertSame( 'dify_chatbot_message_not_found', $response->get_data()['code'] );
			$this->assertStringNotContainsString( 'did you mean', $response->get_data()['message'] );
		}
	}

	/**
	 * @dataProvider bad_ratings
	 */
	public function test_the_rating_is_checked( $rating ): void {
		$this->configure();
		$response = $this->feedback( 'e0000000-0000-4000-8000-000000000001', $rating );
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'rest_invalid_param', $response->get_data()['code'] );
	}

	public function bad_ratings(): array {
		return array(
			'unknown word' => array( 'love' ),
			'number'       => array( 1 ),
			'empty'        => array( '' ),
		);
	}

	public function test_a_message_id_must_be_a_uuid(): void {
		$this->assertSame( 404, $this->suggested( 'not-a-uuid' )->get_status() );
		$this->assertSame( 404, $this->feedback( '../../parameters', 'like' )->get_status() );
	}

	public function test_follow_up_questions_for_the_visitors_answer(): void {
		$this->configure();
		$id       = $this->message_of( $this->user );
		$since    = $this->emulator_last_seq();
		$response = $this->suggested( $id );
		$this->assertSame( 200, $response->get_status() );
		$data = $response->get_data();
		$this->assertSame( array( 'data' ), array_keys( $data ) );
		$this->assertNotEmpty( $data['data'] );
		$this->assertContainsOnly( 'string', $data['data'] );
		$requests = $this->emulator_requests( $since, '/suggested' );
		$this->assertCount( 1, $requests );
		$this->assertSame( $this->user, $requests[0]['user'] );
	}

	public function test_an_app_without_follow_ups_gives_an_empty_list(): void {
		$this->configure( 'app-emulator-plain' );
		$id       = $this->message_of( $this->user, 'app-emulator-plain' );
		$response = $this->suggested( $id );
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( array( 'data' => array() ), $response->get_data() );
	}

	public function test_a_dislike_carries_the_visitor_s_comment_as_content(): void {
		$this->configure();
		$id    = $this->message_of( $this->user );
		$since = $this->emulator_last_seq();
		$this->assertSame( 200, $this->feedback( $id, 'dislike', "  The table is wrong <script>x</script>\nsecond line " )->get_status() );
		$this->assertSame( 200, $this->feedback( $id, null, 'ignored when taken back' )->get_status() );
		$this->assertSame( 200, $this->feedback( $id, 'like' )->get_status() );
		$bodies = array_column(
			array_values(
				array_filter(
					$this->emulator_requests( $since, '/feedbacks' ),
					static function ( $r ) {
						return 'POST' === $r['method'];
					}
				)
			),
			'body'
		);
		$this->assertCount( 3, $bodies );
		$this->assertSame( "The table is wrong \nsecond line", $bodies[0]['content'] );
		$this->assertArrayNotHasKey( 'content', $bodies[1] );
		$this->assertArrayNotHasKey( 'content', $bodies[2] );

		$long = $this->feedback( $id, 'dislike', str_repeat( 'x', 1001 ) );
		$this->assertSame( 400, $long->get_status() );
		$this->assertSame( 'rest_invalid_param', $long->get_data()['code'] );
		$this->assertStringContainsString( 'content', $long->get_data()['message'] );
	}
}
