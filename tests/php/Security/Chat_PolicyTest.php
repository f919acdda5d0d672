<?php
/**
 * Who may chat.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Security;

use Dify_Chatbot\Security\Chat_Policy;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Tests\TestCase;
use WP_REST_Request;

final class Chat_PolicyTest extends TestCase {

	protected function tear_down() {
		remove_all_filters( 'dify_chatbot_can_chat' );
		parent::tear_down();
	}

	private function check( string $who ): ?\WP_Error {
		$option = new Option();
		$option->update( array( 'who_may_chat' => $who ) );
		return ( new Chat_Policy( $option ) )->check( new WP_REST_Request( 'POST', '/dify-chatbot/v1/chat' ) );
	}

	public function test_everyone(): void {
		$this->assertNull( $this->check( 'everyone' ) );
	}

	public function test_logged_in(): void {
		$refusal = $this->check( 'logged_in' );
		$this->assertSame( 'dify_chatbot_login_required', $refusal->get_error_code() );
		$this->assertSame( 401, $refusal->get_error_data()['status'] );
		$this->assertSame( 'Please log in to chat.', $refusal->get_error_message() );
		wp_set_current_user( $this->make_user( 'subscriber' ) );
		$this->assertNull( $this->check( 'logged_in' ) );
	}

	public function test_a_capability(): void {
		$this->assertSame( 401, $this->check( 'edit_posts' )->get_error_data()['status'] );
		wp_set_current_user( $this->make_user( 'subscriber' ) );
		$refusal = $this->check( 'edit_posts' );
		$this->assertSame( 'dify_chatbot_forbidden', $refusal->get_error_code() );
		$this->assertSame( 403, $refusal->get_error_data()['status'] );
		wp_set_current_user( $this->make_user( 'author' ) );
		$this->assertNull( $this->check( 'edit_posts' ) );
	}

	public function test_the_filter_may_refuse_whom_the_setting_lets_in(): void {
		$seen = array();
		add_filter(
			'dify_chatbot_can_chat',
			static function ( $allowed, $user, $request ) use ( &$seen ) {
				$seen = array( $allowed, $user, $request );
				return false;
			},
			10,
			3
		);
		$refusal = $this->check( 'everyone' );
		$this->assertSame( 401, $refusal->get_error_data()['status'] );
		$this->assertTrue( $seen[0] );
		$this->assertNull( $seen[1] );
		$this->assertInstanceOf( WP_REST_Request::class, $seen[2] );

		$id = $this->make_user( 'subscriber' );
		wp_set_current_user( $id );
		$this->assertSame( 403, $this->check( 'everyone' )->get_error_data()['status'] );
		$this->assertSame( $id, $seen[1]->ID );
	}

	public function test_the_filter_cannot_let_in_whom_the_setting_refuses(): void {
		$asked = 0;
		add_filter(
			'dify_chatbot_can_chat',
			static function () use ( &$asked ) {
				++$asked;
				return true;
			}
		);
		$this->assertSame( 'dify_chatbot_login_required', $this->check( 'logged_in' )->get_error_code() );
		wp_set_current_user( $this->make_user( 'subscriber' ) );
		$this->assertSame( 'dify_chatbot_forbidden', $this->check( 'edit_posts' )->get_error_code() );
		$this->assertSame( 0, $asked, 'The filter is not asked about a visitor the setting refuses.' );
		$this->assertNull( $this->check( 'logged_in' ) );
		$this->assertSame( 1, $asked );
	}

	public function test_only_true_from_the_filter_lets_in(): void {
		foreach ( array( 1, 'yes', null, array( true ) ) as $answer ) {
			add_filter(
				'dify_chatbot_can_chat',
				static function () use ( $answer ) {
					return $answer;
				}
			);
			$this->assertNotNull( $this->check( 'everyone' ), 'Answer: ' . wp_json_encode( $answer ) );
			remove_all_filters( 'dify_chatbot_can_chat' );
		}
	}
}
