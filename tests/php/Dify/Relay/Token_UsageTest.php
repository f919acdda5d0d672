<?php
/**
 * The tokens of an answer, as Dify reports them.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\Relay;

use Dify_Chatbot\Dify\App\App_Mode;
use Dify_Chatbot\Dify\Relay\Token_Usage;
use Dify_Chatbot\Tests\TestCase;

final class Token_UsageTest extends TestCase {

	public function test_tokens_in_reads_dify_usage(): void {
		$this->assertSame( 42, Token_Usage::tokens_in( array( 'metadata' => array( 'usage' => array( 'total_tokens' => 42 ) ) ) ) );
		$this->assertSame( 7, Token_Usage::tokens_in( array( 'data' => array( 'total_tokens' => 7 ) ) ) );
		$this->assertSame( 9, Token_Usage::tokens_in( array( 'data' => array( 'total_tokens' => '9' ) ) ) );
		$this->assertSame( 0, Token_Usage::tokens_in( array( 'metadata' => array() ) ) );
		$this->assertSame( 0, Token_Usage::tokens_in( array( 'data' => array( 'total_tokens' => -3 ) ) ) );
		$this->assertSame( 0, Token_Usage::tokens_in( 'x' ) );
	}

	public function test_report_announces_the_tokens_and_the_mode(): void {
		$heard    = array();
		$listener = static function ( $tokens, $mode ) use ( &$heard ) {
			$heard[] = array( $tokens, $mode );
		};
		add_action( Token_Usage::ACTION, $listener, 10, 2 );
		Token_Usage::report( array( 'data' => array( 'total_tokens' => 12 ) ), App_Mode::from( 'workflow' ) );
		Token_Usage::report( array( 'metadata' => array() ), App_Mode::chat() );
		remove_action( Token_Usage::ACTION, $listener, 10 );

		$this->assertSame( 'dify_chatbot_tokens_used', Token_Usage::ACTION );
		$this->assertSame(
			array(
				array( 12, 'workflow' ),
				array( 0, 'chat' ),
			),
			$heard
		);
	}
}
