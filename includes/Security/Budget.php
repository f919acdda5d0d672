<?php
/**
 * Each bot's daily token budget.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Security;

use DateTimeImmutable;
use Dify_Chatbot\Settings\Bots;
use Dify_Chatbot\Settings\Encryption;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Usage\Usage_Store;
use WP_Error;

/**
 * A bot's tokens of the site day (site timezone) are those of its usage row: the usage recorder
 * adds what Dify reports at the end of each answer (and of a run resumed after a Human Input
 * form) in the one statement that counts the message, before the request ends, so the next
 * message's check reads them — the budget writes nothing of its own. When the day's budget is
 * spent, chats are refused with 503 until the next site day. An answer already running may go
 * over the budget: Dify reports usage only at its end.
 */
final class Budget {

	public const CODE = 'dify_chatbot_budget_spent';

	/**
	 * The usage rows (today's tokens per bot).
	 *
	 * @var Usage_Store
	 */
	private Usage_Store $usage;

	/**
	 * The settings.
	 *
	 * @var Option
	 */
	private Option $option;

	/**
	 * The bots (each has its own budget).
	 *
	 * @var Bots|null
	 */
	private ?Bots $bots;

	/**
	 * Keeps the collaborators.
	 *
	 * @param Usage_Store $usage  The usage rows.
	 * @param Option      $option The settings (the default bot's budget).
	 * @param Bots|null   $bots   The bots; built from the option when first needed.
	 */
	public function __construct( Usage_Store $usage, Option $option, ?Bots $bots = null ) {
		$this->usage  = $usage;
		$this->option = $option;
		$this->bots   = $bots;
	}

	/**
	 * Tokens a bot used today (site day), as its usage row counts them.
	 *
	 * @param int|null $now The time (tests).
	 * @param string   $bot The bot's slug.
	 */
	public function used_today( ?int $now = null, string $bot = Bots::DEFAULT ): int {
		return $this->usage->tokens_today( $bot, $now );
	}

	/**
	 * A refusal when the bot's budget for today is spent, else null.
	 *
	 * @param int|null $now The time (tests).
	 * @param string   $bot The bot's slug.
	 */
	public function check( ?int $now = null, string $bot = Bots::DEFAULT ): ?WP_Error {
		$now    = null === $now ? time() : $now;
		$budget = $this->budget( $bot );
		if ( $budget <= 0 || $this->used_today( $now, $bot ) < $budget ) {
			return null;
		}
		return new WP_Error(
			self::CODE,
			__( 'The assistant has answered all the questions it can for today. Please come back tomorrow.', 'dify-chatbot' ),
			array(
				'status'      => 503,
				'retry_after' => max( 1, self::day_end( $now ) - $now ),
			)
		);
	}

	/**
	 * A bot's daily token budget (0 = none).
	 *
	 * @param string $bot The bot's slug.
	 */
	private function budget( string $bot ): int {
		if ( Bots::DEFAULT === $bot ) {
			return $this->option->get()['daily_token_budget'];
		}
		$this->bots ??= new Bots( $this->option, new Encryption() );
		$settings     = $this->bots->get( $bot );
		return null !== $settings ? $settings->limits()['daily_token_budget'] : 0;
	}

	/**
	 * Start of the site day containing $now.
	 *
	 * @param int $now Unix time.
	 */
	public static function day_start( int $now ): int {
		return ( new DateTimeImmutable( '@' . $now ) )->setTimezone( wp_timezone() )->setTime( 0, 0 )->getTimestamp();
	}

	/**
	 * Start of the next site day after $now.
	 *
	 * @param int $now Unix time.
	 */
	public static function day_end( int $now ): int {
		return ( new DateTimeImmutable( '@' . $now ) )->setTimezone( wp_timezone() )->setTime( 0, 0 )->modify( '+1 day' )->getTimestamp();
	}
}
