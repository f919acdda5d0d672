<?php
/**
 * Form handles and where their forms wait.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\Forms;

use Dify_Chatbot\Dify\Forms\Form_Owner;
use Dify_Chatbot\Dify\Forms\Form_Record;
use Dify_Chatbot\Dify\Forms\Form_Store;
use Dify_Chatbot\Tests\TestCase;

final class Form_StoreTest extends TestCase {

	private const RUN   = 'c45fe560-3c4a-4f7e-bbdc-71e57eac7f24';
	private const TOKEN = 'LBsSxinbFxeKles6uLxEEA';

	private function owner( string $user = 'visitor-a', string $app = 'app-1', string $bot = 'default' ): Form_Owner {
		return new Form_Owner( $bot, $app, $user );
	}

	private function definition( ?int $expires ): array {
		return array(
			'form_content'    => 'Approve?',
			'actions'         => array(
				array(
					'id'           => 'approve',
					'title'        => 'Approve',
					'button_style' => 'primary',
				),
			),
			'expiration_time' => $expires,
		);
	}

	public function test_a_handle_is_url_safe_short_and_says_nothing_of_the_token(): void {
		$handle = Form_Store::handle( $this->owner(), self::RUN, self::TOKEN );
		$this->assertMatchesRegularExpression( '/^[A-Za-z0-9_-]{16,128}$/', $handle );
		$this->assertLessThanOrEqual( 128, strlen( $handle ) );
		$this->assertStringNotContainsString( self::TOKEN, $handle );
		$this->assertStringNotContainsString( self::RUN, $handle );
		$this->assertSame( $handle, Form_Store::handle( $this->owner(), self::RUN, self::TOKEN ), 'The same form, the same handle.' );
		foreach ( array( $this->owner( 'visitor-b' ), $this->owner( 'visitor-a', 'app-2' ), $this->owner( 'visitor-a', 'app-1', 'sales' ) ) as $other ) {
			$this->assertNotSame( $handle, Form_Store::handle( $other, self::RUN, self::TOKEN ) );
		}
	}

	public function test_only_its_owner_finds_a_form(): void {
		$store  = new Form_Store();
		$handle = $store->mint( $this->owner(), self::RUN, self::TOKEN, $this->definition( time() + 3600 ) );
		$record = $store->find( $handle, $this->owner() );
		$this->assertNotNull( $record );
		$this->assertSame( self::TOKEN, $record->token() );
		$this->assertSame( self::RUN, $record->run() );
		$this->assertSame( Form_Record::OPEN, $record->state() );
		$this->assertNull( $store->find( $handle, $this->owner( 'visitor-b' ) ) );
		$this->assertNull( $store->find( $handle, $this->owner( 'visitor-a', 'app-2' ) ) );
		$this->assertNull( $store->find( $handle, $this->owner( 'visitor-a', 'app-1', 'sales' ) ) );
		$this->assertNull( $store->find( str_repeat( 'A', 43 ), $this->owner() ) );
		$this->assertNull( $store->find( '../../etc/passwd', $this->owner() ) );
	}

	public function test_the_handle_is_not_stored_in_the_clear_and_the_record_lives_across_requests(): void {
		global $wpdb;
		$store  = new Form_Store();
		$handle = $store->mint( $this->owner(), self::RUN, self::TOKEN, $this->definition( null ) );
		if ( ! wp_using_ext_object_cache() ) {
			$names = $wpdb->get_col( $wpdb->prepare( "SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE %s", '%' . $wpdb->esc_like( Form_Store::PREFIX ) . '%' ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
			$this->assertNotEmpty( $names, 'Without an object cache the record is in the options table (every web node reads it).' );
			foreach ( $names as $name ) {
				$this->assertStringNotContainsString( $handle, $name );
			}
		}
		wp_cache_flush();
		$this->assertNotNull( ( new Form_Store() )->find( $handle, $this->owner() ) );
	}

	public function test_minting_again_keeps_an_answered_form_answered(): void {
		$store  = new Form_Store();
		$handle = $store->mint( $this->owner(), self::RUN, self::TOKEN, $this->definition( null ) );
		$store->save( $handle, $store->find( $handle, $this->owner() )->with_state( Form_Record::SUBMITTED ) );
		$this->assertSame( $handle, $store->mint( $this->owner(), self::RUN, self::TOKEN, $this->definition( null ) ) );
		$this->assertSame( Form_Record::SUBMITTED, $store->find( $handle, $this->owner() )->state() );
	}

	public function test_a_record_lives_as_long_as_its_form_and_a_day(): void {
		$now = 1800000000;
		$this->assertSame( 3600 + DAY_IN_SECONDS, Form_Store::lifetime( $now + 3600, $now ) );
		$this->assertSame( DAY_IN_SECONDS, Form_Store::lifetime( $now - 10, $now ) );
		$this->assertSame( 4 * DAY_IN_SECONDS, Form_Store::lifetime( null, $now ) );
		$this->assertSame( 30 * DAY_IN_SECONDS, Form_Store::lifetime( $now + 365 * DAY_IN_SECONDS, $now ) );
	}

	public function test_a_record_knows_when_its_form_expired(): void {
		$record = new Form_Record( $this->owner(), self::RUN, self::TOKEN, $this->definition( 1000 ) );
		$this->assertFalse( $record->expired( 999 ) );
		$this->assertTrue( $record->expired( 1000 ) );
		$this->assertFalse( ( new Form_Record( $this->owner(), self::RUN, self::TOKEN, $this->definition( null ) ) )->expired( PHP_INT_MAX ) );
		$this->assertTrue( $record->with_state( Form_Record::EXPIRED )->expired( 0 ) );
		$this->assertNull( Form_Record::from_array( array( 'bot' => 'default' ) ) );
		$this->assertNull( Form_Record::from_array( 'junk' ) );
		$this->assertEquals( $record, Form_Record::from_array( $record->to_array() ) );
	}

	public function test_a_removed_bot_s_forms_are_forgotten_and_no_other_bot_s(): void {
		$store   = new Form_Store();
		$sales   = $store->mint( $this->owner( 'visitor-a', 'app-1', 'sales' ), self::RUN, self::TOKEN, $this->definition( time() + 3600 ) );
		$sales2  = $store->mint( $this->owner( 'visitor-b', 'app-1', 'sales' ), self::RUN, 'another-token', $this->definition( null ) );
		$default = $store->mint( $this->owner(), self::RUN, self::TOKEN, $this->definition( time() + 3600 ) );
		$this->assertSame( 2, $store->forget_bot( 'sales' ) );
		$this->assertNull( $store->find( $sales, $this->owner( 'visitor-a', 'app-1', 'sales' ) ) );
		$this->assertNull( $store->find( $sales2, $this->owner( 'visitor-b', 'app-1', 'sales' ) ) );
		$this->assertNotNull( $store->find( $default, $this->owner() ) );
		$this->assertSame( 0, $store->forget_bot( 'sales' ) );
	}
}
