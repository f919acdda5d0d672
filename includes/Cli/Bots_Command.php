<?php
/**
 * `wp dify-chatbot bots list|add|remove`.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Cli;

use Dify_Chatbot\Dify\Removed_Bot;
use Dify_Chatbot\Settings\Bots;
use Dify_Chatbot\Settings\Settings;
use WP_CLI;
use WP_Error;

/**
 * Lists, adds and removes the site's bots (Settings\Bots), with the rules of the settings
 * screen. A new bot's key is set with `wp dify-chatbot set-key --bot=<slug>`, which reads it from
 * standard input: never from an argument. No output holds a key beyond its last four characters.
 */
final class Bots_Command {

	/**
	 * The bots.
	 *
	 * @var Bots
	 */
	private Bots $bots;

	/**
	 * Keeps the bots.
	 *
	 * @param Bots $bots The bots.
	 */
	public function __construct( Bots $bots ) {
		$this->bots = $bots;
	}

	/**
	 * Lists the bots: the default first, then by name.
	 *
	 * ## OPTIONS
	 *
	 * [--format=<format>]
	 * : How to print it.
	 * ---
	 * default: table
	 * options:
	 *   - table
	 *   - json
	 * ---
	 *
	 * ## EXAMPLES
	 *
	 *     wp dify-chatbot bots list
	 *     wp dify-chatbot bots list --format=json
	 *
	 * @subcommand list
	 *
	 * @param string[]             $args       Positional arguments (none).
	 * @param array<string, mixed> $assoc_args Named arguments.
	 */
	public function list_( array $args, array $assoc_args ): void {
		$rows = array();
		foreach ( $this->bots->all() as $bot ) {
			$row    = Bots::describe( $bot );
			$rows[] = array(
				'slug'          => $row['slug'],
				'name'          => $row['name'],
				'base_url'      => $row['base_url'],
				'configured'    => $row['configured'] ? 'yes' : 'no',
				'api_key_last4' => $row['api_key_last4'],
				'response_mode' => $row['response_mode'],
				'read_only'     => $row['read_only'] ? 'yes' : 'no',
			);
		}
		if ( isset( $assoc_args['format'] ) && 'json' === $assoc_args['format'] ) {
			WP_CLI::line( (string) wp_json_encode( $rows, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE ) );
			return;
		}
		// Columns padded to their widest cell (the header included).
		$columns = array_keys( $rows[0] );
		$widths  = array();
		foreach ( $columns as $column ) {
			$widths[ $column ] = max( array_map( 'mb_strlen', array_merge( array( $column ), array_column( $rows, $column ) ) ) );
		}
		foreach ( array_merge( array( array_combine( $columns, $columns ) ), $rows ) as $row ) {
			$cells = array();
			foreach ( $columns as $column ) {
				$cells[] = $row[ $column ] . str_repeat( ' ', $widths[ $column ] - mb_strlen( $row[ $column ] ) );
			}
			WP_CLI::line( rtrim( implode( '  ', $cells ) ) );
		}
	}

	/**
	 * Adds a bot. Set its key afterwards: wp dify-chatbot set-key --bot=<slug>
	 *
	 * ## OPTIONS
	 *
	 * --slug=<slug>
	 * : 1 to 40 lower-case letters, digits, hyphens and underscores.
	 *
	 * --name=<name>
	 * : The name editors choose the bot by.
	 *
	 * --base-url=<url>
	 * : The Dify API base URL of the bot's app.
	 *
	 * [--response-mode=<mode>]
	 * : Whether answers stream in or arrive whole.
	 * ---
	 * default: streaming
	 * options:
	 *   - streaming
	 *   - blocking
	 * ---
	 *
	 * ## EXAMPLES
	 *
	 *     wp dify-chatbot bots add --slug=sales --name="Sales" --base-url=https://api.dify.ai/v1
	 *
	 * @param string[]             $args       Positional arguments (none).
	 * @param array<string, mixed> $assoc_args Named arguments.
	 */
	public function add( array $args, array $assoc_args ): void {
		$bot = $this->bots->add(
			array(
				'slug'          => $assoc_args['slug'] ?? '',
				'name'          => $assoc_args['name'] ?? null,
				'base_url'      => $assoc_args['base-url'] ?? null,
				'response_mode' => $assoc_args['response-mode'] ?? 'streaming',
			)
		);
		if ( $bot instanceof WP_Error ) {
			WP_CLI::error( $bot->get_error_message() );
		}
		if ( $bot instanceof Settings ) {
			/* translators: 1: a bot's name, 2: its slug. */
			WP_CLI::success( sprintf( __( 'The bot “%1$s” is added. Set its key: wp dify-chatbot set-key --bot=%2$s', 'dify-chatbot' ), $bot->name(), $bot->slug() ) );
		}
	}

	/**
	 * Removes a bot and its key (not the default bot, nor one defined in wp-config.php).
	 *
	 * ## OPTIONS
	 *
	 * <slug>
	 * : The bot's slug.
	 *
	 * ## EXAMPLES
	 *
	 *     wp dify-chatbot bots remove sales
	 *
	 * @param string[]             $args       The slug.
	 * @param array<string, mixed> $assoc_args Named arguments (none).
	 */
	public function remove( array $args, array $assoc_args ): void {
		$slug = $args[0] ?? '';
		$bot  = $this->bots->get( $slug );
		if ( null !== $bot && ! $bot->is_default() && ! $bot->read_only() ) {
			Removed_Bot::clean( $bot );
		}
		$removed = $this->bots->remove( $slug );
		if ( $removed instanceof WP_Error ) {
			WP_CLI::error( $removed->get_error_message() );
		}
		/* translators: %s: a bot's slug. */
		WP_CLI::success( sprintf( __( 'The bot “%s” and its key are removed.', 'dify-chatbot' ), $slug ) );
	}
}
