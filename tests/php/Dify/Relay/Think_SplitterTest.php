<?php
/**
 * The inline `<think>` splitter: the same answer and reasoning however the stream cuts the text.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\Relay;

use Dify_Chatbot\Dify\Relay\Think_Splitter;
use Dify_Chatbot\Tests\TestCase;

final class Think_SplitterTest extends TestCase {

	/**
	 * Texts as a model writes them, with the answer and reasoning each must give.
	 *
	 * @return array<string, array{string, string, string}>
	 */
	public function texts(): array {
		return array(
			'no reasoning'                 => array( 'Just an answer.', 'Just an answer.', '' ),
			'reasoning first'              => array( "<think>\nWeigh it.\n</think>\n\nThe answer.", 'The answer.', "\nWeigh it.\n" ),
			'empty reasoning'              => array( "<think></think>\nHi", 'Hi', '' ),
			'answer before the reasoning'  => array( 'A <think>b</think> c', 'A c', 'b' ),
			'two blocks'                   => array( '<think>one</think>x<think>two</think>y', 'xy', 'onetwo' ),
			'never closed'                 => array( '<think>still thinking', '', 'still thinking' ),
			'a stray closing tag'          => array( 'a</think>b', 'ab', '' ),
			'look-alikes stay answer'      => array( 'x < y, <thinking> and <thin> and </thi', 'x < y, <thinking> and <thin> and </thi', '' ),
			'a tag inside reasoning'       => array( '<think>a <think> b</think>c', 'c', 'a <think> b' ),
			'ends on half an opening tag'  => array( 'answer <thi', 'answer <thi', '' ),
			'ends on half a closing tag'   => array( '<think>r</thi', '', 'r</thi' ),
			'multibyte text'               => array( '<think>Überlegung 🤔</think>Antwort ✓', 'Antwort ✓', 'Überlegung 🤔' ),
			'only white space after close' => array( "<think>r</think>\n\n", '', 'r' ),
		);
	}

	/**
	 * @dataProvider texts
	 */
	public function test_a_whole_text_is_split( string $text, string $answer, string $reasoning ): void {
		$this->assertSame(
			array(
				'answer'    => $answer,
				'reasoning' => $reasoning,
			),
			Think_Splitter::split( $text )
		);
	}

	/**
	 * Every cut into two pieces and every cut into three gives the whole text's split, and no
	 * piece of answer ever carries a tag or any of the reasoning.
	 *
	 * @dataProvider texts
	 */
	public function test_every_split_position_gives_the_same_result( string $text, string $answer, string $reasoning ): void {
		$length = strlen( $text );
		$cuts   = 0;
		for ( $i = 0; $i <= $length; $i++ ) {
			for ( $j = $i; $j <= $length; $j++ ) {
				$pieces = array( substr( $text, 0, $i ), substr( $text, $i, $j - $i ), substr( $text, $j ) );
				$this->assertSplitsTo( $pieces, $answer, $reasoning, $text );
				++$cuts;
			}
		}
		$this->assertSame( ( $length + 1 ) * ( $length + 2 ) / 2, $cuts );
	}

	public function test_byte_by_byte(): void {
		$text = "Intro <think>\nplan: <b>bold</b>\n</think>\n\nAnswer with </thi and <th.";
		$this->assertSplitsTo( str_split( $text ), 'Intro Answer with </thi and <th.', "\nplan: <b>bold</b>\n", $text );
	}

	public function test_a_tag_cut_like_the_emulator_cuts_it(): void {
		$splitter = new Think_Splitter();
		$this->assertSame(
			array(
				'answer'    => '',
				'reasoning' => '',
				'closed'    => false,
			),
			$splitter->feed( '<' )
		);
		$this->assertSame(
			array(
				'answer'    => '',
				'reasoning' => '',
				'closed'    => false,
			),
			$splitter->feed( 'thi' )
		);
		$this->assertSame(
			array(
				'answer'    => '',
				'reasoning' => 'The',
				'closed'    => false,
			),
			$splitter->feed( 'nk>The' )
		);
		$this->assertTrue( $splitter->is_thinking() );
		$this->assertSame(
			array(
				'answer'    => '',
				'reasoning' => ' plan',
				'closed'    => false,
			),
			$splitter->feed( ' plan</th' )
		);
		$this->assertSame(
			array(
				'answer'    => '',
				'reasoning' => '',
				'closed'    => false,
			),
			$splitter->feed( 'ink' )
		);
		$this->assertSame(
			array(
				'answer'    => '',
				'reasoning' => '',
				'closed'    => true,
			),
			$splitter->feed( ">\n\n" )
		);
		$this->assertFalse( $splitter->is_thinking() );
		$this->assertSame(
			array(
				'answer'    => '## Done',
				'reasoning' => '',
				'closed'    => false,
			),
			$splitter->feed( '## Done' )
		);
		$this->assertSame(
			array(
				'answer'    => '',
				'reasoning' => '',
				'closed'    => false,
			),
			$splitter->finish()
		);
	}

	public function test_text_held_back_comes_out_at_the_end(): void {
		$splitter = new Think_Splitter();
		$this->assertSame( 'a ', $splitter->feed( 'a <thi' )['answer'] );
		$this->assertSame(
			array(
				'answer'    => '<thi',
				'reasoning' => '',
				'closed'    => false,
			),
			$splitter->finish()
		);
	}

	public function test_has_tags(): void {
		$this->assertTrue( Think_Splitter::has_tags( 'x<think>y' ) );
		$this->assertTrue( Think_Splitter::has_tags( 'x</think>y' ) );
		$this->assertFalse( Think_Splitter::has_tags( 'x <thinking> y' ) );
	}

	/**
	 * Feeds the pieces one by one and checks the joined result.
	 *
	 * @param string[] $pieces    The pieces.
	 * @param string   $answer    The expected answer.
	 * @param string   $reasoning The expected reasoning.
	 * @param string   $text      The whole text (for the message).
	 */
	private function assertSplitsTo( array $pieces, string $answer, string $reasoning, string $text ): void {
		$splitter = new Think_Splitter();
		$got      = array(
			'answer'    => '',
			'reasoning' => '',
		);
		foreach ( $pieces as $piece ) {
			$parts             = $splitter->feed( $piece );
			$got['answer']    .= $parts['answer'];
			$got['reasoning'] .= $parts['reasoning'];
			// What went out as answer is always the start of the true answer: nothing is ever taken back.
			$this->assertSame( substr( $answer, 0, strlen( $got['answer'] ) ), $got['answer'], 'Cut as ' . wp_json_encode( $pieces ) );
		}
		$rest              = $splitter->finish();
		$got['answer']    .= $rest['answer'];
		$got['reasoning'] .= $rest['reasoning'];
		$this->assertSame(
			array(
				'answer'    => $answer,
				'reasoning' => $reasoning,
			),
			$got,
			'Cut as ' . wp_json_encode( $pieces ) . ' of ' . wp_json_encode( $text )
		);
	}
}
