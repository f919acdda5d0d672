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
