<?php
/**
 * The app's branding: each value checked before it may reach a browser.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\App;

use Dify_Chatbot\Dify\App\App_Site;
use Dify_Chatbot\Tests\TestCase;

final class App_SiteTest extends TestCase {

	private const ORIGIN = 'https://dify.example';

	protected function tear_down() {
		remove_all_filters( 'dify_chatbot_image_origins' );
		parent::tear_down();
	}

	public function test_hostile_values_are_dropped(): void {
		$site = App_Site::safe(
			array(
				'title'               => array( 'not text' ),
				'chat_color_theme'    => 'red; background:url(x)',
				'icon_type'           => 'emoji',
				'icon'                => str_repeat( '🤖', 40 ),
				'privacy_policy'      => 'javascript:alert(1)',
				'copyright'           => str_repeat( 'c', 2000 ),
				'show_workflow_steps' => 'true',
				'description'         => 'not for the browser',
				'default_language'    => 'en-US',
			),
			self::ORIGIN
		);
		$this->assertSame( array( 'title', 'icon', 'chat_color_theme', 'input_placeholder', 'custom_disclaimer', 'privacy_policy', 'copyright', 'show_workflow_steps' ), array_keys( $site ) );
		$this->assertSame( '', $site['title'] );
		$this->assertSame( '', $site['chat_color_theme'] );
		$this->assertNull( $site['icon'] );
		$this->assertSame( '', $site['privacy_policy'] );
		$this->assertSame( 1001, mb_strlen( $site['copyright'] ) );
		$this->assertFalse( $site['show_workflow_steps'] );
	}

	public function test_an_image_icon_only_from_an_allowed_origin(): void {
		$image = static function ( string $url ): array {
			return array(
				'icon_type' => 'image',
				'icon_url'  => $url,
			);
		};
		$this->assertSame( 'https://dify.example/files/a.png?sign=x', App_Site::safe( $image( 'https://dify.example/files/a.png?sign=x' ), self::ORIGIN )['icon']['url'] );
		$this->assertSame( 'https://dify.example/files/b.png', App_Site::safe( $image( '/files/b.png' ), self::ORIGIN )['icon']['url'], 'A relative link is on Dify.' );
		$this->assertNull( App_Site::safe( $image( 'https://evil.example/a.png' ), self::ORIGIN )['icon'] );
		$this->assertNull( App_Site::safe( $image( '//evil.example/a.png' ), self::ORIGIN )['icon'] );
		$this->assertNull( App_Site::safe( $image( 'data:image/png;base64,AAAA' ), self::ORIGIN )['icon'] );
		$this->assertNull( App_Site::safe( $image( 'javascript:alert(1)' ), self::ORIGIN )['icon'] );

		add_filter(
			'dify_chatbot_image_origins',
			static function ( array $origins ): array {
				$origins[] = 'https://files.example';
				return $origins;
			}
		);
		$this->assertSame( 'https://files.example/a.png', App_Site::safe( $image( 'https://files.example/a.png' ), self::ORIGIN )['icon']['url'] );
	}

	public function test_shows_steps_reads_the_cached_parameters(): void {
		$this->assertTrue( App_Site::shows_steps( array( 'site' => array( 'show_workflow_steps' => true ) ) ) );
		$this->assertFalse( App_Site::shows_steps( array( 'site' => array( 'show_workflow_steps' => false ) ) ) );
		$this->assertFalse( App_Site::shows_steps( array() ) );
		$this->assertFalse( App_Site::shows_steps( new \WP_Error( 'x' ) ) );
	}
}
