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
use WP_Block_Type;
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
		$block = new Block( new Renderer() );

		// A page or a REST request: nobody edits blocks there, and the editor's script would make
		// WordPress build its whole script registry.
		$GLOBALS['wp_scripts'] = null; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited -- a fresh script registry.
		$type                  = $this->registered_anew( $block );
		$this->assertSame( array(), $type->editor_script_handles );
		$this->assertSame( array(), $type->editor_style_handles );
		$this->assertNull( $GLOBALS['wp_scripts'], 'The script registry is not built for the block.' );
		$this->assertIsCallable( $type->render_callback );

		// The editor (wp-admin) gets both.
		self::on_admin_screen(
			'post',
			function () use ( $block ) {
				$type = $this->registered_anew( $block );
				$this->assertNotEmpty( $type->editor_script_handles );
				$this->assertNotEmpty( $type->editor_style_handles );
				$this->assertTrue( wp_script_is( $type->editor_script_handles[0], 'registered' ) );
			}
		);

		// Other blocks' metadata is never touched.
		$other = array(
			'name'         => 'core/paragraph',
			'editorScript' => 'x',
		);
		$this->assertSame( $other, $block->front_end_metadata( $other ) );
	}

	/**
	 * Outside the admin the block is registered untranslated, so a page or an unrelated REST
	 * request never loads the plugin's text domain; the editor and /wp/v2/block-types still get
	 * the title, description and keywords translated with block.json's contexts.
	 */
	public function test_outside_the_admin_only_the_block_types_route_translates_the_block(): void {
		$block     = new Block( new Renderer() );
		$translate = static function ( $text, $original, $context ) {
			return in_array( $context, array( 'block title', 'block description', 'block keyword' ), true ) ? 'ÜBERSETZT ' . $original : $text;
		};
		add_filter( 'gettext_with_context_dify-chatbot', $translate, 10, 3 );
		try {
			$type = $this->registered_anew( $block );
			$this->assertSame( 'Dify Chatbot', $type->title );
			$this->assertContains( 'dify', $type->keywords );

			wp_set_current_user( $this->make_user( 'editor' ) );
			$response = rest_do_request( new \WP_REST_Request( 'GET', '/wp/v2/block-types/' . Block::NAME ) );
			$this->assertSame( 200, $response->get_status() );
			$data = $response->get_data();
			$this->assertSame( 'ÜBERSETZT Dify Chatbot', $data['title'] );
			$this->assertStringStartsWith( 'ÜBERSETZT A chat with your Dify app.', $data['description'] );
			$this->assertContains( 'ÜBERSETZT dify', $data['keywords'] );
			$this->assertSame( 'dify-chatbot', $data['textdomain'] );
			$core = rest_do_request( new \WP_REST_Request( 'GET', '/wp/v2/block-types/core/paragraph' ) )->get_data();
			$this->assertStringNotContainsString( 'ÜBERSETZT', (string) $core['title'], 'Other blocks are left alone.' );

			self::on_admin_screen(
				'post',
				function () use ( $block ) {
					$this->assertSame( 'ÜBERSETZT Dify Chatbot', $this->registered_anew( $block )->title, 'The editor gets it translated at registration.' );
				}
			);
		} finally {
			remove_filter( 'gettext_with_context_dify-chatbot', $translate, 10 );
		}
	}

	/**
	 * The build's PHP manifest holds exactly block.json, and WordPress 6.7+ reads the block from it.
	 */
	public function test_the_block_is_registered_from_the_builds_manifest_where_wordpress_reads_one(): void {
		$manifest = require DIFY_CHATBOT_DIR . '/build/blocks-manifest.php';
		$json     = json_decode( (string) file_get_contents( DIFY_CHATBOT_DIR . '/build/block/block.json' ), true ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents -- a local file.
		$this->assertSame( $json, $manifest['block'] );
		if ( ! class_exists( 'WP_Block_Metadata_Registry' ) ) {
			$this->markTestSkipped( 'WordPress before 6.7 has no block metadata collections.' );
		}
		$this->assertTrue( \WP_Block_Metadata_Registry::has_metadata( DIFY_CHATBOT_DIR . '/build/block' ) );
	}

	/**
	 * The block type as $block registers it now (on this request's screen).
	 *
	 * @param Block $block The block.
	 */
	private function registered_anew( Block $block ): WP_Block_Type {
		$registry = WP_Block_Type_Registry::get_instance();
		$registry->unregister( Block::NAME );
		$block->register_block();
		$type = $registry->get_registered( Block::NAME );
		$this->assertNotNull( $type );
		return $type;
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
