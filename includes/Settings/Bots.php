<?php
/**
 * The site's bots: the default one and the others.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Settings;

use WP_Error;

/**
 * The registry of bots. A bot is a slug, a name, a base URL, a write-only encrypted key, a
 * response mode, whether answers show the reasoning, and its own limits and daily token budget;
 * everything else is site-wide (Option).
 *
 * - The default bot (slug `default`) is today's single configuration: option
 *   `dify_chatbot_settings`, key option `dify_chatbot_api_key`, constants/environment
 *   DIFY_CHATBOT_BASE_URL / DIFY_CHATBOT_API_KEY. Only its name lives in OPTION. It cannot be removed.
 * - Other bots are stored in OPTION (not autoloaded: read by chat requests and pages with a chat
 *   only), each key in its own Key_Store (`dify_chatbot_api_key_{slug}`), bound to that bot's
 *   base URL origin like the default bot's.
 * - DIFY_CHATBOT_BOTS (a PHP constant or environment variable holding a JSON list) defines bots
 *   in wp-config.php, read-only here; its key goes only to its own base URL. Invalid JSON or
 *   entries are ignored (Config_Notice tells the administrator), never a fatal.
 *
 * @phpstan-import-type Bot_Record from Settings
 */
final class Bots {

	public const DEFAULT = 'default';

	public const OPTION = 'dify_chatbot_bots';

	public const CONFIG_NAME = 'DIFY_CHATBOT_BOTS';

	public const SLUG_PATTERN = '/^[a-z0-9][a-z0-9_-]{0,39}$/';

	public const NAME_MAX = 80;

	/**
	 * Most bots (stored and configured): each is a row of the settings screen and a key.
	 */
	public const MAX_BOTS = 50;

	/**
	 * The integer settings each bot has of its own (the others in Option::LIMITS are site-wide).
	 */
	public const LIMITS = array( 'limit_visitor_minute', 'limit_visitor_day', 'limit_ip_minute', 'daily_token_budget' );

	/**
	 * The stored option (site-wide values and the default bot's).
	 *
	 * @var Option
	 */
	private Option $option;

	/**
	 * Encrypts the keys.
	 *
	 * @var Encryption
	 */
	private Encryption $encryption;

	/**
	 * The default bot.
	 *
	 * @var Settings
	 */
	private Settings $default;

	/**
	 * DIFY_CHATBOT_BOTS as read (null until first read).
	 *
	 * @var array{bots: array<string, array<string, mixed>>, errors: string[]}|null
	 * @phpstan-var array{bots: array<string, Bot_Record>, errors: string[]}|null
	 */
	private ?array $config = null;

	/**
	 * The text $config was read from (an environment variable may change in a long process).
	 *
	 * @var string
	 */
	private string $config_text = '';

	/**
	 * Keeps the stores.
	 *
	 * @param Option        $option     The stored option.
	 * @param Encryption    $encryption Encrypts the keys.
	 * @param Settings|null $default    The default bot (built from the option when null).
	 */
	public function __construct( Option $option, Encryption $encryption, ?Settings $default = null ) {
		$this->option     = $option;
		$this->encryption = $encryption;
		$this->default    = null !== $default ? $default : new Settings( $option, new Key_Store( $encryption ), null, Key_Store::network( $encryption ) );
	}

	/**
	 * The registry over the default stores.
	 */
	public static function create(): self {
		return new self( new Option(), new Encryption() );
	}

	/**
	 * The slug a request's `bot` means: empty (or not a string) is the default bot.
	 *
	 * @param mixed $value The parameter.
	 */
	public static function slug_of( $value ): string {
		return is_string( $value ) && '' !== $value ? $value : self::DEFAULT;
	}

	/**
	 * The key option of a bot other than the default.
	 *
	 * @param string $slug The bot's slug.
	 */
	public static function key_option( string $slug ): string {
		return self::DEFAULT === $slug ? Key_Store::OPTION : Key_Store::OPTION . '_' . $slug;
	}

	/**
	 * The default bot.
	 */
	public function default(): Settings {
		return $this->default;
	}

	/**
	 * A bot's settings ('' = the default bot), or null when there is no such bot.
	 *
	 * @param string $slug The slug.
	 */
	public function get( string $slug ): ?Settings {
		$slug = self::slug_of( $slug );
		if ( self::DEFAULT === $slug ) {
			return $this->default;
		}
		$config = $this->config()['bots'];
		if ( isset( $config[ $slug ] ) ) {
			return new Settings( $this->option, new Key_Store( $this->encryption, self::key_option( $slug ) ), $config[ $slug ] );
		}
		$stored = $this->stored();
		return isset( $stored[ $slug ] ) ? new Settings( $this->option, new Key_Store( $this->encryption, self::key_option( $slug ) ), $stored[ $slug ] ) : null;
	}

	/**
	 * Whether a slug names a bot ('' = the default bot, which always exists).
	 *
	 * @param string $slug The slug.
	 */
	public function exists( string $slug ): bool {
		$slug = self::slug_of( $slug );
		return self::DEFAULT === $slug || isset( $this->config()['bots'][ $slug ] ) || isset( $this->stored()[ $slug ] );
	}

	/**
	 * Every bot: the default first, then the others by name.
	 *
	 * @return Settings[]
	 */
	public function all(): array {
		$others = array();
		foreach ( array_keys( $this->config()['bots'] + $this->stored() ) as $slug ) {
			$bot = $this->get( (string) $slug );
			if ( null !== $bot ) {
				$others[] = $bot;
			}
		}
		usort(
			$others,
			static function ( Settings $a, Settings $b ): int {
				$order = strnatcasecmp( $a->name(), $b->name() );
				return 0 !== $order ? $order : strcmp( $a->slug(), $b->slug() );
			}
		);
		return array_merge( array( $this->default ), $others );
	}

	/**
	 * Why (parts of) DIFY_CHATBOT_BOTS were ignored, for the administrator.
	 *
	 * @return string[]
	 */
	public function config_errors(): array {
		return $this->config()['errors'];
	}

	/**
	 * Adds a stored bot.
	 *
	 * @param array<string, mixed> $fields slug, name, base_url and optionally response_mode,
	 *                                     show_reasoning, the limits, api_key.
	 * @return Settings|WP_Error
	 */
	public function add( array $fields ) {
		$slug = isset( $fields['slug'] ) && is_string( $fields['slug'] ) ? $fields['slug'] : '';
		if ( 1 !== preg_match( self::SLUG_PATTERN, $slug ) ) {
			return self::error( __( 'The slug must be 1 to 40 lower-case letters, digits, hyphens and underscores, starting with a letter or digit.', 'dify-chatbot' ) );
		}
		if ( $this->exists( $slug ) ) {
			/* translators: %s: a bot's slug. */
			return self::error( sprintf( __( 'The slug “%s” is taken: choose another one.', 'dify-chatbot' ), $slug ) );
		}
		if ( count( $this->all() ) >= self::MAX_BOTS ) {
			/* translators: %d: the most bots a site may have. */
			return self::error( sprintf( __( 'A site may have at most %d bots.', 'dify-chatbot' ), self::MAX_BOTS ) );
		}
		foreach ( array( 'name', 'base_url' ) as $required ) {
			if ( ! isset( $fields[ $required ] ) ) {
				/* translators: %s: a field's name. */
				return self::error( sprintf( __( 'A new bot needs a %s.', 'dify-chatbot' ), $required ) );
			}
		}
		$defaults = Option::defaults();
		$record   = array(
			'slug'           => $slug,
			'name'           => '',
			'read_only'      => false,
			'base_url'       => '',
			'api_key'        => '',
			'response_mode'  => $defaults['response_mode'],
			'show_reasoning' => $defaults['show_reasoning'],
		);
		foreach ( self::LIMITS as $limit ) {
			$record[ $limit ] = $defaults[ $limit ];
		}
		$record = self::apply( $record, $fields );
		if ( $record instanceof WP_Error ) {
			return $record;
		}
		$stored          = $this->stored_option();
		$stored[ $slug ] = self::to_row( $record );
		update_option( self::OPTION, $stored, false );
		$bot = $this->get( $slug );
		return null !== $bot ? $bot : self::error( __( 'The bot could not be saved.', 'dify-chatbot' ) );
	}

	/**
	 * Changes a bot's fields (the default bot's name in OPTION, its other fields in Option).
	 *
	 * @param string               $slug   The slug.
	 * @param array<string, mixed> $fields name, base_url, response_mode, show_reasoning, the limits.
	 * @return Settings|WP_Error
	 */
	public function update( string $slug, array $fields ) {
		$bot = $this->get( $slug );
		if ( null === $bot ) {
			return self::not_found( $slug );
		}
		if ( $bot->read_only() ) {
			return self::read_only_error( $slug );
		}
		if ( $bot->is_default() ) {
			return $this->update_default( $fields );
		}
		$stored = $this->stored();
		$record = self::apply( $stored[ $bot->slug() ], $fields );
		if ( $record instanceof WP_Error ) {
			return $record;
		}
		$before               = $bot->base_url();
		$rows                 = $this->stored_option();
		$rows[ $bot->slug() ] = self::to_row( $record );
		update_option( self::OPTION, $rows, false );
		self::unbind( new Key_Store( $this->encryption, self::key_option( $bot->slug() ) ), $before, $record['base_url'] );
		$changed = $this->get( $bot->slug() );
		return null !== $changed ? $changed : self::not_found( $slug );
	}

	/**
	 * Removes a stored bot and its key.
	 *
	 * @param string $slug The slug.
	 * @return true|WP_Error
	 */
	public function remove( string $slug ) {
		$bot = $this->get( $slug );
		if ( null === $bot ) {
			return self::not_found( $slug );
		}
		if ( $bot->is_default() ) {
			return self::error( __( 'The default bot cannot be removed.', 'dify-chatbot' ) );
		}
		if ( $bot->read_only() ) {
			return self::read_only_error( $slug );
		}
		$rows = $this->stored_option();
		unset( $rows[ $bot->slug() ] );
		update_option( self::OPTION, $rows, false );
		$bot->keys()->remove();
		return true;
	}

	/**
	 * What the settings screen, REST and WP-CLI may know about a bot. Never the key.
	 *
	 * @param Settings $bot The bot.
	 * @return array<string, mixed>
	 */
	public static function describe( Settings $bot ): array {
		$key = $bot->api_key();
		return array(
			'slug'           => $bot->slug(),
			'name'           => $bot->name(),
			'default'        => $bot->is_default(),
			'read_only'      => $bot->read_only(),
			'base_url'       => $bot->base_url(),
			'response_mode'  => $bot->response_mode(),
			'show_reasoning' => $bot->show_reasoning(),
		) + $bot->limits() + array(
			'configured'    => $bot->is_configured(),
			'api_key_last4' => null !== $key && strlen( $key ) >= 8 ? substr( $key, -4 ) : '',
			'sources'       => array(
				'base_url' => $bot->base_url_source(),
				'api_key'  => $bot->api_key_source(),
			),
		);
	}

	/**
	 * Removes a saved key when the base URL moved to another origin than the one it was entered
	 * for (the same rule as Key_Binding for the default bot).
	 *
	 * @param Key_Store $keys   The bot's key store.
	 * @param string    $before The base URL before.
	 * @param string    $after  The base URL now.
	 */
	public static function unbind( Key_Store $keys, string $before, string $after ): void {
		$origin = $keys->origin();
		if ( null === $origin ) {
			return;
		}
		$bound = '' === $origin ? Base_Url::origin( $before ) : $origin;
		if ( Base_Url::origin( $after ) !== $bound ) {
			$keys->remove();
		}
	}

	/**
	 * The default bot's changes.
	 *
	 * @param array<string, mixed> $fields The fields.
	 * @return Settings|WP_Error
	 */
	private function update_default( array $fields ) {
		$current = array(
			'slug'           => self::DEFAULT,
			'name'           => $this->default->name(),
			'read_only'      => false,
			'base_url'       => $this->option->get()['base_url'],
			'api_key'        => '',
			'response_mode'  => $this->default->response_mode(),
			'show_reasoning' => $this->default->show_reasoning(),
		) + $this->default->limits();
		$record  = self::apply( $current, $fields );
		if ( $record instanceof WP_Error ) {
			return $record;
		}
		if ( isset( $fields['base_url'] ) && $this->default->base_url_locked() && $record['base_url'] !== $current['base_url'] ) {
			return new WP_Error( 'dify_chatbot_base_url_locked', __( 'The default bot’s API key is set in wp-config.php or the server’s environment, so its base URL cannot be changed here.', 'dify-chatbot' ), array( 'status' => 403 ) );
		}
		$changes = array_intersect_key( $record, array_flip( array_merge( array( 'base_url', 'response_mode', 'show_reasoning' ), self::LIMITS ) ) );
		// A base URL on another server removes the saved key (Key_Binding watches the option).
		$this->option->update( $changes );
		if ( $record['name'] !== $current['name'] ) {
			$rows                  = $this->stored_option();
			$rows[ self::DEFAULT ] = array( 'name' => $record['name'] );
			update_option( self::OPTION, $rows, false );
		}
		return $this->default;
	}

	/**
	 * Fields checked and laid over a record.
	 *
	 * @param array<string, mixed> $record The record.
	 * @param array<string, mixed> $fields The changes.
	 * @phpstan-param Bot_Record $record
	 * @return array<string, mixed>|WP_Error
	 * @phpstan-return Bot_Record|WP_Error
	 */
	private static function apply( array $record, array $fields ) {
		if ( isset( $fields['name'] ) ) {
			$name = is_string( $fields['name'] ) ? sanitize_text_field( $fields['name'] ) : '';
			if ( '' === $name || mb_strlen( $name ) > self::NAME_MAX ) {
				/* translators: %d: most characters. */
				return self::error( sprintf( __( 'The name must be 1 to %d characters of plain text.', 'dify-chatbot' ), self::NAME_MAX ) );
			}
			$record['name'] = $name;
		}
		if ( isset( $fields['base_url'] ) ) {
			$url = is_string( $fields['base_url'] ) ? Base_Url::check( $fields['base_url'] ) : null;
			if ( ! is_string( $url ) ) {
				return $url instanceof WP_Error ? $url : self::error( __( 'The base URL must be a web address.', 'dify-chatbot' ) );
			}
			$record['base_url'] = $url;
		}
		if ( isset( $fields['response_mode'] ) ) {
			if ( ! in_array( $fields['response_mode'], Option::MODES, true ) ) {
				return self::error( __( 'The response mode must be streaming or blocking.', 'dify-chatbot' ) );
			}
			$record['response_mode'] = (string) $fields['response_mode'];
		}
		if ( isset( $fields['show_reasoning'] ) ) {
			if ( ! is_bool( $fields['show_reasoning'] ) ) {
				return self::error( __( 'show_reasoning must be true or false.', 'dify-chatbot' ) );
			}
			$record['show_reasoning'] = $fields['show_reasoning'];
		}
		foreach ( self::LIMITS as $limit ) {
			if ( isset( $fields[ $limit ] ) ) {
				if ( ! Option::is_limit( $fields[ $limit ], Option::LIMITS[ $limit ] ) ) {
					/* translators: 1: a setting's name, 2: its largest value. */
					return self::error( sprintf( __( '%1$s must be a whole number from 0 to %2$d.', 'dify-chatbot' ), $limit, Option::LIMITS[ $limit ] ) );
				}
				$record[ $limit ] = (int) $fields[ $limit ];
			}
		}
		return $record;
	}

	/**
	 * What a stored bot keeps in OPTION.
	 *
	 * @param array<string, mixed> $record The record.
	 * @phpstan-param Bot_Record $record
	 * @return array<string, mixed>
	 */
	private static function to_row( array $record ): array {
		unset( $record['slug'], $record['read_only'], $record['api_key'] );
		return $record;
	}

	/**
	 * The stored bots other than the default, each checked (the row may come from anywhere).
	 *
	 * @return array<string, array<string, mixed>>
	 * @phpstan-return array<string, Bot_Record>
	 */
	public function stored(): array {
		$bots = array();
		foreach ( $this->stored_option() as $slug => $row ) {
			$record = is_array( $row ) ? self::record( (string) $slug, $row, false ) : null;
			if ( null !== $record && self::DEFAULT !== $slug ) {
				$bots[ (string) $slug ] = $record;
			}
		}
		return $bots;
	}

	/**
	 * OPTION as stored.
	 *
	 * @return array<string, mixed>
	 */
	private function stored_option(): array {
		$value = get_option( self::OPTION, array() );
		return is_array( $value ) ? $value : array();
	}

	/**
	 * A record from a stored row or a DIFY_CHATBOT_BOTS entry, or null when it is not a bot.
	 *
	 * @param string               $slug      The slug.
	 * @param array<string, mixed> $row       The row.
	 * @param bool                 $read_only Whether it comes from DIFY_CHATBOT_BOTS.
	 * @phpstan-return Bot_Record|null
	 */
	private static function record( string $slug, array $row, bool $read_only ): ?array {
		if ( 1 !== preg_match( self::SLUG_PATTERN, $slug ) ) {
			return null;
		}
		$defaults = Option::defaults();
		$record   = array(
			'slug'           => $slug,
			'name'           => $slug,
			'read_only'      => $read_only,
			'base_url'       => '',
			'api_key'        => '',
			'response_mode'  => $defaults['response_mode'],
			'show_reasoning' => $defaults['show_reasoning'],
		);
		foreach ( self::LIMITS as $limit ) {
			$record[ $limit ] = $defaults[ $limit ];
		}
		$fields = array_intersect_key( $row, array_flip( array_merge( array( 'name', 'base_url', 'response_mode', 'show_reasoning' ), self::LIMITS ) ) );
		$record = self::apply( $record, $fields );
		if ( $record instanceof WP_Error || '' === $record['base_url'] ) {
			return null;
		}
		if ( $read_only && isset( $row['api_key'] ) && is_string( $row['api_key'] ) && null === Key_Entry::check( $row['api_key'] ) ) {
			$record['api_key'] = trim( $row['api_key'] );
		}
		return $record;
	}

	/**
	 * DIFY_CHATBOT_BOTS read once: the bots it defines and why parts of it were ignored.
	 *
	 * @return array{bots: array<string, array<string, mixed>>, errors: string[]}
	 * @phpstan-return array{bots: array<string, Bot_Record>, errors: string[]}
	 */
	private function config(): array {
		$raw = defined( self::CONFIG_NAME ) ? constant( self::CONFIG_NAME ) : getenv( self::CONFIG_NAME );
		$raw = is_string( $raw ) ? trim( $raw ) : '';
		if ( null !== $this->config && $raw === $this->config_text ) {
			return $this->config;
		}
		$this->config_text = $raw;
		$this->config      = array(
			'bots'   => array(),
			'errors' => array(),
		);
		if ( '' === $raw ) {
			return $this->config;
		}
		$list = json_decode( $raw, true );
		if ( ! is_array( $list ) || ( array() !== $list && ! wp_is_numeric_array( $list ) ) ) {
			/* translators: %s: a PHP constant's name. */
			$this->config['errors'][] = sprintf( __( '%s is not a JSON list of bots; it is ignored.', 'dify-chatbot' ), self::CONFIG_NAME );
			return $this->config;
		}
		foreach ( $list as $index => $entry ) {
			$slug   = is_array( $entry ) && isset( $entry['slug'] ) && is_string( $entry['slug'] ) ? $entry['slug'] : '';
			$record = is_array( $entry ) && self::DEFAULT !== $slug && ! isset( $this->config['bots'][ $slug ] ) ? self::record( $slug, $entry, true ) : null;
			if ( null === $record || count( $this->config['bots'] ) >= self::MAX_BOTS ) {
				/* translators: 1: a PHP constant's name, 2: the entry's position (from 1). */
				$this->config['errors'][] = sprintf( __( 'Entry %2$d of %1$s is ignored: it needs a unique slug other than “default” (lower-case letters, digits, - and _), a valid base_url, and valid optional fields.', 'dify-chatbot' ), self::CONFIG_NAME, (int) $index + 1 );
				continue;
			}
			$this->config['bots'][ $slug ] = $record;
		}
		return $this->config;
	}

	/**
	 * A 400 with a readable message.
	 *
	 * @param string $message The message.
	 */
	private static function error( string $message ): WP_Error {
		return new WP_Error( 'dify_chatbot_invalid_bot', $message, array( 'status' => 400 ) );
	}

	/**
	 * The 404 of an unknown slug.
	 *
	 * @param string $slug The slug.
	 */
	public static function not_found( string $slug ): WP_Error {
		/* translators: %s: a bot's slug. */
		return new WP_Error( 'dify_chatbot_bot_not_found', sprintf( __( 'There is no bot “%s”.', 'dify-chatbot' ), $slug ), array( 'status' => 404 ) );
	}

	/**
	 * The 403 of a bot defined in wp-config.php.
	 *
	 * @param string $slug The slug.
	 */
	public static function read_only_error( string $slug ): WP_Error {
		/* translators: 1: a bot's slug, 2: a PHP constant's name. */
		return new WP_Error( 'dify_chatbot_bot_read_only', sprintf( __( 'The bot “%1$s” is defined in %2$s (wp-config.php or the server’s environment), so it cannot be changed or removed here.', 'dify-chatbot' ), $slug, self::CONFIG_NAME ), array( 'status' => 403 ) );
	}
}
