<?php
/**
 * One valid request for every visitor route, read from the REST server's own route table, so a
 * route added later is tried by the tests that use it without their being changed.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Support;

use Dify_Chatbot\Security\Visitor_Guard;
use WP_REST_Request;

/**
 * For tests of the checks every visitor route passes (Security\Visitor_Guard).
 */
trait Visitor_Requests {

	/**
	 * A valid value for each required parameter of a visitor route.
	 *
	 * @var array<string, string>
	 */
	private static $required = array(
		'query' => 'Hi #delay:0',
		'name'  => 'Renamed',
		'text'  => 'Read this aloud.',
	);

	/**
	 * One valid request for each method of each visitor route: "METHOD route" => request.
	 *
	 * @return array<string, WP_REST_Request>
	 */
	protected static function visitor_requests(): array {
		$requests = array();
		foreach ( rest_get_server()->get_routes( 'dify-chatbot/v1' ) as $route => $handlers ) {
			foreach ( $handlers as $handler ) {
				$callback = $handler['permission_callback'] ?? null;
				if ( ! is_array( $callback ) || ! $callback[0] instanceof Visitor_Guard ) {
					continue;
				}
				$path = preg_replace_callback(
					'/\(\?P<(\w+)>[^)]*\)/',
					static function ( array $group ): string {
						return 'task_id' === $group[1] ? 'task-1' : 'e0000000-0000-4000-8000-000000000001';
					},
					$route
				);
				foreach ( array_keys( array_filter( $handler['methods'] ) ) as $method ) {
					$request = new WP_REST_Request( $method, $path );
					$body    = array();
					foreach ( $handler['args'] as $name => $arg ) {
						if ( ! empty( $arg['required'] ) ) {
							$body[ $name ] = self::$required[ $name ] ?? 'x';
						}
					}
					if ( 'GET' !== $method && 'DELETE' !== $method ) {
						$request->set_header( 'Content-Type', 'application/json' );
						$request->set_body( (string) wp_json_encode( (object) $body ) );
					}
					$requests[ "$method $route" ] = $request;
				}
			}
		}
		return $requests;
	}
}
