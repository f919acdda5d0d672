<?php
/**
 * Adds `wp dify-chatbot` when WP-CLI runs.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Cli;

use Dify_Chatbot\Registrable;
use WP_CLI;

/**
 * The commands exist only inside WP-CLI: on a web request nothing here is loaded beyond this
 * class, and WP-CLI's own classes are never asked for.
 */
final class Commands implements Registrable {

	public const NAME = 'dify-chatbot';

	/**
	 * The command object (its public methods are the subcommands).
	 *
	 * @var Command
	 */
	private Command $command;

	/**
	 * `wp dify-chatbot bots …`.
	 *
	 * @var Bots_Command|null
	 */
	private ?Bots_Command $bots;

	/**
	 * `wp dify-chatbot usage`.
	 *
	 * @var Usage_Command|null
	 */
	private ?Usage_Command $usage;

	/**
	 * Keeps the commands.
	 *
	 * @param Command            $command The subcommands.
	 * @param Bots_Command|null  $bots    `wp dify-chatbot bots …`.
	 * @param Usage_Command|null $usage   `wp dify-chatbot usage`.
	 */
	public function __construct( Command $command, ?Bots_Command $bots = null, ?Usage_Command $usage = null ) {
		$this->command = $command;
		$this->bots    = $bots;
		$this->usage   = $usage;
	}

	/**
	 * Adds the command when WordPress runs under WP-CLI.
	 */
	public function register(): void {
		if ( ! self::in_wp_cli() ) {
			return;
		}
		// Its description is Command's doc comment (WP-CLI reads it): this runs on plugins_loaded,
		// before translations may be loaded.
		WP_CLI::add_command( self::NAME, $this->command );
		if ( null !== $this->bots ) {
			WP_CLI::add_command( self::NAME . ' bots', $this->bots, array( 'shortdesc' => 'Lists, adds and removes the site’s bots.' ) );
		}
		// A class of its own (the usage table, not the connection); added after its parent.
		if ( null !== $this->usage ) {
			WP_CLI::add_command( self::NAME . ' usage', $this->usage );
		}
	}

	/**
	 * Whether this PHP process is WP-CLI.
	 */
	public static function in_wp_cli(): bool {
		return defined( 'WP_CLI' ) && WP_CLI && class_exists( WP_CLI::class );
	}
}
