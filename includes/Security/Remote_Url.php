<?php
/**
 * Whether a web address a visitor gave may be fetched by Dify.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Security;

use WP_Error;

/**
 * A visitor's `remote_url` file is fetched by Dify, from Dify's network: an address there can
 * reach what only Dify's host can (the cloud metadata service at 169.254.169.254, databases,
 * admin consoles on a private network). So only http(s) on the standard ports (80, 443) to
 * public addresses passes: the host is resolved here and every address it resolves to must be
 * public — not loopback, private, link-local, CGNAT, multicast, reserved or documentation space,
 * nor IPv6 unique-local, link-local, or a form that carries an IPv4 address (mapped, NAT64,
 * 6to4, Teredo). `localhost` and `*.localhost` are loopback by definition (RFC 6761) and refused
 * without asking DNS. A host that does not resolve is refused too.
 *
 * Dify resolves the name again when it fetches: a name whose DNS answer changes in between
 * (DNS rebinding) is beyond what this check can see; Dify's own SSRF proxy is the guard there.
 */
final class Remote_Url {

	/**
	 * Ports a remote file may be on: the web's. Internal services listen on others.
	 */
	private const PORTS = array( 80, 443 );

	/**
	 * Address ranges that are not the public internet, with what they are.
	 */
	private const BLOCKED = array(
		'0.0.0.0/8'       => '"This" network',
		'10.0.0.0/8'      => 'Private',
		'100.64.0.0/10'   => 'Carrier-grade NAT',
		'127.0.0.0/8'     => 'Loopback',
		'169.254.0.0/16'  => 'Link-local, including cloud metadata (169.254.169.254)',
		'172.16.0.0/12'   => 'Private',
		'192.0.0.0/24'    => 'IETF protocol assignments',
		'192.0.2.0/24'    => 'Documentation',
		'192.88.99.0/24'  => '6to4 relay anycast',
		'192.168.0.0/16'  => 'Private',
		'198.18.0.0/15'   => 'Benchmarking',
		'198.51.100.0/24' => 'Documentation',
		'203.0.113.0/24'  => 'Documentation',
		'224.0.0.0/4'     => 'Multicast',
		'240.0.0.0/4'     => 'Reserved, and broadcast',
		'::/96'           => 'Unspecified, loopback and IPv4-compatible',
		'::ffff:0:0/96'   => 'IPv4-mapped',
		'64:ff9b::/96'    => 'NAT64 (carries an IPv4 address)',
		'64:ff9b:1::/48'  => 'Local NAT64',
		'100::/64'        => 'Discard',
		'2001::/32'       => 'Teredo (carries an IPv4 address)',
		'2001:db8::/32'   => 'Documentation',
		'2002::/16'       => '6to4 (carries an IPv4 address)',
		'fc00::/7'        => 'Unique local',
		'fe80::/10'       => 'Link-local',
		'fec0::/10'       => 'Site-local (deprecated)',
		'ff00::/8'        => 'Multicast',
	);

	/**
	 * True when Dify may fetch the address, else why not (a 400 for the visitor).
	 *
	 * @param string $url The address.
	 * @return true|WP_Error
	 */
	public static function check( string $url ) {
		$parts = wp_parse_url( $url );
		if ( ! is_array( $parts ) || ! isset( $parts['scheme'], $parts['host'] ) || ! in_array( strtolower( $parts['scheme'] ), array( 'http', 'https' ), true ) ) {
			return self::refusal( __( 'A file’s web address must start with http:// or https://.', 'dify-chatbot' ) );
		}
		if ( isset( $parts['user'] ) || isset( $parts['pass'] ) ) {
			return self::refusal( __( 'A file’s web address may not contain a user name or password.', 'dify-chatbot' ) );
		}
		if ( isset( $parts['port'] ) && ! in_array( (int) $parts['port'], self::PORTS, true ) ) {
			return self::refusal( __( 'A file’s web address must use the standard web ports (80 or 443).', 'dify-chatbot' ) );
		}
		$host      = strtolower( rtrim( trim( $parts['host'], '[]' ), '.' ) );
		$addresses = self::addresses( $host );
		if ( array() === $addresses ) {
			/* translators: %s: a host name. */
			return self::refusal( sprintf( __( 'The host %s of a file’s web address could not be found.', 'dify-chatbot' ), $host ) );
		}
		foreach ( $addresses as $address ) {
			if ( ! self::is_public( $address ) ) {
				return self::refusal( __( 'Files can only be fetched from public web addresses, not from this server’s own or a private network.', 'dify-chatbot' ) );
			}
		}
		return true;
	}

	/**
	 * Whether an IP address is on the public internet.
	 *
	 * @param string $address An IPv4 or IPv6 address.
	 */
	public static function is_public( string $address ): bool {
		$packed = inet_pton( $address );
		if ( false === $packed ) {
			return false;
		}
		foreach ( array_keys( self::BLOCKED ) as $range ) {
			list( $network, $bits ) = explode( '/', $range );
			$base                   = (string) inet_pton( $network );
			if ( strlen( $base ) === strlen( $packed ) && self::in_range( $packed, $base, (int) $bits ) ) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The addresses a host stands for: itself when it is an IP address, none for localhost names,
	 * else what DNS (and the hosts file) answers — IPv4 and IPv6.
	 *
	 * @param string $host The host, lower case, without brackets or a trailing dot.
	 * @return string[]
	 */
	private static function addresses( string $host ): array {
		if ( false !== filter_var( $host, FILTER_VALIDATE_IP ) ) {
			return array( $host );
		}
		if ( 'localhost' === $host || '.localhost' === substr( $host, -10 ) ) {
			return array( '127.0.0.1' );
		}
		$found = gethostbynamel( $host );
		$found = is_array( $found ) ? $found : array();
		$aaaa  = function_exists( 'dns_get_record' ) ? @dns_get_record( $host, DNS_AAAA ) : false; // phpcs:ignore WordPress.PHP.NoSilencedErrors.Discouraged -- a failed lookup only means no IPv6 address.
		foreach ( is_array( $aaaa ) ? $aaaa : array() as $record ) {
			if ( isset( $record['ipv6'] ) && is_string( $record['ipv6'] ) ) {
				$found[] = $record['ipv6'];
			}
		}
		return $found;
	}

	/**
	 * Whether a packed address is in a packed network of this many leading bits.
	 *
	 * @param string $address Packed address.
	 * @param string $network Packed network address, the same length.
	 * @param int    $bits    Prefix length.
	 */
	private static function in_range( string $address, string $network, int $bits ): bool {
		$bytes = intdiv( $bits, 8 );
		if ( substr( $address, 0, $bytes ) !== substr( $network, 0, $bytes ) ) {
			return false;
		}
		$rest = $bits % 8;
		if ( 0 === $rest ) {
			return true;
		}
		$mask = ( 0xff << ( 8 - $rest ) ) & 0xff;
		return ( ord( $address[ $bytes ] ) & $mask ) === ( ord( $network[ $bytes ] ) & $mask );
	}

	/**
	 * A 400 the visitor can read.
	 *
	 * @param string $message Why.
	 */
	private static function refusal( string $message ): WP_Error {
		return new WP_Error( 'dify_chatbot_remote_file_refused', $message, array( 'status' => 400 ) );
	}
}
