<?php
/**
 * The visitor's IP address, for rate limits.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Security;

/**
 * REMOTE_ADDR, which a client cannot choose. X-Forwarded-For is read only when REMOTE_ADDR is one
 * of the proxies the site owner trusts: then the right-most address that is not a trusted proxy is
 * the client (everything left of it could have been written by the client itself).
 */
final class Client_Ip {

	/**
	 * The client address of a request.
	 *
	 * @param array<string, mixed> $server  $_SERVER (or a test's copy).
	 * @param string[]             $trusted Trusted proxy addresses or CIDR ranges.
	 */
	public function from_server( array $server, array $trusted ): string {
		$remote = isset( $server['REMOTE_ADDR'] ) && is_string( $server['REMOTE_ADDR'] ) ? trim( $server['REMOTE_ADDR'] ) : '';
		if ( ! self::is_ip( $remote ) ) {
			return '';
		}
		$forwarded = isset( $server['HTTP_X_FORWARDED_FOR'] ) && is_string( $server['HTTP_X_FORWARDED_FOR'] ) ? $server['HTTP_X_FORWARDED_FOR'] : '';
		if ( array() === $trusted || '' === $forwarded || ! self::matches_any( $remote, $trusted ) ) {
			return $remote;
		}
		$client = $remote;
		foreach ( array_reverse( explode( ',', $forwarded ) ) as $hop ) {
			$hop = trim( $hop );
			if ( ! self::is_ip( $hop ) ) {
				// Garbage in the chain: stop at the last address we could vouch for.
				break;
			}
			$client = $hop;
			if ( ! self::matches_any( $hop, $trusted ) ) {
				break;
			}
		}
		return $client;
	}

	/**
	 * The key a rate limit counts an address under: IPv6 by its /64 (one host usually has a whole
	 * /64, so single addresses would be free for the taking), IPv4 as it is.
	 *
	 * @param string $ip An address ('' when unknown).
	 */
	public static function bucket( string $ip ): string {
		$packed = '' === $ip ? false : inet_pton( $ip );
		if ( false === $packed ) {
			return 'unknown';
		}
		if ( 16 === strlen( $packed ) && 0 !== strncmp( $packed, str_repeat( "\0", 10 ) . "\xff\xff", 12 ) ) {
			return bin2hex( substr( $packed, 0, 8 ) ) . '::/64';
		}
		return $ip;
	}

	/**
	 * Whether a value is an IP address.
	 *
	 * @param string $value The value.
	 */
	public static function is_ip( string $value ): bool {
		return false !== filter_var( $value, FILTER_VALIDATE_IP );
	}

	/**
	 * Whether an address is in any of the ranges.
	 *
	 * @param string   $ip     The address.
	 * @param string[] $ranges Addresses or CIDR ranges.
	 */
	public static function matches_any( string $ip, array $ranges ): bool {
		foreach ( $ranges as $range ) {
			if ( self::matches( $ip, $range ) ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether an address is in a range (an address or CIDR).
	 *
	 * @param string $ip    The address.
	 * @param string $range An address or CIDR range.
	 */
	private static function matches( string $ip, string $range ): bool {
		$parts   = explode( '/', $range, 2 );
		$address = inet_pton( $ip );
		$subnet  = inet_pton( $parts[0] );
		if ( false === $address || false === $subnet || strlen( $address ) !== strlen( $subnet ) ) {
			return false;
		}
		$bits = isset( $parts[1] ) ? (int) $parts[1] : 8 * strlen( $address );
		$full = intdiv( $bits, 8 );
		if ( 0 !== strncmp( $address, $subnet, $full ) ) {
			return false;
		}
		$rest = $bits % 8;
		if ( 0 === $rest ) {
			return true;
		}
		$mask = ( 0xff << ( 8 - $rest ) ) & 0xff;
		return ( ord( $address[ $full ] ) & $mask ) === ( ord( $subnet[ $full ] ) & $mask );
	}
}
