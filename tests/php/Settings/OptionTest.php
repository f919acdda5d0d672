<?php
/**
 * The settings option and its sanitizer.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Settings;

use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Tests\TestCase;

final class OptionTest extends TestCase {

	public function test_defaults_when_nothing_is_stored(): void {
		delete_option( Option::NAME );
		$this->assertSame(
			array(
				'base_url'             => 'https://api.dify.ai/v1',
				'ca_bundle'            => '',
				'response_mode'        => 'streaming',
				'limit_visitor_minute' => 10,
				'limit_visitor_day'    => 200,
				'limit_ip_minute'      => 30,
				'trusted_proxies'      => array(),
				'daily_token_budget'   => 0,
				'who_may_chat'         => 'everyone',
				'streams_visitor'      => 2,
				'streams_ip'           => 2,
				'streams_site'         => 3,
				'limit_ip_day'         => 300,
				'daily_message_cap'    => 1000,
				'allow_remote_files'   => false,
				'show_reasoning'       => false,
			),
			( new Option() )->get()
		);
	}

	public function test_the_sanitizer_is_registered_for_update_option(): void {
		$this->assertTrue( has_filter( 'sanitize_option_' . Option::NAME ) > 0 );
		update_option(
			Option::NAME,
			array(
				'base_url'      => 'https://dify.example/v1/',
				'response_mode' => 'blocking',
				'api_key'       => 'app-must-not-land-here',
				'other'         => 'x',
			)
		);
		// Only the values the site set are stored; the others stay the defaults in force.
		$this->assertSame(
			array(
				'base_url'      => 'https://dify.example/v1',
				'response_mode' => 'blocking',
			),
			get_option( Option::NAME )
		);
		$this->assertSame(
			array_merge(
				Option::defaults(),
				array(
					'base_url'      => 'https://dify.example/v1',
					'response_mode' => 'blocking',
				)
			),
			( new Option() )->get()
		);
	}

	/**
	 * @dataProvider invalid_urls
	 */
	public function test_each_invalid_url_form_is_rejected_and_the_stored_one_kept( string $url ): void {
		( new Option() )->update( array( 'base_url' => 'https://kept.example/v1' ) );
		update_option( Option::NAME, array( 'base_url' => $url ) );
		$this->assertSame( 'https://kept.example/v1', ( new Option() )->get()['base_url'] );
	}

	public function invalid_urls(): array {
		return array(
			'ftp'         => array( 'ftp://dify.example/v1' ),
			'no host'     => array( 'https:///v1' ),
			'credentials' => array( 'https://u:p@dify.example/v1' ),
			'query'       => array( 'https://dify.example/v1?a=b' ),
			'fragment'    => array( 'https://dify.example/v1#a' ),
			'not a url'   => array( 'hello' ),
			'empty'       => array( '' ),
		);
	}

	public function test_an_unknown_response_mode_is_rejected(): void {
		$option = new Option();
		$option->update( array( 'response_mode' => 'blocking' ) );
		$option->update( array( 'response_mode' => 'telepathy' ) );
		$this->assertSame( 'blocking', $option->response_mode() );
		update_option( Option::NAME, array( 'response_mode' => array( 'streaming' ) ) );
		$this->assertSame( 'blocking', $option->response_mode() );
	}

	public function test_a_corrupt_stored_row_reads_as_defaults(): void {
		global $wpdb;
		// Bypass the sanitizer, as another plugin or a database edit could.
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- writing the row behind WordPress's back is the test.
		$wpdb->replace(
			$wpdb->options,
			array(
				'option_name'  => Option::NAME,
				'option_value' => maybe_serialize(
					array(
						'base_url'      => 'javascript:alert(1)',
						'response_mode' => 42,
					)
				),
				'autoload'     => 'on',
			)
		);
		wp_cache_flush();
		$this->assertSame( Option::defaults(), ( new Option() )->get() );
	}

	public function test_a_ca_bundle_is_saved_only_when_it_is_a_readable_pem_file(): void {
		$pem = (string) tempnam( sys_get_temp_dir(), 'dify-ca' );
		file_put_contents( $pem, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_file_put_contents
		$not_pem = (string) tempnam( sys_get_temp_dir(), 'dify-ca' );
		file_put_contents( $not_pem, 'not a certificate' ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_file_put_contents
		$option = new Option();

		$option->update( array( 'ca_bundle' => ' ' . $pem . ' ' ) );
		$this->assertSame( $pem, $option->get()['ca_bundle'] );
		foreach ( array( $not_pem, '/nonexistent/ca.pem', 'relative/ca.pem', dirname( $pem ), 'file://' . $pem, $pem . "\n", array( $pem ) ) as $invalid ) {
			update_option( Option::NAME, array( 'ca_bundle' => $invalid ) );
			$this->assertSame( $pem, $option->get()['ca_bundle'], (string) wp_json_encode( $invalid ) );
		}
		$option->update( array( 'ca_bundle' => '' ) );
		$this->assertSame( '', $option->get()['ca_bundle'] );
		unlink( $pem );
		unlink( $not_pem );
	}

	public function test_a_stored_ca_bundle_whose_file_went_away_is_still_read(): void {
		// The file is only read when saving; the connection test explains a missing one.
		update_option( Option::NAME, array( 'base_url' => 'https://dify.example/v1' ) );
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- the row as it is after the file was deleted.
		$wpdb->update( $wpdb->options, array( 'option_value' => maybe_serialize( array( 'ca_bundle' => '/gone/ca.pem' ) ) ), array( 'option_name' => Option::NAME ) );
		wp_cache_flush();
		$this->assertSame( '/gone/ca.pem', ( new Option() )->get()['ca_bundle'] );
	}

	public function test_option_name_starts_with_the_uninstall_prefix(): void {
		$this->assertStringStartsWith( 'dify_chatbot_', Option::NAME );
	}

	public function test_protection_settings_are_kept_only_when_valid(): void {
		$option = new Option();
		$option->update(
			array(
				'limit_visitor_minute' => 5,
				'limit_visitor_day'    => 0,
				'limit_ip_minute'      => 100,
				'trusted_proxies'      => array( ' 10.0.0.1 ', '192.168.0.0/16', '2001:db8::/32' ),
				'daily_token_budget'   => 50000,
				'who_may_chat'         => 'edit_posts',
			)
		);
		$option->update(
			array(
				'limit_visitor_minute' => -1,
				'limit_visitor_day'    => '7',
				'limit_ip_minute'      => 100001,
				'trusted_proxies'      => array( 'example.com' ),
				'daily_token_budget'   => 1.5,
				'who_may_chat'         => 'Not A Cap!',
			)
		);
		$stored = $option->get();
		$this->assertSame( 5, $stored['limit_visitor_minute'] );
		$this->assertSame( 0, $stored['limit_visitor_day'] );
		$this->assertSame( 100, $stored['limit_ip_minute'] );
		$this->assertSame( array( '10.0.0.1', '192.168.0.0/16', '2001:db8::/32' ), $stored['trusted_proxies'] );
		$this->assertSame( 50000, $stored['daily_token_budget'] );
		$this->assertSame( 'edit_posts', $stored['who_may_chat'] );
	}

	public function test_remote_files_are_off_unless_turned_on_with_a_boolean(): void {
		$option = new Option();
		$this->assertFalse( $option->get()['allow_remote_files'] );
		foreach ( array( 'yes', 1, 'true', array( true ) ) as $not_a_boolean ) {
			$option->update( array( 'allow_remote_files' => $not_a_boolean ) );
			$this->assertFalse( $option->get()['allow_remote_files'] );
		}
		$option->update( array( 'allow_remote_files' => true ) );
		$this->assertTrue( $option->get()['allow_remote_files'] );
		$option->update( array( 'allow_remote_files' => false ) );
		$this->assertFalse( $option->get()['allow_remote_files'] );
	}

	public function test_a_trusted_proxy_is_an_address_or_a_cidr_range(): void {
		$this->assertTrue( Option::is_range( '10.0.0.0/8' ) );
		$this->assertTrue( Option::is_range( '::1' ) );
		$this->assertTrue( Option::is_range( '2001:db8::/128' ) );
		$this->assertFalse( Option::is_range( '10.0.0.0/33' ) );
		$this->assertFalse( Option::is_range( '2001:db8::/129' ) );
		$this->assertFalse( Option::is_range( 'example.com' ) );
		$this->assertFalse( Option::is_range( '10.0.0.0/8/1' ) );
		$this->assertFalse( Option::is_range( '10.0.0.0/x' ) );
	}

	public function test_showing_the_reasoning_is_off_by_default_and_only_a_boolean_turns_it_on(): void {
		delete_option( Option::NAME );
		$option = new Option();
		$this->assertFalse( $option->get()['show_reasoning'] );
		update_option( Option::NAME, array( 'show_reasoning' => 'yes' ) );
		$this->assertFalse( $option->get()['show_reasoning'], 'Only a real boolean turns it on.' );
		update_option( Option::NAME, array( 'show_reasoning' => true ) );
		$this->assertTrue( $option->get()['show_reasoning'] );
		update_option( Option::NAME, array( 'show_reasoning' => 1 ) );
		$this->assertTrue( $option->get()['show_reasoning'], 'An invalid value keeps the stored one.' );
		update_option( Option::NAME, array( 'show_reasoning' => false ) );
		$this->assertFalse( $option->get()['show_reasoning'] );
	}
}
