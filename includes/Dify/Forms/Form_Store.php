<?php
/**
 * Where Human Input forms wait behind their handles.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Forms;

/**
 * A form's token answers the form as anyone who has it (Dify records the submitting user but
 * does not check it against the run's, docs/dify-notes.md §12), so it never reaches a browser.
 * The browser gets a handle instead: an HMAC (keyed with the site's auth salt) of the owner (bot,
 * app, visitor), the run and the token — 43 URL-safe characters that say nothing and that nobody
 * else can compute. The same form shown twice to the same visitor (the stream, then the history
 * after a reload) gets the same handle, so it is stored once.
 *
 * The record is a transient named after a hash of the handle: in the options table, or in the
 * persistent object cache when the site has one — either way shared by every web node of the
 * site. It lives as long as the form (three days when Dify gives no expiry) and a day longer, so
 * a late visitor is told the form expired rather than that it is unknown; WordPress removes
 * expired transients itself, and uninstall.php every `dify_chatbot_` one.
 */
final class Form_Store {

	/**
	 * Transient name prefix.
	 */
	public const PREFIX = 'dify_chatbot_form_';

	/**
	 * How long a record outlives its form.
	 */
	private const GRACE = 86400;

	/**
	 * How long a form without an expiry is kept (Dify's default timeout of a Human Input node).
	 */
	private const DEFAULT_LIFETIME = 3 * 86400;

	/**
	 * The longest a record is kept, whatever the form says.
	 */
	private const MAX_LIFETIME = 30 * 86400;

	/**
	 * The handle of a form for its owner.
	 *
	 * @param Form_Owner $owner Who may answer it.
	 * @param string     $run   The workflow run.
	 * @param string     $token Dify's form token.
	 */
	public static function handle( Form_Owner $owner, string $run, string $token ): string {
		$mac = hash_hmac( 'sha256', implode( "\n", array( 'dify_chatbot_form', $owner->bot(), $owner->app(), $owner->user(), $run, $token ) ), wp_salt( 'auth' ), true );
		return rtrim( strtr( base64_encode( $mac ), '+/', '-_' ), '=' ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- URL-safe encoding of a MAC, not obfuscation.
	}

	/**
	 * Keeps a form for its owner and gives its handle. A form already kept stays as it is (it
	 * may be submitted by now, and its counted tokens stay).
	 *
	 * @param Form_Owner           $owner      Who may answer it.
	 * @param string               $run        The workflow run it pauses.
	 * @param string               $token      Dify's form token.
	 * @param array<string, mixed> $definition The browser-safe form (Form_Definition::safe()).
	 */
	public function mint( Form_Owner $owner, string $run, string $token, array $definition ): string {
		$handle = self::handle( $owner, $run, $token );
		if ( null === $this->find( $handle, $owner ) ) {
			$this->save( $handle, new Form_Record( $owner, $run, $token, $definition ) );
		}
		return $handle;
	}

	/**
	 * The form behind a handle, when it is this owner's; null for an unknown handle and for
	 * another visitor's (or bot's, or app's) alike.
	 *
	 * @param string     $handle The handle.
	 * @param Form_Owner $owner  Who asks.
	 */
	public function find( string $handle, Form_Owner $owner ): ?Form_Record {
		if ( 1 !== preg_match( '/^[A-Za-z0-9_-]{16,128}$/', $handle ) ) {
			return null;
		}
		$record = Form_Record::from_array( get_transient( self::name( $handle ) ) );
		return null !== $record && $record->owner()->is( $owner ) ? $record : null;
	}

	/**
	 * Stores a record under its handle.
	 *
	 * @param string      $handle The handle.
	 * @param Form_Record $record The record.
	 */
	public function save( string $handle, Form_Record $record ): void {
		set_transient( self::name( $handle ), $record->to_array(), self::lifetime( $record->expires(), time() ) );
	}

	/**
	 * Removes the open forms of a bot that is removed, and says how many. Transients kept in an
	 * external object cache cannot be listed: there they stay until they expire, unreachable, as
	 * the bot's slug is refused on every route once the bot is gone.
	 *
	 * @param string $bot The bot's slug.
	 */
	public function forget_bot( string $bot ): int {
		global $wpdb;
		if ( wp_using_ext_object_cache() ) {
			return 0;
		}
		$prefix  = '_transient_' . self::PREFIX;
		$names   = $wpdb->get_col( $wpdb->prepare( "SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE %s", $wpdb->esc_like( $prefix ) . '%' ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
		$removed = 0;
		foreach ( $names as $name ) {
			$transient = substr( (string) $name, strlen( '_transient_' ) );
			$record    = Form_Record::from_array( get_transient( $transient ) );
			if ( null !== $record && $record->owner()->bot() === $bot ) {
				delete_transient( $transient );
				++$removed;
			}
		}
		return $removed;
	}

	/**
	 * Seconds to keep a record: its form's time left and a day, within bounds.
	 *
	 * @param int|null $expires When the form expires, or null.
	 * @param int      $now     Unix time.
	 */
	public static function lifetime( ?int $expires, int $now ): int {
		$left = null === $expires ? self::DEFAULT_LIFETIME : max( 0, $expires - $now );
		return min( self::MAX_LIFETIME, $left + self::GRACE );
	}

	/**
	 * The transient of a handle (a hash: the handle itself is not stored).
	 *
	 * @param string $handle The handle.
	 */
	private static function name( string $handle ): string {
		return self::PREFIX . substr( hash( 'sha256', $handle ), 0, 40 );
	}
}
