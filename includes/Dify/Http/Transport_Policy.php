<?php
/**
 * What every request to Dify must be, whatever other plugins do to WordPress's HTTP requests.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Http;

use WP_Error;

/**
 * The requests carry the app's API key, so for them (and only them):
 *
 * - TLS is verified, always. Other plugins (or a snippet "to fix SSL errors") may turn
 *   verification off for every request through `http_request_args`, `https_ssl_verify` or
 *   `http_api_curl`; for our requests that is undone at the latest priority. A Dify server with
 *   its own certificate authority is reached with the CA bundle setting, never without checks.
 * - Redirects are not followed: a redirect could carry the key (and the visitor's message) to
 *   another host. A 3xx comes back as an answer; the connection test tells the site owner which
 *   address to enter instead. (Same-host redirects were considered and left out: POST bodies do
 *   not survive 301/302, the streaming path would need its own redirect handling, and the fix on
 *   the owner's side — entering the final address once — is simple and visible.)
 * - Only http and https (cURL is told so, the base URL check refuses other schemes too).
 * - The API key is handed to cURL directly (CURLAUTH_BEARER) instead of travelling in the request
 *   arguments: every hook of the HTTP API (`http_request_args`, `pre_http_request`,
 *   `http_api_debug`, `http_response`) hands those arguments, headers included, to any plugin
 *   that listens — debugging plugins such as Query Monitor record and display them, and logging
 *   plugins write them to files. Residual risk: without cURL (or with a libcurl older than 7.61)
 *   the key has to go into the headers argument and is visible to those hooks again; and any code
 *   running inside WordPress can read the key from the database or the constant anyway. This
 *   only keeps it out of the places where it would leak by accident.
 *
 * The hooks are added only around one request and recognise it by a random token in its
 * arguments, so other requests of the site keep whatever their filters decide.
 */
final class Transport_Policy {

	/**
	 * Absolute path of a PEM bundle of trusted CAs, or '' for the site's default certificates.
	 *
	 * @var string
	 */
	private string $ca_bundle;

	/**
	 * Marks the requests this policy sends.
	 *
	 * @var string
	 */
	private string $token;

	/**
	 * The certificates our running request is checked with (for `https_ssl_verify`).
	 *
	 * @var string
	 */
	private string $certificates = '';

	/**
	 * The URL of our running request ('' when none runs).
	 *
	 * @var string
	 */
	private string $url = '';

	/**
	 * The bearer token for the running request when cURL sends it ('' otherwise).
	 *
	 * @var string
	 */
	private string $bearer = '';

	/**
	 * Keeps the CA bundle.
	 *
	 * @param string $ca_bundle Absolute path of a PEM bundle, or '' for the site's default.
	 */
	public function __construct( string $ca_bundle ) {
		$this->ca_bundle = $ca_bundle;
		$this->token     = bin2hex( random_bytes( 10 ) );
	}

	/**
	 * Whether the key can be given to cURL instead of the request arguments: WordPress's HTTP API
	 * (Requests) uses cURL whenever its test passes, and libcurl sends a bearer token itself.
	 *
	 * @param string $url The URL (https needs cURL with SSL).
	 */
	public static function curl_sends_bearer( string $url ): bool {
		return defined( 'CURLAUTH_BEARER' )
			&& defined( 'CURLOPT_XOAUTH2_BEARER' )
			&& class_exists( '\WpOrg\Requests\Transport\Curl' )
			&& \WpOrg\Requests\Transport\Curl::test( array( 'ssl' => 0 === stripos( $url, 'https:' ) ) );
	}

	/**
	 * Sends one request with the policy in force.
	 *
	 * @param string               $url    The URL.
	 * @param array<string, mixed> $args   wp_remote_request() arguments (without Authorization).
	 * @param string               $bearer The bearer token (the API key).
	 * @return array<string, mixed>|WP_Error
	 */
	public function send( string $url, array $args, string $bearer ) {
		$args['dify_chatbot_request'] = $this->token;
		if ( self::curl_sends_bearer( $url ) ) {
			$this->bearer = $bearer;
		} else {
			$headers                  = isset( $args['headers'] ) && is_array( $args['headers'] ) ? $args['headers'] : array();
			$headers['Authorization'] = 'Bearer ' . $bearer;
			$args['headers']          = $headers;
		}
		add_filter( 'http_request_args', array( $this, 'filter_args' ), PHP_INT_MAX, 2 );
		add_filter( 'https_ssl_verify', array( $this, 'filter_verify' ), PHP_INT_MAX, 2 );
		add_action( 'http_api_curl', array( $this, 'configure_curl' ), PHP_INT_MAX, 3 );
		try {
			return wp_remote_request( $url, $this->enforce( $args ) );
		} finally {
			remove_filter( 'http_request_args', array( $this, 'filter_args' ), PHP_INT_MAX );
			remove_filter( 'https_ssl_verify', array( $this, 'filter_verify' ), PHP_INT_MAX );
			remove_action( 'http_api_curl', array( $this, 'configure_curl' ), PHP_INT_MAX );
			$this->url    = '';
			$this->bearer = '';
		}
	}

	/**
	 * `http_request_args`, last: puts the policy back into our request's arguments.
	 *
	 * @param mixed  $args The arguments as filtered so far.
	 * @param string $url  The URL.
	 * @return mixed
	 */
	public function filter_args( $args, $url = '' ) {
		if ( ! $this->is_ours( $args ) ) {
			return $args;
		}
		$args               = $this->enforce( $args );
		$this->url          = (string) $url;
		$this->certificates = isset( $args['sslcertificates'] ) && is_string( $args['sslcertificates'] ) ? $args['sslcertificates'] : '';
		return $args;
	}

	/**
	 * `https_ssl_verify`, last: verification cannot be switched off for our request.
	 *
	 * @param mixed  $verify True, false or a CA file path.
	 * @param string $url    The URL.
	 * @return mixed
	 */
	public function filter_verify( $verify, $url = '' ) {
		if ( '' === $this->url || $url !== $this->url ) {
			return $verify;
		}
		if ( '' !== $this->ca_bundle ) {
			return $this->ca_bundle;
		}
		if ( is_string( $verify ) && '' !== $verify ) {
			return $verify;
		}
		return '' !== $this->certificates ? $this->certificates : true;
	}

	/**
	 * `http_api_curl`, last: the final word on the handle of our request.
	 *
	 * @param mixed  $handle The cURL handle.
	 * @param mixed  $args   The request's arguments.
	 * @param string $url    The URL.
	 */
	public function configure_curl( &$handle, $args = array(), $url = '' ): void {
		if ( ! $this->is_ours( $args ) || ! self::is_handle( $handle ) ) {
			return;
		}
		// phpcs:disable WordPress.WP.AlternativeFunctions.curl_curl_setopt -- the last line of defence needs the handle.
		curl_setopt( $handle, CURLOPT_SSL_VERIFYPEER, true );
		curl_setopt( $handle, CURLOPT_SSL_VERIFYHOST, 2 );
		curl_setopt( $handle, CURLOPT_FOLLOWLOCATION, false );
		if ( defined( 'CURLOPT_PROTOCOLS' ) ) {
			curl_setopt( $handle, CURLOPT_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS );
		}
		if ( '' !== $this->ca_bundle ) {
			curl_setopt( $handle, CURLOPT_CAINFO, $this->ca_bundle );
		}
		if ( '' !== $this->bearer ) {
			// libcurl sends "Authorization: Bearer <key>" with the first request (the only method).
			curl_setopt( $handle, CURLOPT_HTTPAUTH, CURLAUTH_BEARER );
			curl_setopt( $handle, CURLOPT_XOAUTH2_BEARER, $this->bearer );
		}
		// phpcs:enable
	}

	/**
	 * The policy's arguments over the given ones.
	 *
	 * @param array<string, mixed> $args Arguments.
	 * @return array<string, mixed>
	 */
	private function enforce( array $args ): array {
		$args['sslverify']   = true;
		$args['redirection'] = 0;
		if ( '' !== $this->ca_bundle ) {
			$args['sslcertificates'] = $this->ca_bundle;
		}
		return $args;
	}

	/**
	 * Whether a value is a cURL handle (a resource on PHP 7, a CurlHandle object on PHP 8).
	 *
	 * @param mixed $handle The value.
	 */
	private static function is_handle( $handle ): bool {
		return is_resource( $handle ) || is_object( $handle );
	}

	/**
	 * Whether request arguments are those of our running request.
	 *
	 * @param mixed $args Arguments.
	 * @phpstan-assert-if-true array<string, mixed> $args
	 */
	private function is_ours( $args ): bool {
		return is_array( $args ) && isset( $args['dify_chatbot_request'] ) && $this->token === $args['dify_chatbot_request'];
	}
}
