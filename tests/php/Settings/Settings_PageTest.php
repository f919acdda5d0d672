<?php
/**
 * Settings → Dify Chatbot, the Plugins screen link and the notice.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Settings;

use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Settings\Settings_Page;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\TestCase;

require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';

final class Settings_PageTest extends TestCase {

	use Clean_Environment;

	protected function set_up() {
		parent::set_up();
		$this->clean_environment();
		require_once ABSPATH . 'wp-admin/includes/plugin.php';
	}

	protected function tear_down() {
		global $wp_scripts, $wp_styles, $current_screen;
		// phpcs:disable WordPress.WP.GlobalVariablesOverride.Prohibited -- fresh script and style queues for the next test.
		$wp_scripts     = null;
		$wp_styles      = null;
		$current_screen = null;
		// phpcs:enable
		$this->restore_environment();
		parent::tear_down();
	}

	private function page(): Settings_Page {
		return new Settings_Page( Settings::create() );
	}

	public function test_adds_the_screen_for_administrators(): void {
		global $submenu;
		wp_set_current_user( $this->make_user( 'administrator' ) );
		$page = $this->page();
		$page->add_page();
		$slugs = wp_list_pluck( isset( $submenu['options-general.php'] ) ? $submenu['options-general.php'] : array(), 2 );
		$this->assertContains( 'dify-chatbot', $slugs );
		$this->assertSame( admin_url( 'options-general.php?page=dify-chatbot' ), $page->url() );
	}

	public function test_renders_the_mount_point(): void {
		ob_start();
		$this->page()->render();
		$html = ob_get_clean();
		$this->assertStringContainsString( '<div id="dify-chatbot-settings"></div>', $html );
	}

	public function test_enqueues_the_app_only_on_its_screen(): void {
		$asset = DIFY_CHATBOT_DIR . '/build/settings/index.asset.php';
		$made  = false;
		if ( ! file_exists( $asset ) ) {
			// The front end may not be built in this checkout: a minimal asset file stands in.
			wp_mkdir_p( dirname( $asset ) );
			// phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_read_file_put_contents -- a test fixture.
			file_put_contents( $asset, "<?php return array( 'dependencies' => array( 'wp-element', 'wp-api-fetch' ), 'version' => 'test' );" );
			$made = true;
		}
		try {
			global $admin_page_hooks;
			// As wp-admin/menu.php registers it, so the screen gets its real hook suffix.
			$admin_page_hooks['options-general.php'] = 'settings'; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
			wp_set_current_user( $this->make_user( 'administrator' ) );
			$page = $this->page();
			$page->add_page();

			$page->enqueue( 'index.php' );
			$this->assertFalse( wp_script_is( Settings_Page::HANDLE, 'enqueued' ) );

			$page->enqueue( 'settings_page_dify-chatbot' );
			$this->assertTrue( wp_script_is( Settings_Page::HANDLE, 'enqueued' ) );
			$script = wp_scripts()->registered[ Settings_Page::HANDLE ];
			$this->assertStringEndsWith( 'build/settings/index.js', strtok( $script->src, '?' ) );
			$this->assertContains( 'wp-element', $script->deps );
			$this->assertSame( 'dify-chatbot', $script->textdomain );
			$this->assertTrue( wp_style_is( 'wp-components', 'enqueued' ) || in_array( 'wp-components', wp_styles()->registered[ Settings_Page::HANDLE ]->deps, true ) );
		} finally {
			if ( $made ) {
				unlink( $asset );
			}
		}
	}

	public function test_adds_a_settings_link_on_the_plugins_screen(): void {
		// The plugin builds the page on wp-admin requests only; this one is not.
		$links = array();
		self::keeping_hooks(
			function () use ( &$links ) {
				$this->page()->register();
				$links = apply_filters( 'plugin_action_links_' . plugin_basename( DIFY_CHATBOT_FILE ), array( 'deactivate' => '<a href="#">Deactivate</a>' ) );
			}
		);
		$this->assertStringContainsString( 'options-general.php?page=dify-chatbot', $links[0] );
		$this->assertStringContainsString( '>Settings<', $links[0] );
		$this->assertArrayHasKey( 'deactivate', $links );
	}

	public function test_the_notice_shows_while_no_key_is_configured_and_can_be_dismissed(): void {
		$admin = $this->make_user( 'administrator' );
		wp_set_current_user( $admin );
		$settings = Settings::create();
		$settings->keys()->remove();
		$page = new Settings_Page( $settings );

		$html = $this->notice( $page );
		$this->assertStringContainsString( 'options-general.php?page=dify-chatbot', $html );
		$this->assertStringContainsString( 'action=dify_chatbot_dismiss_notice', $html );
		$this->assertStringContainsString( '_wpnonce=', $html );

		$page->dismiss( $admin );
		$this->assertSame( '', $this->notice( $page ) );

		// Dismissal is per user: another administrator still sees it.
		wp_set_current_user( $this->make_user( 'administrator' ) );
		$this->assertNotSame( '', $this->notice( $page ) );
	}

	public function test_no_notice_with_a_key_or_for_editors(): void {
		$settings = Settings::create();
		$page     = new Settings_Page( $settings );

		wp_set_current_user( $this->make_user( 'editor' ) );
		$settings->keys()->remove();
		$this->assertSame( '', $this->notice( $page ) );

		wp_set_current_user( $this->make_user( 'administrator' ) );
		$settings->keys()->save( 'app-configured-key' );
		$this->assertSame( '', $this->notice( $page ) );
	}

	public function test_the_notice_says_when_the_saved_key_is_unreadable(): void {
		wp_set_current_user( $this->make_user( 'administrator' ) );
		update_option(
			\Dify_Chatbot\Settings\Key_Store::OPTION,
			array(
				'ciphertext' => ( new \Dify_Chatbot\Settings\Encryption( 'old salts' ) )->encrypt( 'app-old-key-1234' ),
				'last4'      => '1234',
			),
			false
		);
		$this->assertStringContainsString( 'Enter the key again', $this->notice( $this->page() ) );
	}

	private function notice( Settings_Page $page ): string {
		ob_start();
		$page->notice();
		return (string) ob_get_clean();
	}
}
