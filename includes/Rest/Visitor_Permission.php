<?php
/**
 * The permission callback of the visitor routes.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use WP_Error;
use WP_REST_Request;

/**
 * One door for every visitor route but the chat message (which checks the budget too, in its
 * callback): `check` applies who may chat, `check_limited` also the rate limits, for routes that
 * cost an upstream call per request. Both ask the filter `dify_chatbot_visitor_refusal`
 * (Security\Visitor_Guard answers it), so routes need no extra constructor argument.
 */
final class Visitor_Permission {

	public const FILTER = 'dify_chatbot_visitor_refusal';

	/**
	 * Permission callback: who may chat.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return true|WP_Error
	 */
	public static function check( WP_REST_Request $request ) {
		return self::answer( $request, false );
	}

	/**
	 * Permission callback: who may chat, then the rate limits.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return true|WP_Error
	 */
	public static function check_limited( WP_REST_Request $request ) {
		return self::answer( $request, true );
	}

	/**
	 * True, or the refusal.
	 *
	 * @param WP_REST_Request $request The request.
	 * @param bool            $limited Whether the rate limits apply.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return true|WP_Error
	 */
	private static function answer( WP_REST_Request $request, bool $limited ) {
		/**
		 * Filters the refusal of a visitor request (other than a chat message), checked before the
		 * route's callback. Return a WP_Error to refuse.
		 *
		 * @param WP_Error|null   $refusal Null to let the request through.
		 * @param WP_REST_Request $request The request.
		 * @param bool            $limited Whether the route counts against the rate limits.
		 */
		$refusal = apply_filters( 'dify_chatbot_visitor_refusal', null, $request, $limited );
		return $refusal instanceof WP_Error ? $refusal : true;
	}
}
