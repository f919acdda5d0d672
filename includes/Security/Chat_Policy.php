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
 * The `who_may_chat` setting: `everyone`, `logged_in`, or a capability name. The filter
 * `dify_chatbot_can_chat` may only narrow it: it is asked only about visitors the setting lets in
 * and can refuse them, never let in one the setting refuses (a guard refuses by default; an
 * extension point may add a refusal, never undo one). Refused visitors get 401 when logging in
 * could help, else 403.
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

		if ( $allowed ) {
			/**
			 * Filters whether a visitor the "Who may chat" setting lets in may chat. Only asked
			 * when the setting allows it, and only `true` keeps the visitor in: return false to
			 * refuse. It cannot let in anyone the setting refuses.
			 *
			 * @param bool            $allowed True.
			 * @param WP_User|null    $user    The logged-in user, or null.
			 * @param WP_REST_Request $request The chat request.
			 */
			$allowed = true === apply_filters( 'dify_chatbot_can_chat', true, $user, $request );
		}
		if ( $allowed ) {
			return null;
		}
		if ( null === $user ) {
			return new WP_Error( self::LOGIN_REQUIRED, __( 'Please log in to chat.', 'dify-chatbot' ), array( 'status' => 401 ) );
		}
		return new WP_Error( self::FORBIDDEN, __( 'Sorry, the chat is not available to your account.', 'dify-chatbot' ), array( 'status' => 403 ) );
	}
}
