<?php
/**
 * The registry of bots.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Settings;

use Dify_Chatbot\Settings\Bots;
use Dify_Chatbot\Settings\Key_Store;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\TestCase;
use WP_Error;

require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';

final class BotsTest extends TestCase {

	use Clean_Environment;

	protected function set_up() {
		parent::set_up();
		$this->clean_environment();
		delete_option( Bots::OPTION );
		Settings::create()->keys()->remove();
	}

	protected function tear_down() {
		$this->restore_environment();
		parent::tear_down();
	}

	private static function sales(): array {
		return array(
			'slug'     => 'sales',
			'name'     => 'Sales',
			'base_url' => 'https://sales.example.org/v1',
		);
	}

	public function test_a_site_has_the_default_bot_which_is_todays_configuration(): void {
		$bots = Bots::create();
		$this->assertTrue( $bots->exists( '' ) );
		$this->assertTrue( $bots->exists( 'default' ) );
		$this->assertFalse( $bots->exists( 'sales' ) );
		$this->assertNull( $bots->get( 'sales' ) );
		$this->assertSame( array( 'default' ), array_map( static fn ( Settings $bot ) => $bot->slug(), $bots->all() ) );
		$this->assertSame( Key_Store::OPTION, $bots->default()->keys()->name() );
	}

	public function test_an_added_bot_has_its_own_values_and_the_sites_defaults_for_the_rest(): void {
		$bots = Bots::create();
		$bot  = $bots->add(
			self::sales() + array(
				'response_mode'        => 'blocking',
				'limit_visitor_minute' => 3,
			)
		);
		$this->assertInstanceOf( Settings::class, $bot );
		$this->assertSame( 'sales', $bot->slug() );
		$this->assertSame( 'Sales', $bot->name() );
		$this->assertFalse( $bot->is_default() );
		$this->assertFalse( $bot->read_only() );
		$this->assertSame( 'https://sales.example.org/v1', $bot->base_url() );
		$this->assertSame( 'blocking', $bot->response_mode() );
		$this->assertFalse( $bot->show_reasoning() );
		$this->assertSame( 3, $bot->limits()['limit_visitor_minute'] );
		$this->assertSame( Option::defaults()['limit_visitor_day'], $bot->limits()['limit_visitor_day'] );
		$this->assertFalse( $bot->is_configured(), 'no key yet' );
		$this->assertSame( 'dify_chatbot_api_key_sales', $bot->keys()->name() );
		// The default bot did not change.
		$this->assertSame( 'streaming', $bots->default()->response_mode() );
		$this->assertSame( Option::defaults()['base_url'], $bots->default()->base_url() );
	}

	public function test_each_bot_has_its_own_key_bound_to_its_own_server(): void {
		$bots = Bots::create();
		$bot  = $bots->add( self::sales() );
		$this->assertInstanceOf( Settings::class, $bot );
		$this->assertTrue( $bot->save_key( 'app-sales-key-12345678' ) );
		$this->assertSame( 'app-sales-key-12345678', $bot->api_key() );
		$this->assertSame( 'https://sales.example.org', $bot->keys()->origin() );
		$this->assertNull( $bots->default()->api_key(), 'the default bot has no key of its own' );
		$this->assertFalse( get_option( Key_Store::OPTION ) );
		$stored = get_option( 'dify_chatbot_api_key_sales' );
		$this->assertIsArray( $stored );
		$this->assertStringNotContainsString( 'app-sales-key', (string) wp_json_encode( $stored ), 'encrypted at rest' );
		$this->assertStringNotContainsString( 'app-sales-key', (string) wp_json_encode( get_option( Bots::OPTION ) ) );

		// Another path on the same server keeps the key; another server removes it.
		$moved = $bots->update( 'sales', array( 'base_url' => 'https://sales.example.org/v2' ) );
		$this->assertInstanceOf( Settings::class, $moved );
		$this->assertSame( 'app-sales-key-12345678', $moved->api_key() );
		$moved = $bots->update( 'sales', array( 'base_url' => 'https://elsewhere.example.com/v1' ) );
		$this->assertInstanceOf( Settings::class, $moved );
		$this->assertNull( $moved->api_key() );
		$this->assertFalse( get_option( 'dify_chatbot_api_key_sales' ) );
	}

	public function test_a_write_of_the_option_from_elsewhere_removes_the_key_of_a_bot_that_moved_or_went(): void {
		$bots = Bots::create();
		$bots->add( self::sales() );
		$bots->add(
			array(
				'slug'     => 'help',
				'name'     => 'Help',
				'base_url' => 'https://help.example.org/v1',
			)
		);
		$this->assertTrue( $bots->get( 'sales' )->save_key( 'app-sales-key-12345678' ) );
		$this->assertTrue( $bots->get( 'help' )->save_key( 'app-help-key-12345678' ) );
		$rows                      = get_option( Bots::OPTION );
		$rows['sales']['base_url'] = 'https://attacker.example.net/v1';
		unset( $rows['help'] );
		update_option( Bots::OPTION, $rows, false );
		$this->assertFalse( get_option( 'dify_chatbot_api_key_sales' ), 'Key_Binding watches the bots option' );
		$this->assertFalse( get_option( 'dify_chatbot_api_key_help' ) );
	}

	public function test_what_add_and_update_refuse(): void {
		$bots = Bots::create();
		$this->assertInstanceOf( Settings::class, $bots->add( self::sales() ) );
		$cases = array(
			'taken'       => array( self::sales(), 'is taken' ),
			'default'     => array( array( 'slug' => 'default' ) + self::sales(), 'is taken' ),
			'bad slug'    => array( array( 'slug' => 'Sales!' ) + self::sales(), 'lower-case' ),
			'long slug'   => array( array( 'slug' => str_repeat( 'a', 41 ) ) + self::sales(), 'lower-case' ),
			'no name'     => array(
				array(
					'slug'     => 'a',
					'base_url' => 'https://a.example.org/v1',
				),
				'needs a name',
			),
			'long name'   => array(
				array(
					'slug' => 'a',
					'name' => str_repeat( 'n', 81 ),
				) + self::sales(),
				'1 to 80',
			),
			'bad url'     => array(
				array(
					'slug'     => 'a',
					'base_url' => 'ftp://x',
				) + self::sales(),
				'',
			),
			'bad mode'    => array(
				array(
					'slug'          => 'a',
					'response_mode' => 'fast',
				) + self::sales(),
				'streaming or blocking',
			),
			'bad limit'   => array(
				array(
					'slug'            => 'a',
					'limit_ip_minute' => -1,
				) + self::sales(),
				'whole number',
			),
			'bad boolean' => array(
				array(
					'slug'           => 'a',
					'show_reasoning' => 'yes',
				) + self::sales(),
				'true or false',
			),
		);
		foreach ( $cases as $name => list( $fields, $words ) ) {
			$result = $bots->add( $fields );
			$this->assertInstanceOf( WP_Error::class, $result, $name );
			$this->assertSame( 400, $result->get_error_data()['status'], $name );
			$this->assertStringContainsString( $words, $result->get_error_message(), $name );
		}
		$this->assertSame( array( 'default', 'sales' ), array_map( static fn ( Settings $bot ) => $bot->slug(), $bots->all() ) );
		$this->assertSame( 404, $bots->update( 'nope', array( 'name' => 'x' ) )->get_error_data()['status'] );
		$this->assertSame( 404, $bots->remove( 'nope' )->get_error_data()['status'] );
		$this->assertSame( 400, $bots->remove( 'default' )->get_error_data()['status'] );
	}

	public function test_the_default_bot_is_edited_in_todays_option_and_named_in_the_bots_option(): void {
		$bots    = Bots::create();
		$default = $bots->update(
			'default',
			array(
				'name'               => 'Support',
				'response_mode'      => 'blocking',
				'show_reasoning'     => true,
				'daily_token_budget' => 900,
			)
		);
		$this->assertInstanceOf( Settings::class, $default );
		$this->assertSame( 'Support', $default->name() );
		$stored = get_option( Option::NAME );
		$this->assertSame( 'blocking', $stored['response_mode'] );
		$this->assertTrue( $stored['show_reasoning'] );
		$this->assertSame( 900, $stored['daily_token_budget'] );
	}

	public function test_bots_are_listed_default_first_then_by_name_and_removed_with_their_key(): void {
		$bots = Bots::create();
		$bots->add(
			array(
				'slug'     => 'zeta',
				'name'     => 'alpha',
				'base_url' => 'https://a.example.org/v1',
			)
		);
		$bots->add(
			array(
				'slug'     => 'alpha',
				'name'     => 'Zed',
				'base_url' => 'https://z.example.org/v1',
			)
		);
		$bots->add(
			array(
				'slug'     => 'mid',
				'name'     => 'Middle',
				'base_url' => 'https://m.example.org/v1',
			)
		);
		$this->assertSame( array( 'default', 'zeta', 'mid', 'alpha' ), array_map( static fn ( Settings $bot ) => $bot->slug(), $bots->all() ) );
		$this->assertTrue( $bots->get( 'mid' )->save_key( 'app-middle-key-1234' ) );
		$this->assertTrue( $bots->remove( 'mid' ) );
		$this->assertFalse( $bots->exists( 'mid' ) );
		$this->assertFalse( get_option( 'dify_chatbot_api_key_mid' ) );
	}

	public function test_bots_defined_in_the_environment_are_read_only_and_keep_their_key_to_their_server(): void {
		$this->set_environment(
			Bots::CONFIG_NAME,
			(string) wp_json_encode(
				array(
					array(
						'slug'            => 'docs',
						'name'            => 'Docs',
						'base_url'        => 'https://docs.example.org/v1',
						'api_key'         => 'app-docs-config-key-999',
						'response_mode'   => 'blocking',
						'limit_ip_minute' => 4,
					),
				)
			)
		);
		$bots = Bots::create();
		$docs = $bots->get( 'docs' );
		$this->assertNotNull( $docs );
		$this->assertTrue( $docs->read_only() );
		$this->assertSame( 'config', $docs->base_url_source() );
		$this->assertSame( 'config', $docs->api_key_source() );
		$this->assertSame( 'app-docs-config-key-999', $docs->api_key() );
		$this->assertSame( 'blocking', $docs->response_mode() );
		$this->assertSame( 4, $docs->limits()['limit_ip_minute'] );
		$this->assertSame( array(), $bots->config_errors() );
		$this->assertSame( 403, $bots->update( 'docs', array( 'name' => 'x' ) )->get_error_data()['status'] );
		$this->assertSame( 403, $bots->remove( 'docs' )->get_error_data()['status'] );
		$this->assertSame( 400, $bots->add( array( 'slug' => 'docs' ) + self::sales() )->get_error_data()['status'], 'its slug is taken' );
	}

	public function test_invalid_config_is_ignored_with_a_reason_never_a_fatal(): void {
		$this->set_environment( Bots::CONFIG_NAME, '{not json' );
		$bots = Bots::create();
		$this->assertSame( array( 'default' ), array_map( static fn ( Settings $bot ) => $bot->slug(), $bots->all() ) );
		$this->assertCount( 1, $bots->config_errors() );
		$this->assertStringContainsString( 'DIFY_CHATBOT_BOTS is not a JSON list', $bots->config_errors()[0] );

		$this->set_environment(
			Bots::CONFIG_NAME,
			(string) wp_json_encode(
				array(
					array(
						'slug'     => 'default',
						'base_url' => 'https://x.example.org/v1',
					),
					array(
						'slug'     => 'ok',
						'name'     => 'OK',
						'base_url' => 'https://ok.example.org/v1',
					),
					array(
						'slug'     => 'ok',
						'name'     => 'Twice',
						'base_url' => 'https://ok.example.org/v1',
					),
					array( 'slug' => 'nourl' ),
					'a string',
				)
			)
		);
		$this->assertSame( array( 'default', 'ok' ), array_map( static fn ( Settings $bot ) => $bot->slug(), $bots->all() ) );
		$this->assertSame( 'OK', $bots->get( 'ok' )->name() );
		$this->assertCount( 4, $bots->config_errors() );
		$this->assertStringContainsString( 'Entry 1 of DIFY_CHATBOT_BOTS is ignored', $bots->config_errors()[0] );

		// The administrator is told on the admin screens.
		wp_set_current_user( $this->make_user( 'administrator' ) );
		ob_start();
		( new \Dify_Chatbot\Settings\Config_Notice( $bots ) )->notice();
		$this->assertStringContainsString( 'Entry 4 of DIFY_CHATBOT_BOTS is ignored', (string) ob_get_clean() );
		wp_set_current_user( $this->make_user( 'editor' ) );
		ob_start();
		( new \Dify_Chatbot\Settings\Config_Notice( $bots ) )->notice();
		$this->assertSame( '', ob_get_clean() );
	}

	public function test_every_new_option_starts_with_the_prefix_uninstall_php_removes(): void {
		foreach ( array( Bots::OPTION, Bots::key_option( 'sales' ), \Dify_Chatbot\Settings\Migration::VERSION_OPTION ) as $name ) {
			$this->assertStringStartsWith( 'dify_chatbot_', $name );
		}
		$this->assertSame( Key_Store::OPTION, Bots::key_option( 'default' ) );
		// Plugin hooks Key_Binding on the option by its literal name (so no page loads Bots).
		$this->assertSame( 'dify_chatbot_bots', Bots::OPTION );
	}
}
