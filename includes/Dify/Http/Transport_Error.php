<?php
/**
 * What kind of failure a transport error is.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Http;

use WP_Error;

/**
 * Reads a WordPress HTTP API error: dns, refused, timeout, tls, bad_url, blocked or network. The
 * visitor's message (Error_Mapper) and the site owner's diagnosis (Connection_Test) both start here.
 * Requests reports cURL failures as "cURL error N: …".
 */
final class Transport_Error {

	/**
	 * The kind of failure of each cURL error number (the rest is 'network').
	 */
	private const CURL_KINDS = array(
		1  => 'bad_url',
		3  => 'bad_url',
		5  => 'dns',
		6  => 'dns',
		7  => 'refused',
		28 => 'timeout',
		35 => 'tls',
		51 => 'tls',
		53 => 'tls',
		54 => 'tls',
		58 => 'tls',
		59 => 'tls',
		60 => 'tls',
		64 => 'tls',
		66 => 'tls',
		77 => 'tls',
		80 => 'tls',
		82 => 'tls',
		83 => 'tls',
		90 => 'tls',
		91 => 'tls',
	);

	/**
	 * The kind of an error from wp_remote_request().
	 *
	 * @param WP_Error $error From wp_remote_request().
	 */
	public static function kind( WP_Error $error ): string {
		if ( 'http_request_not_executed' === $error->get_error_code() ) {
			// WP_HTTP_BLOCK_EXTERNAL or a `pre_http_request` refusal.
			return 'blocked';
		}
		$message = $error->get_error_message();
		if ( 1 === preg_match( '/cURL error (\d+)/', $message, $matches ) ) {
			$number = (int) $matches[1];
			return isset( self::CURL_KINDS[ $number ] ) ? self::CURL_KINDS[ $number ] : 'network';
		}
		if ( false !== stripos( $message, 'valid URL' ) ) {
			return 'bad_url';
		}
		if ( false !== stripos( $message, 'timed out' ) ) {
			return 'timeout';
		}
		return 'network';
	}
}
