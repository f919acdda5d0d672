<?php
/**
 * Whether a REST request is for the plugin's namespace.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Security;

use WP_REST_Request;

/**
 * The checks that run for the whole namespace before a route is matched (body limit, CORS,
 * caching headers) ask here.
 */
final class Route {

	/**
	 * Whether the request is for the namespace.
	 *
	 * @param WP_REST_Request $request   The request.
	 * @param string          $namespace The namespace, e.g. `dify-chatbot/v1`.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	public static function is_in( WP_REST_Request $request, string $namespace ): bool {
		// The REST server matches routes case-insensitively, so this check does too.
		$route = strtolower( untrailingslashit( $request->get_route() ) );
		$base  = '/' . strtolower( $namespace );
		return $route === $base || 0 === strpos( $route, $base . '/' );
	}
}
