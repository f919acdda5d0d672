<?php
/**
 * Settings → Connectors on the WordPress of the test bed (7.1): the connector core registered for
 * the plugin, what its card's module gets, and that the key stays out of core's store.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Connectors;

use Dify_Chatbot\Connectors\Dify_Connector;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\TestCase;

require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';

final class Dify_ConnectorTest extends TestCase {

	use Clean_Environment;

	private const KEY = 'app-secret-key-do-not-leak-7788';

	protected function set_up() {
		parent::set_up();
		$this->clean_environment();
	}

	protected function tear_down() {
		wp_dequeue_script_module( Dify_Connector::MODULE );
		$this->restore_environment();
		parent::tear_down();
	}

	public function test_the_test_bed_has_the_connectors_api(): void {
		$this->assertTrue( Dify_Connector::available(), 'WordPress 7.1 has WP_Connector_Registry' );
	}

	public function test_the_connector_is_registered_with_its_fields_and_no_key_setting(): void {
		$this->assertTrue( wp_is_connector_registered( 'dify-chatbot' ) );
		$connector = wp_get_connector( 'dify-chatbot' );
		$this->assertIsArray( $connector );
		$this->assertSame( 'Dify', $connector['name'] );
		$this->assertSame( 'chatbot', $connector['type'] );
		$this->assertStringContainsString( 'The API key stays encrypted in the plugin’s own settings.', $connector['description'] );
		// "none": core keeps no key for it (a core key would be a plain option).
		$this->assertSame( array( 'method' => 'none' ), $connector['authentication'] );
		$this->assertSame( 'dify-chatbot/dify-chatbot.php', $connector['plugin']['file'] );
		$this->assertTrue( call_user_func( $connector['plugin']['is_active'] ) );
		foreach ( array_keys( get_registered_settings() ) as $setting ) {
			$this->assertFalse( 0 === strpos( $setting, 'connectors_' ) && false !== strpos( $setting, 'dify' ), "$setting: no Connectors setting holds a Dify key" );
		}
	}

	/**
	 * Core registers connectors on every request; only the Connectors screen (wp-admin) shows the
	 * description, so only there is it translated (elsewhere that would load the text domain).
	 */
	public function test_the_description_is_translated_in_the_admin_only(): void {
		$translate = static function ( $text, $original ) {
			return 'ÜBERSETZT ' . $original;
		};
		add_filter( 'gettext_dify-chatbot', $translate, 10, 2 );
		try {
			$this->assertStringStartsWith( 'A chat with your Dify app', Dify_Connector::definition()['description'] );
			self::on_admin_screen(
				'options-connectors',
				function () {
					$this->assertStringStartsWith( 'ÜBERSETZT A chat with your Dify app', Dify_Connector::definition()['description'] );
				}
			);
		} finally {
			remove_filter( 'gettext_dify-chatbot', $translate, 10 );
		}
	}

	public function test_registering_twice_keeps_one_connector(): void {
		$registry = \WP_Connector_Registry::get_instance();
		$this->assertNotNull( $registry );
		( new Dify_Connector( array( Settings::class, 'create' ) ) )->add( $registry );
		$this->assertSame( 'Dify', wp_get_connector( 'dify-chatbot' )['name'] );
	}

	public function test_the_card_gets_the_link_to_the_plugins_screen_and_the_state_never_the_key(): void {
		$connector = new Dify_Connector( array( Settings::class, 'create' ) );
		$data      = $connector->module_data( array() );
		$this->assertSame( 'dify-chatbot', $data['id'] );
		$this->assertSame( admin_url( 'options-general.php?page=dify-chatbot' ), $data['settingsUrl'] );
		$this->assertFalse( $data['configured'] );

		( new Option() )->update( array( 'base_url' => 'https://dify.example/v1' ) );
		$this->assertTrue( Settings::create()->save_key( self::KEY ) );
		$data = $connector->module_data( array() );
		$this->assertTrue( $data['configured'] );
		$json = (string) wp_json_encode( $data );
		$this->assertStringNotContainsString( self::KEY, $json );
		$this->assertStringNotContainsString( '7788', $json );

		// What WordPress prints for the module is what the filter gives.
		$this->assertSame( $data, apply_filters( 'script_module_data_' . Dify_Connector::MODULE, array() ) );
	}

	public function test_the_cards_module_loads_on_the_connectors_screen_for_administrators_only(): void {
		// Core registers its script modules (@wordpress/connectors among them) with its scripts,
		// as every admin screen does before the Connectors screen fires its init action.
		wp_scripts();
		wp_set_current_user( $this->make_user( 'editor' ) );
		do_action( 'options-connectors-wp-admin_init' ); // phpcs:ignore WordPress.NamingConventions.ValidHookName.UseUnderscores -- core's hook.
		$this->assertStringNotContainsString( 'assets/connectors/connector.js', $this->printed_modules() );

		wp_set_current_user( $this->make_user( 'administrator' ) );
		do_action( 'options-connectors-wp-admin_init' ); // phpcs:ignore WordPress.NamingConventions.ValidHookName.UseUnderscores -- core's hook.
		$printed = $this->printed_modules();
		// phpcs:ignore WordPress.WP.EnqueuedResources.NonEnqueuedScript -- the pattern of what WordPress printed.
		$this->assertMatchesRegularExpression( '~<script id="dify-chatbot-connector-js-module" src="[^"]*/dify-chatbot/assets/connectors/connector\.js\?ver=[^"]*" type="module">~', $printed );
	}

	private function printed_modules(): string {
		ob_start();
		wp_script_modules()->print_enqueued_script_modules();
		return (string) ob_get_clean();
	}
}
