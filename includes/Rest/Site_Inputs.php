<?php
/**
 * Input values the site fills in on the server.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use WP_Post;
use WP_User;

/**
 * The `dify_chatbot_inputs` filter: a site can fill app variables from WordPress (the page the chat
 * is on, the logged-in user) on the server. These values win over anything the browser sends, and
 * the browser's form does not show their fields (Parameters_Controller marks them hidden); their values
 * never reach the browser.
 *
 * The page comes from the chat's `post_id`, which the browser sends back: it is only a hint, so
 * a post the visitor may not read — private, or password-protected and its password not entered —
 * counts as no post.
 */
final class Site_Inputs {

	/**
	 * The post a chat says it is on, when the current visitor may read it.
	 *
	 * @param mixed $post_id The request's `post_id`.
	 */
	public static function post( $post_id ): ?WP_Post {
		$post = is_numeric( $post_id ) && (int) $post_id > 0 ? get_post( (int) $post_id ) : null;
		if ( ! $post instanceof WP_Post ) {
			return null;
		}
		if ( post_password_required( $post ) ) {
			// Its content is for those who entered its password (the request carries that cookie).
			return null;
		}
		return is_post_publicly_viewable( $post ) || current_user_can( 'read_post', $post->ID ) ? $post : null;
	}

	/**
	 * The values the site supplies for a chat on this post.
	 *
	 * @param WP_Post|null $post The page the chat is on, if known.
	 * @return array<string, mixed>
	 */
	public static function values( ?WP_Post $post ): array {
		$user = is_user_logged_in() ? wp_get_current_user() : null;
		/**
		 * Filters the app input values the site supplies on the server. They override what the
		 * visitor entered, and their fields are not shown in the chat's form.
		 *
		 * Example: `add_filter( 'dify_chatbot_inputs', fn( $inputs, $post ) =>
		 * $post ? $inputs + array( 'page_title' => get_the_title( $post ) ) : $inputs, 10, 2 );`
		 *
		 * @param array<string, mixed> $inputs Values by variable name; empty by default.
		 * @param WP_Post|null         $post   The page the chat is on, when the visitor may read it.
		 * @param WP_User|null         $user   The logged-in user, or null for a visitor.
		 */
		$values = apply_filters( 'dify_chatbot_inputs', array(), $post, $user );
		if ( ! is_array( $values ) ) {
			return array();
		}
		$clean = array();
		foreach ( $values as $name => $value ) {
			if ( is_string( $name ) && '' !== $name && null !== $value ) {
				$clean[ $name ] = $value;
			}
		}
		return $clean;
	}
}
