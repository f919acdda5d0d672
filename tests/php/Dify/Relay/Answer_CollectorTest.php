<?php
/**
 * Collecting a streamed answer for a JSON response.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\Relay;

use Dify_Chatbot\Dify\App\App_Mode;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Dify\Relay\Answer_Collector;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\TestCase;

require_once dirname( __DIR__, 2 ) . '/Support/Emulator.php';

final class Answer_CollectorTest extends TestCase {

	use Emulator;

	protected function set_up() {
		parent::set_up();
		$this->require_emulator();
	}

	private function collect( string $key, string $query, string $mode ) {
		$mode = App_Mode::from( $mode );
		$body = array(
			'inputs' => new \stdClass(),
			'user'   => 'visitor-collector-test',
		);
		if ( $mode->is_chat() ) {
			$body['query'] = $query;
		} else {
			$body['inputs'] = (object) array( 'query' => $query );
		}
		return ( new Answer_Collector( new Error_Mapper() ) )->collect( new Client( self::emulator_url(), $key ), $mode, $body );
	}

	public function test_an_agent_answer_is_collected_from_its_stream(): void {
		$since  = $this->emulator_last_seq();
		$answer = $this->collect( 'app-emulator-agent', 'What can you do? #delay:1', 'agent-chat' );
		$this->assertIsArray( $answer );
		$this->assertNotSame( '', trim( $answer['answer'] ) );
		$this->assertSame( 'agent-chat', $answer['mode'] );
		$this->assertMatchesRegularExpression( '/^[0-9a-f-]{36}$/', $answer['conversation_id'] );
		$this->assertMatchesRegularExpression( '/^[0-9a-f-]{36}$/', $answer['message_id'] );
		$this->assertArrayHasKey( 'usage', $answer['metadata'] );
		$this->assertSame( 'streaming', $this->emulator_requests( $since, '/chat-messages' )[0]['body']['response_mode'] );
	}

	public function test_message_replace_replaces_the_text(): void {
		$answer = $this->collect( 'app-emulator', 'Say something #replace #delay:1', 'chat' );
		$this->assertStringContainsString( 'replaced by output moderation', $answer['answer'] );
	}

	public function test_a_workflow_answer_from_text_chunks(): void {
		$answer = $this->collect( 'app-emulator-workflow', 'Summarize #delay:1', 'workflow' );
		$this->assertIsArray( $answer );
		$this->assertNotSame( '', trim( $answer['answer'] ) );
		$this->assertNull( $answer['conversation_id'] );
	}

	public function test_an_error_event_becomes_a_visitor_error(): void {
		$error = $this->collect( 'app-emulator-agent', 'Fail #fault:error-event #delay:1', 'agent-chat' );
		$this->assertInstanceOf( \WP_Error::class, $error );
		$this->assertSame( Error_Mapper::ANSWER_FAILED, $error->get_error_code() );
	}

	public function test_a_cut_stream_is_interrupted(): void {
		$error = $this->collect( 'app-emulator-agent', 'Cut #fault:drop #delay:1', 'agent-chat' );
		$this->assertInstanceOf( \WP_Error::class, $error );
		$this->assertSame( Error_Mapper::INTERRUPTED, $error->get_error_code() );
	}
}
