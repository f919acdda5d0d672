<?php
/**
 * Refuses visitor requests another site makes a browser send, and keeps other origins from
 * reading the plugin's answers.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Security;

use Dify_Chatbot\Registrable;
use WP_Error;
use WP_REST_Request;

/**
 * The visitor's cookie (SameSite=Lax) travels with a top-level link from any site and with
 * requests from sibling subdomains, so the cookie alone cannot tell the chat's own page from a
 * page that makes the visitor's browser speak for them. Two checks close that:
 *
 * - the method: WordPress lets `?_method=` and `X-HTTP-Method-Override` change a request's
 *   method, which turns a link (a GET) into a POST. A visitor route refuses a request whose
 *   method was overridden to something other than the method it really came with;
 * - the origin: a browser says where a request comes from (`Sec-Fetch-Site`, `Origin`), and
 *   pages cannot forge either. A request from the site's own origin (home_url, site_url) or an
 *   origin of the filterable allow-list goes on; one another site started is refused. A request
 *   that says nothing (a server, a command-line client, an old browser) carries no visitor's
 *   cookie that another site chose to send, so it goes on.
 *
 * And CORS: core answers every Origin with `Access-Control-Allow-Origin: <that origin>` and
 * `Allow-Credentials: true`, which lets any site read a visitor's answers. On this plugin's
 * routes only the allowed origins get those headers.
 */
final class Cross_Site implements Registrable {

	public const CODE   = 'dify_chatbot_cross_site';
	public const METHOD = 'dify_chatbot_method_override';

	/**
	 * Filters the origins besides the site's own that may call the visitor routes from a browser.
	 */
	public const FILTER = 'dify_chatbot_allowed_origins';

	/**
	 * The REST namespace whose answers get these CORS headers.
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
	 * Takes over CORS for the namespace before its routes are dispatched.
	 */
	public function register(): void {
		add_action( 'rest_api_init', array( $this, 'drop_malformed_override' ), 0 );
		add_filter( 'rest_pre_dispatch', array( $this, 'cors' ), 1, 3 );
	}

	/**
	 * Removes a `_method` that is not a string (`?_method[]=x`) from a request for the namespace:
	 * WordPress would pass it to strtoupper() and end the request with a fatal error (500). The
	 * request then goes on with its real method. Runs on rest_api_init, before the REST server
	 * reads the override.
	 */
	public function drop_malformed_override(): void {
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only a malformed value is removed, nothing is read.
		if ( ! isset( $_GET['_method'] ) || is_string( $_GET['_method'] ) ) {
			return;
		}
		$wp    = $GLOBALS['wp'] ?? null;
		$route = $wp instanceof \WP && isset( $wp->query_vars['rest_route'] ) && is_string( $wp->query_vars['rest_route'] ) ? $wp->query_vars['rest_route'] : '';
		$base  = '/' . strtolower( $this->namespace );
		$route = strtolower( untrailingslashit( $route ) );
		if ( $route === $base || 0 === strpos( $route, $base . '/' ) ) {
			unset( $_GET['_method'] ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- removed, not read.
		}
	}

	/**
	 * On this plugin's routes: core's echo of any origin is switched off, and an allowed origin
	 * gets its CORS headers (sent now, so a streamed answer has them too).
	 *
	 * @param mixed $result  Null, or an earlier filter's answer.
	 * @param mixed $server  The REST server.
	 * @param mixed $request The request.
	 * @return mixed What came in.
	 */
	public function cors( $result, $server, $request ) {
		if ( ! $request instanceof WP_REST_Request || ! Route::is_in( $request, $this->namespace ) ) {
			return $result;
		}
		remove_filter( 'rest_pre_serve_request', 'rest_send_cors_headers' );
		if ( ! headers_sent() ) {
			header( 'Vary: Origin', false );
			foreach ( $this->cors_headers( $request ) as $name => $value ) {
				header( $name . ': ' . $value );
			}
		}
		return $result;
	}

	/**
	 * The CORS headers a request gets: none unless its Origin is allowed.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return array<string, string>
	 */
	public function cors_headers( WP_REST_Request $request ): array {
		$origin = self::origin_of( (string) $request->get_header( 'origin' ) );
		if ( null === $origin || ! in_array( $origin, $this->allowed_origins( $request ), true ) ) {
			return array();
		}
		return array(
			'Access-Control-Allow-Origin'      => $origin,
			'Access-Control-Allow-Methods'     => 'OPTIONS, GET, POST, DELETE',
			'Access-Control-Allow-Credentials' => 'true',
		);
	}

	/**
	 * Null when the request may go on, else the refusal (403). Asked first by every visitor route.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	public function check( WP_REST_Request $request ): ?WP_Error {
		if ( $this->overridden( $request ) ) {
			return new WP_Error(
				self::METHOD,
				__( 'This request changed its HTTP method, which the chat does not accept. Please use the chat on the site\'s own pages.', 'dify-chatbot' ),
				array( 'status' => 403 )
			);
		}
		if ( $this->from_elsewhere( $request ) ) {
			return new WP_Error(
				self::CODE,
				__( 'This request came from another website, so it was refused. Please use the chat on the site\'s own pages.', 'dify-chatbot' ),
				array( 'status' => 403 )
			);
		}
		return null;
	}

	/**
	 * Whether `?_method=` or `X-HTTP-Method-Override` made the request's method differ from the
	 * method it really came with.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	private function overridden( WP_REST_Request $request ): bool {
		$query = $request->get_query_params();
		if ( ! isset( $query['_method'] ) && null === $request->get_header( 'x_http_method_override' ) ) {
			return false;
		}
		// phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- compared with a method name only.
		$real = isset( $_SERVER['REQUEST_METHOD'] ) && is_string( $_SERVER['REQUEST_METHOD'] ) ? strtoupper( wp_unslash( $_SERVER['REQUEST_METHOD'] ) ) : '';
		return $real !== $request->get_method();
	}

	/**
	 * Whether a browser says another site started the request.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	private function from_elsewhere( WP_REST_Request $request ): bool {
		$site = strtolower( trim( (string) $request->get_header( 'sec_fetch_site' ) ) );
		// The browser itself vouches for these: the page is the site's own, or the visitor typed the address.
		if ( 'same-origin' === $site || 'none' === $site ) {
			return false;
		}
		$header = $request->get_header( 'origin' );
		if ( null === $header ) {
			// A browser that says another site (or a sibling subdomain) started it, with no origin to allow.
			return 'cross-site' === $site || 'same-site' === $site;
		}
		$origin = self::origin_of( $header );
		return null === $origin || ! in_array( $origin, $this->allowed_origins( $request ), true );
	}

	/**
	 * The site's own origins and those of the filter, normalised.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return list<string>
	 */
	private function allowed_origins( WP_REST_Request $request ): array {
		/**
		 * Filters the origins, besides the site's own (home_url and site_url), whose pages may
		 * call the chat's routes from a browser with the visitor's cookie and read the answers,
		 * e.g. `https://shop.example.com` for a front end on another host. Each is
		 * `scheme://host[:port]`; anything else is ignored. Every origin added here can act as
		 * the visitor: add only sites you control.
		 *
		 * @param string[]        $origins Extra origins (none by default).
		 * @param WP_REST_Request $request The request.
		 */
		$extra   = apply_filters( 'dify_chatbot_allowed_origins', array(), $request );
		$origins = array( self::origin_of( home_url() ), self::origin_of( site_url() ) );
		foreach ( is_array( $extra ) ? $extra : array() as $origin ) {
			$origins[] = is_string( $origin ) ? self::origin_of( $origin ) : null;
		}
		return array_values( array_unique( array_filter( $origins, 'is_string' ) ) );
	}

	/**
	 * `scheme://host[:port]` of an http(s) URL or Origin header (lower case, default port
	 * dropped), or null when it is none (such as the `null` origin of a sandboxed frame).
	 *
	 * @param string $url The URL.
	 */
	public static function origin_of( string $url ): ?string {
		$parts = wp_parse_url( trim( $url ) );
		if ( ! is_array( $parts ) || ! isset( $parts['scheme'], $parts['host'] ) || '' === $parts['host'] ) {
			return null;
		}
		$scheme = strtolower( $parts['scheme'] );
		if ( 'http' !== $scheme && 'https' !== $scheme ) {
			return null;
		}
		$port    = isset( $parts['port'] ) ? (int) $parts['port'] : null;
		$default = 'https' === $scheme ? 443 : 80;
		return $scheme . '://' . strtolower( $parts['host'] ) . ( null === $port || $default === $port ? '' : ':' . $port );
	}
}
