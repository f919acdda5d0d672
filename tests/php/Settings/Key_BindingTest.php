<?php
/**
 * A saved key leaves with the server it was entered for, whoever writes the option.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Settings;

use Dify_Chatbot\Settings\Encryption;
use Dify_Chatbot\Settings\Key_Store;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\TestCase;

require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';

final class Key_BindingTest extends TestCase {

	use Clean_Environment;

	protected function set_up() {
		parent::set_up();
		$this->clean_environment();
	}

	protected function tear_down() {
		$this->restore_environment();
		parent::tear_down();
	}

	/**
	 * The stored option with another base URL, written the way any code could (the plugin's
	 * hooks are live: it is active in the test site).
	 *
	 * @param string $url The new base URL.
	 */
	private static function write_base_url( string $url ): void {
		$value             = get_option( Option::NAME, Option::defaults() );
		$value['base_url'] = $url;
		update_option( Option::NAME, $value );
	}

	private static function saved_for( string $url ): Settings {
		$settings = Settings::create();
		$settings->option()->update( array( 'base_url' => $url ) );
		$settings->save_key( 'app-bound-key-4242' );
		return $settings;
	}

	public function test_a_base_url_on_another_server_removes_the_saved_key(): void {
		$settings = self::saved_for( 'https://dify.example/v1' );
		$this->assertTrue( $settings->keys()->status()['saved'] );

		self::write_base_url( 'https://attacker.example/v1' );
		$this->assertFalse( $settings->keys()->status()['saved'] );
		$this->assertFalse( get_option( Key_Store::OPTION ) );
		$this->assertNull( $settings->api_key() );
	}

	public function test_another_path_on_the_same_server_keeps_the_key(): void {
		$settings = self::saved_for( 'https://dify.example/v1' );
		self::write_base_url( 'https://DIFY.example:443/other/v1' );
		$this->assertSame( 'app-bound-key-4242', $settings->api_key() );
	}

	public function test_another_port_or_scheme_is_another_server(): void {
		$settings = self::saved_for( 'https://dify.example/v1' );
		self::write_base_url( 'http://dify.example/v1' );
		$this->assertFalse( $settings->keys()->status()['saved'] );

		$settings = self::saved_for( 'https://dify.example/v1' );
		self::write_base_url( 'https://dify.example:8443/v1' );
		$this->assertFalse( $settings->keys()->status()['saved'] );
	}

	public function test_the_first_write_of_the_option_counts_as_a_move_from_the_default(): void {
		delete_option( Option::NAME );
		$settings = Settings::create();
		// Entered for Dify Cloud (the default base URL) before the option was ever written.
		$settings->save_key( 'app-cloud-key-1234' );
		$this->assertSame( 'https://api.dify.ai', $settings->keys()->origin() );

		$settings->option()->update( array( 'base_url' => 'https://attacker.example/v1' ) );
		$this->assertFalse( $settings->keys()->status()['saved'] );
	}

	public function test_a_key_without_an_origin_leaves_with_the_base_url_it_was_used_with(): void {
		$settings = Settings::create();
		$settings->option()->update( array( 'base_url' => 'https://dify.example/v1' ) );
		// Saved before keys were bound (0.1): no origin in the row.
		$settings->keys()->save( 'app-legacy-key-7777' );
		$this->assertSame( '', $settings->keys()->origin() );

		self::write_base_url( 'https://attacker.example/v1' );
		$this->assertFalse( $settings->keys()->status()['saved'] );
	}

	public function test_the_stored_base_url_does_not_matter_while_the_environment_sets_one(): void {
		$this->set_environment( 'DIFY_CHATBOT_BASE_URL', 'https://env.example/v1' );
		$settings = Settings::create();
		$settings->save_key( 'app-env-server-key-5555' );
		$this->assertSame( 'https://env.example', $settings->keys()->origin() );

		self::write_base_url( 'https://attacker.example/v1' );
		$this->assertSame( 'app-env-server-key-5555', $settings->api_key() );
	}

	public function test_an_unreadable_key_is_left_alone(): void {
		$settings = self::saved_for( 'https://dify.example/v1' );
		$row      = get_option( Key_Store::OPTION );
		$this->assertIsArray( $row );
		$row['ciphertext'] = ( new Encryption( 'salts before rotation' ) )->encrypt( "https://dify.example\napp-bound-key-4242" );
		update_option( Key_Store::OPTION, $row, false );

		self::write_base_url( 'https://attacker.example/v1' );
		// Still there, still unreadable: the screen asks for the key again either way.
		$this->assertTrue( $settings->keys()->status()['unreadable'] );
	}
}
