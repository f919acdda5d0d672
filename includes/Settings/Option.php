<?php
/**
 * The stored settings option (everything but the API key).
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Settings;

use Dify_Chatbot\Registrable;

/**
 * Option `dify_chatbot_settings`: `base_url`, `ca_bundle`, `response_mode`, the abuse protection (rate
 * limits, trusted proxies, daily token budget, who may chat), whether visitors may attach files
 * by web address (`allow_remote_files`, off by default: Dify would fetch any address a visitor
 * names) and what answers show (`show_reasoning`), nothing else. The sanitizer is tight
 * (unknown keys dropped, invalid values replaced by the stored or default ones) because the option
 * can be written by other code than this plugin's REST route.
 *
 * @phpstan-type Values array{base_url: string, ca_bundle: string, response_mode: string, limit_visitor_minute: int, limit_visitor_day: int, limit_ip_minute: int, trusted_proxies: string[], daily_token_budget: int, who_may_chat: string, streams_visitor: int, streams_ip: int, streams_site: int, limit_ip_day: int, daily_message_cap: int, allow_remote_files: bool, show_reasoning: bool}
 */
final class Option implements Registrable {

	public const NAME = 'dify_chatbot_settings';

	public const MODES = array( 'streaming', 'blocking' );

	/**
	 * The integer settings and their largest value (0 = off / unlimited).
	 */
	public const LIMITS = array(
		'limit_visitor_minute' => 100000,
		'limit_visitor_day'    => 10000000,
		'limit_ip_minute'      => 100000,
		'daily_token_budget'   => 1000000000000,
		// Worker and wallet caps (Security\Stream_Slots, Rate_Limiter's per-IP day, Security\Daily_Cap).
		'streams_visitor'      => 1000,
		'streams_ip'           => 1000,
		'streams_site'         => 10000,
		'limit_ip_day'         => 10000000,
		'daily_message_cap'    => 100000000,
	);

	/**
	 * Most trusted proxy entries.
	 */
	public const MAX_PROXIES = 50;

	/**
	 * `who_may_chat` besides a capability name.
	 */
	public const AUDIENCES = array( 'everyone', 'logged_in' );

	/**
	 * Registers the setting so update_option() always runs the sanitizer.
	 */
	public function register(): void {
		add_action( 'init', array( $this, 'register_setting' ) );
	}

	/**
	 * Registers the option with its schema and sanitizer. Not shown in /wp/v2/settings: the
	 * plugin's own route is the only REST door, with its own permission check.
	 */
	public function register_setting(): void {
		register_setting(
			'dify_chatbot',
			self::NAME,
			array(
				'type'              => 'object',
				// Not translated: with show_in_rest off nothing shows it, and a translation here would
				// load the plugin's text domain on every request.
				'description'       => 'Dify Chatbot settings.',
				'sanitize_callback' => array( $this, 'sanitize' ),
				'default'           => self::defaults(),
				'show_in_rest'      => false,
			)
		);
	}

	/**
	 * The defaults.
	 *
	 * @return array<string, mixed>
	 * @phpstan-return Values
	 */
	public static function defaults(): array {
		return array(
			'base_url'             => Base_Url::DEFAULT_URL,
			'ca_bundle'            => '',
			'response_mode'        => 'streaming',
			'limit_visitor_minute' => 10,
			'limit_visitor_day'    => 200,
			'limit_ip_minute'      => 30,
			'trusted_proxies'      => array(),
			'daily_token_budget'   => 0,
			'who_may_chat'         => 'everyone',
			// Worker and wallet caps; the reasons are in docs/security.md. Three answers at once
			// leave two of a default PHP-FPM pool's five workers for the site's pages.
			'streams_visitor'      => 2,
			'streams_ip'           => 2,
			'streams_site'         => 3,
			'limit_ip_day'         => 300,
			'daily_message_cap'    => 1000,
			// Off: Dify fetches a remote file from its own network, so an address a visitor chose
			// could reach what only Dify's host can (Security\Remote_Url checks them when on).
			'allow_remote_files'   => false,
			// What answers show: the model's reasoning stays on the server unless the owner opts in.
			'show_reasoning'       => false,
		);
	}

	/**
	 * The network's defaults (multisite; built when first needed there).
	 *
	 * @var Network_Option|null
	 */
	private ?Network_Option $network;

	/**
	 * Keeps the network's defaults.
	 *
	 * @param Network_Option|null $network The network's defaults (the network option when null).
	 */
	public function __construct( ?Network_Option $network = null ) {
		$this->network = $network;
	}

	/**
	 * The settings in force, each value valid (the stored row may come from anywhere): the site's
	 * own values over what it inherits (inherited()).
	 *
	 * @return array<string, mixed>
	 * @phpstan-return Values
	 */
	public function get(): array {
		/**
		 * Both parts are valid; inherited() has every key.
		 *
		 * @phpstan-var Values $values
		 */
		$values = array_merge( $this->inherited(), $this->own() );
		return $values;
	}

	/**
	 * What a site uses where it has no value of its own: the plugin's defaults, with the network's
	 * defaults over them on a multisite network.
	 *
	 * @return array<string, mixed>
	 * @phpstan-return Values
	 */
	public function inherited(): array {
		/**
		 * The network's values are valid ones of the same keys.
		 *
		 * @phpstan-var Values $values
		 */
		$values = array_merge( self::defaults(), $this->network_values() );
		return $values;
	}

	/**
	 * The values the site set itself (stored), each valid; the others are inherited. The option
	 * keeps only these, so a default changed later (the network's, or the plugin's) reaches
	 * every value a site never set.
	 *
	 * @return array<string, mixed>
	 */
	public function own(): array {
		$stored = get_option( self::NAME, array() );
		return $this->clean( is_array( $stored ) ? $stored : array(), array(), false );
	}

	/**
	 * The names of the values in force that come from the network's defaults.
	 *
	 * @return string[]
	 */
	public function from_network(): array {
		return array_keys( array_diff_key( $this->network_values(), $this->own() ) );
	}

	/**
	 * The stored response mode.
	 */
	public function response_mode(): string {
		return $this->get()['response_mode'];
	}

	/**
	 * Saves changes to some settings (validate them first: invalid values are not saved).
	 *
	 * @param array<string, mixed> $changes Keys to change.
	 */
	public function update( array $changes ): void {
		update_option( self::NAME, $this->clean( $changes, $this->own() ), true );
	}

	/**
	 * The option's sanitizer: unknown keys dropped, invalid values replaced by the stored ones.
	 * On a network, a value equal to the network's default is not kept as the site's own: the
	 * settings screen sends every field, and a site that only changed one of them should keep
	 * following the network for the others (setting a field back to the network's value is how
	 * a site follows the network again).
	 *
	 * @param mixed $value The value about to be stored.
	 * @return array<string, mixed>
	 */
	public function sanitize( $value ): array {
		$clean = $this->clean( is_array( $value ) ? $value : array(), $this->own() );
		foreach ( $this->network_values() as $name => $network_value ) {
			if ( array_key_exists( $name, $clean ) && $clean[ $name ] === $network_value ) {
				unset( $clean[ $name ] );
			}
		}
		return $clean;
	}

	/**
	 * Merges valid values over a fallback (both may hold only some of the settings).
	 *
	 * @param array<mixed>         $values   Candidate values.
	 * @param array<string, mixed> $fallback Values kept where a candidate is missing or invalid.
	 * @param bool                 $incoming True for values about to be saved: the CA bundle file
	 *                                       is read then; a stored path only has to look like one
	 *                                       (the connection test says when its file went away).
	 * @return array<string, mixed>
	 */
	private function clean( array $values, array $fallback, bool $incoming = true ): array {
		$clean = $fallback;
		if ( isset( $values['base_url'] ) && is_string( $values['base_url'] ) ) {
			$url = Base_Url::check( $values['base_url'] );
			if ( is_string( $url ) ) {
				$clean['base_url'] = $url;
			}
		}
		if ( isset( $values['ca_bundle'] ) && is_string( $values['ca_bundle'] ) ) {
			$path = trim( $values['ca_bundle'] );
			if ( $incoming ? is_string( Ca_Bundle::check( $path ) ) : ( '' === $path || Ca_Bundle::is_path_shape( $path ) ) ) {
				$clean['ca_bundle'] = $path;
			}
		}
		if ( isset( $values['response_mode'] ) && in_array( $values['response_mode'], self::MODES, true ) ) {
			$clean['response_mode'] = (string) $values['response_mode'];
		}
		foreach ( self::LIMITS as $name => $max ) {
			if ( isset( $values[ $name ] ) && self::is_limit( $values[ $name ], $max ) ) {
				$clean[ $name ] = (int) $values[ $name ];
			}
		}
		if ( isset( $values['trusted_proxies'] ) && self::is_proxy_list( $values['trusted_proxies'] ) ) {
			$clean['trusted_proxies'] = array_values( array_unique( array_map( 'trim', $values['trusted_proxies'] ) ) );
		}
		if ( isset( $values['who_may_chat'] ) && is_string( $values['who_may_chat'] ) && self::is_audience( $values['who_may_chat'] ) ) {
			$clean['who_may_chat'] = $values['who_may_chat'];
		}
		if ( isset( $values['allow_remote_files'] ) && is_bool( $values['allow_remote_files'] ) ) {
			$clean['allow_remote_files'] = $values['allow_remote_files'];
		}
		// What answers show.
		if ( isset( $values['show_reasoning'] ) && is_bool( $values['show_reasoning'] ) ) {
			$clean['show_reasoning'] = $values['show_reasoning'];
		}
		return $clean;
	}

	/**
	 * Whether a value is a whole number from 0 to $max.
	 *
	 * @param mixed $value The value.
	 * @param int   $max   Largest allowed.
	 */
	public static function is_limit( $value, int $max ): bool {
		return is_int( $value ) && $value >= 0 && $value <= $max;
	}

	/**
	 * Whether a value is a list of IP addresses / CIDR ranges.
	 *
	 * @param mixed $value The value.
	 */
	public static function is_proxy_list( $value ): bool {
		if ( ! is_array( $value ) || count( $value ) > self::MAX_PROXIES || ( array() !== $value && ! wp_is_numeric_array( $value ) ) ) {
			return false;
		}
		foreach ( $value as $entry ) {
			if ( ! is_string( $entry ) || ! self::is_range( trim( $entry ) ) ) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether a value is an IP address or a CIDR range (what a trusted proxy entry may be).
	 *
	 * @param string $value The value.
	 */
	public static function is_range( string $value ): bool {
		$parts = explode( '/', $value );
		if ( count( $parts ) > 2 || false === filter_var( $parts[0], FILTER_VALIDATE_IP ) ) {
			return false;
		}
		if ( 1 === count( $parts ) ) {
			return true;
		}
		$max = false !== strpos( $parts[0], ':' ) ? 128 : 32;
		return ctype_digit( $parts[1] ) && (int) $parts[1] <= $max;
	}

	/**
	 * Whether a value names who may chat: everyone, logged_in, or a capability name.
	 *
	 * @param string $value The value.
	 */
	public static function is_audience( string $value ): bool {
		return in_array( $value, self::AUDIENCES, true ) || 1 === preg_match( '/^[a-z0-9_-]{1,64}$/', $value );
	}

	/**
	 * The network's defaults; none outside a network (where nothing of the network is loaded).
	 *
	 * @return array<string, mixed>
	 */
	private function network_values(): array {
		if ( ! is_multisite() ) {
			return array();
		}
		$this->network ??= new Network_Option();
		return $this->network->get();
	}
}
