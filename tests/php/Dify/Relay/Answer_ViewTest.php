<?php
/**
 * What of a whole answer the visitor is shown.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\Relay;

use Dify_Chatbot\Dify\Relay\Answer;
use Dify_Chatbot\Dify\Relay\Answer_View;
use Dify_Chatbot\Tests\TestCase;

final class Answer_ViewTest extends TestCase {

	/**
	 * A blocking workflow run whose End node outputs the LLM's separated reasoning.
	 */
	private static function separated(): array {
		return (array) Answer::from_workflow(
			array(
				'task_id' => 't1',
				'data'    => array(
					'status'  => 'succeeded',
					'outputs' => array(
						'text'              => 'The answer.',
						'reasoning_content' => 'Secret plan.',
					),
				),
			)
		);
	}

	public function test_separated_reasoning_of_a_blocking_answer_is_removed_unless_shown(): void {
		$hidden = ( new Answer_View() )->answer( self::separated() );
		$this->assertArrayNotHasKey( 'reasoning', $hidden );
		$this->assertStringNotContainsString( 'Secret plan', (string) wp_json_encode( $hidden ) );
		$this->assertSame( 'The answer.', $hidden['answer'] );

		$shown = ( new Answer_View( true ) )->answer( self::separated() );
		$this->assertSame( 'Secret plan.', $shown['reasoning'] );
		$this->assertSame( 'The answer.', $shown['answer'] );
	}

	public function test_separated_and_inline_reasoning_are_one_thinking_section(): void {
		$answer           = self::separated();
		$answer['answer'] = "<think>\nMore thoughts.\n</think>\n\nThe answer.";
		$shown            = ( new Answer_View( true ) )->answer( $answer );
		$this->assertSame( "Secret plan.\n\nMore thoughts.", $shown['reasoning'] );
		$this->assertSame( 'The answer.', trim( $shown['answer'] ) );
		$hidden = ( new Answer_View() )->answer( $answer );
		$this->assertArrayNotHasKey( 'reasoning', $hidden );
		$this->assertStringNotContainsString( 'thoughts', (string) wp_json_encode( $hidden ) );
	}

	public function test_a_reasoning_key_from_anywhere_else_is_removed_while_hidden(): void {
		$this->assertSame(
			array( 'answer' => 'A.' ),
			( new Answer_View() )->answer(
				array(
					'answer'    => 'A.',
					'reasoning' => 'Leaked.',
				)
			)
		);
		$this->assertSame( array( 'answer' => 'A.' ), ( new Answer_View( true ) )->answer( array( 'answer' => 'A.' ) ) );
	}
}
