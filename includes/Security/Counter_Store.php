<?php
/**
 * Fixed-window counters shared by every web server of the site.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Security;

use Dify_Chatbot\Registrable;
use Dify_Chatbot\Usage\Usage_Store;

/**
 * Counters keyed by (key, window start), kept where every web server sees them: the table
 * `{prefix}dify_chatbot_counters`, also when the site has a persistent object cache — WordPress's
 * cache API does not promise an atomic increment, and the most used Redis drop-in (Redis Object
 * Cache 2.6) increments with a GET and a SET, returns `true` instead of the new value and drops the
 * expiry: counted there, concurrent messages on several web nodes all passed the limit.
 *
 * Why the increment is atomic (several PHP processes on several servers, one database):
 * - MySQL / MariaDB: one statement,
 *   `INSERT … VALUES (key, window, LAST_INSERT_ID(n)) ON DUPLICATE KEY UPDATE hits = LAST_INSERT_ID(hits + n)`.
 *   The primary key (counter_key, window_start) makes the insert-or-update a single row operation
 *   under InnoDB's row lock, so concurrent increments serialize and none is lost. LAST_INSERT_ID(expr)
 *   stores the new value in the connection's own session, so the value read back (mysqli's
 *   insert_id, from the same connection, even behind a read/write-splitting db drop-in) is exactly
 *   the value this request produced, never a later one. n requests therefore see n distinct
 *   counts 1…n, and only the first `limit` of them are admitted.
 * - SQLite (SQLite Database Integration): one database file with one writer at a time; the
 *   increment and its read happen in one transaction, which holds the write lock between them.
 *
 * A request that takes several hits at once (a chat message: four rate limits, three stream slots,
 * the daily cap) takes them with admit(), in one statement where the database can return the rows
 * a write made: MariaDB 10.5+ (`INSERT … ON DUPLICATE KEY UPDATE … RETURNING`) and SQLite 3.35+
 * (`INSERT … ON CONFLICT DO UPDATE … RETURNING`, sent to the integration's PDO connection). The
 * statement holds the rows' locks (InnoDB) or the write lock (SQLite) while it runs, so the values
 * it returns are the ones this request made, as with LAST_INSERT_ID: concurrent requests still see
 * distinct counts. Elsewhere (MySQL has no RETURNING) it is one transaction: one multi-row
 * `INSERT … ON DUPLICATE KEY UPDATE`, one SELECT of the new values, COMMIT, whose locks are held
 * until COMMIT. Either way there is one commit instead of one per counter (each commit waits for
 * the log to be written), and one round trip to the database where RETURNING exists instead of five.
 */
final class Counter_Store implements Registrable {

	public const TABLE = 'dify_chatbot_counters';

	public const DB_VERSION = '2';

	public const DB_VERSION_OPTION = 'dify_chatbot_db_version';

	public const PRUNE_HOOK = 'dify_chatbot_prune_counters';

	/**
	 * Windows older than this are removed (the longest window is one day).
	 */
	private const KEEP_SECONDS = 172800;

	/**
	 * Whether admit() may take its counts in one statement that returns the rows it wrote.
	 *
	 * @var bool
	 */
	private bool $returning;

	/**
	 * Whether a prune is queued for the end of this request.
	 *
	 * @var bool
	 */
	private bool $prune_queued = false;

	/**
	 * Keeps the choice of path.
	 *
	 * @param bool $returning False runs admit() as one transaction on every database (tests of
	 *                        that path, which MySQL and older MariaDB and SQLite take).
	 */
	public function __construct( bool $returning = true ) {
		$this->returning = $returning;
	}

	/**
	 * Creates the table on version change and prunes old windows daily.
	 */
	public function register(): void {
		add_action( 'init', array( $this, 'maybe_install' ) );
		add_action( self::PRUNE_HOOK, array( $this, 'prune' ) );
	}

	/**
	 * The table's full name.
	 */
	public static function table(): string {
		global $wpdb;
		return $wpdb->prefix . self::TABLE;
	}

	/**
	 * Creates or updates the table when the schema version changed (and on activation), and
	 * schedules the daily pruning.
	 */
	public function maybe_install(): void {
		if ( self::DB_VERSION !== get_option( self::DB_VERSION_OPTION ) ) {
			self::install();
		} elseif ( is_admin() ) {
			// Scheduled by install(); a lost event comes back with the next admin request (looking
			// it up reads the whole cron array, not worth it on every page).
			self::schedule_prune();
		}
	}

	/**
	 * Schedules the daily pruning unless it is.
	 */
	private static function schedule_prune(): void {
		if ( ! wp_next_scheduled( self::PRUNE_HOOK ) ) {
			wp_schedule_event( time() + 3600, 'daily', self::PRUNE_HOOK );
		}
	}

	/**
	 * Creates or updates the table, and the usage table (Usage_Store) kept with it, with dbDelta.
	 */
	public static function install(): void {
		global $wpdb;
		if ( ! function_exists( 'dbDelta' ) ) {
			// @phpstan-ignore-next-line requireOnce.fileNotFound (ABSPATH is only known at run time).
			require_once ABSPATH . 'wp-admin/includes/upgrade.php';
		}
		$table   = self::table();
		$charset = $wpdb->get_charset_collate();
		// dbDelta's format: two spaces after PRIMARY KEY, one field per line.
		dbDelta(
			"CREATE TABLE {$table} (
counter_key varchar(64) NOT NULL,
window_start bigint(20) unsigned NOT NULL,
hits bigint(20) unsigned NOT NULL default 0,
PRIMARY KEY  (counter_key,window_start),
KEY window_start (window_start)
) {$charset};"
		);
		Usage_Store::install();
		update_option( self::DB_VERSION_OPTION, self::DB_VERSION, true );
		self::schedule_prune();
	}

	/**
	 * Adds $amount to a counter and returns the new value, atomically (see the class comment).
	 * Returns null when the counter could not be written (the caller decides whether to fail
	 * open or closed).
	 *
	 * @param string $key          Counter key, at most 64 ASCII characters.
	 * @param int    $window_start Start of the window (Unix time).
	 * @param int    $window_len   Length of the window in seconds (the table keeps ended windows until prune()).
	 * @param int    $amount       What to add (at least 1).
	 */
	public function add( string $key, int $window_start, int $window_len, int $amount = 1 ): ?int {
		$amount = max( 1, $amount );
		return self::is_sqlite() ? $this->sqlite_add( $key, $window_start, $amount ) : $this->mysql_add( $key, $window_start, $amount );
	}

	/**
	 * Takes $amount back from a counter (never below 0): a stream slot given back, or a count
	 * that was refused right after it was taken. One statement on either database.
	 *
	 * @param string $key          Counter key.
	 * @param int    $window_start Start of the window.
	 * @param int    $amount       What to take back (at least 1).
	 */
	public function subtract( string $key, int $window_start, int $amount = 1 ): void {
		global $wpdb;
		$amount = max( 1, $amount );
		$table  = self::table();
		// CASE, not hits - n alone: the column is unsigned, and MySQL refuses a negative result.
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the counters table; must not be cached.
		$wpdb->query( $wpdb->prepare( "UPDATE {$table} SET hits = CASE WHEN hits > %d THEN hits - %d ELSE 0 END WHERE counter_key = %s AND window_start = %d", $amount, $amount, $key, $window_start ) );
	}

	/**
	 * Takes every hit of a request at once (see the class comment) and returns the first count
	 * past its limit, in the order given, or null when all are within. On a refusal the hits the
	 * request would not have reached had they been taken one by one (those after the refusing
	 * one) and those marked as given back are taken back. When the counters cannot be written
	 * (table missing), nothing is refused: the caller's chat keeps working, as with add().
	 *
	 * @param Count[] $counts The hits, in the order their limits are checked; one per counter and window.
	 */
	public function admit( array $counts ): ?Count {
		if ( array() === $counts ) {
			return null;
		}
		$values = $this->add_each( $counts );
		if ( null === $values ) {
			return null;
		}
		$index = 0;
		foreach ( $counts as $count ) {
			$value = $values[ self::row( $count->key(), $count->start() ) ] ?? 0;
			if ( null !== $count->previous() ) {
				$value += $values[ self::row( $count->key(), $count->previous() ) ] ?? 0;
			}
			if ( $count->exceeded_by( $value ) ) {
				$back = array();
				foreach ( array_values( $counts ) as $other_index => $other ) {
					if ( $other_index > $index || $other->given_back() ) {
						$back[] = $other;
					}
				}
				$this->subtract_each( $back );
				return $count;
			}
			++$index;
		}
		return null;
	}

	/**
	 * Takes one back from each counter (never below 0), in one statement.
	 *
	 * @param Count[] $counts The hits to take back.
	 */
	public function subtract_each( array $counts ): void {
		global $wpdb;
		if ( array() === $counts ) {
			return;
		}
		$table = self::table();
		// CASE, not hits - 1 alone: the column is unsigned, and MySQL refuses a negative result.
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- the counters table; the condition is prepared in rows_where().
		$wpdb->query( "UPDATE {$table} SET hits = CASE WHEN hits > 1 THEN hits - 1 ELSE 0 END WHERE " . self::rows_where( self::rows( $counts, false ) ) );
	}

	/**
	 * The current value of a counter (0 when it does not exist).
	 *
	 * @param string $key          Counter key.
	 * @param int    $window_start Start of the window.
	 */
	public function get( string $key, int $window_start ): int {
		global $wpdb;
		$table = self::table();
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the counters table; must not be cached.
		$value = $wpdb->get_var( $wpdb->prepare( "SELECT hits FROM {$table} WHERE counter_key = %s AND window_start = %d", $key, $window_start ) );
		return is_numeric( $value ) ? (int) $value : 0;
	}

	/**
	 * Removes windows that ended long ago (daily cron, and now and then after an increment).
	 */
	public function prune(): void {
		global $wpdb;
		$table = self::table();
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the counters table.
		$wpdb->query( $wpdb->prepare( "DELETE FROM {$table} WHERE window_start < %d", time() - self::KEEP_SECONDS ) );
	}

	/**
	 * Drops the table (uninstall).
	 */
	public static function uninstall(): void {
		global $wpdb;
		$table = self::table();
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.DirectDatabaseQuery.SchemaChange -- the plugin's own table.
		$wpdb->query( "DROP TABLE IF EXISTS {$table}" );
		Usage_Store::uninstall();
		delete_option( self::DB_VERSION_OPTION );
		wp_clear_scheduled_hook( self::PRUNE_HOOK );
	}

	/**
	 * Whether WordPress runs on the SQLite Database Integration drop-in.
	 */
	public static function is_sqlite(): bool {
		return defined( 'DB_ENGINE' ) && 'sqlite' === DB_ENGINE;
	}

	/**
	 * One atomic statement; the new value comes back through LAST_INSERT_ID(expr) of this connection.
	 *
	 * @param string $key          Counter key.
	 * @param int    $window_start Start of the window.
	 * @param int    $amount       What to add.
	 */
	private function mysql_add( string $key, int $window_start, int $amount ): ?int {
		global $wpdb;
		$table = self::table();
		// LAST_INSERT_ID(n) in VALUES covers the insert (the table has no AUTO_INCREMENT column, so a
		// plain insert would leave an older value); the UPDATE branch overwrites it with the sum.
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the counters table; must not be cached.
		$done = $wpdb->query( $wpdb->prepare( "INSERT INTO {$table} (counter_key, window_start, hits) VALUES (%s, %d, LAST_INSERT_ID(%d)) ON DUPLICATE KEY UPDATE hits = LAST_INSERT_ID(hits + %d)", $key, $window_start, $amount, $amount ) );
		if ( false === $done ) {
			return null;
		}
		$this->maybe_prune();
		return (int) $wpdb->insert_id;
	}

	/**
	 * Increment and read back inside one transaction (SQLite has one writer at a time, and the
	 * write lock taken by the INSERT is held until COMMIT).
	 *
	 * @param string $key          Counter key.
	 * @param int    $window_start Start of the window.
	 * @param int    $amount       What to add.
	 */
	private function sqlite_add( string $key, int $window_start, int $amount ): ?int {
		global $wpdb;
		$table = self::table();
		// phpcs:disable WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the counters table; must not be cached.
		$wpdb->query( 'START TRANSACTION' );
		$done  = $wpdb->query( $wpdb->prepare( "INSERT INTO {$table} (counter_key, window_start, hits) VALUES (%s, %d, %d) ON DUPLICATE KEY UPDATE hits = hits + %d", $key, $window_start, $amount, $amount ) );
		$value = false === $done ? null : $wpdb->get_var( $wpdb->prepare( "SELECT hits FROM {$table} WHERE counter_key = %s AND window_start = %d", $key, $window_start ) );
		if ( false === $done ) {
			$wpdb->query( 'ROLLBACK' );
		} else {
			$wpdb->query( 'COMMIT' );
		}
		// phpcs:enable
		if ( ! is_numeric( $value ) ) {
			return null;
		}
		$this->maybe_prune();
		return (int) $value;
	}

	/**
	 * Adds 1 to each counter and reads the new values (and the earlier windows the counts name);
	 * null when the counters cannot be written. One statement where the database can return the
	 * rows a write made (see the class comment), else one transaction.
	 *
	 * @param Count[] $counts The hits.
	 * @return array<string, int>|null Values by self::row().
	 */
	private function add_each( array $counts ): ?array {
		$rows   = self::increments( $counts );
		$sqlite = $this->returning ? self::sqlite_connection() : null;
		if ( null !== $sqlite ) {
			$read = self::sqlite_upsert( $sqlite, $rows );
		} elseif ( $this->returning && self::mariadb_returns() ) {
			$read = self::mariadb_upsert( $rows );
		} else {
			$read = self::transaction_upsert( $counts );
		}
		if ( null !== $read ) {
			$this->maybe_prune();
		}
		return $read;
	}

	/**
	 * MariaDB 10.5 and newer: `INSERT … ON DUPLICATE KEY UPDATE … RETURNING` adds to every row and
	 * answers the new values in one statement, under the rows' locks, so the values are the ones
	 * this statement made. The earlier windows are in it with 0 (read, never changed; a missing one
	 * is created empty and pruned with the rest).
	 *
	 * @param array<int, array{0: string, 1: int, 2: int}> $rows Key, window start and what to add, in key order.
	 * @return array<string, int>|null Values by self::row().
	 */
	private static function mariadb_upsert( array $rows ): ?array {
		global $wpdb;
		$table  = self::table();
		$values = array();
		foreach ( $rows as $row ) {
			$values[] = $wpdb->prepare( '(%s, %d, %d)', $row[0], $row[1], $row[2] );
		}
		// The leading comment keeps wpdb from treating the statement as a plain INSERT (whose result
		// rows it would not read); read/write-splitting drop-ins still see a write (not a SELECT).
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- the counters table, must not be cached; every value is prepared above.
		$found = $wpdb->get_results( "/* dify-chatbot counters */ INSERT INTO {$table} (counter_key, window_start, hits) VALUES " . implode( ', ', $values ) . ' ON DUPLICATE KEY UPDATE hits = hits + VALUES(hits) RETURNING counter_key, window_start, hits', 'ARRAY_N' );
		return '' === $wpdb->last_error && is_array( $found ) ? self::values( $found, count( $rows ) ) : null;
	}

	/**
	 * SQLite 3.35 and newer, on the SQLite Database Integration: the same in SQLite's own upsert,
	 * sent through the integration's connection as SQLite SQL. One statement is atomic in SQLite
	 * (one writer at a time), and the integration's translation of MySQL into SQLite is skipped: for
	 * these statements it took longer than running them.
	 *
	 * @param object                                       $connection The integration's connection (WP_SQLite_Connection).
	 * @param array<int, array{0: string, 1: int, 2: int}> $rows       Key, window start and what to add, in key order.
	 * @return array<string, int>|null Values by self::row().
	 */
	private static function sqlite_upsert( object $connection, array $rows ): ?array {
		$params = array();
		foreach ( $rows as $row ) {
			array_push( $params, $row[0], $row[1], $row[2] );
		}
		$table = self::table();
		if ( ! method_exists( $connection, 'query' ) ) {
			return null;
		}
		try {
			// The connection throws on any failure (its error mode is exceptions).
			$statement = $connection->query( "INSERT INTO {$table} (counter_key, window_start, hits) VALUES " . implode( ', ', array_fill( 0, count( $rows ), '(?, ?, ?)' ) ) . ' ON CONFLICT (counter_key, window_start) DO UPDATE SET hits = hits + excluded.hits RETURNING counter_key, window_start, hits', $params );
			$found     = is_object( $statement ) && method_exists( $statement, 'fetchAll' ) ? $statement->fetchAll() : null;
		} catch ( \Exception $e ) {
			return null;
		}
		return is_array( $found ) ? self::values( $found, count( $rows ) ) : null;
	}

	/**
	 * Elsewhere (MySQL, older MariaDB or SQLite): the INSERT, then a SELECT of the values, in one
	 * transaction, whose row locks (InnoDB) or write lock (SQLite) are held until COMMIT.
	 *
	 * @param Count[] $counts The hits.
	 * @return array<string, int>|null Values by self::row().
	 */
	private static function transaction_upsert( array $counts ): ?array {
		global $wpdb;
		$table  = self::table();
		$values = array();
		foreach ( self::rows( $counts, false ) as $add ) {
			$values[] = $wpdb->prepare( '(%s, %d, 1)', $add[0], $add[1] );
		}
		// A test (or a caller) may already hold a transaction open (autocommit off): START
		// TRANSACTION would commit it, and its open transaction holds the row locks until it ends
		// anyway. SQLite's driver keeps its own transaction depth.
		// phpcs:disable WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- the counters table, must not be cached; every value is prepared above or in rows_where().
		$own = self::is_sqlite() || '1' === (string) $wpdb->get_var( 'SELECT @@autocommit' );
		if ( $own ) {
			$wpdb->query( 'START TRANSACTION' );
		}
		// Rows in key order, the order InnoDB locks them in for the UPDATE of subtract_each() too,
		// so two requests never wait for each other's rows in a circle.
		$done = $wpdb->query( "INSERT INTO {$table} (counter_key, window_start, hits) VALUES " . implode( ', ', $values ) . ' ON DUPLICATE KEY UPDATE hits = hits + 1' );
		$rows = false === $done ? null : $wpdb->get_results( "SELECT counter_key, window_start, hits FROM {$table} WHERE " . self::rows_where( self::rows( $counts, true ) ), 'ARRAY_N' );
		if ( $own ) {
			$wpdb->query( is_array( $rows ) ? 'COMMIT' : 'ROLLBACK' );
		}
		// phpcs:enable
		return is_array( $rows ) ? self::values( $rows, 0 ) : null;
	}

	/**
	 * The values read, by self::row(); null when fewer rows came back than were written.
	 *
	 * @param array<int|string, mixed> $found   Rows of (key, window start, hits), by position.
	 * @param int                      $written How many rows the statement wrote (0: not checked).
	 * @return array<string, int>|null
	 */
	private static function values( array $found, int $written ): ?array {
		$read = array();
		foreach ( $found as $row ) {
			if ( is_array( $row ) && isset( $row[0], $row[1], $row[2] ) ) {
				$read[ self::row( (string) $row[0], (int) $row[1] ) ] = (int) $row[2];
			}
		}
		return count( $read ) < $written ? null : $read;
	}

	/**
	 * Every row of some counts with what to add to it, in key order: 1 to each count's window, 0
	 * to an earlier window a count only reads.
	 *
	 * @param Count[] $counts The counts.
	 * @return array<int, array{0: string, 1: int, 2: int}>
	 */
	private static function increments( array $counts ): array {
		$adds = array();
		foreach ( self::rows( $counts, false ) as $row ) {
			$adds[ self::row( $row[0], $row[1] ) ] = true;
		}
		$rows = array();
		foreach ( self::rows( $counts, true ) as $row ) {
			$rows[] = array( $row[0], $row[1], isset( $adds[ self::row( $row[0], $row[1] ) ] ) ? 1 : 0 );
		}
		return $rows;
	}

	/**
	 * The connection of the SQLite Database Integration (3.0 and newer) when its SQLite can return
	 * the rows of an upsert (3.35 and newer), else null.
	 */
	private static function sqlite_connection(): ?object {
		global $wpdb;
		if ( ! self::is_sqlite() ) {
			return null;
		}
		$driver = $wpdb->dbh ?? null;
		if ( ! is_object( $driver ) || ! method_exists( $driver, 'get_connection' ) || ! method_exists( $driver, 'get_sqlite_version' ) ) {
			return null;
		}
		$connection = $driver->get_connection();
		return is_object( $connection ) && version_compare( (string) $driver->get_sqlite_version(), '3.35.0', '>=' ) ? $connection : null;
	}

	/**
	 * Whether the database is MariaDB 10.5 or newer (INSERT … RETURNING), from the version the
	 * server announced when the connection opened: no query.
	 */
	private static function mariadb_returns(): bool {
		global $wpdb;
		if ( self::is_sqlite() || ! preg_match( '/(\d+)\.(\d+)\.(\d+)-MariaDB/i', (string) $wpdb->db_server_info(), $version ) ) {
			return false;
		}
		return version_compare( $version[1] . '.' . $version[2] . '.' . $version[3], '10.5.0', '>=' );
	}

	/**
	 * The distinct rows (key, window start) of some counts, in key order.
	 *
	 * @param Count[] $counts         The counts.
	 * @param bool    $with_previous  Whether the earlier windows they name are included.
	 * @return array<int, array{0: string, 1: int}>
	 */
	private static function rows( array $counts, bool $with_previous ): array {
		$rows = array();
		foreach ( $counts as $count ) {
			$rows[ self::row( $count->key(), $count->start() ) ] = array( $count->key(), $count->start() );
			if ( $with_previous && null !== $count->previous() ) {
				$rows[ self::row( $count->key(), $count->previous() ) ] = array( $count->key(), $count->previous() );
			}
		}
		ksort( $rows, SORT_STRING );
		return array_values( $rows );
	}

	/**
	 * A prepared WHERE condition matching these rows.
	 *
	 * @param array<int, array{0: string, 1: int}> $rows The rows.
	 */
	private static function rows_where( array $rows ): string {
		global $wpdb;
		$each = array();
		foreach ( $rows as $row ) {
			$each[] = (string) $wpdb->prepare( '(counter_key = %s AND window_start = %d)', $row[0], $row[1] );
		}
		return implode( ' OR ', $each );
	}

	/**
	 * One row's name in add_each()'s answer.
	 *
	 * @param string $key   Counter key.
	 * @param int    $start Start of the window.
	 */
	private static function row( string $key, int $start ): string {
		return $key . '@' . $start;
	}

	/**
	 * Prunes now and then, so a site without working cron does not keep old windows forever: at
	 * the end of the request (shutdown), not in the middle of it — the DELETE is no business of
	 * the visitor waiting for this request's answer, and a count must never lose the rows it is
	 * still reading (a window already old, as in tests that count at fixed past times).
	 */
	private function maybe_prune(): void {
		if ( ! $this->prune_queued && 1 === wp_rand( 1, 500 ) ) {
			$this->prune_queued = true;
			add_action( 'shutdown', array( $this, 'prune' ) );
		}
	}
}
