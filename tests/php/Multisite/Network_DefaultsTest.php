<?php
/**
 * The network's defaults: what a site uses where it has not set its own value, the network's
 * key, the Network Admin form and what GET /settings says about them.
 *
 * Runs on a real network (WP_TESTS_MULTISITE=1 bash bin/phpunit.sh). Each test removes the
 * network's defaults and the sites it made.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Multisite;

use Dify_Chatbot\Settings\Encryption;
use Dify_Chatbot\Settings\Key_Store;
use Dify_Chatbot\Settings\Network_Option;
use Dify_Chatbot\Settings\Network_Page;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Settings\Settings;
use WP_Error;
use WP_REST_Request;
use Yoast\PHPUnitPolyfills\TestCases\TestCase;

final class Network_DefaultsTest extends TestCase {

	private const NETWORK_KEY = 'app-network-default-key-9876';

	/**
	 * Sites made by the test.
	 *
	 * @var int[]
	 */
	private array $sites = array();

	protected function set_up(): void {
		parent::set_up();
		wp_set_current_user( 1 );
		$GLOBALS['wp_rest_server'] = null; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited -- rebuilt by rest_get_server().
	}

	protected function tear_down(): void {
		foreach ( $this->sites as $site ) {
			wp_delete_site( $site );
		}
		delete_site_option( Network_Option::NAME );
		delete_site_option( Key_Store::NETWORK_OPTION );
		delete_option( Option::NAME );
		delete_option( Key_Store::OPTION );
		wp_set_current_user( 0 );
		$GLOBALS['wp_rest_server'] = null; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
		parent::tear_down();
	}

	public function test_a_site_without_values_of_its_own_uses_the_networks_and_its_key(): void {
		$this->assertTrue(
			$this->page()->save(
				$this->form(
					array(
						'base_url'             => 'https://net.example/v1',
						'api_key'              => self::NETWORK_KEY,
						'response_mode'        => 'blocking',
						'show_reasoning'       => 'on',
						'limit_visitor_minute' => '5',
					)
				)
			)
		);
		$site = $this->new_site( 'inherits' );

		switch_to_blog( $site );
		$settings = Settings::create();
		$this->assertSame( 'https://net.example/v1', $settings->base_url() );
		$this->assertSame( self::NETWORK_KEY, $settings->api_key() );
		$this->assertTrue( $settings->uses_network_key() );
		$this->assertSame( 'blocking', $settings->response_mode() );
		$this->assertTrue( $settings->show_reasoning() );
		$this->assertSame( 5, $settings->option()->get()['limit_visitor_minute'] );
		$this->assertSame( Option::defaults()['limit_visitor_day'], $settings->option()->get()['limit_visitor_day'], 'A value the network does not set is the plugin default.' );
		$this->assertEqualsCanonicalizing( array( 'base_url', 'response_mode', 'show_reasoning', 'limit_visitor_minute' ), $settings->option()->from_network() );
		restore_current_blog();

		// A later change of the network's defaults reaches the site.
		$this->assertTrue(
			$this->page()->save(
				$this->form(
					array(
						'base_url'      => 'https://net.example/v1',
						'response_mode' => 'streaming',
					)
				)
			)
		);
		switch_to_blog( $site );
		$this->assertSame( 'streaming', Settings::create()->response_mode() );
		$this->assertSame( self::NETWORK_KEY, Settings::create()->api_key(), 'An empty key field keeps the network key.' );
		restore_current_blog();
	}

	public function test_a_site_overrides_a_value_and_the_network_key_never_follows_its_base_url(): void {
		$this->assertTrue(
			$this->page()->save(
				$this->form(
					array(
						'base_url'      => 'https://net.example/v1',
						'api_key'       => self::NETWORK_KEY,
						'response_mode' => 'blocking',
					)
				)
			)
		);
		$site = $this->new_site( 'overrides' );
		switch_to_blog( $site );
		$settings = Settings::create();

		$settings->option()->update( array( 'base_url' => 'https://own.example/v1' ) );
		$this->assertSame( 'https://own.example/v1', $settings->base_url() );
		$this->assertNull( $settings->api_key(), 'The network key is bound to the network base URL: never sent to the site’s server.' );
		$this->assertFalse( $settings->uses_network_key() );
		$this->assertSame( 'blocking', $settings->response_mode(), 'The other values still come from the network.' );

		$this->assertTrue( $settings->save_key( 'app-own-site-key-5555' ) );
		$this->assertSame( 'app-own-site-key-5555', $settings->api_key() );

		// Setting the network's value again: the site follows the network for it.
		$settings->option()->update( array( 'base_url' => 'https://net.example/v1' ) );
		$this->assertArrayNotHasKey( 'base_url', $settings->option()->own() );
		$this->assertSame( self::NETWORK_KEY, $settings->api_key() );
		restore_current_blog();
	}

	public function test_get_settings_says_which_values_come_from_the_network_and_never_the_key(): void {
		$this->assertTrue(
			$this->page()->save(
				$this->form(
					array(
						'base_url'        => 'https://net.example/v1',
						'api_key'         => self::NETWORK_KEY,
						'limit_ip_minute' => '7',
					)
				)
			)
		);
		$site = $this->new_site( 'rest' );
		switch_to_blog( $site );
		$admin = $this->site_admin( $site );
		wp_set_current_user( $admin );

		$response = rest_do_request( new WP_REST_Request( 'GET', '/dify-chatbot/v1/settings' ) );
		$this->assertSame( 200, $response->get_status() );
		$data = $response->get_data();
		$this->assertSame( 'https://net.example/v1', $data['base_url'] );
		$this->assertSame( 7, $data['limit_ip_minute'] );
		$this->assertSame( 'network', $data['sources']['base_url'] );
		$this->assertSame( 'network', $data['sources']['api_key'] );
		$this->assertSame( 'network', $data['sources']['limit_ip_minute'] );
		$this->assertNull( $data['sources']['response_mode'] );
		$this->assertTrue( $data['effective']['configured'] );
		$this->assertSame( '9876', $data['effective']['api_key_last4'] );
		$this->assertStringNotContainsString( substr( self::NETWORK_KEY, 0, -4 ), (string) wp_json_encode( $data ) );

		// The site admin overrides the limit on its own screen.
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/settings' );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( (string) wp_json_encode( array( 'limit_ip_minute' => 3 ) ) );
		$data = rest_do_request( $request )->get_data();
		$this->assertSame( 3, $data['limit_ip_minute'] );
		$this->assertNull( $data['sources']['limit_ip_minute'] );
		$this->assertSame( 'network', $data['sources']['base_url'] );
		restore_current_blog();
	}

	public function test_the_form_saves_nothing_when_a_value_is_invalid(): void {
		$this->assertTrue( $this->page()->save( $this->form( array( 'limit_visitor_day' => '9' ) ) ) );
		$invalid = array(
			'limit_visitor_day' => 'many',
			'response_mode'     => 'sometimes',
			'show_reasoning'    => 'maybe',
			'base_url'          => 'ftp://net.example/v1',
			'api_key'           => 'app-with a space',
		);
		foreach ( $invalid as $name => $value ) {
			$saved = $this->page()->save( $this->form( array_merge( array( 'limit_visitor_day' => '1' ), array( $name => $value ) ) ) );
			$this->assertInstanceOf( WP_Error::class, $saved, $name );
			$this->assertNotSame( '', $saved->get_error_message() );
			$this->assertSame( array( 'limit_visitor_day' => 9 ), ( new Network_Option() )->get(), "Nothing saved for an invalid $name." );
		}
		$this->assertInstanceOf( WP_Error::class, $this->page()->save( $this->form( array( 'limit_visitor_day' => (string) ( Option::LIMITS['limit_visitor_day'] + 1 ) ) ) ) );
	}

	public function test_the_network_key_is_bound_to_the_network_base_url_and_to_the_network(): void {
		$this->assertTrue(
			$this->page()->save(
				$this->form(
					array(
						'base_url' => 'https://net.example/v1',
						'api_key'  => self::NETWORK_KEY,
					)
				)
			)
		);
		$network_keys = Key_Store::network( new Encryption() );
		$this->assertSame( self::NETWORK_KEY, $network_keys->key_for( 'https://net.example' ) );
		$this->assertNull( $network_keys->key_for( 'https://elsewhere.example' ) );

		// Its row, copied into a site's own key option, does not decrypt there.
		$site = $this->new_site( 'copied-network-key' );
		switch_to_blog( $site );
		update_option( Key_Store::OPTION, get_site_option( Key_Store::NETWORK_OPTION ), false );
		$this->assertTrue( ( new Key_Store( new Encryption() ) )->status()['unreadable'] );
		restore_current_blog();

		// The network's base URL moves to another server: its key is removed, not sent there.
		$this->assertTrue( $this->page()->save( $this->form( array( 'base_url' => 'https://other.example/v1' ) ) ) );
		$this->assertFalse( $network_keys->status()['saved'] );

		// Removing it on purpose.
		$this->assertTrue(
			$this->page()->save(
				$this->form(
					array(
						'base_url' => 'https://other.example/v1',
						'api_key'  => self::NETWORK_KEY,
					)
				)
			)
		);
		$this->assertTrue( $network_keys->status()['saved'] );
		$this->assertTrue(
			$this->page()->save(
				$this->form(
					array(
						'base_url'       => 'https://other.example/v1',
						'remove_api_key' => '1',
					)
				)
			)
		);
		$this->assertFalse( $network_keys->status()['saved'] );
	}

	public function test_the_page_is_for_network_admins_only(): void {
		$site = $this->new_site( 'not-network-admin' );
		wp_set_current_user( $this->site_admin( $site ) );
		switch_to_blog( $site );
		$this->assertTrue( current_user_can( 'manage_options' ) );
		restore_current_blog();
		$this->assertFalse( current_user_can( Network_Page::CAPABILITY ) );

		add_filter( 'wp_die_handler', array( $this, 'die_handler' ) );
		try {
			$this->page()->handle();
			$this->fail( 'A site admin may not post the network form.' );
		} catch ( \RuntimeException $e ) {
			$this->assertSame( '403', $e->getMessage() );
		} finally {
			remove_filter( 'wp_die_handler', array( $this, 'die_handler' ) );
		}
		$this->assertSame( array(), ( new Network_Option() )->get() );
	}

	/**
	 * Turns wp_die() into an exception carrying the status.
	 */
	public function die_handler(): callable {
		return static function ( $message, $title, $args ): void {
			throw new \RuntimeException( (string) ( $args['response'] ?? '' ) );
		};
	}

	/**
	 * The form, every field empty but those given.
	 *
	 * @param array<string, string> $fields The filled fields.
	 * @return array<string, string>
	 */
	private function form( array $fields ): array {
		return $fields + array_fill_keys( array_merge( Network_Option::fields(), array( 'api_key', 'remove_api_key' ) ), '' );
	}

	/**
	 * The network page.
	 */
	private function page(): Network_Page {
		return new Network_Page( new Network_Option(), Key_Store::network( new Encryption() ) );
	}

	/**
	 * An administrator of one site (not a network admin).
	 *
	 * @param int $site The site.
	 */
	private function site_admin( int $site ): int {
		$user = wpmu_create_user( 'siteadmin' . wp_generate_password( 6, false ), wp_generate_password(), 'siteadmin' . wp_generate_password( 6, false ) . '@example.org' );
		$this->assertIsInt( $user );
		add_user_to_blog( $site, $user, 'administrator' );
		return $user;
	}

	/**
	 * A new site of the network.
	 *
	 * @param string $path Its path (without slashes).
	 */
	private function new_site( string $path ): int {
		$site = wp_insert_site(
			array(
				'domain'  => DOMAIN_CURRENT_SITE,
				'path'    => "/$path/",
				'title'   => $path,
				'user_id' => 1,
			)
		);
		$this->assertIsInt( $site, is_wp_error( $site ) ? $site->get_error_message() : '' );
		$this->sites[] = $site;
		return $site;
	}
}
