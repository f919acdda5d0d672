<?php
/**
 * The effective settings: overrides first, then what is stored.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Settings;

/**
 * One bot's effective settings. For the default bot (slug `default`, today's single
 * configuration): strongest first, PHP constants in wp-config.php, then environment variables of
 * the same names, then the stored option / key store. For another bot (Bots): its own record —
 * stored in the option Bots::OPTION with its key in its own key store, or defined read-only in
 * DIFY_CHATBOT_BOTS — while the site-wide values (CA bundle, who may chat, caps, proxies) are
 * always the option's.
 *
 * The key only ever goes to the server it was set for: a saved key to the origin it was entered
 * with (Key_Store), a key from a constant or the environment only to a base URL set the same way
 * — whoever may change the stored base URL could otherwise send a key they cannot read anywhere.
 *
 * On a multisite network the stored option falls back to the network's defaults (Option,
 * Network_Option), and the network's default key serves a site that has no key of its own for
 * the base URL in force — again only for the origin the network key was entered with.
 *
 * @phpstan-type Bot_Record array{slug: string, name: string, read_only: bool, base_url: string, api_key: string, response_mode: string, show_reasoning: bool, limit_visitor_minute: int, limit_visitor_day: int, limit_ip_minute: int, daily_token_budget: int}
 */
final class Settings {

	public const BASE_URL_NAME  = 'DIFY_CHATBOT_BASE_URL';
	public const API_KEY_NAME   = 'DIFY_CHATBOT_API_KEY';
	public const CA_BUNDLE_NAME = 'DIFY_CHATBOT_CA_BUNDLE';

	/**
	 * The stored option.
	 *
	 * @var Option
	 */
	private Option $option;

	/**
	 * The stored key.
	 *
	 * @var Key_Store
	 */
	private Key_Store $keys;

	/**
	 * Another bot's record (null: the default bot).
	 *
	 * @var array<string, mixed>|null
	 * @phpstan-var Bot_Record|null
	 */
	private ?array $bot;

	/**
	 * The network's default key (multisite), if any.
	 *
	 * @var Key_Store|null
	 */
	private ?Key_Store $network_keys;

	/**
	 * Keeps the stores.
	 *
	 * @param Option                    $option       The stored option (the site-wide values, and the default bot's).
	 * @param Key_Store                 $keys         The bot's stored key.
	 * @param array<string, mixed>|null $bot          Another bot's record (Bots), null for the default bot.
	 * @param Key_Store|null            $network_keys The network's default key (the default bot's, on a network only).
	 * @phpstan-param Bot_Record|null $bot
	 */
	public function __construct( Option $option, Key_Store $keys, ?array $bot = null, ?Key_Store $network_keys = null ) {
		$this->option       = $option;
		$this->keys         = $keys;
		$this->bot          = $bot;
		$this->network_keys = null === $bot ? $network_keys : null;
	}

	/**
	 * The bot's slug (`default` for the default bot).
	 */
	public function slug(): string {
		return null === $this->bot ? Bots::DEFAULT : $this->bot['slug'];
	}

	/**
	 * The bot's name, as the site owner and the block inspector see it.
	 */
	public function name(): string {
		if ( null !== $this->bot ) {
			return $this->bot['name'];
		}
		$stored = get_option( Bots::OPTION, array() );
		$name   = is_array( $stored ) && isset( $stored[ Bots::DEFAULT ]['name'] ) && is_string( $stored[ Bots::DEFAULT ]['name'] ) ? $stored[ Bots::DEFAULT ]['name'] : '';
		return '' !== $name ? $name : __( 'Default', 'dify-chatbot' );
	}

	/**
	 * Whether this is the default bot.
	 */
	public function is_default(): bool {
		return null === $this->bot;
	}

	/**
	 * Whether the bot is defined in DIFY_CHATBOT_BOTS (it cannot be edited or removed here).
	 */
	public function read_only(): bool {
		return null !== $this->bot && $this->bot['read_only'];
	}

	/**
	 * The bot's own limits and daily token budget (0 = off).
	 *
	 * @return array{limit_visitor_minute: int, limit_visitor_day: int, limit_ip_minute: int, daily_token_budget: int}
	 */
	public function limits(): array {
		$values = null === $this->bot ? $this->option->get() : $this->bot;
		return array(
			'limit_visitor_minute' => $values['limit_visitor_minute'],
			'limit_visitor_day'    => $values['limit_visitor_day'],
			'limit_ip_minute'      => $values['limit_ip_minute'],
			'daily_token_budget'   => $values['daily_token_budget'],
		);
	}

	/**
	 * Builds the settings from the default stores.
	 */
	public static function create(): self {
		return new self( new Option(), new Key_Store( new Encryption() ), null, Key_Store::network( new Encryption() ) );
	}

	/**
	 * The stored option.
	 */
	public function option(): Option {
		return $this->option;
	}

	/**
	 * The key store.
	 */
	public function keys(): Key_Store {
		return $this->keys;
	}

	/**
	 * The network's default key store (null when not given).
	 */
	public function network_keys(): ?Key_Store {
		return $this->network_keys;
	}

	/**
	 * The effective base URL (normalized when valid; an invalid override is returned as given, so
	 * the connection test can say what is wrong with it).
	 */
	public function base_url(): string {
		if ( null !== $this->bot ) {
			$url = Base_Url::check( $this->bot['base_url'] );
			return is_string( $url ) ? $url : trim( $this->bot['base_url'] );
		}
		$override = self::override( self::BASE_URL_NAME );
		if ( null === $override ) {
			return $this->option->get()['base_url'];
		}
		$url = Base_Url::check( $override['value'] );
		return is_string( $url ) ? $url : trim( $override['value'] );
	}

	/**
	 * The effective API key for the effective base URL, or null when there is none for it: none
	 * configured, the saved one unreadable or entered for another server, or one from a constant
	 * or the environment while the base URL is not set that way too.
	 */
	public function api_key(): ?string {
		$url = $this->base_url();
		if ( ! Base_Url::is_valid( $url ) ) {
			return null;
		}
		if ( $this->read_only() && null !== $this->bot ) {
			// Key and base URL come from the same place (wp-config.php): the key goes where it says.
			return '' !== $this->bot['api_key'] ? $this->bot['api_key'] : null;
		}
		$override = null === $this->bot ? self::override( self::API_KEY_NAME ) : null;
		if ( null !== $override ) {
			return null !== $this->base_url_source() ? trim( $override['value'] ) : null;
		}
		$origin = Base_Url::origin( $url );
		$key    = $this->keys->key_for( $origin );
		if ( null === $key && is_multisite() && null !== $this->network_keys ) {
			// The network's default key, for the origin it was entered with only.
			$key = $this->network_keys->key_for( $origin );
		}
		return $key;
	}

	/**
	 * Whether the key in force is the network's default key: on a network, no key from a constant
	 * or the environment, and the site's own key (if any) is not for the base URL in force.
	 */
	public function uses_network_key(): bool {
		if ( ! is_multisite() || null === $this->network_keys || null !== $this->api_key_source() ) {
			return false;
		}
		$url = $this->base_url();
		return Base_Url::is_valid( $url ) && null === $this->keys->key_for( Base_Url::origin( $url ) ) && null !== $this->network_keys->key_for( Base_Url::origin( $url ) );
	}

	/**
	 * Saves a key entered now, bound to the origin of the effective base URL (false when the site
	 * has no secret to encrypt it with).
	 *
	 * @param string $key The key (already validated).
	 */
	public function save_key( string $key ): bool {
		$url = $this->base_url();
		return Base_Url::is_valid( $url ) && $this->keys->save( $key, Base_Url::origin( $url ) );
	}

	/**
	 * Whether the stored base URL may be changed by an administrator: not while the key comes
	 * from a constant or the environment (it would follow the URL to any server).
	 */
	public function base_url_locked(): bool {
		return null !== $this->api_key_source() && null === $this->base_url_source();
	}

	/**
	 * Whether a saved key can be read but was entered for another server than the effective
	 * base URL's (it must be entered again to be used there).
	 */
	public function key_for_other_server(): bool {
		$origin = $this->keys->origin();
		return null === $this->api_key_source() && null !== $origin && '' !== $origin && Base_Url::origin( $this->base_url() ) !== $origin && ! $this->uses_network_key();
	}

	/**
	 * The effective CA bundle path for TLS to Dify ('' = the site's default certificates). An
	 * override is returned trimmed but unchecked, so the connection test can say what is wrong
	 * with it.
	 */
	public function ca_bundle(): string {
		$override = self::override( self::CA_BUNDLE_NAME );
		return null === $override ? $this->option->get()['ca_bundle'] : trim( $override['value'] );
	}

	/**
	 * Where the CA bundle is overridden: 'constant', 'environment' or null (stored option).
	 */
	public function ca_bundle_source(): ?string {
		$override = self::override( self::CA_BUNDLE_NAME );
		return null === $override ? null : $override['source'];
	}

	/**
	 * The response mode the front end should ask for.
	 */
	public function response_mode(): string {
		return null === $this->bot ? $this->option->response_mode() : $this->bot['response_mode'];
	}

	/**
	 * Whether answers show the model's reasoning (off unless the site owner turned it on).
	 */
	public function show_reasoning(): bool {
		return null === $this->bot ? $this->option->get()['show_reasoning'] : $this->bot['show_reasoning'];
	}

	/**
	 * Whether chats can be relayed: a key and a valid base URL.
	 */
	public function is_configured(): bool {
		return null !== $this->api_key() && Base_Url::is_valid( $this->base_url() );
	}

	/**
	 * Where the base URL is overridden: 'constant', 'environment', 'config' (DIFY_CHATBOT_BOTS) or
	 * null (stored).
	 */
	public function base_url_source(): ?string {
		if ( null !== $this->bot ) {
			return $this->bot['read_only'] ? 'config' : null;
		}
		$override = self::override( self::BASE_URL_NAME );
		return null === $override ? null : $override['source'];
	}

	/**
	 * Where the API key is overridden: 'constant', 'environment', 'config' (DIFY_CHATBOT_BOTS) or
	 * null (key store).
	 */
	public function api_key_source(): ?string {
		if ( null !== $this->bot ) {
			return $this->bot['read_only'] && '' !== $this->bot['api_key'] ? 'config' : null;
		}
		$override = self::override( self::API_KEY_NAME );
		return null === $override ? null : $override['source'];
	}

	/**
	 * A non-empty override from a constant or the environment.
	 *
	 * @param string $name Constant / environment variable name.
	 * @return array{value: string, source: string}|null
	 */
	private static function override( string $name ): ?array {
		if ( defined( $name ) ) {
			$value = constant( $name );
			if ( is_string( $value ) && '' !== trim( $value ) ) {
				return array(
					'value'  => $value,
					'source' => 'constant',
				);
			}
		}
		$value = getenv( $name );
		if ( is_string( $value ) && '' !== trim( $value ) ) {
			return array(
				'value'  => $value,
				'source' => 'environment',
			);
		}
		return null;
	}
}
