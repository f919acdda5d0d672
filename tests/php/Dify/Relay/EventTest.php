<?php
/**
 * One understanding of Dify's events, for the relay and the collector alike.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\Relay;

use Dify_Chatbot\Dify\App\App_Mode;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Relay\Event;
use Dify_Chatbot\Tests\TestCase;

final class EventTest extends TestCase {

	private const ENVELOPE = array(
		'conversation_id' => 'c1',
		'message_id'      => 'm1',
		'created_at'      => 1717000000,
		'task_id'         => 't1',
	);

	private function event( string $name, array $fields = array() ): Event {
		return new Event( array( 'event' => $name ) + self::ENVELOPE + $fields );
	}

	/**
	 * @dataProvider texts
	 */
	public function test_the_text_an_event_adds( Event $event, ?string $text, ?string $replacement ): void {
		$this->assertSame( $text, $event->text() );
		$this->assertSame( $replacement, $event->replacement() );
	}

	public function texts(): array {
		return array(
			'message'                   => array( $this->event( 'message', array( 'answer' => 'Hel' ) ), 'Hel', null ),
			'agent message'             => array( $this->event( 'agent_message', array( 'answer' => 'Sure' ) ), 'Sure', null ),
			'text labelled a file'      => array( $this->event( 'message_file', array( 'answer' => 'lo' ) ), 'lo', null ),
			'a real file'               => array(
				$this->event(
					'message_file',
					array(
						'type' => 'image',
						'url'  => '/files/tools/1.png',
					)
				),
				null,
				null,
			),
			'workflow text'             => array(
				new Event(
					array(
						'event' => 'text_chunk',
						'data'  => array( 'text' => 'Sum' ),
					)
				),
				'Sum',
				null,
			),
			'moderation replaces'       => array( $this->event( 'message_replace', array( 'answer' => 'Sorry.' ) ), null, 'Sorry.' ),
			'a thought is not the text' => array( $this->event( 'agent_thought', array( 'thought' => 'I should look' ) ), null, null ),
			'an answer that is no text' => array( $this->event( 'message', array( 'answer' => array( 'x' ) ) ), null, null ),
			'the end'                   => array( $this->event( 'message_end', array( 'metadata' => array() ) ), null, null ),
		);
	}

	public function test_an_error_event_is_mapped_once_for_everyone(): void {
		$errors = new Error_Mapper();
		$event  = new Event(
			array(
				'event'           => 'error',
				'conversation_id' => 'c1',
				'code'            => 'completion_request_error',
				'status'          => 400,
				'message'         => '[openai] Rate Limit Error',
			)
		);
		$error  = $event->error( $errors );
		$this->assertNotNull( $error );
		$this->assertSame( Error_Mapper::ANSWER_FAILED, $error->get_error_code() );
		$this->assertSame( 502, $error->get_error_data()['status'] );
		$this->assertSame( '', $event->task_id(), 'Dify sends error events without a task id.' );

		$bare = ( new Event( array( 'event' => 'error' ) ) )->error( $errors );
		$this->assertSame( Error_Mapper::ANSWER_FAILED, $bare->get_error_code(), 'No status means a server error.' );
		$this->assertNull( $this->event( 'message', array( 'answer' => 'x' ) )->error( $errors ) );
	}

	public function test_the_final_event_depends_on_the_mode(): void {
		$workflow = App_Mode::from( 'workflow' );
		$chatflow = App_Mode::from( 'advanced-chat' );
		$finished = new Event(
			array(
				'event' => 'workflow_finished',
				'data'  => array(
					'status'  => 'succeeded',
					'outputs' => array( 'answer' => 'Hi' ),
				),
			)
		);
		$this->assertTrue( $finished->is_final( $workflow ) );
		$this->assertFalse( $finished->is_final( $chatflow ), 'A chatflow still sends message_end after its run.' );
		$this->assertTrue( $this->event( 'message_end' )->is_final( $chatflow ) );
		$this->assertFalse( $this->event( 'message_end' )->is_final( $workflow ) );
		$this->assertTrue( $finished->run_succeeded() );
		$this->assertSame( array( 'answer' => 'Hi' ), $finished->outputs() );

		$failed = new Event(
			array(
				'event' => 'workflow_finished',
				'data'  => array( 'status' => 'failed' ),
			)
		);
		$this->assertFalse( $failed->run_succeeded() );
		$this->assertNull( $failed->outputs() );
	}

	public function test_ids_pings_and_names(): void {
		$event = $this->event( 'message', array( 'workflow_run_id' => null ) );
		$this->assertSame( self::ENVELOPE, $event->ids(), 'Scalar ids only; a null workflow run id is none.' );
		$this->assertSame( 't1', $event->task_id() );
		$this->assertSame( 'message', $event->name() );
		$this->assertTrue( ( new Event( array( 'event' => 'ping' ) ) )->is_ping() );
		$this->assertFalse( $event->is_ping() );
		$this->assertSame( '', ( new Event( array() ) )->name() );
	}
}
