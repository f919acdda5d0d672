<?php
/**
 * The plugin's REST namespace.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use WP_REST_Request;

/**
 * Where the plugin's routes live (`/wp-json/dify-chatbot/v1/…`) and the shape of the ids in their
 * paths. The visitor routes register through Visitor_Api, the settings routes through
 * Settings_Controller.
 */
final class Api {

	public const NAMESPACE = 'dify-chatbot/v1';

	/**
	 * A UUID, the form of Dify's conversation and message ids (any case).
	 */
	public const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

	/**
	 * Whether this request may show the routes' argument descriptions. Only the REST index, the
	 * namespace's index and OPTIONS answers carry them, so a REST request for anything else
	 * registers the routes without: translating them would load the plugin's text domain (about
	 * 0.15 ms, on a site where nothing else did) before every chat message. Outside a REST
	 * request (routes built for an internal request, the editor's preloading) they are there.
	 */
	public static function describes(): bool {
		if ( ! defined( 'REST_REQUEST' ) || ! REST_REQUEST ) {
			return true;
		}
		$wp    = $GLOBALS['wp'] ?? null;
		$route = $wp instanceof \WP && isset( $wp->query_vars['rest_route'] ) && is_string( $wp->query_vars['rest_route'] ) ? strtolower( trim( $wp->query_vars['rest_route'], '/' ) ) : '';
		if ( '' === $route || self::NAMESPACE === $route ) {
			return true;
		}
		// WordPress takes the method from `_method` or X-HTTP-Method-Override when there is one.
		$methods = array( $_SERVER['REQUEST_METHOD'] ?? '', $_GET['_method'] ?? '', $_SERVER['HTTP_X_HTTP_METHOD_OVERRIDE'] ?? '' ); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput, WordPress.Security.NonceVerification.Recommended -- compared with a constant, never used.
		foreach ( $methods as $method ) {
			if ( is_string( $method ) && 'OPTIONS' === strtoupper( $method ) ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * A route argument's description: translated where the request may show it (describes()),
	 * empty elsewhere.
	 *
	 * @param callable $text Gives the translated description.
	 * @phpstan-param callable(): string $text
	 */
	public static function describe( callable $text ): string {
		return self::describes() ? $text() : '';
	}

	/**
	 * A path segment that is a UUID, captured under a name.
	 *
	 * @param string $name The parameter's name.
	 */
	public static function id( string $name ): string {
		return '(?P<' . $name . '>' . self::UUID . ')';
	}

	/**
	 * An id from the path, lower case (Dify's form).
	 *
	 * @param WP_REST_Request $request The request.
	 * @param string          $name    The parameter's name.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	public static function path_id( WP_REST_Request $request, string $name ): string {
		return strtolower( (string) $request->get_param( $name ) );
	}
}
