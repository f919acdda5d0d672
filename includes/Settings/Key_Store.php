<?php
/**
 * The stored Dify API key: write-only, encrypted at rest, bound to the server it was entered for.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Settings;

/**
 * Option `dify_chatbot_api_key` (the default bot's; another bot's is `dify_chatbot_api_key_{slug}`),
 * not autoloaded, holds the encrypted key and its last four
 * characters, so the screen can say which key is saved without decrypting it.
 *
 * The key is bound to the origin (scheme, host, port) of the base URL it was entered with: the
 * origin is encrypted together with the key, and key_for() hands the key out only for that origin.
 * So whoever may change the base URL but cannot read the key (it is write-only) cannot send it
 * to a server of their choosing; changing the database row makes the key unreadable instead.
 * A key saved without an origin (before keys were bound) is bound to the first origin it is used
 * with, which is the base URL it was used with until then.
 *
 * On a network each site keeps its own key in its own options table, encrypted for that site
 * (Encryption's context is the site's id; the first site keeps the single-site context, so a
 * site turned into a network keeps its key): a row copied to another site does not decrypt
 * there. The network's default key (Network_Option) is a store of its own (`$network` true):
 * a network option encrypted for the network.
 */
final class Key_Store {

	public const OPTION = 'dify_chatbot_api_key';

	public const NETWORK_OPTION = 'dify_chatbot_network_api_key';

	/**
	 * Keys shorter than this show no last characters (they would give away too much of it).
	 */
	private const MIN_LENGTH_FOR_HINT = 8;

	/**
	 * Between the origin and the key in the encrypted text (neither may contain a line break).
	 */
	private const SEPARATOR = "\n";

	/**
	 * The encryption.
	 *
	 * @var Encryption
	 */
	private Encryption $encryption;

	/**
	 * The option the key is kept in (OPTION for the default bot, Bots::key_option() for another,
	 * NETWORK_OPTION for the network's default key).
	 *
	 * @var string
	 */
	private string $name;

	/**
	 * Whether this is the network's default key (a network option) rather than the site's.
	 *
	 * @var bool
	 */
	private bool $network;

	/**
	 * Keeps the encryption and the option's name.
	 *
	 * @param Encryption $encryption Encrypts and decrypts the key.
	 * @param string     $name       The option the key is kept in.
	 * @param bool       $network    True for the network's default key (a network option).
	 */
	public function __construct( Encryption $encryption, string $name = self::OPTION, bool $network = false ) {
		$this->encryption = $encryption;
		$this->name       = $name;
		$this->network    = $network;
	}

	/**
	 * The network's default key store (multisite).
	 *
	 * @param Encryption $encryption Encrypts and decrypts the key.
	 */
	public static function network( Encryption $encryption ): self {
		return new self( $encryption, self::NETWORK_OPTION, true );
	}

	/**
	 * The option the key is kept in.
	 */
	public function name(): string {
		return $this->name;
	}

	/**
	 * Whether a key can be saved: the site has a secret to encrypt it with (see Encryption).
	 */
	public function can_save(): bool {
		return $this->encryption->is_ready();
	}

	/**
	 * The plaintext key when it was entered for this origin, else null (none saved, unreadable,
	 * or entered for another server). A key without an origin is bound to this one now.
	 *
	 * @param string $origin The origin the key is about to be sent to (Base_Url::origin()).
	 */
	public function key_for( string $origin ): ?string {
		$entry = $this->entry();
		if ( null === $entry || '' === $origin ) {
			return null;
		}
		if ( '' === $entry['origin'] ) {
			return $this->save( $entry['key'], $origin ) ? $entry['key'] : null;
		}
		return hash_equals( $entry['origin'], $origin ) ? $entry['key'] : null;
	}

	/**
	 * The origin the saved key was entered for: null when none is saved or it cannot be read,
	 * '' when it has none yet.
	 */
	public function origin(): ?string {
		$entry = $this->entry();
		return null === $entry ? null : $entry['origin'];
	}

	/**
	 * Replaces the saved key. Refused (false) when the site has no secret to encrypt it with.
	 *
	 * @param string $key    The new key (already validated: printable, no spaces).
	 * @param string $origin The origin of the base URL it is entered with ('' = bound on first use).
	 */
	public function save( string $key, string $origin = '' ): bool {
		if ( ! $this->can_save() || false !== strpos( $origin . $key, self::SEPARATOR ) ) {
			return false;
		}
		$value = array(
			'ciphertext' => $this->encryption->encrypt( '' === $origin ? $key : $origin . self::SEPARATOR . $key, $this->context() ),
			'last4'      => strlen( $key ) >= self::MIN_LENGTH_FOR_HINT ? substr( $key, -4 ) : '',
		);
		if ( $this->network ) {
			update_site_option( $this->name, $value );
		} else {
			// Autoloaded: every chat message needs it before Dify is asked, and an autoloaded option
			// comes with the one query WordPress makes for them on every request anyway (a row of a
			// few hundred bytes); not autoloaded, it cost each message a query of its own.
			update_option( $this->name, $value, true );
		}
		return true;
	}

	/**
	 * Removes the saved key.
	 */
	public function remove(): void {
		if ( $this->network ) {
			delete_site_option( $this->name );
		} else {
			delete_option( $this->name );
		}
	}

	/**
	 * What the settings screen may know about the saved key: whether one is saved, its last four
	 * characters, whether it can still be read and which server it was entered for.
	 *
	 * @return array{saved: bool, last4: string, unreadable: bool, origin: string}
	 */
	public function status(): array {
		$stored = $this->stored();
		$entry  = $this->entry();
		return array(
			'saved'      => null !== $stored,
			'last4'      => null !== $stored ? $stored['last4'] : '',
			// Salts rotated or the row was altered: the owner must enter the key again.
			'unreadable' => null !== $stored && null === $entry,
			'origin'     => null !== $entry ? $entry['origin'] : '',
		);
	}

	/**
	 * The saved key and its origin, when one is saved and can be read.
	 *
	 * @return array{key: string, origin: string}|null
	 */
	private function entry(): ?array {
		$stored = $this->stored();
		$text   = null === $stored ? null : $this->encryption->decrypt( $stored['ciphertext'], $this->context() );
		if ( null === $text || '' === $text ) {
			return null;
		}
		$parts = explode( self::SEPARATOR, $text, 2 );
		$entry = 2 === count( $parts )
			? array(
				'key'    => $parts[1],
				'origin' => $parts[0],
			)
			: array(
				'key'    => $text,
				'origin' => '',
			);
		return '' === $entry['key'] ? null : $entry;
	}

	/**
	 * The stored row, when it has the expected shape.
	 *
	 * @return array{ciphertext: string, last4: string}|null
	 */
	private function stored(): ?array {
		$value = $this->network ? get_site_option( $this->name, null ) : get_option( $this->name, null );
		if ( ! is_array( $value ) || ! isset( $value['ciphertext'] ) || ! is_string( $value['ciphertext'] ) ) {
			return null;
		}
		return array(
			'ciphertext' => $value['ciphertext'],
			'last4'      => isset( $value['last4'] ) && is_string( $value['last4'] ) ? $value['last4'] : '',
		);
	}

	/**
	 * The encryption context: the network's id for the network's key; on a network, the site's
	 * id for every site but the first (whose key was encrypted as a single site's before the site
	 * became a network); '' on a single site.
	 */
	private function context(): string {
		if ( $this->network ) {
			return 'network:' . get_current_network_id();
		}
		$site = get_current_blog_id();
		return is_multisite() && 1 !== $site ? 'site:' . $site : '';
	}
}
