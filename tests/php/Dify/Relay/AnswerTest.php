<?php
/**
 * The JSON answer shape.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\Relay;

use Dify_Chatbot\Dify\Relay\Answer;
use Dify_Chatbot\Tests\TestCase;

final class AnswerTest extends TestCase {

	public function test_from_a_blocking_chat_body(): void {
		$answer = Answer::from_message(
			array(
				'event'           => 'message',
				'task_id'         => 't1',
				'id'              => 'm1',
				'message_id'      => 'm1',
				'conversation_id' => 'c1',
				'mode'            => 'chat',
				'answer'          => 'Hello!',
				'metadata'        => array(
					'annotation_reply'    => null,
					'retriever_resources' => array(),
					'usage'               => array( 'total_tokens' => 20 ),
				),
				'created_at'      => 1717000000,
			),
			'chat'
		);
		$this->assertSame(
			array(
				'answer'          => 'Hello!',
				'conversation_id' => 'c1',
				'message_id'      => 'm1',
				'task_id'         => 't1',
				'mode'            => 'chat',
				'metadata'        => array(
					'retriever_resources' => array(),
					'usage'               => array( 'total_tokens' => 20 ),
				),
				'created_at'      => 1717000000,
			),
			$answer
		);
	}

	public function test_a_completion_answer_has_no_conversation(): void {
		$answer = Answer::from_message(
			array(
				'task_id'    => 't1',
				'id'         => 'm1',
				'answer'     => 'Done',
				'created_at' => 1,
			),
			'completion'
		);
		$this->assertNull( $answer['conversation_id'] );
		$this->assertSame( 'm1', $answer['message_id'] );
	}

	public function test_from_a_workflow_run(): void {
		$answer = Answer::from_workflow(
			array(
				'task_id'         => 't1',
				'workflow_run_id' => 'r1',
				'data'            => array(
					'status'     => 'succeeded',
					'outputs'    => array(
						'count' => 3,
						'text'  => 'The summary',
					),
					'created_at' => 5,
				),
			)
		);
		$this->assertSame( 'The summary', $answer['answer'] );
		$this->assertSame( 'workflow', $answer['mode'] );
		$this->assertNull( Answer::from_workflow( array( 'data' => array( 'status' => 'failed' ) ) ) );
	}

	public function test_workflow_text_prefers_well_known_names_then_the_first_text(): void {
		$this->assertSame(
			'a',
			Answer::workflow_text(
				array(
					'x'      => 'first',
					'answer' => 'a',
				)
			)
		);
		$this->assertSame(
			'first',
			Answer::workflow_text(
				array(
					'n' => 1,
					'x' => 'first',
				)
			)
		);
		$this->assertSame( '', Answer::workflow_text( array( 'n' => 1 ) ) );
		$this->assertSame( '', Answer::workflow_text( null ) );
	}

	public function test_a_blocking_runs_separated_reasoning_is_its_reasoning_never_its_answer(): void {
		$answer = Answer::from_workflow(
			array(
				'task_id' => 't1',
				'data'    => array(
					'status'  => 'succeeded',
					'outputs' => array(
						'reasoning_content' => "  The user greeted me.\n",
						'summary'           => 'Hello there.',
					),
				),
			)
		);
		$this->assertSame( 'Hello there.', $answer['answer'], 'The reasoning is no answer text, even as the first text output.' );
		$this->assertSame( 'The user greeted me.', $answer['reasoning'] );
		$this->assertSame( '', Answer::workflow_text( array( 'reasoning_content' => 'Thinking only.' ) ) );

		$chat = Answer::from_message(
			array(
				'id'      => 'm1',
				'answer'  => 'Hi.',
				'outputs' => array( 'reasoning_content' => 'Greeting.' ),
			),
			'advanced-chat'
		);
		$this->assertSame( 'Greeting.', $chat['reasoning'] );
		$this->assertArrayNotHasKey( 'reasoning', Answer::from_message( array( 'answer' => 'Hi.' ), 'chat' ) );
		$this->assertArrayNotHasKey(
			'reasoning',
			Answer::from_message(
				array(
					'answer'  => 'Hi.',
					'outputs' => array( 'reasoning_content' => ' ' ),
				),
				'advanced-chat'
			)
		);
	}
}
