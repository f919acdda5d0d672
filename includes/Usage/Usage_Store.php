<?php
/**
 * The chat's usage per site day and per bot, for the usage screen and `wp dify-chatbot usage`.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Usage;

use DateTimeImmutable;
use Dify_Chatbot\Registrable;
use Dify_Chatbot\Security\Budget;
use Dify_Chatbot\Security\Counter_Store;

/**
 * One row per site day (the site's timezone, the days of the daily cap and the token budget) and
 * per bot, in `{prefix}dify_chatbot_usage`: messages, tokens, errors and the chat messages refused
 * by reason. Numbers only — never a message, a visitor or an address.
 *
 * Cheap to keep: a message's usage is written once, after its answer, in one statement (messages
 * + 1, tokens + n, errors + 0 or 1: one `INSERT … ON DUPLICATE KEY UPDATE` of several columns,
 * which the SQLite integration runs as one statement too); a refusal is one statement. The table
 * is created with the counters table (Counter_Store::install) and pruned by its daily event:
 * 30 days are kept.
 */
final class Usage_Store implements Registrable {

	public const TABLE = 'dify_chatbot_usage';

	/**
	 * Days kept, today included.
	 */
	public const KEEP_DAYS = 30;

	/**
	 * The reasons a chat message is refused for, each a column.
	 */
	public const REFUSALS = array( 'rate_limit', 'budget', 'who_may_chat', 'stream_cap', 'daily_cap' );

	/**
	 * Every counted column, in the order the screen, the CSV and the command show them.
	 */
	public const COLUMNS = array( 'messages', 'tokens', 'errors', 'rate_limit', 'budget', 'who_may_chat', 'stream_cap', 'daily_cap' );

	/**
	 * Prunes with the counters' daily event.
	 */
	public function register(): void {
		add_action( Counter_Store::PRUNE_HOOK, array( $this, 'prune' ) );
	}

	/**
	 * The table's full name.
	 */
	public static function table(): string {
		global $wpdb;
		return $wpdb->prefix . self::TABLE;
	}

	/**
	 * Creates or updates the table with dbDelta (upgrade.php loaded by the caller).
	 */
	public static function install(): void {
		global $wpdb;
		$table   = self::table();
		$charset = $wpdb->get_charset_collate();
		// dbDelta's format: two spaces after PRIMARY KEY, one field per line.
		dbDelta(
			"CREATE TABLE {$table} (
day bigint(20) unsigned NOT NULL,
bot varchar(40) NOT NULL,
messages bigint(20) unsigned NOT NULL default 0,
tokens bigint(20) unsigned NOT NULL default 0,
errors bigint(20) unsigned NOT NULL default 0,
rate_limit bigint(20) unsigned NOT NULL default 0,
budget bigint(20) unsigned NOT NULL default 0,
who_may_chat bigint(20) unsigned NOT NULL default 0,
stream_cap bigint(20) unsigned NOT NULL default 0,
daily_cap bigint(20) unsigned NOT NULL default 0,
PRIMARY KEY  (day,bot)
) {$charset};"
		);
	}

	/**
	 * Drops the table (uninstall).
	 */
	public static function uninstall(): void {
		global $wpdb;
		$table = self::table();
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.DirectDatabaseQuery.SchemaChange -- the plugin's own table.
		$wpdb->query( "DROP TABLE IF EXISTS {$table}" );
	}

	/**
	 * Counts one answered message: one statement.
	 *
	 * @param string   $bot    The bot's slug.
	 * @param int      $tokens Tokens Dify reported for the answer (0 when none).
	 * @param bool     $failed Whether the answer ended in an error.
	 * @param int      $count  Messages to count: 1, or 0 for the rest of an answer that goes on
	 *                         after a Human Input form (its tokens and error, not a new message).
	 * @param int|null $now    The time (tests).
	 */
	public function message( string $bot, int $tokens, bool $failed, int $count = 1, ?int $now = null ): void {
		global $wpdb;
		$day    = Budget::day_start( null === $now ? time() : $now );
		$tokens = max( 0, $tokens );
		$count  = max( 0, min( 1, $count ) );
		$error  = $failed ? 1 : 0;
		$table  = self::table();
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the usage table; must not be cached.
		$wpdb->query( $wpdb->prepare( "INSERT INTO {$table} (day, bot, messages, tokens, errors) VALUES (%d, %s, %d, %d, %d) ON DUPLICATE KEY UPDATE messages = messages + %d, tokens = tokens + %d, errors = errors + %d", $day, self::slug( $bot ), $count, $tokens, $error, $count, $tokens, $error ) );
	}

	/**
	 * Counts one refused chat message: one statement.
	 *
	 * @param string   $bot    The bot's slug.
	 * @param string   $reason One of REFUSALS (anything else is not counted).
	 * @param int|null $now    The time (tests).
	 */
	public function refusal( string $bot, string $reason, ?int $now = null ): void {
		global $wpdb;
		if ( ! in_array( $reason, self::REFUSALS, true ) ) {
			return;
		}
		$day   = Budget::day_start( null === $now ? time() : $now );
		$table = self::table();
		// The column comes from REFUSALS, never from the request.
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the usage table; must not be cached.
		$wpdb->query( $wpdb->prepare( "INSERT INTO {$table} (day, bot, {$reason}) VALUES (%d, %s, 1) ON DUPLICATE KEY UPDATE {$reason} = {$reason} + 1", $day, self::slug( $bot ) ) );
	}

	/**
	 * The tokens a bot used today (site day): what the daily token budget holds against it.
	 *
	 * @param string   $bot The bot's slug.
	 * @param int|null $now The time (tests).
	 */
	public function tokens_today( string $bot, ?int $now = null ): int {
		global $wpdb;
		$day   = Budget::day_start( null === $now ? time() : $now );
		$table = self::table();
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the usage table; must not be cached (the next message's check reads the last answer's tokens).
		$value = $wpdb->get_var( $wpdb->prepare( "SELECT tokens FROM {$table} WHERE day = %d AND bot = %s", $day, self::slug( $bot ) ) );
		return is_numeric( $value ) ? (int) $value : 0;
	}

	/**
	 * The rows of the last $days site days (today included), newest first, then by bot.
	 *
	 * @param int         $days How many days (1 to KEEP_DAYS).
	 * @param string|null $bot  Only this bot, or every bot.
	 * @param int|null    $now  The time (tests).
	 * @return array<int, array{date: string, bot: string, messages: int, tokens: int, errors: int, rate_limit: int, budget: int, who_may_chat: int, stream_cap: int, daily_cap: int}>
	 */
	public function rows( int $days, ?string $bot = null, ?int $now = null ): array {
		global $wpdb;
		$from  = self::first_day( max( 1, min( self::KEEP_DAYS, $days ) ), null === $now ? time() : $now );
		$table = self::table();
		$where = null === $bot ? $wpdb->prepare( 'day >= %d', $from ) : $wpdb->prepare( 'day >= %d AND bot = %s', $from, self::slug( $bot ) );
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- the usage table; $where is prepared above.
		$found = $wpdb->get_results( "SELECT day, bot, messages, tokens, errors, rate_limit, budget, who_may_chat, stream_cap, daily_cap FROM {$table} WHERE {$where} ORDER BY day DESC, bot ASC", 'ARRAY_A' );
		$rows  = array();
		foreach ( is_array( $found ) ? $found : array() as $row ) {
			$rows[] = array(
				'date'         => (string) wp_date( 'Y-m-d', (int) $row['day'] ),
				'bot'          => (string) $row['bot'],
				'messages'     => (int) $row['messages'],
				'tokens'       => (int) $row['tokens'],
				'errors'       => (int) $row['errors'],
				'rate_limit'   => (int) $row['rate_limit'],
				'budget'       => (int) $row['budget'],
				'who_may_chat' => (int) $row['who_may_chat'],
				'stream_cap'   => (int) $row['stream_cap'],
				'daily_cap'    => (int) $row['daily_cap'],
			);
		}
		return $rows;
	}

	/**
	 * The sum of each counted column over some rows.
	 *
	 * @param array<int, array<string, int|string>> $rows Rows of rows().
	 * @return array<string, int>
	 */
	public static function totals( array $rows ): array {
		$totals = array_fill_keys( self::COLUMNS, 0 );
		foreach ( $rows as $row ) {
			foreach ( self::COLUMNS as $column ) {
				$totals[ $column ] += (int) $row[ $column ];
			}
		}
		return $totals;
	}

	/**
	 * Removes the days before the kept ones (the counters' daily event).
	 *
	 * @param mixed $now The time (tests; the event passes nothing).
	 */
	public function prune( $now = null ): void {
		global $wpdb;
		$table = self::table();
		$from  = self::first_day( self::KEEP_DAYS, is_int( $now ) ? $now : time() );
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the usage table.
		$wpdb->query( $wpdb->prepare( "DELETE FROM {$table} WHERE day < %d", $from ) );
	}

	/**
	 * The bot a request's usage is counted under: its `bot` parameter as a slug, `default` when
	 * it names none (the default bot).
	 *
	 * @param mixed $bot The request's `bot` parameter.
	 */
	public static function slug( $bot ): string {
		$slug = is_string( $bot ) ? (string) substr( sanitize_key( $bot ), 0, 40 ) : '';
		return '' === $slug ? 'default' : $slug;
	}

	/**
	 * Start of the first of $days site days ending with today's.
	 *
	 * @param int $days Days, today included.
	 * @param int $now  Unix time.
	 */
	private static function first_day( int $days, int $now ): int {
		$today = ( new DateTimeImmutable( '@' . Budget::day_start( $now ) ) )->setTimezone( wp_timezone() );
		return $today->modify( '-' . ( $days - 1 ) . ' days' )->setTime( 0, 0 )->getTimestamp();
	}
}
