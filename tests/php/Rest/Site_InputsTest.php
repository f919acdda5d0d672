<?php
/**
 * Inputs the site fills in on the server.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Rest;

use Dify_Chatbot\Rest\Site_Inputs;
use Dify_Chatbot\Tests\TestCase;

final class Site_InputsTest extends TestCase {

	private function make_post( array $fields = array() ): int {
		return (int) wp_insert_post(
			$fields + array(
				'post_title'  => 'A page',
				'post_status' => 'publish',
				'post_type'   => 'page',
			)
		);
	}

	protected function tear_down() {
		remove_all_filters( 'dify_chatbot_inputs' );
		wp_set_current_user( 0 );
		parent::tear_down();
	}

	public function test_a_published_post_is_the_chat_s_page(): void {
		$id = $this->make_post();
		$this->assertSame( $id, Site_Inputs::post( (string) $id )->ID );
	}

	public function test_a_post_the_visitor_may_not_read_is_no_post(): void {
		$draft   = $this->make_post( array( 'post_status' => 'draft' ) );
		$private = $this->make_post( array( 'post_status' => 'private' ) );
		$this->assertNull( Site_Inputs::post( $draft ) );
		$this->assertNull( Site_Inputs::post( $private ) );
		$this->assertNull( Site_Inputs::post( 0 ) );
		$this->assertNull( Site_Inputs::post( 999999 ) );
		$this->assertNull( Site_Inputs::post( 'abc' ) );

		wp_set_current_user( $this->make_user( 'administrator' ) );
		$this->assertSame( $private, Site_Inputs::post( $private )->ID );
	}

	public function test_a_password_protected_post_feeds_nothing_until_its_password_is_entered(): void {
		$id     = $this->make_post( array( 'post_password' => 'open-sesame' ) );
		$cookie = 'wp-postpass_' . COOKIEHASH;
		$this->assertNull( Site_Inputs::post( $id ), 'Its password was not entered.' );

		require_once ABSPATH . WPINC . '/class-phpass.php';
		$hasher = new \PasswordHash( 8, true );
		// What wp-login.php?action=postpass sets when a visitor enters the password.
		$_COOKIE[ $cookie ] = $hasher->HashPassword( 'wrong' );
		$this->assertNull( Site_Inputs::post( $id ), 'A wrong password was entered.' );
		$_COOKIE[ $cookie ] = $hasher->HashPassword( 'open-sesame' );
		try {
			$this->assertSame( $id, Site_Inputs::post( $id )->ID );
		} finally {
			unset( $_COOKIE[ $cookie ] );
		}
	}

	public function test_the_filter_gets_the_post_and_user_and_only_named_values_stay(): void {
		$post = get_post( $this->make_post( array( 'post_title' => 'Pricing' ) ) );
		$seen = array();
		add_filter(
			'dify_chatbot_inputs',
			static function ( $inputs, $post, $user ) use ( &$seen ) {
				$seen[] = array( $post ? $post->post_title : null, $user ? $user->ID : null );
				return $inputs + array(
					'page_title' => $post ? $post->post_title : '',
					7            => 'numeric key',
					'nothing'    => null,
				);
			},
			10,
			3
		);
		$this->assertSame( array( 'page_title' => 'Pricing' ), Site_Inputs::values( $post ) );
		$user = $this->make_user( 'subscriber' );
		wp_set_current_user( $user );
		$this->assertSame( array( 'page_title' => '' ), Site_Inputs::values( null ) );
		$this->assertSame( array( array( 'Pricing', null ), array( null, $user ) ), $seen );
	}

	public function test_a_filter_returning_garbage_supplies_nothing(): void {
		add_filter( 'dify_chatbot_inputs', '__return_false' );
		$this->assertSame( array(), Site_Inputs::values( null ) );
	}
}
