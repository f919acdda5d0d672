<?php
/**
 * Keeps shared caches (CDNs, reverse proxies) from storing one visitor's answers for another.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Security;

use Dify_Chatbot\Registrable;
use WP_Error;
use WP_REST_Request;

/**
 * Every answer of the plugin's routes depends on who asks (the visitor cookie picks the
 * conversations, the login picks the user), yet WordPress sends anonymous REST answers without
 * any caching header, so a proxy that caches `/wp-json` may hand one visitor's conversation list
 * to the next. Every answer of the namespace — success, error, refusal and stream — says
 * `Cache-Control: private, no-store` and `Vary: Origin, Cookie`:
 *
 * - sent as headers before the route is dispatched, so answers that never become a REST
 *   response (a streamed chat, a refusal before the route is matched) carry them;
 * - set again on the route's response, since WordPress sends a response's own headers last
 *   and would otherwise let a route's `Cache-Control` replace them.
 */
final class Cache_Headers implements Registrable {

	public const CACHE_CONTROL = 'private, no-store';

	/**
	 * What a cache that keeps answers anyway must key them on.
	 */
	public const VARY = 'Origin, Cookie';

	/**
	 * The REST namespace whose answers are private.
	 *
	 * @var string
	 */
	private string $namespace;

	/**
	 * Keeps the namespace.
	 *
	 * @param string $namespace The plugin's REST namespace (Rest\Api::NAMESPACE).
	 */
	public function __construct( string $namespace ) {
		$this->namespace = $namespace;
	}

	/**
	 * Hooks in before the namespace is dispatched and after its routes answer.
	 */
	public function register(): void {
		add_filter( 'rest_pre_dispatch', array( $this, 'send' ), 1, 3 );
		add_filter( 'rest_request_after_callbacks', array( $this, 'mark' ), 20, 3 );
	}

	/**
	 * Sends the headers for a request of the namespace.
	 *
	 * @param mixed $result  Null, or an earlier filter's answer.
	 * @param mixed $server  The REST server.
	 * @param mixed $request The request.
	 * @return mixed What came in.
	 */
	public function send( $result, $server, $request ) {
		if ( $request instanceof WP_REST_Request && Route::is_in( $request, $this->namespace ) && ! headers_sent() ) {
			header( 'Cache-Control: ' . self::CACHE_CONTROL );
			header( 'Vary: Cookie', false );
		}
		return $result;
	}

	/**
	 * Puts the headers on a route's answer (an error becomes its REST response here).
	 *
	 * @param mixed $response The route's answer so far.
	 * @param mixed $handler  The route's handler.
	 * @param mixed $request  The request.
	 * @return mixed
	 */
	public function mark( $response, $handler, $request ) {
		if ( ! $request instanceof WP_REST_Request || ! Route::is_in( $request, $this->namespace ) ) {
			return $response;
		}
		$response = $response instanceof WP_Error ? rest_convert_error_to_response( $response ) : rest_ensure_response( $response );
		$response->header( 'Cache-Control', self::CACHE_CONTROL );
		$response->header( 'Vary', self::VARY );
		return $response;
	}
}
