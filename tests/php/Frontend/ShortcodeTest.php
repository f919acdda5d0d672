<?php
/**
 * The [dify_chatbot] shortcode.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Frontend;

use Dify_Chatbot\Frontend\Renderer;
use Dify_Chatbot\Frontend\Shortcode;
use Dify_Chatbot\Tests\TestCase;

final class ShortcodeTest extends TestCase {

	protected function tear_down() {
		remove_all_filters( 'shortcode_atts_dify_chatbot' );
		parent::tear_down();
	}

	/**
	 * The chat's options from its data attribute.
	 *
	 * @return array<string, mixed>
	 */
	private static function data( string $html ): array {
		preg_match( '/data-dify-chatbot="([^"]*)"/', $html, $match );
		return json_decode( html_entity_decode( $match[1], ENT_QUOTES ), true );
	}

	public function test_the_shortcode_is_registered(): void {
		$this->assertTrue( shortcode_exists( 'dify_chatbot' ) );
	}

	public function test_without_attributes_it_is_the_default_inline_chat(): void {
		$html = do_shortcode( '[dify_chatbot]' );
		$this->assertStringStartsWith( '<div class="dify-chatbot dify-chatbot--inline is-shortcode" style="--dify-chatbot-height:480px;"', $html );
		$data = self::data( $html );
		$this->assertSame( 'inline', $data['layout'] );
		$this->assertSame( '', $data['title'] );
		$this->assertSame( ( new Shortcode( new Renderer() ) )->render( '' ), str_replace( 'id="dify-chatbot-' . self::number( $html ) . '"', 'id="dify-chatbot-1"', $html ) );
	}

	public function test_its_attributes_are_the_chat_s_options_and_nothing_else(): void {
		$html = do_shortcode( '[dify_chatbot layout="bubble" position="left" title=\'Say "hi" & <b>bye</b>\' accent="#0b5cad" api_key="app-secret-1234" class="evil" style="position:fixed" onclick="alert(1)"]' );
		$this->assertSame( 1, substr_count( $html, ' class=' ) );
		$this->assertSame( 1, substr_count( $html, ' style=' ) );
		$this->assertStringContainsString( 'class="dify-chatbot dify-chatbot--bubble has-accent is-shortcode"', $html );
		$this->assertStringContainsString( '--dify-chatbot-accent:#0b5cad', $html );
		foreach ( array( 'app-secret-1234', 'evil', 'position:fixed', 'alert(1)' ) as $hostile ) {
			$this->assertStringNotContainsString( $hostile, html_entity_decode( $html ) );
		}
		$data = self::data( $html );
		$this->assertSame( 'bubble', $data['layout'] );
		$this->assertSame( 'left', $data['position'] );
		$this->assertSame( 'Say "hi" & bye', $data['title'] );
		$this->assertArrayNotHasKey( 'accent', $data, 'Looks are custom properties, not data.' );
	}

	public function test_a_site_can_change_the_defaults_through_shortcode_atts(): void {
		add_filter(
			'shortcode_atts_dify_chatbot',
			static function ( $out, $pairs, $atts ) {
				return isset( $atts['layout'] ) ? $out : array_merge( $out, array( 'layout' => 'bubble' ) );
			},
			10,
			3
		);
		$this->assertSame( 'bubble', self::data( do_shortcode( '[dify_chatbot]' ) )['layout'] );
		$this->assertSame( 'inline', self::data( do_shortcode( '[dify_chatbot layout="inline"]' ) )['layout'] );
	}

	/**
	 * The number in the chat's id.
	 */
	private static function number( string $html ): int {
		preg_match( '/ id="dify-chatbot-(\d+)"/', $html, $match );
		return (int) $match[1];
	}

	public function test_bot_names_a_configured_bot_or_renders_no_chat(): void {
		delete_option( \Dify_Chatbot\Settings\Bots::OPTION );
		\Dify_Chatbot\Settings\Bots::create()->add(
			array(
				'slug'          => 'sales',
				'name'          => 'Sales',
				'base_url'      => 'https://sales.example.org/v1',
				'response_mode' => 'blocking',
			)
		);
		$data = self::data( do_shortcode( '[dify_chatbot bot="sales"]' ) );
		$this->assertSame( 'sales', $data['bot'] );
		$this->assertSame( 'blocking', $data['responseMode'] );
		$this->assertSame( '<!-- dify-chatbot: unknown bot -->', do_shortcode( '[dify_chatbot bot="support"]' ) );
		wp_set_current_user( $this->make_user( 'editor' ) );
		$this->assertStringContainsString( 'This chat names a bot that does not exist: support', do_shortcode( '[dify_chatbot bot="support"]' ) );
	}
}
