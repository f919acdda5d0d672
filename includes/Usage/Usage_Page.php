<?php
/**
 * Dashboard → Chatbot usage.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Usage;

use Dify_Chatbot\Registrable;
use Dify_Chatbot\Settings\Bots;
use Dify_Chatbot\Settings\Settings_Page;

/**
 * A table of the last 30 days per day and bot (Usage_Store), with totals, a CSV download
 * (admin-post.php, nonce-checked) and a link to the Dify console where the app's own logs are.
 *
 * Under Dashboard, where WordPress keeps what a site owner looks at rather than sets up (Site
 * Health, updates; statistics plugins put theirs there too); a dashboard widget would be too
 * narrow for ten columns over thirty days. Rendered on the server: no script, nothing loaded on
 * other screens.
 */
final class Usage_Page implements Registrable {

	public const SLUG = 'dify-chatbot-usage';

	/**
	 * The admin-post action (and nonce action) of the CSV download.
	 */
	public const CSV_ACTION = 'dify_chatbot_usage_csv';

	/**
	 * The usage table.
	 *
	 * @var Usage_Store
	 */
	private Usage_Store $store;

	/**
	 * The bots (each Dify console's address comes from a bot's base URL).
	 *
	 * @var Bots
	 */
	private Bots $bots;

	/**
	 * Keeps the collaborators.
	 *
	 * @param Usage_Store $store The usage table.
	 * @param Bots        $bots  The bots.
	 */
	public function __construct( Usage_Store $store, Bots $bots ) {
		$this->store = $store;
		$this->bots  = $bots;
	}

	/**
	 * Adds the screen and the download.
	 */
	public function register(): void {
		add_action( 'admin_menu', array( $this, 'add_page' ) );
		add_action( 'admin_post_' . self::CSV_ACTION, array( $this, 'download' ) );
	}

	/**
	 * Adds Dashboard → Chatbot usage.
	 */
	public function add_page(): void {
		add_dashboard_page(
			__( 'Dify Chatbot usage', 'dify-chatbot' ),
			__( 'Chatbot usage', 'dify-chatbot' ),
			'manage_options',
			self::SLUG,
			array( $this, 'render' )
		);
	}

	/**
	 * The screen.
	 */
	public function render(): void {
		if ( ! current_user_can( 'manage_options' ) ) {
			return;
		}
		$rows = $this->store->rows( Usage_Store::KEEP_DAYS );
		// One link per Dify console the bots use (bots of one Dify share theirs).
		$consoles = array();
		foreach ( $this->bots->all() as $bot ) {
			$console = self::console_url( $bot->base_url() );
			if ( '' !== $console ) {
				$consoles[ $console ][] = $bot->name();
			}
		}
		echo '<div class="wrap"><h1>' . esc_html__( 'Dify Chatbot usage', 'dify-chatbot' ) . '</h1>';
		echo '<p>' . esc_html(
			sprintf(
				/* translators: %d: number of days. */
				__( 'Chat messages per day and bot over the last %d days (the site\'s days and timezone). The plugin keeps only these numbers, never what visitors wrote.', 'dify-chatbot' ),
				Usage_Store::KEEP_DAYS
			)
		) . '</p>';
		echo '<p>';
		printf(
			'<a class="button" href="%s">%s</a> ',
			esc_url( wp_nonce_url( admin_url( 'admin-post.php?action=' . self::CSV_ACTION ), self::CSV_ACTION ) ),
			esc_html__( 'Download CSV', 'dify-chatbot' )
		);
		// Dify's service API does not tell an app's id, so a link opens the console's list of
		// apps; each app's Logs & Annotations page is one click from there.
		foreach ( $consoles as $console => $names ) {
			$label = 1 === count( $consoles )
				? __( 'Open the Dify console (the app\'s logs)', 'dify-chatbot' )
				/* translators: %s: the names of the bots whose apps are in this Dify console. */
				: sprintf( __( 'Dify console of %s (the apps\' logs)', 'dify-chatbot' ), implode( ', ', $names ) );
			printf(
				'<a class="button" href="%s" target="_blank" rel="noopener noreferrer">%s</a> ',
				esc_url( $console ),
				esc_html( $label )
			);
		}
		echo '</p>';
		$this->table( $rows );
		printf(
			'<p><a href="%s">%s</a></p></div>',
			esc_url( admin_url( 'options-general.php?page=' . Settings_Page::SLUG ) ),
			esc_html__( 'Limits, budget and connection: Settings → Dify Chatbot', 'dify-chatbot' )
		);
	}

	/**
	 * The table: a row per day and bot, the totals below.
	 *
	 * @param array<int, array<string, int|string>> $rows Rows of Usage_Store::rows().
	 */
	private function table( array $rows ): void {
		$heads = array(
			__( 'Day', 'dify-chatbot' ),
			__( 'Bot', 'dify-chatbot' ),
			__( 'Messages', 'dify-chatbot' ),
			__( 'Tokens', 'dify-chatbot' ),
			__( 'Errors', 'dify-chatbot' ),
			__( 'Refused: rate limit', 'dify-chatbot' ),
			__( 'Refused: budget', 'dify-chatbot' ),
			__( 'Refused: who may chat', 'dify-chatbot' ),
			__( 'Refused: stream cap', 'dify-chatbot' ),
			__( 'Refused: daily cap', 'dify-chatbot' ),
		);
		echo '<table class="widefat striped dify-chatbot-usage" data-today="' . esc_attr( (string) wp_date( 'Y-m-d' ) ) . '"><thead><tr>';
		foreach ( $heads as $head ) {
			echo '<th scope="col">' . esc_html( $head ) . '</th>';
		}
		echo '</tr></thead><tbody>';
		if ( array() === $rows ) {
			echo '<tr><td colspan="10">' . esc_html__( 'No chat messages in these days.', 'dify-chatbot' ) . '</td></tr>';
		}
		foreach ( $rows as $row ) {
			echo '<tr data-date="' . esc_attr( (string) $row['date'] ) . '" data-bot="' . esc_attr( (string) $row['bot'] ) . '"><td>' . esc_html( (string) $row['date'] ) . '</td><td>' . esc_html( (string) $row['bot'] ) . '</td>';
			foreach ( Usage_Store::COLUMNS as $column ) {
				echo '<td data-column="' . esc_attr( $column ) . '">' . esc_html( number_format_i18n( (int) $row[ $column ] ) ) . '</td>';
			}
			echo '</tr>';
		}
		echo '</tbody><tfoot><tr><th scope="row" colspan="2">' . esc_html__( 'Total', 'dify-chatbot' ) . '</th>';
		foreach ( Usage_Store::totals( $rows ) as $column => $total ) {
			echo '<th data-column="' . esc_attr( $column ) . '">' . esc_html( number_format_i18n( $total ) ) . '</th>';
		}
		echo '</tr></tfoot></table>';
	}

	/**
	 * Sends the CSV (nonce and capability checked) and ends the request.
	 */
	public function download(): void {
		check_admin_referer( self::CSV_ACTION );
		if ( ! current_user_can( 'manage_options' ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to do that.', 'dify-chatbot' ), 403 );
		}
		nocache_headers();
		header( 'Content-Type: text/csv; charset=utf-8' );
		header( 'Content-Disposition: attachment; filename="' . self::filename() . '"' );
		header( 'X-Content-Type-Options: nosniff' );
		echo Usage_Csv::text( $this->store->rows( Usage_Store::KEEP_DAYS ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- CSV, not HTML: its cells are made safe for spreadsheets by Usage_Csv.
		exit;
	}

	/**
	 * The download's file name: the site's date, ASCII only.
	 */
	public static function filename(): string {
		return 'dify-chatbot-usage-' . wp_date( 'Y-m-d' ) . '.csv';
	}

	/**
	 * Where the Dify console is for a service API base URL ('' when there is none): Dify Cloud's
	 * API (api.dify.ai) has its console on cloud.dify.ai; a self-hosted Dify serves the console
	 * where the API is, without the trailing `/v1`. Its list of apps, since the service API never
	 * tells an app's id (its /info has name, description, tags, mode and author only).
	 *
	 * @param string $base_url The base URL in force.
	 */
	public static function console_url( string $base_url ): string {
		$parts = wp_parse_url( $base_url );
		if ( ! is_array( $parts ) || ! isset( $parts['scheme'], $parts['host'] ) || ! in_array( strtolower( $parts['scheme'] ), array( 'http', 'https' ), true ) ) {
			return '';
		}
		if ( 'api.dify.ai' === strtolower( $parts['host'] ) ) {
			return 'https://cloud.dify.ai/apps';
		}
		$path = isset( $parts['path'] ) ? rtrim( $parts['path'], '/' ) : '';
		$path = (string) preg_replace( '#/v1$#', '', $path );
		$port = isset( $parts['port'] ) ? ':' . (int) $parts['port'] : '';
		return strtolower( $parts['scheme'] ) . '://' . strtolower( $parts['host'] ) . $port . $path . '/apps';
	}
}
