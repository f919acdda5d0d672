<?php
/**
 * The Dify Chatbot block, registered from the build and rendered by the shared renderer.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Frontend;

use Dify_Chatbot\Frontend\Block;
use Dify_Chatbot\Frontend\Renderer;
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
	}

	public function test_the_editor_script_and_style_are_registered_in_the_admin_only(): void {
		$registry = WP_Block_Type_Registry::get_instance();
		$block    = new Block( new Renderer() );

		// A page or a REST request: nobody edits blocks there, and the editor's script would make
		// WordPress build its whole script registry.
		$registry->unregister( Block::NAME );
		$GLOBALS['wp_scripts'] = null; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited -- a fresh script registry.
		$block->register_block();
		$type = $registry->get_registered( Block::NAME );
		$this->assertNotNull( $type );
		$this->assertSame( array(), $type->editor_script_handles );
		$this->assertSame( array(), $type->editor_style_handles );
		$this->assertNull( $GLOBALS['wp_scripts'], 'The script registry is not built for the block.' );
		$this->assertIsCallable( $type->render_callback );

		// The editor (wp-admin) gets both.
		require_once ABSPATH . 'wp-admin/includes/class-wp-screen.php';
		require_once ABSPATH . 'wp-admin/includes/screen.php';
		set_current_screen( 'post' );
		$registry->unregister( Block::NAME );
		$block->register_block();
		$type = $registry->get_registered( Block::NAME );
		$this->assertNotNull( $type );
		$this->assertNotEmpty( $type->editor_script_handles );
		$this->assertNotEmpty( $type->editor_style_handles );
		$this->assertTrue( wp_script_is( $type->editor_script_handles[0], 'registered' ) );

		// Other blocks' metadata is never touched.
		$other = array(
			'name'         => 'core/paragraph',
			'editorScript' => 'x',
		);
		$this->assertSame( $other, $block->without_editor_assets( $other ) );
	}

	protected function tear_down() {
		$GLOBALS['current_screen'] = null; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited -- back to the front end.
		$GLOBALS['wp_scripts']     = null; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
		parent::tear_down();
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

	public function test_a_block_naming_an_unknown_bot_renders_no_chat(): void {
		$this->assertSame( '<!-- dify-chatbot: unknown bot -->', trim( do_blocks( '<!-- wp:dify-chatbot/chat {"bot":"support"} /-->' ) ) );
		wp_set_current_user( $this->make_user( 'editor' ) );
		$html = do_blocks( '<!-- wp:dify-chatbot/chat {"bot":"support"} /-->' );
		$this->assertStringContainsString( 'This chat names a bot that does not exist: support', $html );
		$this->assertStringNotContainsString( 'data-dify-chatbot', $html );
		$this->assertStringContainsString( 'data-dify-chatbot', do_blocks( '<!-- wp:dify-chatbot/chat {"bot":"default"} /-->' ), 'the default bot by its slug' );
	}
}
