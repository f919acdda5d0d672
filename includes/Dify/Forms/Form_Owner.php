<?php
/**
 * Who may answer a Human Input form through this site.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Forms;

/**
 * The visitor a form was shown to, for the bot and the app that showed it: the bot's slug
 * (`default` for the default bot), the app (a fingerprint of its base URL and key, so a form of
 * another app never reaches this one) and the visitor's Dify user. A form handle is bound
 * to all three: another visitor, another bot or another app does not find it.
 */
final class Form_Owner {

	/**
	 * The default bot's slug.
	 */
	public const DEFAULT_BOT = 'default';

	/**
	 * The bot's slug.
	 *
	 * @var string
	 */
	private string $bot;

	/**
	 * The app's fingerprint (Client::fingerprint()).
	 *
	 * @var string
	 */
	private string $app;

	/**
	 * The visitor's Dify user.
	 *
	 * @var string
	 */
	private string $user;

	/**
	 * Keeps the three.
	 *
	 * @param string $bot  The bot's slug.
	 * @param string $app  The app's fingerprint.
	 * @param string $user The visitor's Dify user.
	 */
	public function __construct( string $bot, string $app, string $user ) {
		$this->bot  = $bot;
		$this->app  = $app;
		$this->user = $user;
	}

	/**
	 * The bot's slug.
	 */
	public function bot(): string {
		return $this->bot;
	}

	/**
	 * The app's fingerprint.
	 */
	public function app(): string {
		return $this->app;
	}

	/**
	 * The visitor's Dify user.
	 */
	public function user(): string {
		return $this->user;
	}

	/**
	 * Whether another owner is the same visitor of the same bot and app.
	 *
	 * @param Form_Owner $other The other owner.
	 */
	public function is( Form_Owner $other ): bool {
		return $this->bot === $other->bot && hash_equals( $this->app, $other->app ) && hash_equals( $this->user, $other->user );
	}
}
