<?php
/**
 * `wp dify-chatbot status|test|set-key`, each for one bot (`--bot=<slug>`; the default bot without it).
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Cli;

use Dify_Chatbot\Dify\App\App_Info;
use Dify_Chatbot\Dify\App\Connection_Test;
use Dify_Chatbot\Security\Budget;
use Dify_Chatbot\Security\Capacity;
use Dify_Chatbot\Settings\Bots;
use Dify_Chatbot\Settings\Encryption;
use Dify_Chatbot\Settings\Key_Entry;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Usage\Usage_Store;
use WP_CLI;

/**
 * Looks at and sets up the plugin's connection to its Dify app from the shell.
 *
 * The commands say what the settings screen says, with the same code: the connection test is
 * Connection_Test, a key is saved by Key_Entry (the rules of the settings route: its shape, the
 * site's secret, bound to the server of the base URL in force). No output ever holds the key
 * beyond its last four characters, and set-key reads it from standard input only, so it is in
 * neither the shell's history nor the process list.
 */
final class Command {

	/**
	 * The effective settings.
	 *
	 * @var Settings
	 */
	private Settings $settings;

	/**
	 * Today's tokens.
	 *
	 * @var Budget
	 */
	private Budget $budget;

	/**
	 * Running answers and today's paid calls.
	 *
	 * @var Capacity
	 */
	private Capacity $capacity;

	/**
	 * Caches what /info said.
	 *
	 * @var App_Info
	 */
	private App_Info $info;

	/**
	 * Reads the key set-key saves.
	 *
	 * @var callable(): string
	 */
	private $read_key;

	/**
	 * The bots.
	 *
	 * @var Bots
	 */
	private Bots $bots;

	/**
	 * Keeps the collaborators.
	 *
	 * @param Settings                $settings The default bot's settings.
	 * @param Budget                  $budget   Today's tokens.
	 * @param Capacity                $capacity Running answers and today's paid calls.
	 * @param App_Info                $info     Caches what /info said.
	 * @param callable(): string|null $read_key Reads the key (default: standard input).
	 * @param Bots|null               $bots     The bots (built around $settings when null).
	 */
	public function __construct( Settings $settings, Budget $budget, Capacity $capacity, App_Info $info, ?callable $read_key = null, ?Bots $bots = null ) {
		$this->settings = $settings;
		$this->budget   = $budget;
		$this->capacity = $capacity;
		$this->info     = $info;
		$this->read_key = null !== $read_key ? $read_key : array( self::class, 'read_standard_input' );
		$this->bots     = null !== $bots ? $bots : new Bots( $settings->option(), new Encryption(), $settings );
	}

	/**
	 * The bot `--bot` names (the default bot without it); an unknown slug ends the command.
	 *
	 * @param array<string, mixed> $assoc_args Named arguments.
	 */
	private function chosen( array $assoc_args ): Settings {
		if ( ! isset( $assoc_args['bot'] ) ) {
			return $this->settings;
		}
		$slug = is_string( $assoc_args['bot'] ) ? $assoc_args['bot'] : '';
		$bot  = $this->bots->get( $slug );
		if ( null === $bot ) {
			/* translators: %s: a bot's slug. */
			WP_CLI::error( sprintf( __( 'There is no bot “%s” (see wp dify-chatbot bots list).', 'dify-chatbot' ), $slug ) );
		}
		return null !== $bot ? $bot : $this->settings;
	}

	/**
	 * Shows the connection: whether chats can be relayed, the base URL and the key (its last four
	 * characters) with where each comes from, the Dify app's name and mode, the limits and today's
	 * usage.
	 *
	 * Asks the Dify app's /info once, as the connection test does.
	 *
	 * ## OPTIONS
	 *
	 * [--format=<format>]
	 * : How to print it.
	 * ---
	 * default: text
	 * options:
	 *   - text
	 *   - json
	 * ---
	 *
	 * [--bot=<slug>]
	 * : The bot (the default bot without it).
	 *
	 * ## EXAMPLES
	 *
	 *     wp dify-chatbot status
	 *     wp dify-chatbot status --bot=sales --format=json
	 *
	 * @param string[]             $args       Positional arguments (none).
	 * @param array<string, mixed> $assoc_args Named arguments.
	 */
	public function status( array $args, array $assoc_args ): void {
		$bot    = $this->chosen( $assoc_args );
		$status = $this->describe( $bot );
		if ( ! isset( $assoc_args['bot'] ) ) {
			// Without --bot: the default bot in full, the others in a line each.
			$status['other_bots'] = array();
			foreach ( $this->bots->all() as $other ) {
				if ( ! $other->is_default() ) {
					$status['other_bots'][] = array(
						'slug'       => $other->slug(),
						'name'       => $other->name(),
						'configured' => $other->is_configured(),
					);
				}
			}
		}
		if ( isset( $assoc_args['format'] ) && 'json' === $assoc_args['format'] ) {
			WP_CLI::line( (string) wp_json_encode( $status, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE ) );
			return;
		}
		foreach ( $this->lines( $status ) as $line ) {
			WP_CLI::line( $line );
		}
	}

	/**
	 * Tests the connection to the Dify app with the settings in force: the diagnosis of the
	 * settings screen's "Test connection", in its words. Exits with 1 when it fails.
	 *
	 * ## OPTIONS
	 *
	 * [--bot=<slug>]
	 * : The bot (the default bot without it).
	 *
	 * ## EXAMPLES
	 *
	 *     wp dify-chatbot test
	 *     wp dify-chatbot test --bot=sales
	 *
	 * @param string[]             $args       Positional arguments (none).
	 * @param array<string, mixed> $assoc_args Named arguments.
	 */
	public function test( array $args, array $assoc_args ): void {
		$result = ( new Connection_Test( $this->chosen( $assoc_args ), $this->info ) )->run();
		if ( $result['ok'] ) {
			WP_CLI::success( $result['message'] );
			return;
		}
		WP_CLI::error( $result['message'] );
	}

	/**
	 * Saves the Dify app's API key, read from standard input (never from an argument, which the
	 * shell's history and the process list would keep). On a terminal it asks for the key without
	 * showing it. The key is encrypted and bound to the server of the base URL in force, as on the
	 * settings screen; refused when the key is set by DIFY_CHATBOT_API_KEY in wp-config.php or the
	 * environment, or when the bot is defined in DIFY_CHATBOT_BOTS. `--bot=<slug>` names the bot
	 * whose key it is (the default bot without it). No option list here: WP-CLI would refuse a key
	 * given as an argument with its own words, not with the advice to replace it.
	 *
	 * ## EXAMPLES
	 *
	 *     wp dify-chatbot set-key
	 *     wp dify-chatbot set-key --bot=sales < dify-key.txt
	 *
	 * @subcommand set-key
	 *
	 * @param string[]             $args       Positional arguments (none).
	 * @param array<string, mixed> $assoc_args Named arguments.
	 */
	public function set_key( array $args, array $assoc_args ): void {
		if ( array() !== $args ) {
			// Said before anything is read or saved: the key given this way is in the shell's history now.
			WP_CLI::error( __( 'The API key is read from standard input only, never from an argument (the shell’s history and the process list keep arguments; if that was the key, replace it in Dify). Run the command without arguments and paste the key when asked, or: wp dify-chatbot set-key < file', 'dify-chatbot' ) );
		}
		$bot = $this->chosen( $assoc_args );
		if ( $bot->read_only() ) {
			WP_CLI::error( Bots::read_only_error( $bot->slug() )->get_error_message() );
		}
		$source = $bot->api_key_source();
		if ( null !== $source ) {
			WP_CLI::error(
				sprintf(
					/* translators: 1: a PHP constant's name, 2: "a constant in wp-config.php" or "the environment". */
					__( 'The API key is set by %1$s (%2$s), which wins over a saved key: change it there.', 'dify-chatbot' ),
					Settings::API_KEY_NAME,
					self::source_words( $source )
				)
			);
		}
		$key   = trim( (string) call_user_func( $this->read_key ) );
		$saved = '' === $key
			? new \WP_Error( 'dify_chatbot_no_key', __( 'No API key on standard input. Run the command in a terminal to be asked for it, or pipe it in: wp dify-chatbot set-key < file', 'dify-chatbot' ) )
			: Key_Entry::save( $bot, $key );
		if ( is_wp_error( $saved ) ) {
			WP_CLI::error( $saved->get_error_message() );
		}
		$last4 = $bot->keys()->status()['last4'];
		WP_CLI::success(
			'' === $last4
				/* translators: %s: the server (origin) the key is bound to. */
				? sprintf( __( 'The API key is saved, encrypted, for %s.', 'dify-chatbot' ), (string) $bot->keys()->origin() )
				/* translators: 1: the key's last four characters, 2: the server (origin) the key is bound to. */
				: sprintf( __( 'The API key ending in %1$s is saved, encrypted, for %2$s.', 'dify-chatbot' ), $last4, (string) $bot->keys()->origin() )
		);
	}

	/**
	 * Reads the key from standard input: asked for without echo on a terminal, else all of it.
	 */
	public static function read_standard_input(): string {
		if ( function_exists( 'posix_isatty' ) && posix_isatty( STDIN ) && function_exists( '\cli\prompt' ) ) {
			// An empty answer returns '' (the default), and so does Ctrl-D (the library throws):
			// set-key refuses both with its own words.
			try {
				return (string) \cli\prompt( __( 'Dify API key (not shown)', 'dify-chatbot' ), '', ': ', true );
			} catch ( \Exception $end_of_input ) {
				return '';
			}
		}
		$text = stream_get_contents( STDIN );
		return is_string( $text ) ? $text : '';
	}

	/**
	 * Everything status prints about a bot, never the key.
	 *
	 * @param Settings $bot The bot.
	 * @return array<string, mixed>
	 */
	private function describe( Settings $bot ): array {
		$stored = $bot->option()->get();
		$key    = $bot->api_key();
		$saved  = $bot->keys()->status();
		$test   = ( new Connection_Test( $bot, $this->info ) )->run();
		$limits = array( 'response_mode' => $bot->response_mode() );
		foreach ( array_keys( Option::LIMITS ) as $name ) {
			// The bot's own limits and budget; the others are the site's.
			$limits[ $name ] = $bot->limits()[ $name ] ?? $stored[ $name ];
		}
		$limits['who_may_chat'] = $stored['who_may_chat'];
		$today                  = Usage_Store::totals( ( new Usage_Store() )->rows( 1, $bot->slug() ) );
		return array(
			'bot'        => array(
				'slug' => $bot->slug(),
				'name' => $bot->name(),
			),
			'configured' => $bot->is_configured(),
			'base_url'   => array(
				'value'  => $bot->base_url(),
				'source' => self::source( $bot->base_url_source() ),
			),
			'api_key'    => array(
				'last4'  => null !== $key ? ( strlen( $key ) >= 8 ? substr( $key, -4 ) : '' ) : $saved['last4'],
				'source' => null !== $bot->api_key_source() ? self::source( $bot->api_key_source() ) : ( $saved['saved'] ? 'option' : 'none' ),
				'usable' => null !== $key,
			),
			'ca_bundle'  => array(
				'value'  => $bot->ca_bundle(),
				'source' => self::source( $bot->ca_bundle_source() ),
			),
			'app'        => $test['app'],
			'connection' => array(
				'ok'      => $test['ok'],
				'code'    => $test['code'],
				'message' => $test['message'],
			),
			'limits'     => $limits,
			'usage'      => array(
				// The usage rows count every bot's messages whatever the limits (Usage\Usage_Store).
				'messages_today'  => $today['messages'],
				'tokens_today'    => $today['tokens'],
				'errors_today'    => $today['errors'],
				'refused_today'   => $today['rate_limit'] + $today['budget'] + $today['who_may_chat'] + $today['stream_cap'] + $today['daily_cap'],
				// What the daily token budget holds against the bot: its usage row's tokens.
				'budget_used'     => $this->budget->used_today( null, $bot->slug() ),
				'calls_today'     => $this->capacity->daily_cap()->used_today(),
				'streams_running' => $this->capacity->slots()->running(),
			),
		);
	}

	/**
	 * The text form of status.
	 *
	 * @param array<string, mixed> $status What describe() found.
	 * @return string[]
	 */
	private function lines( array $status ): array {
		$yes_no = static function ( bool $value ): string {
			return $value ? __( 'yes', 'dify-chatbot' ) : __( 'no', 'dify-chatbot' );
		};
		$key    = $status['api_key'];
		if ( 'none' === $key['source'] ) {
			$key_text = __( 'none', 'dify-chatbot' );
		} else {
			/* translators: %s: the key's last four characters. */
			$key_text = '' !== $key['last4'] ? sprintf( __( 'ending in %s', 'dify-chatbot' ), $key['last4'] ) : __( 'set (too short to show its end)', 'dify-chatbot' );
			if ( ! $key['usable'] ) {
				$key_text .= ' ' . __( '(not used: see the connection below)', 'dify-chatbot' );
			}
		}
		$app   = $status['app'];
		$lines = array(
			/* translators: 1: a bot's name, 2: its slug. */
			__( 'Bot:', 'dify-chatbot' ) . ' ' . sprintf( __( '%1$s (%2$s)', 'dify-chatbot' ), $status['bot']['name'], $status['bot']['slug'] ),
			__( 'Configured:', 'dify-chatbot' ) . ' ' . $yes_no( $status['configured'] ),
			__( 'Base URL:', 'dify-chatbot' ) . ' ' . $status['base_url']['value'] . ' (' . self::source_words( $status['base_url']['source'] ) . ')',
			__( 'API key:', 'dify-chatbot' ) . ' ' . $key_text . ( 'none' !== $key['source'] ? ' (' . self::source_words( $key['source'] ) . ')' : '' ),
			__( 'CA bundle:', 'dify-chatbot' ) . ' ' . ( '' !== $status['ca_bundle']['value'] ? $status['ca_bundle']['value'] : __( 'the site’s default certificates', 'dify-chatbot' ) ) . ' (' . self::source_words( $status['ca_bundle']['source'] ) . ')',
			null !== $app
				/* translators: 1: the Dify app's name, 2: its mode as Dify names it. */
				? __( 'Dify app:', 'dify-chatbot' ) . ' ' . sprintf( __( '“%1$s” (%2$s)', 'dify-chatbot' ), $app['name'], $app['mode'] )
				: __( 'Dify app:', 'dify-chatbot' ) . ' ' . __( 'not reached', 'dify-chatbot' ),
			__( 'Connection:', 'dify-chatbot' ) . ' ' . $status['connection']['message'],
			__( 'Limits (0 = off):', 'dify-chatbot' ),
		);
		foreach ( $status['limits'] as $name => $value ) {
			$lines[] = '  ' . $name . ': ' . (string) $value;
		}
		$lines[] = __( 'Today (site time):', 'dify-chatbot' );
		$lines[] = '  ' . __( 'paid calls to Dify (messages, uploads, voice, suggested questions):', 'dify-chatbot' ) . ' ' . $status['usage']['calls_today']
			. ( $status['limits']['daily_message_cap'] > 0 ? '' : ' ' . __( '(counted only while the daily message cap is set)', 'dify-chatbot' ) );
		$lines[] = '  ' . __( 'messages:', 'dify-chatbot' ) . ' ' . $status['usage']['messages_today'];
		$lines[] = '  ' . __( 'tokens:', 'dify-chatbot' ) . ' ' . $status['usage']['tokens_today'];
		if ( $status['limits']['daily_token_budget'] > 0 ) {
			/* translators: 1: tokens counted against the budget today, 2: the daily token budget. */
			$lines[] = '  ' . sprintf( __( 'daily token budget: %1$d of %2$d used', 'dify-chatbot' ), $status['usage']['budget_used'], $status['limits']['daily_token_budget'] );
		}
		$lines[] = '  ' . __( 'answers that ended in an error:', 'dify-chatbot' ) . ' ' . $status['usage']['errors_today'];
		$lines[] = '  ' . __( 'messages refused (limits, budget, who may chat, caps):', 'dify-chatbot' ) . ' ' . $status['usage']['refused_today'];
		$lines[] = '  ' . __( 'answers streaming now:', 'dify-chatbot' ) . ' ' . $status['usage']['streams_running'];
		if ( isset( $status['other_bots'] ) && array() !== $status['other_bots'] ) {
			$lines[] = __( 'Other bots (wp dify-chatbot status --bot=<slug> for one):', 'dify-chatbot' );
			foreach ( $status['other_bots'] as $other ) {
				$lines[] = '  ' . $other['slug'] . ' (' . $other['name'] . '): ' . __( 'configured:', 'dify-chatbot' ) . ' ' . $yes_no( $other['configured'] );
			}
		}
		return $lines;
	}

	/**
	 * The name of where a value comes from: option, constant or environment.
	 *
	 * @param string|null $source Settings' override source (null: the stored option).
	 */
	private static function source( ?string $source ): string {
		return null === $source ? 'option' : $source;
	}

	/**
	 * Where a value comes from, in words.
	 *
	 * @param string $source option, constant or environment.
	 */
	private static function source_words( string $source ): string {
		if ( 'constant' === $source ) {
			return __( 'a constant in wp-config.php', 'dify-chatbot' );
		}
		if ( 'environment' === $source ) {
			return __( 'the environment', 'dify-chatbot' );
		}
		if ( 'config' === $source ) {
			return __( 'DIFY_CHATBOT_BOTS in wp-config.php', 'dify-chatbot' );
		}
		return __( 'saved in the settings', 'dify-chatbot' );
	}
}
