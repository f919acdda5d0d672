<?php
/**
 * Effective settings and their overrides.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Settings;

use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\TestCase;

require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';

final class SettingsTest extends TestCase {

	use Clean_Environment;

	protected function set_up() {
		parent::set_up();
		$this->clean_environment();
	}

	protected function tear_down() {
		$this->restore_environment();
		parent::tear_down();
	}

	public function test_stored_values_without_overrides(): void {
		$settings = Settings::create();
		$settings->option()->update( array( 'base_url' => 'https://stored.example/v1' ) );
		$settings->keys()->save( 'app-stored-key-0001' );

		$this->assertSame( 'https://stored.example/v1', $settings->base_url() );
		$this->assertSame( 'app-stored-key-0001', $settings->api_key() );
		$this->assertNull( $settings->base_url_source() );
		$this->assertNull( $settings->api_key_source() );
		$this->assertTrue( $settings->is_configured() );
	}

	public function test_not_configured_without_a_key(): void {
		$settings = Settings::create();
		$settings->keys()->remove();
		$this->assertNull( $settings->api_key() );
		$this->assertFalse( $settings->is_configured() );
	}

	public function test_environment_variables_override_the_stored_values(): void {
		$settings = Settings::create();
		$settings->option()->update( array( 'base_url' => 'https://stored.example/v1' ) );
		$settings->keys()->save( 'app-stored-key-0001' );
		$this->set_environment( 'DIFY_CHATBOT_BASE_URL', 'http://env.example:5001/v1/' );
		$this->set_environment( 'DIFY_CHATBOT_API_KEY', 'app-from-environment' );

		$this->assertSame( 'http://env.example:5001/v1', $settings->base_url() );
		$this->assertSame( 'app-from-environment', $settings->api_key() );
		$this->assertSame( 'environment', $settings->base_url_source() );
		$this->assertSame( 'environment', $settings->api_key_source() );
		// The stored values are untouched.
		$this->assertSame( 'https://stored.example/v1', $settings->option()->get()['base_url'] );
		$this->assertSame( 'app-stored-key-0001', $settings->keys()->key_for( 'https://stored.example' ) );
	}

	public function test_an_empty_environment_variable_is_no_override(): void {
		$this->set_environment( 'DIFY_CHATBOT_API_KEY', '   ' );
		$settings = Settings::create();
		$settings->keys()->save( 'app-stored-key-0001' );
		$this->assertSame( 'app-stored-key-0001', $settings->api_key() );
		$this->assertNull( $settings->api_key_source() );
	}

	public function test_an_invalid_base_url_override_is_kept_as_given_and_not_configured(): void {
		$this->set_environment( 'DIFY_CHATBOT_BASE_URL', 'ftp://nope.example/v1' );
		$settings = Settings::create();
		$settings->keys()->save( 'app-stored-key-0001' );
		$this->assertSame( 'ftp://nope.example/v1', $settings->base_url() );
		$this->assertFalse( $settings->is_configured() );
	}

	public function test_a_saved_key_is_bound_to_the_server_of_the_base_url_it_was_entered_with(): void {
		$settings = Settings::create();
		$settings->option()->update( array( 'base_url' => 'https://stored.example/v1' ) );
		$this->assertTrue( $settings->save_key( 'app-stored-key-0001' ) );
		$this->assertSame( 'https://stored.example', $settings->keys()->origin() );
		$this->assertFalse( $settings->key_for_other_server() );

		// A base URL from the environment on another server: the saved key is not sent there.
		$this->set_environment( 'DIFY_CHATBOT_BASE_URL', 'https://elsewhere.example/v1' );
		$this->assertNull( $settings->api_key() );
		$this->assertFalse( $settings->is_configured() );
		$this->assertTrue( $settings->key_for_other_server() );

		// Another path on the same server is the same server.
		$this->set_environment( 'DIFY_CHATBOT_BASE_URL', 'HTTPS://stored.example:443/dify/v1' );
		$this->assertSame( 'app-stored-key-0001', $settings->api_key() );
	}

	public function test_a_key_from_the_environment_goes_only_to_a_base_url_from_there_too(): void {
		$settings = Settings::create();
		$settings->option()->update( array( 'base_url' => 'https://stored.example/v1' ) );
		$this->set_environment( 'DIFY_CHATBOT_API_KEY', 'app-from-environment' );

		// The stored base URL is whatever an administrator typed: the key does not follow it.
		$this->assertNull( $settings->api_key() );
		$this->assertTrue( $settings->base_url_locked() );
		$this->assertFalse( $settings->is_configured() );

		$this->set_environment( 'DIFY_CHATBOT_BASE_URL', 'https://env.example/v1' );
		$this->assertSame( 'app-from-environment', $settings->api_key() );
		$this->assertFalse( $settings->base_url_locked() );
		$this->assertTrue( $settings->is_configured() );
	}

	/**
	 * Constants cannot be undefined again, so this runs in its own PHP process.
	 *
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_a_key_constant_goes_only_to_a_base_url_constant(): void {
		define( 'DIFY_CHATBOT_API_KEY', 'app-from-constant' );
		$settings = Settings::create();
		$this->assertNull( $settings->api_key() );
		$this->assertTrue( $settings->base_url_locked() );

		define( 'DIFY_CHATBOT_BASE_URL', 'https://constant.example/v1' );
		$this->assertSame( 'app-from-constant', $settings->api_key() );
		$this->assertFalse( $settings->base_url_locked() );
	}

	/**
	 * Constants cannot be undefined again, so this runs in its own PHP process.
	 *
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_constants_override_the_environment(): void {
		$this->set_environment( 'DIFY_CHATBOT_BASE_URL', 'http://env.example/v1' );
		$this->set_environment( 'DIFY_CHATBOT_API_KEY', 'app-from-environment' );
		define( 'DIFY_CHATBOT_BASE_URL', 'https://constant.example/v1' );
		define( 'DIFY_CHATBOT_API_KEY', 'app-from-constant' );

		$settings = Settings::create();
		$this->assertSame( 'https://constant.example/v1', $settings->base_url() );
		$this->assertSame( 'app-from-constant', $settings->api_key() );
		$this->assertSame( 'constant', $settings->base_url_source() );
		$this->assertSame( 'constant', $settings->api_key_source() );
	}
}
