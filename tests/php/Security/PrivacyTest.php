<?php
/**
 * The suggested privacy policy text.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Security;

use Dify_Chatbot\Plugin;
use Dify_Chatbot\Security\Privacy;
use Dify_Chatbot\Tests\TestCase;

final class PrivacyTest extends TestCase {

	protected function tear_down() {
		if ( class_exists( 'WP_Privacy_Policy_Content' ) ) {
			$this->registered()->setValue( null, array() );
		}
		$GLOBALS['current_screen'] = null; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited -- back to the front end.
		parent::tear_down();
	}

	/**
	 * WordPress keeps the registered texts in a private static property.
	 */
	private function registered(): \ReflectionProperty {
		$property = new \ReflectionProperty( 'WP_Privacy_Policy_Content', 'policy_content' );
		$property->setAccessible( true );
		return $property;
	}

	public function test_the_plugin_adds_the_text_on_admin_init(): void {
		// The plugin hooks its admin parts on wp-admin requests (this test's is not one, so a
		// Plugin is registered as on a wp-admin screen) and builds them when admin_init fires
		// (Plugin::on_first hooks them at PHP_INT_MIN); run just those builders, as admin_init
		// would first, not core's callbacks.
		self::on_admin_screen(
			'options-privacy',
			function () {
				self::keeping_hooks(
					function () {
						( new Plugin() )->register();
						foreach ( $GLOBALS['wp_filter']['admin_init']->callbacks[ PHP_INT_MIN ] ?? array() as $builder ) {
							call_user_func( $builder['function'] );
						}
						$hooked = false;
						foreach ( $GLOBALS['wp_filter']['admin_init']->callbacks ?? array() as $callbacks ) {
							foreach ( $callbacks as $callback ) {
								$hooked = $hooked || ( is_array( $callback['function'] ) && $callback['function'][0] instanceof Privacy );
							}
						}
						$this->assertTrue( $hooked, 'Privacy::add_policy_content is hooked on admin_init.' );
					}
				);
			}
		);
	}

	public function test_the_text_is_registered_in_the_policy_guide(): void {
		require_once ABSPATH . 'wp-admin/includes/class-wp-screen.php';
		require_once ABSPATH . 'wp-admin/includes/screen.php';
		set_current_screen( 'options-privacy' );
		// wp_add_privacy_policy_content() accepts text only during admin_init; run just ours.
		$privacy = new Privacy();
		$run     = static function () use ( $privacy ) {
			$privacy->add_policy_content();
		};
		add_action( 'admin_init', $run, 1 );
		$saved = $GLOBALS['wp_filter']['admin_init'];
		remove_all_actions( 'admin_init' );
		add_action( 'admin_init', $run );
		do_action( 'admin_init' );
		$GLOBALS['wp_filter']['admin_init'] = $saved; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited -- restore the hooks.
		remove_action( 'admin_init', $run, 1 );

		$entries = array_values(
			array_filter(
				$this->registered()->getValue(),
				static function ( $entry ) {
					return 'Dify Chatbot' === $entry['plugin_name'];
				}
			)
		);
		$this->assertCount( 1, $entries );
		$text = $entries[0]['policy_text'];
		foreach ( array( 'Dify', 'dify_chatbot_visitor', 'random value', 'No name, email address or IP address', 'voice recordings', 'keys starting with difyChatbot:conv)', 'keys starting with difyChatbot:inputs)', 'local storage', 'keyed with a secret of this site', 'Delete all conversations', 'export or erase' ) as $needle ) {
			$this->assertStringContainsString( $needle, $text );
		}
		$this->assertSame( wp_kses_post( $text ), $text );
	}
}
