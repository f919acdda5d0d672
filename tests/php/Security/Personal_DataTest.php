<?php
/**
 * Tools → Export / Erase Personal Data reach the user's conversations in Dify.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Security;

use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Security\Personal_Data;
use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\TestCase;
use WP_REST_Request;

require_once dirname( __DIR__ ) . '/Support/Emulator.php';
require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';

final class Personal_DataTest extends TestCase {

	use Emulator;
	use Clean_Environment;

	protected function set_up() {
		parent::set_up();
		$this->clean_environment();
		$this->require_emulator();
		$settings = Settings::create();
		$settings->option()->update( array( 'base_url' => self::emulator_url() ) );
		$settings->keys()->save( 'app-emulator' );
	}

	protected function tear_down() {
		wp_set_current_user( 0 );
		$this->restore_environment();
		parent::tear_down();
	}

	/**
	 * A logged-in user chats: one new conversation per message.
	 */
	private function chat_as( int $user, string $text ): void {
		wp_set_current_user( $user );
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/chat' );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( (string) wp_json_encode( array( 'query' => $text . ' #delay:0' ) ) );
		$this->assertSame( 200, rest_get_server()->dispatch( $request )->get_status() );
		wp_set_current_user( 0 );
	}

	/**
	 * The user's conversations as Dify has them.
	 */
	private function in_dify( int $user ): array {
		$client = new Client( self::emulator_url(), 'app-emulator' );
		return (array) ( $client->conversations( Visitor_Identity::of_wp_user( $user ), null, 100 )->json()['data'] ?? array() );
	}

	private function tool( string $filter ): callable {
		$tools = apply_filters( $filter, array() );
		$this->assertArrayHasKey( Personal_Data::ID, $tools, 'Registered where WordPress’s privacy tools look.' );
		return $tools[ Personal_Data::ID ]['callback'];
	}

	public function test_a_users_conversations_are_exported_and_erased_and_nobody_elses(): void {
		$alice = $this->make_user( 'subscriber' );
		$bob   = $this->make_user( 'subscriber' );
		$email = get_userdata( $alice )->user_email;
		$this->chat_as( $alice, 'alice-first-question' );
		$this->chat_as( $alice, 'alice-second-question' );
		$this->chat_as( $bob, 'bob-question' );
		$this->assertCount( 2, $this->in_dify( $alice ) );

		// The request as an administrator files it (Tools → Export Personal Data).
		$this->assertIsInt( wp_create_user_request( $email, 'export_personal_data' ) );
		$export = $this->tool( 'wp_privacy_personal_data_exporters' )( $email, 1 );
		$this->assertTrue( $export['done'] );
		$this->assertCount( 2, $export['data'] );
		$text = (string) wp_json_encode( $export['data'] );
		$this->assertStringContainsString( 'alice-first-question', $text );
		$this->assertStringContainsString( 'alice-second-question', $text );
		$this->assertStringNotContainsString( 'bob-question', $text );
		$this->assertSame( 'dify-chatbot-conversations', $export['data'][0]['group_id'] );

		// Tools → Erase Personal Data.
		$this->assertIsInt( wp_create_user_request( $email, 'remove_personal_data' ) );
		$erased = $this->tool( 'wp_privacy_personal_data_erasers' )( $email, 1 );
		$this->assertTrue( $erased['items_removed'] );
		$this->assertFalse( $erased['items_retained'] );
		$this->assertTrue( $erased['done'] );
		$this->assertSame( array(), $this->in_dify( $alice ) );
		$this->assertCount( 1, $this->in_dify( $bob ), 'Another user’s conversation stays.' );
	}

	public function test_an_address_of_nobody_here_exports_and_erases_nothing(): void {
		$this->assertSame(
			array(
				'data' => array(),
				'done' => true,
			),
			$this->tool( 'wp_privacy_personal_data_exporters' )( 'nobody@example.org', 1 )
		);
		$erased = $this->tool( 'wp_privacy_personal_data_erasers' )( 'nobody@example.org', 1 );
		$this->assertFalse( $erased['items_removed'] );
		$this->assertTrue( $erased['done'] );
	}

	public function test_dify_out_of_reach_is_an_error_not_an_empty_export(): void {
		$alice = $this->make_user( 'subscriber' );
		Settings::create()->option()->update( array( 'base_url' => 'http://127.0.0.1:9/v1' ) );
		Settings::create()->save_key( 'app-emulator' );
		$export = $this->tool( 'wp_privacy_personal_data_exporters' )( get_userdata( $alice )->user_email, 1 );
		$this->assertInstanceOf( \WP_Error::class, $export );
		$this->assertStringNotContainsString( 'app-emulator', $export->get_error_message() );
	}

	public function test_each_bot_has_its_own_exporter_and_eraser_for_its_own_app(): void {
		delete_option( \Dify_Chatbot\Settings\Bots::OPTION );
		$sales = \Dify_Chatbot\Settings\Bots::create()->add(
			array(
				'slug'     => 'sales',
				'name'     => 'Sales',
				'base_url' => self::emulator_url(),
			)
		);
		$this->assertInstanceOf( Settings::class, $sales );
		$this->assertTrue( $sales->save_key( 'app-emulator-plain' ) );
		$alice = $this->make_user( 'subscriber' );
		$email = get_userdata( $alice )->user_email;
		wp_set_current_user( $alice );
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1/chat' );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body(
			(string) wp_json_encode(
				array(
					'query' => 'alice-asks-sales #delay:0',
					'bot'   => 'sales',
				)
			)
		);
		$this->assertSame( 200, rest_get_server()->dispatch( $request )->get_status() );
		wp_set_current_user( 0 );

		$exporters = apply_filters( 'wp_privacy_personal_data_exporters', array() );
		$this->assertSame( 'Dify Chatbot conversations (Sales)', $exporters['dify-chatbot-sales']['exporter_friendly_name'] );
		$this->assertStringContainsString( 'alice-asks-sales', (string) wp_json_encode( $exporters['dify-chatbot-sales']['callback']( $email, 1 )['data'] ) );
		$this->assertSame( array(), $exporters[ Personal_Data::ID ]['callback']( $email, 1 )['data'], 'the default bot\'s app has none of them' );

		$erasers = apply_filters( 'wp_privacy_personal_data_erasers', array() );
		$this->assertTrue( $erasers['dify-chatbot-sales']['callback']( $email, 1 )['items_removed'] );
		$plain = new Client( self::emulator_url(), 'app-emulator-plain' );
		$this->assertSame( array(), (array) ( $plain->conversations( Visitor_Identity::of_wp_user( $alice ), null, 100 )->json()['data'] ?? array() ) );
	}
}
