<?php
/**
 * Who may chat.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Security;

use Dify_Chatbot\Settings\Option;
use WP_Error;
use WP_REST_Request;
use WP_User;

/**
 * The `who_may_chat` setting: `everyone`, `logged_in`, or a capability name; the filter
 * `dify_chatbot_can_chat` has the last word. Refused visitors get 401 when logging in could help,
 * else 403.
 */
final class Chat_Policy {

	public const LOGIN_REQUIRED = 'dify_chatbot_login_required';
	public const FORBIDDEN      = 'dify_chatbot_forbidden';

	/**
	 * The settings.
	 *
	 * @var Option
	 */
	private Option $option;

	/**
	 * Keeps the settings.
	 *
	 * @param Option $option The settings.
	 */
	public function __construct( Option $option ) {
		$this->option = $option;
	}

	/**
	 * Null when the current user may chat, else the refusal.
	 *
	 * @param WP_REST_Request $request The chat request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	public function check( WP_REST_Request $request ): ?WP_Error {
		$who  = $this->option->get()['who_may_chat'];
		$user = is_user_logged_in() ? wp_get_current_user() : null;
		if ( 'everyone' === $who ) {
			$allowed = true;
		} elseif ( 'logged_in' === $who ) {
			$allowed = null !== $user;
		} else {
			$allowed = null !== $user && user_can( $user, $who );
		}

		/**
		 * Filters whether the current visitor may chat (after the "Who may chat" setting).
		 *
		 * @param bool            $allowed Whether the setting allows it.
		 * @param WP_User|null    $user    The logged-in user, or null.
		 * @param WP_REST_Request $request The chat request.
		 */
		$allowed = apply_filters( 'dify_chatbot_can_chat', $allowed, $user, $request );
		if ( true === $allowed ) {
			return null;
		}
		if ( null === $user ) {
			return new WP_Error( self::LOGIN_REQUIRED, __( 'Please log in to chat.', 'dify-chatbot' ), array( 'status' => 401 ) );
		}
		return new WP_Error( self::FORBIDDEN, __( 'Sorry, the chat is not available to your account.', 'dify-chatbot' ), array( 'status' => 403 ) );
	}
}
