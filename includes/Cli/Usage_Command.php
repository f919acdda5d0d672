<?php
/**
 * `wp dify-chatbot usage`.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Cli;

use Dify_Chatbot\Usage\Usage_Csv;
use Dify_Chatbot\Usage\Usage_Store;
use WP_CLI;
use WP_CLI\Formatter;

/**
 * `wp dify-chatbot usage`: the usage table (Usage_Store) in a terminal. WP-CLI reads the
 * command's description and options from __invoke()'s doc comment.
 */
final class Usage_Command {

	/**
	 * The usage table.
	 *
	 * @var Usage_Store
	 */
	private Usage_Store $store;

	/**
	 * Keeps the store.
	 *
	 * @param Usage_Store $store The usage table.
	 */
	public function __construct( Usage_Store $store ) {
		$this->store = $store;
	}

	/**
	 * Shows the chat's usage per day and bot, as Dashboard → Chatbot usage does.
	 *
	 * Messages, the tokens Dify reported for their answers, the answers that ended in an error, and the
	 * chat messages refused by reason (rate limit, budget, who may chat, stream cap, daily cap), for
	 * each of the site's days (its timezone) and each bot. The plugin keeps 30 days of these numbers
	 * and never what visitors wrote.
	 *
	 * ## OPTIONS
	 *
	 * [--days=<days>]
	 * : How many days, today included (1 to 30).
	 * ---
	 * default: 30
	 * ---
	 *
	 * [--bot=<slug>]
	 * : Only this bot (`default` is the default bot).
	 *
	 * [--format=<format>]
	 * : How to print it: a table with a total line, CSV (the screen's download), or JSON.
	 * ---
	 * default: table
	 * options:
	 *   - table
	 *   - csv
	 *   - json
	 * ---
	 *
	 * ## EXAMPLES
	 *
	 *     wp dify-chatbot usage
	 *     wp dify-chatbot usage --days=7 --bot=default
	 *     wp dify-chatbot usage --format=csv > usage.csv
	 *
	 * @param string[]             $args       Positional arguments (none).
	 * @param array<string, mixed> $assoc_args Named arguments.
	 */
	public function __invoke( array $args, array $assoc_args ): void {
		$days = isset( $assoc_args['days'] ) ? (string) $assoc_args['days'] : (string) Usage_Store::KEEP_DAYS;
		if ( ! ctype_digit( $days ) || (int) $days < 1 || (int) $days > Usage_Store::KEEP_DAYS ) {
			/* translators: %d: the most days kept. */
			WP_CLI::error( sprintf( __( '--days must be a whole number from 1 to %d (the plugin keeps that many days).', 'dify-chatbot' ), Usage_Store::KEEP_DAYS ) );
		}
		$bot = null;
		if ( isset( $assoc_args['bot'] ) ) {
			$bot = (string) $assoc_args['bot'];
			if ( ! preg_match( '/^[a-z0-9][a-z0-9_-]{0,39}$/', $bot ) ) {
				WP_CLI::error( __( '--bot must be a bot\'s slug: lower-case letters, digits, - and _ (the default bot is "default").', 'dify-chatbot' ) );
			}
		}
		$rows   = $this->store->rows( (int) $days, $bot );
		$format = isset( $assoc_args['format'] ) ? (string) $assoc_args['format'] : 'table';
		if ( 'csv' === $format ) {
			echo Usage_Csv::text( $rows ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- CSV on a terminal, not HTML.
			return;
		}
		if ( 'json' === $format ) {
			WP_CLI::line( (string) wp_json_encode( $rows, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE ) );
			return;
		}
		if ( array() === $rows ) {
			WP_CLI::line( __( 'No chat messages in these days.', 'dify-chatbot' ) );
			return;
		}
		$total  = array_merge(
			array(
				'date' => __( 'total', 'dify-chatbot' ),
				'bot'  => '',
			),
			Usage_Store::totals( $rows )
		);
		$fields = array_merge( array( 'date', 'bot' ), Usage_Store::COLUMNS );
		( new Formatter( $assoc_args, $fields ) )->display_items( array_merge( $rows, array( $total ) ) );
	}
}
