<?php
/**
 * Refuses oversized request bodies on the plugin's REST routes before anything else runs.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Security;

use Dify_Chatbot\Registrable;
use WP_Error;
use WP_REST_Request;

/**
 * Every JSON route of the plugin takes small bodies (a message is at most 4000 characters), so a
 * body above the limit is refused with 413 at `rest_pre_dispatch`: before the route is matched,
 * the JSON is parsed, the permission and rate-limit checks run or Dify is called. Multipart
 * bodies (file and audio uploads) are left to their routes and PHP's post_max_size.
 */
final class Body_Limit implements Registrable {

	/**
	 * Default largest body of a JSON route, in bytes.
	 */
	public const MAX_BYTES = 65536;

	/**
	 * The REST namespace whose requests are checked.
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
	 * Hooks in before the REST server dispatches.
	 */
	public function register(): void {
		add_filter( 'rest_pre_dispatch', array( $this, 'check' ), 5, 3 );
	}

	/**
	 * A 413 error for an oversized body on our namespace, else what came in.
	 *
	 * @param mixed $result  Null, or an earlier filter's answer.
	 * @param mixed $server  The REST server.
	 * @param mixed $request The request.
	 * @return mixed
	 */
	public function check( $result, $server, $request ) {
		if ( null !== $result || ! $request instanceof WP_REST_Request || ! Route::is_in( $request, $this->namespace ) || self::is_multipart( $request ) ) {
			return $result;
		}
		/**
		 * Filters the largest request body (bytes) the plugin's JSON routes accept.
		 *
		 * @param int             $bytes   Default 65536.
		 * @param WP_REST_Request $request The request.
		 */
		$max = apply_filters( 'dify_chatbot_max_body_bytes', self::MAX_BYTES, $request );
		$max = is_numeric( $max ) && $max > 0 ? (int) $max : self::MAX_BYTES;
		// The declared length counts too: a client announcing more is refused without reading on.
		$size = max( strlen( (string) $request->get_body() ), (int) $request->get_header( 'content_length' ) );
		if ( $size <= $max ) {
			return $result;
		}
		return new WP_Error(
			'dify_chatbot_body_too_large',
			sprintf(
				/* translators: %s: largest size, e.g. "64 KB". */
				__( 'The request is too large. At most %s can be sent at once; please send a shorter message.', 'dify-chatbot' ),
				size_format( $max )
			),
			array( 'status' => 413 )
		);
	}

	/**
	 * Whether the body is multipart (an upload route's own business).
	 *
	 * @param WP_REST_Request $request The request.
	 */
	private static function is_multipart( WP_REST_Request $request ): bool {
		$type = $request->get_content_type();
		return is_array( $type ) && 'multipart/form-data' === $type['value'];
	}
}
