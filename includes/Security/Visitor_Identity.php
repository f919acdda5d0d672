<?php
/**
 * Who the visitor is, for Dify.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Security;

/**
 * The `user` sent to Dify is derived on the server only: `wp-user-{ID}-{site}` for logged-in
 * users, `visitor-{id}` for everyone else, where the id is 128 random bits kept in a signed,
 * HttpOnly, SameSite=Lax cookie. Dify scopes conversations by this string, so it is what keeps each
 * visitor's conversations private: a browser can neither choose nor forge it.
 *
 * `{site}` is eight hex characters of a hash of a random id made once per site (option
 * `dify_chatbot_site_id`): user 1 of one site and user 1 of another site that uses the same Dify
 * app are different Dify users, so neither sees the other's conversations. It stays the same
 * when the salts are rotated or the site moves to another address; deleting the plugin (which
 * removes its options) gives the site a new one.
 */
final class Visitor_Identity {

	public const COOKIE = 'dify_chatbot_visitor';

	/**
	 * The option holding the site's random id (32 hex characters; not a secret).
	 */
	public const SITE_OPTION = 'dify_chatbot_site_id';

	/**
	 * Cookie lifetime in seconds (one year): conversations stay reachable across visits.
	 */
	private const LIFETIME = 31536000;

	/**
	 * Sends a cookie: (name, value, options for setcookie()).
	 *
	 * @var callable(string, string, array<string, mixed>): void
	 */
	private $send_cookie;

	/**
	 * Keeps how cookies are sent (setcookie() by default; tests record them instead).
	 *
	 * @param callable(string, string, array<string, mixed>): void|null $send_cookie Cookie sender.
	 */
	public function __construct( ?callable $send_cookie = null ) {
		$this->send_cookie = null !== $send_cookie ? $send_cookie : array( self::class, 'set_cookie' );
	}

	/**
	 * The Dify `user` of the current request. For an anonymous visitor without a valid cookie a
	 * new id is made and its cookie sent with this response.
	 */
	public function user(): string {
		$wp_user = get_current_user_id();
		return $wp_user > 0 ? self::of_wp_user( $wp_user ) : self::filtered( 'visitor-' . $this->visitor_id(), 0 );
	}

	/**
	 * The Dify `user` of a WordPress user, whoever is logged in now (the personal-data tools
	 * need it for the user a request is about).
	 *
	 * @param int $wp_user The WordPress user id (> 0).
	 */
	public static function of_wp_user( int $wp_user ): string {
		return self::filtered( 'wp-user-' . $wp_user . '-' . self::site_part(), $wp_user );
	}

	/**
	 * The derived user, as the filter may change it.
	 *
	 * @param string $user    The derived user.
	 * @param int    $wp_user The WordPress user id (0 when logged out).
	 */
	private static function filtered( string $user, int $wp_user ): string {
		/**
		 * Filters the Dify `user` of the current visitor (for example to share one identity
		 * across sites). Must stay unguessable for anonymous visitors; at most 255 characters.
		 *
		 * @param string $user    The derived user.
		 * @param int    $wp_user The WordPress user id (0 when logged out).
		 */
		$filtered = apply_filters( 'dify_chatbot_user_id', $user, $wp_user );
		if ( is_string( $filtered ) && '' !== trim( $filtered ) && strlen( $filtered ) <= 255 ) {
			return $filtered;
		}
		return $user;
	}

	/**
	 * The site's part of a logged-in user's Dify user: eight hex characters of a hash of the
	 * site's random id, made on first use.
	 */
	public static function site_part(): string {
		$id = get_option( self::SITE_OPTION );
		if ( ! is_string( $id ) || 1 !== preg_match( '/^[0-9a-f]{32}$/', $id ) ) {
			$id = bin2hex( random_bytes( 16 ) );
			// Autoloaded: every chat request of a logged-in user needs it.
			update_option( self::SITE_OPTION, $id, true );
		}
		return substr( hash( 'sha256', 'dify_chatbot_user|' . $id ), 0, 8 );
	}

	/**
	 * The anonymous visitor's id: from a valid cookie, else a new one (cookie sent, and kept in
	 * $_COOKIE so later calls in the same request agree).
	 */
	private function visitor_id(): string {
		// phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- verified by its signature below.
		$cookie = isset( $_COOKIE[ self::COOKIE ] ) && is_string( $_COOKIE[ self::COOKIE ] ) ? wp_unslash( $_COOKIE[ self::COOKIE ] ) : '';
		$id     = $this->verify( $cookie );
		if ( null === $id ) {
			// Missing or tampered: a fresh id, never the one the browser offered.
			$id    = bin2hex( random_bytes( 16 ) );
			$value = $this->sign( $id );
			( $this->send_cookie )( self::COOKIE, $value, self::cookie_options() );
			$_COOKIE[ self::COOKIE ] = $value;
		}
		return $id;
	}

	/**
	 * The cookie value for an id: `id.signature`.
	 *
	 * @param string $id 32 hex characters.
	 */
	public function sign( string $id ): string {
		return $id . '.' . hash_hmac( 'sha256', 'dify_chatbot_visitor|' . $id, wp_salt( 'auth' ) );
	}

	/**
	 * The id in a cookie value, or null when it is malformed or its signature does not match.
	 *
	 * @param string $value Cookie value.
	 */
	public function verify( string $value ): ?string {
		if ( 1 !== preg_match( '/^([0-9a-f]{32})\.([0-9a-f]{64})$/', $value, $parts ) ) {
			return null;
		}
		return hash_equals( $this->sign( $parts[1] ), $value ) ? $parts[1] : null;
	}

	/**
	 * Cookie options: one year, HttpOnly, SameSite=Lax, Secure on https.
	 *
	 * @return array<string, mixed>
	 */
	public static function cookie_options(): array {
		return array(
			'expires'  => time() + self::LIFETIME,
			'path'     => defined( 'COOKIEPATH' ) && '' !== COOKIEPATH ? COOKIEPATH : '/',
			'domain'   => defined( 'COOKIE_DOMAIN' ) && is_string( COOKIE_DOMAIN ) ? COOKIE_DOMAIN : '',
			'secure'   => is_ssl(),
			'httponly' => true,
			'samesite' => 'Lax',
		);
	}

	/**
	 * Sends the cookie with the response (when headers can still be sent).
	 *
	 * @param string               $name    Cookie name.
	 * @param string               $value   Cookie value.
	 * @param array<string, mixed> $options setcookie() options.
	 */
	public static function set_cookie( string $name, string $value, array $options ): void {
		if ( ! headers_sent() ) {
			setcookie( $name, $value, $options ); // phpcs:ignore WordPressVIPMinimum.Functions.RestrictedFunctions.cookies_setcookie
		}
	}
}
