<?php
/**
 * The shared renderer of the block and the shortcode.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Frontend;

use Dify_Chatbot\Frontend\Renderer;
use Dify_Chatbot\Tests\TestCase;

/**
 * Options are normalized and escaped; the block and the shortcode give the same markup.
 */
final class RendererTest extends TestCase {

	public function test_unknown_and_invalid_options_fall_back_to_defaults(): void {
		$options = ( new Renderer() )->normalize(
			array(
				'layout'  => 'sideways',
				'height'  => '100px; background:url(x)',
				'api_key' => 'app-secret',
				'title'   => '<b>Help</b>',
			)
		);
		$this->assertSame( 'inline', $options['layout'] );
		$this->assertSame( '480px', $options['height'] );
		$this->assertArrayNotHasKey( 'api_key', $options );
		$this->assertSame( 'Help', $options['title'] );
	}

	public function test_markup_escapes_options_into_the_data_attribute(): void {
		$html = ( new Renderer() )->render( array( 'title' => 'Say "hi" & <go>' ) );
		$this->assertStringContainsString( 'data-dify-chatbot="', $html );
		$this->assertStringNotContainsString( '<go>', $html );
		preg_match( '/data-dify-chatbot="([^"]*)"/', $html, $match );
		$decoded = json_decode( html_entity_decode( $match[1], ENT_QUOTES ), true );
		$this->assertSame( 'Say "hi" &', $decoded['title'] );
	}

	public function test_an_option_that_looks_like_an_entity_survives_the_attribute(): void {
		// esc_attr() does not encode an existing entity again: `&quot;` inside the JSON would come
		// back from the attribute as a bare quote and break the JSON.
		$html = ( new Renderer() )->render( array( 'title' => 'A &quot;quoted&quot; &amp; title' ) );
		preg_match( '/data-dify-chatbot="([^"]*)"/', $html, $match );
		$decoded = json_decode( html_entity_decode( $match[1], ENT_QUOTES ), true );
		$this->assertIsArray( $decoded, $match[1] );
		$this->assertSame( 'A &quot;quoted&quot; &amp; title', $decoded['title'] );
	}

	public function test_shortcode_and_block_render_the_same_chat(): void {
		$shortcode = do_shortcode( '[dify_chatbot layout="bubble" title="Ask us"]' );
		$block     = do_blocks( '<!-- wp:dify-chatbot/chat {"layout":"bubble","title":"Ask us"} /-->' );
		$data      = function ( string $html ): array {
			preg_match( '/data-dify-chatbot="([^"]*)"/', $html, $match );
			return json_decode( html_entity_decode( $match[1], ENT_QUOTES ), true );
		};
		$this->assertSame( $data( $shortcode ), $data( $block ) );
		$this->assertStringContainsString( 'dify-chatbot--bubble', $shortcode );
		$this->assertStringContainsString( 'dify-chatbot--bubble', $block );
		$this->assertStringContainsString( 'wp-block-dify-chatbot-chat', $block );
	}

	public function test_the_chat_names_the_page_it_is_on_and_nothing_per_visitor(): void {
		$page            = (int) wp_insert_post(
			array(
				'post_title'  => 'Help',
				'post_status' => 'publish',
				'post_type'   => 'page',
			)
		);
		$GLOBALS['post'] = get_post( $page ); // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited -- the loop's current post.
		wp_set_current_user( $this->make_user( 'subscriber' ) );
		$html = ( new Renderer() )->render( array() );
		unset( $GLOBALS['post'] );
		wp_set_current_user( 0 );
		preg_match( '/data-dify-chatbot="([^"]*)"/', $html, $match );
		$decoded = json_decode( html_entity_decode( $match[1], ENT_QUOTES ), true );
		$this->assertSame( $page, $decoded['post'] );
		$this->assertSame( array( 'bot', 'layout', 'title', 'placeholder', 'height', 'position', 'responseMode', 'post' ), array_keys( $decoded ) );
		$this->assertSame( 0, json_decode( html_entity_decode( $this->data_of( ( new Renderer() )->render( array() ) ), ENT_QUOTES ), true )['post'] );
	}

	private function data_of( string $html ): string {
		preg_match( '/data-dify-chatbot="([^"]*)"/', $html, $match );
		return $match[1];
	}

	public function test_looks_become_custom_properties_and_nothing_else_gets_through(): void {
		$html = do_shortcode( '[dify_chatbot accent="#0b5cad" background="#fafafa" text_color="#222" radius="16px" height="60vh"]' );
		preg_match( '/ style="([^"]*)"/', $html, $match );
		$this->assertSame(
			'--dify-chatbot-height:60vh;--dify-chatbot-accent:#0b5cad;--dify-chatbot-background:#fafafa;--dify-chatbot-text:#222;--dify-chatbot-accent-text:#ffffff;--dify-chatbot-radius:16px;',
			html_entity_decode( $match[1] )
		);
		$this->assertStringContainsString( 'has-accent', $html );
		// Looks are not part of the chat's data.
		$this->assertStringNotContainsString( 'accent&quot;', $html );
		// A light accent gets dark text.
		$this->assertStringContainsString( '--dify-chatbot-accent-text:#000000', ( new Renderer() )->style( array( 'accent' => '#ffee00' ) ) );

		$hostile = do_shortcode( '[dify_chatbot accent="red;background:url(//evil)" background="expression(alert(1))" radius="1px;position:fixed" text_color="#12345"]' );
		$this->assertSame( 1, substr_count( $hostile, ' style=' ) );
		preg_match( '/ style="([^"]*)"/', $hostile, $match );
		$this->assertSame( '--dify-chatbot-height:480px;', html_entity_decode( $match[1] ) );
		$this->assertStringNotContainsString( 'has-accent', $hostile );
	}

	public function test_the_block_merges_its_supports_and_the_chat_s_properties_into_one_style(): void {
		$html = do_blocks( '<!-- wp:dify-chatbot/chat {"accent":"#0b5cad","height":"600px","style":{"color":{"background":"#101010","text":"#eeeeee"},"border":{"radius":"20px"}}} /-->' );
		$this->assertSame( 1, substr_count( $html, ' style=' ), $html );
		preg_match( '/ style="([^"]*)"/', $html, $match );
		$style = html_entity_decode( $match[1] );
		foreach ( array( 'background-color:#101010', 'color:#eeeeee', 'border-radius:20px', '--dify-chatbot-height:600px', '--dify-chatbot-accent:#0b5cad' ) as $part ) {
			$this->assertStringContainsString( $part, $style );
		}
		$this->assertStringContainsString( 'has-accent', $html );
	}

	public function test_each_chat_carries_its_bot_s_response_mode(): void {
		delete_option( \Dify_Chatbot\Settings\Bots::OPTION );
		\Dify_Chatbot\Settings\Bots::create()->add(
			array(
				'slug'          => 'sales',
				'name'          => 'Sales',
				'base_url'      => 'https://sales.example.org/v1',
				'response_mode' => 'blocking',
			)
		);
		$renderer = new Renderer();
		$default  = json_decode( html_entity_decode( $this->data_of( $renderer->render( array() ) ), ENT_QUOTES ), true );
		$sales    = json_decode( html_entity_decode( $this->data_of( $renderer->render( array( 'bot' => 'sales' ) ) ), ENT_QUOTES ), true );
		$this->assertSame( '', $default['bot'] );
		$this->assertSame( 'streaming', $default['responseMode'] );
		$this->assertSame( 'sales', $sales['bot'] );
		$this->assertSame( 'blocking', $sales['responseMode'] );
	}

	public function test_a_chat_naming_an_unknown_bot_is_a_notice_for_editors_and_a_comment_for_everyone_else(): void {
		$fired = 0;
		$count = static function () use ( &$fired ): void {
			++$fired;
		};
		add_action( 'dify_chatbot_rendered', $count );
		$renderer = new Renderer();

		$visitor = $renderer->render( array( 'bot' => 'nope' ) );
		$this->assertSame( '<!-- dify-chatbot: unknown bot -->', $visitor );

		wp_set_current_user( $this->make_user( 'subscriber' ) );
		$this->assertSame( '<!-- dify-chatbot: unknown bot -->', $renderer->render( array( 'bot' => 'nope' ) ) );

		wp_set_current_user( $this->make_user( 'editor' ) );
		$editor = $renderer->render( array( 'bot' => 'nope' ) );
		$this->assertStringContainsString( 'This chat names a bot that does not exist: nope', $editor );
		$this->assertStringNotContainsString( 'data-dify-chatbot', $editor );

		remove_action( 'dify_chatbot_rendered', $count );
		$this->assertSame( 0, $fired, 'no chat, so no scripts' );
	}
}
