<?php
/**
 * The Dify Chatbot block, registered from the build and rendered by the shared renderer.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Frontend;

use Dify_Chatbot\Tests\TestCase;
use WP_Block_Type_Registry;

final class BlockTest extends TestCase {

	public function test_the_block_type_is_registered_from_the_built_block_json(): void {
		$this->assertFileExists( DIFY_CHATBOT_DIR . '/build/block/block.json', 'Build the front end first (npm run build).' );
		$type = WP_Block_Type_Registry::get_instance()->get_registered( 'dify-chatbot/chat' );
		$this->assertNotNull( $type );
		$this->assertSame( 3, $type->api_version );
		$this->assertIsCallable( $type->render_callback, 'A dynamic block: render.php draws it.' );
		foreach ( array( 'bot', 'layout', 'title', 'placeholder', 'height', 'position', 'accent' ) as $attribute ) {
			$this->assertArrayHasKey( $attribute, $type->attributes );
		}
		$this->assertTrue( $type->supports['color']['background'] );
		$this->assertNotEmpty( $type->editor_script_handles );
	}

	public function test_the_block_gives_the_chat_with_its_wrapper_attributes(): void {
		$html = do_blocks( '<!-- wp:dify-chatbot/chat {"layout":"bubble","title":"Ask us","align":"wide","className":"my-chat"} /-->' );
		$this->assertSame( 1, substr_count( $html, 'data-dify-chatbot=' ), $html );
		preg_match( '/ class="([^"]*)"/', $html, $class );
		$classes = explode( ' ', $class[1] );
		foreach ( array( 'wp-block-dify-chatbot-chat', 'dify-chatbot', 'dify-chatbot--bubble', 'alignwide', 'my-chat' ) as $expected ) {
			$this->assertContains( $expected, $classes );
		}
		$this->assertNotContains( 'is-shortcode', $classes );
		$this->assertStringContainsString( 'role="region" aria-label="Ask us"', $html );
		$this->assertMatchesRegularExpression( '/ id="dify-chatbot-\d+"/', $html );
	}

	public function test_attributes_the_block_does_not_know_never_reach_the_markup(): void {
		$html = do_blocks( '<!-- wp:dify-chatbot/chat {"api_key":"app-secret-1234","onclick":"alert(1)","height":"100px;position:fixed"} /-->' );
		$this->assertStringNotContainsString( 'app-secret-1234', $html );
		$this->assertStringNotContainsString( 'alert(1)', $html );
		$this->assertStringNotContainsString( 'position:fixed', html_entity_decode( $html ) );
		$this->assertStringContainsString( '--dify-chatbot-height:480px', $html );
	}

	public function test_outside_a_block_the_render_filter_gives_the_plain_chat(): void {
		$html = (string) apply_filters( 'dify_chatbot_render_block', '', array( 'layout' => 'bubble' ) );
		$this->assertSame( 1, substr_count( $html, ' class=' ) );
		$this->assertSame( 1, substr_count( $html, ' style=' ) );
		$this->assertStringContainsString( 'class="dify-chatbot dify-chatbot--bubble"', $html );
		$this->assertStringContainsString( '--dify-chatbot-height:480px', $html );
		$this->assertStringNotContainsString( 'wp-block-', $html );
		$this->assertStringContainsString( 'dify-chatbot--inline', (string) apply_filters( 'dify_chatbot_render_block', '', 'not attributes' ), 'Odd attributes give the default chat.' );
	}
}
