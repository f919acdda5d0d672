<?php
/**
 * An answer from Dify as the client hands it on.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\Http;

use Dify_Chatbot\Dify\Http\Response;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\TestCase;
use WpOrg\Requests\Utility\CaseInsensitiveDictionary;

require_once dirname( __DIR__, 2 ) . '/Support/Emulator.php';

final class ResponseTest extends TestCase {

	use Emulator;

	public function test_a_real_answer_of_the_http_api(): void {
		$this->require_emulator();
		$raw = wp_remote_get(
			self::emulator_url() . '/info',
			array( 'headers' => array( 'Authorization' => 'Bearer app-emulator' ) )
		);
		$this->assert_not_wp_error( $raw );
		$response = Response::from_wp( $raw );
		$this->assertSame( 200, $response->status() );
		$this->assertSame( 'application/json', $response->content_type(), 'Lower case, without parameters.' );
		$this->assertSame( $response->header( 'Content-Type' ), $response->header( 'content-type' ), 'Header names in any case.' );
		$this->assertSame( 'chat', $response->json()['mode'] );
		$this->assertSame( wp_remote_retrieve_body( $raw ), $response->body() );
		$this->assertFalse( $response->is_event_stream() );
		$this->assertSame( '', $response->header( 'X-Not-Sent' ) );
	}

	public function test_a_stream_keeps_the_body_it_is_given(): void {
		$raw      = array(
			'headers'  => new CaseInsensitiveDictionary(
				array(
					'Content-Type' => 'Text/Event-Stream; charset=utf-8',
					'Set-Cookie'   => array( 'a=1', 'b=2' ),
				)
			),
			'body'     => 'data: {"event":"message"}',
			'response' => array(
				'code'    => 200,
				'message' => 'OK',
			),
		);
		$response = Response::from_wp( $raw, '' );
		$this->assertTrue( $response->is_event_stream() );
		$this->assertSame( 'text/event-stream', $response->content_type() );
		$this->assertSame( '', $response->body(), 'A relayed stream keeps no body.' );
		$this->assertSame( 'a=1, b=2', $response->header( 'set-cookie' ) );
	}

	public function test_only_a_200_is_an_event_stream(): void {
		$this->assertFalse( ( new Response( 201, 'text/event-stream', array(), '' ) )->is_event_stream() );
		$this->assertFalse( ( new Response( 200, 'text/html', array(), '' ) )->is_event_stream() );
	}

	/**
	 * @dataProvider bodies
	 */
	public function test_json_is_an_object_or_nothing( string $body, ?array $json ): void {
		$this->assertSame( $json, ( new Response( 200, 'application/json', array(), $body ) )->json() );
	}

	public function bodies(): array {
		return array(
			'object'       => array(
				'{"code":"x","status":400}',
				array(
					'code'   => 'x',
					'status' => 400,
				),
			),
			'empty object' => array( '{}', array() ),
			'list'         => array( '[1,2]', null ),
			'null'         => array( 'null', null ),
			'html'         => array( '<html><body>502 Bad Gateway</body></html>', null ),
			'nothing'      => array( '', null ),
		);
	}
}
