<?php
/**
 * Dashboard → Chatbot usage.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Usage;

use Dify_Chatbot\Settings\Bots;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\TestCase;
use Dify_Chatbot\Usage\Usage_Page;
use Dify_Chatbot\Usage\Usage_Store;
use RuntimeException;

final class Usage_PageTest extends TestCase {

	protected function set_up() {
		parent::set_up();
		global $wpdb;
		$wpdb->query( 'DELETE FROM ' . Usage_Store::table() ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.NotPrepared -- the plugin's own table, no input.
	}

	protected function tear_down() {
		remove_all_filters( 'wp_die_handler' );
		parent::tear_down();
	}

	private function page(): Usage_Page {
		return new Usage_Page( new Usage_Store(), Bots::create() );
	}

	public function test_the_screen_shows_each_day_and_bot_and_the_totals_to_administrators(): void {
		$store = new Usage_Store();
		$store->message( 'default', 1500, false );
		$store->message( 'default', 500, true );
		$store->message( 'sales', 10, false );
		$store->refusal( 'sales', 'rate_limit' );
		Settings::create()->option()->update( array( 'base_url' => 'https://dify.example.org/v1' ) );
		wp_set_current_user( $this->make_user( 'administrator' ) );

		ob_start();
		$this->page()->render();
		$html = (string) ob_get_clean();

		$this->assertStringContainsString( '<td>default</td><td data-column="messages">2</td><td data-column="tokens">' . number_format_i18n( 2000 ) . '</td><td data-column="errors">1</td>', $html );
		$this->assertStringContainsString( '<td>sales</td><td data-column="messages">1</td><td data-column="tokens">10</td><td data-column="errors">0</td><td data-column="rate_limit">1</td>', $html );
		$this->assertStringContainsString( '<th data-column="messages">3</th>', $html );
		$this->assertStringContainsString( 'action=' . Usage_Page::CSV_ACTION, $html );
		$this->assertStringContainsString( '_wpnonce=', $html );
		$this->assertStringContainsString( 'href="https://dify.example.org/apps"', $html );
	}

	public function test_bots_on_two_difys_get_a_console_link_each_and_bots_of_one_dify_share_one(): void {
		Settings::create()->option()->update( array( 'base_url' => 'https://dify.example.org/v1' ) );
		$bots = Bots::create();
		foreach ( array(
			'sales'   => 'https://api.dify.ai/v1',
			'support' => 'https://dify.example.org/v1',
		) as $slug => $url ) {
			$this->assertInstanceOf(
				Settings::class,
				$bots->add(
					array(
						'slug'     => $slug,
						'name'     => ucfirst( $slug ),
						'base_url' => $url,
					)
				)
			);
		}
		wp_set_current_user( $this->make_user( 'administrator' ) );

		ob_start();
		$this->page()->render();
		$html = (string) ob_get_clean();

		$this->assertSame( 1, substr_count( $html, 'href="https://dify.example.org/apps"' ), $html );
		$this->assertStringContainsString( 'Dify console of Default, Support', $html );
		$this->assertSame( 1, substr_count( $html, 'href="https://cloud.dify.ai/apps"' ), $html );
		$this->assertStringContainsString( 'Dify console of Sales', $html );
	}

	public function test_other_users_see_nothing(): void {
		( new Usage_Store() )->message( 'default', 1500, false );
		wp_set_current_user( $this->make_user( 'editor' ) );
		ob_start();
		$this->page()->render();
		$this->assertSame( '', ob_get_clean() );
	}

	public function test_the_download_needs_the_nonce_and_the_capability(): void {
		add_filter(
			'wp_die_handler',
			static function () {
				return static function ( $message ) {
					throw new RuntimeException( is_string( $message ) ? $message : 'died' );
				};
			}
		);
		wp_set_current_user( $this->make_user( 'administrator' ) );
		$_REQUEST['_wpnonce'] = 'not-a-nonce';
		try {
			$this->page()->download();
			$this->fail( 'A download without its nonce must stop.' );
		} catch ( RuntimeException $e ) {
			$this->assertNotSame( '', $e->getMessage() );
		}
		wp_set_current_user( $this->make_user( 'editor' ) );
		$_REQUEST['_wpnonce'] = wp_create_nonce( Usage_Page::CSV_ACTION );
		try {
			$this->page()->download();
			$this->fail( 'Only administrators may download.' );
		} catch ( RuntimeException $e ) {
			$this->assertStringContainsString( 'not allowed', $e->getMessage() );
		} finally {
			unset( $_REQUEST['_wpnonce'] ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- the test's own nonce.
		}
	}

	/**
	 * @dataProvider consoles
	 */
	public function test_the_console_link_follows_the_base_url( string $base_url, string $console ): void {
		$this->assertSame( $console, Usage_Page::console_url( $base_url ) );
	}

	public function consoles(): array {
		return array(
			'dify cloud'      => array( 'https://api.dify.ai/v1', 'https://cloud.dify.ai/apps' ),
			'self-hosted'     => array( 'https://dify.example.org/v1', 'https://dify.example.org/apps' ),
			'under a path'    => array( 'http://10.0.0.5:8080/dify/v1/', 'http://10.0.0.5:8080/dify/apps' ),
			'no base url yet' => array( '', '' ),
		);
	}

	public function test_the_download_is_named_by_the_site_date(): void {
		$this->assertMatchesRegularExpression( '/^dify-chatbot-usage-\d{4}-\d{2}-\d{2}\.csv$/', Usage_Page::filename() );
	}
}
