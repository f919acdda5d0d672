<?php
/**
 * The Dify user of a visitor.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Security;

use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Tests\TestCase;

final class Visitor_IdentityTest extends TestCase {

	/**
	 * Cookies "sent", as (name, value, options).
	 *
	 * @var array<int, array{0: string, 1: string, 2: array<string, mixed>}>
	 */
	private $sent = array();

	protected function set_up() {
		parent::set_up();
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		$this->sent = array();
	}

	protected function tear_down() {
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		remove_all_filters( 'dify_chatbot_user_id' );
		parent::tear_down();
	}

	private function identity(): Visitor_Identity {
		return new Visitor_Identity(
			function ( string $name, string $value, array $options ): void {
				$this->sent[] = array( $name, $value, $options );
			}
		);
	}

	public function test_a_new_visitor_gets_a_random_id_in_a_signed_cookie(): void {
		$user = $this->identity()->user();
		$this->assertMatchesRegularExpression( '/^visitor-[0-9a-f]{32}$/', $user );
		$this->assertCount( 1, $this->sent );
		list( $name, $value, $options ) = $this->sent[0];
		$this->assertSame( 'dify_chatbot_visitor', $name );
		$this->assertSame( substr( $user, strlen( 'visitor-' ) ), strtok( $value, '.' ) );
		$this->assertTrue( $options['httponly'] );
		$this->assertSame( 'Lax', $options['samesite'] );
		$this->assertFalse( $options['secure'] );
		$this->assertSame( COOKIEPATH ? COOKIEPATH : '/', $options['path'] );
		$this->assertEqualsWithDelta( time() + 365 * DAY_IN_SECONDS, $options['expires'], 5 );

		// Another new visitor is another user.
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		$this->assertNotSame( $user, $this->identity()->user() );
	}

	public function test_secure_cookie_on_https(): void {
		$_SERVER['HTTPS'] = 'on';
		try {
			$this->identity()->user();
		} finally {
			unset( $_SERVER['HTTPS'] );
		}
		$this->assertTrue( $this->sent[0][2]['secure'] );
	}

	public function test_the_cookie_round_trips_without_a_new_cookie(): void {
		$first = $this->identity()->user();
		$value = $this->sent[0][1];

		$this->sent                          = array();
		$_COOKIE[ Visitor_Identity::COOKIE ] = $value;
		$this->assertSame( $first, $this->identity()->user() );
		$this->assertSame( array(), $this->sent );
	}

	/**
	 * @dataProvider tampered
	 */
	public function test_a_tampered_cookie_is_rejected_and_replaced( callable $tamper ): void {
		$first = $this->identity()->user();
		$value = $this->sent[0][1];

		$this->sent                          = array();
		$_COOKIE[ Visitor_Identity::COOKIE ] = $tamper( $value );
		$second                              = $this->identity()->user();
		$this->assertNotSame( $first, $second );
		$this->assertNotSame( 'visitor-' . strtok( $tamper( $value ), '.' ), $second );
		$this->assertCount( 1, $this->sent, 'A fresh cookie replaces the tampered one.' );
	}

	public function tampered(): array {
		return array(
			'other id, same signature' => array(
				static function ( string $value ): string {
					return str_repeat( 'a', 32 ) . substr( $value, 32 );
				},
			),
			'changed signature'        => array(
				static function ( string $value ): string {
					return substr( $value, 0, -1 ) . ( '0' === substr( $value, -1 ) ? '1' : '0' );
				},
			),
			'id only'                  => array(
				static function ( string $value ): string {
					return strtok( $value, '.' );
				},
			),
			'chosen user'              => array(
				static function (): string {
					return 'wp-user-1';
				},
			),
		);
	}

	public function test_the_same_request_keeps_one_id(): void {
		$identity = $this->identity();
		$this->assertSame( $identity->user(), $identity->user() );
		$this->assertCount( 1, $this->sent );
	}

	public function test_logged_in_users_are_mapped_to_their_id_and_the_site_without_a_cookie(): void {
		$id = $this->make_user( 'subscriber' );
		wp_set_current_user( $id );
		$user = $this->identity()->user();
		$this->assertMatchesRegularExpression( '/^wp-user-' . $id . '-[0-9a-f]{8}$/', $user );
		$this->assertSame( 'wp-user-' . $id . '-' . Visitor_Identity::site_part(), $user );
		$this->assertSame( array(), $this->sent );
		$this->assertSame( $user, $this->identity()->user(), 'The same on every request.' );
	}

	public function test_the_same_user_on_another_site_is_another_dify_user(): void {
		$id = $this->make_user( 'subscriber' );
		wp_set_current_user( $id );
		$here = $this->identity()->user();
		$this->assertMatchesRegularExpression( '/^[0-9a-f]{32}$/', (string) get_option( Visitor_Identity::SITE_OPTION ), 'Made on first use.' );

		// Another site sharing the Dify app: same user number, its own site id.
		update_option( Visitor_Identity::SITE_OPTION, str_repeat( 'ab', 16 ) );
		$there = $this->identity()->user();
		$this->assertStringStartsWith( 'wp-user-' . $id . '-', $there );
		$this->assertNotSame( $here, $there );

		// Rotating the salts changes nothing: the user keeps their conversations.
		$salt = static function () {
			return 'rotated salt';
		};
		add_filter( 'salt', $salt );
		try {
			$this->assertSame( $there, $this->identity()->user() );
		} finally {
			remove_filter( 'salt', $salt );
		}
	}

	public function test_a_damaged_site_id_is_made_again(): void {
		update_option( Visitor_Identity::SITE_OPTION, 'not-an-id' );
		$part = Visitor_Identity::site_part();
		$this->assertMatchesRegularExpression( '/^[0-9a-f]{8}$/', $part );
		$this->assertMatchesRegularExpression( '/^[0-9a-f]{32}$/', (string) get_option( Visitor_Identity::SITE_OPTION ) );
		$this->assertSame( $part, Visitor_Identity::site_part() );
	}

	public function test_the_filter_can_change_the_user(): void {
		$id = $this->make_user( 'subscriber' );
		wp_set_current_user( $id );
		$seen = null;
		add_filter(
			'dify_chatbot_user_id',
			static function ( $user, $wp_user ) use ( &$seen ) {
				$seen = array( $user, $wp_user );
				return 'member-' . $wp_user;
			},
			10,
			2
		);
		$this->assertSame( 'member-' . $id, $this->identity()->user() );
		$this->assertSame( array( 'wp-user-' . $id . '-' . Visitor_Identity::site_part(), $id ), $seen );
	}

	public function test_an_unusable_filter_result_falls_back_to_the_derived_user(): void {
		$id = $this->make_user( 'subscriber' );
		wp_set_current_user( $id );
		add_filter(
			'dify_chatbot_user_id',
			static function () {
				return str_repeat( 'x', 256 );
			}
		);
		$this->assertSame( 'wp-user-' . $id . '-' . Visitor_Identity::site_part(), $this->identity()->user() );
	}
}
