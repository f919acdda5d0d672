<?php
/**
 * Each site of a network has its own settings and its own key, which no other site can use.
 *
 * Runs on a real network (WP_TESTS_MULTISITE=1 bash bin/phpunit.sh). Each test cleans what it
 * wrote and deletes the sites it made.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Multisite;

use Dify_Chatbot\Settings\Key_Store;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Settings\Settings;
use Yoast\PHPUnitPolyfills\TestCases\TestCase;

final class Site_SettingsTest extends TestCase {

	/**
	 * Sites made by the test.
	 *
	 * @var int[]
	 */
	private array $sites = array();

	protected function tear_down(): void {
		foreach ( $this->sites as $site ) {
			wp_delete_site( $site );
		}
		delete_option( Option::NAME );
		delete_option( Key_Store::OPTION );
		parent::tear_down();
	}

	public function test_each_site_keeps_its_own_settings_and_key(): void {
		$first  = get_main_site_id();
		$second = $this->new_site( 'own-second' );

		$this->configure( $first, 'https://first.example/v1', 'app-first-site-key-1111', 'blocking' );
		$this->configure( $second, 'https://second.example/v1', 'app-second-site-key-2222', 'streaming' );

		$this->assertSame( array( 'https://first.example/v1', 'app-first-site-key-1111', 'blocking' ), $this->effective( $first ) );
		$this->assertSame( array( 'https://second.example/v1', 'app-second-site-key-2222', 'streaming' ), $this->effective( $second ) );
	}

	public function test_a_key_row_copied_to_another_site_does_not_decrypt_there(): void {
		$first  = get_main_site_id();
		$second = $this->new_site( 'copy-second' );
		$third  = $this->new_site( 'copy-third' );
		// The same base URL everywhere: only the site binding can refuse the copied key.
		$this->configure( $first, 'https://same.example/v1', 'app-first-site-key-1111', 'streaming' );
		$this->configure( $second, 'https://same.example/v1', 'app-second-site-key-2222', 'streaming' );
		$this->configure( $third, 'https://same.example/v1', null, 'streaming' );

		// The second site's row, copied into the third's and into the first's options.
		$row = $this->key_row( $second );
		$this->put_key_row( $third, $row );
		$this->put_key_row( $first, $row );

		foreach ( array( $third, $first ) as $site ) {
			switch_to_blog( $site );
			$settings = Settings::create();
			$this->assertNull( $settings->api_key(), "Site $site cannot use another site's key." );
			$this->assertTrue( $settings->keys()->status()['unreadable'], 'The screen says the key must be entered again.' );
			restore_current_blog();
		}
		$this->assertSame( 'app-second-site-key-2222', $this->effective( $second )[1], 'The key still serves its own site.' );
	}

	/**
	 * Saves a site's base URL, key (null: none) and response mode.
	 *
	 * @param int         $site     The site.
	 * @param string      $base_url The base URL.
	 * @param string|null $key      The key.
	 * @param string      $mode     The response mode.
	 */
	private function configure( int $site, string $base_url, ?string $key, string $mode ): void {
		switch_to_blog( $site );
		$settings = Settings::create();
		$settings->option()->update(
			array(
				'base_url'      => $base_url,
				'response_mode' => $mode,
			)
		);
		if ( null !== $key ) {
			$this->assertTrue( $settings->save_key( $key ) );
		}
		restore_current_blog();
	}

	/**
	 * A site's base URL, key and response mode in force.
	 *
	 * @param int $site The site.
	 * @return array{0: string, 1: string|null, 2: string}
	 */
	private function effective( int $site ): array {
		switch_to_blog( $site );
		$settings = Settings::create();
		$values   = array( $settings->base_url(), $settings->api_key(), $settings->response_mode() );
		restore_current_blog();
		return $values;
	}

	/**
	 * A site's stored key row.
	 *
	 * @param int $site The site.
	 * @return mixed
	 */
	private function key_row( int $site ) {
		switch_to_blog( $site );
		$row = get_option( Key_Store::OPTION );
		restore_current_blog();
		$this->assertIsArray( $row );
		return $row;
	}

	/**
	 * Writes a key row into a site's options, as a copy of the database row would.
	 *
	 * @param int   $site The site.
	 * @param mixed $row  The row.
	 */
	private function put_key_row( int $site, $row ): void {
		switch_to_blog( $site );
		update_option( Key_Store::OPTION, $row, false );
		restore_current_blog();
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
