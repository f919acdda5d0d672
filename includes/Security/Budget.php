<?php
/**
 * The site's daily token budget.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Security;

use DateTimeImmutable;
use Dify_Chatbot\Dify\Relay\Token_Usage;
use Dify_Chatbot\Registrable;
use Dify_Chatbot\Settings\Bots;
use Dify_Chatbot\Settings\Encryption;
use Dify_Chatbot\Settings\Option;
use WP_Error;

/**
 * Tokens are counted per site day (site timezone) from what Dify reports at the end of each
 * answer, announced through the action Token_Usage::ACTION, while a budget is set (no budget: no
 * count, no write). When the day's budget is spent,
 * chats are refused with 503 until the next site day. An answer already running may go over the
 * budget: Dify reports usage only at its end.
 */
final class Budget implements Registrable {

	public const CODE = 'dify_chatbot_budget_spent';

	private const KEY = 'budget:tokens';

	/**
	 * The counters.
	 *
	 * @var Counter_Store
	 */
	private Counter_Store $store;

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
	 * @param Counter_Store $store  The counters.
	 * @param Option        $option The settings (the default bot's budget).
	 * @param Bots|null     $bots   The bots; built from the option when first needed.
	 */
	public function __construct( Counter_Store $store, Option $option, ?Bots $bots = null ) {
		$this->store  = $store;
		$this->option = $option;
		$this->bots   = $bots;
	}

	/**
	 * Counts reported tokens.
	 */
	public function register(): void {
		add_action( Token_Usage::ACTION, array( $this, 'reported' ), 10, 3 );
	}

	/**
	 * What Token_Usage::ACTION announces: the tokens, the app mode and the bot's slug.
	 *
	 * @param mixed $tokens Tokens used by one answer.
	 * @param mixed $mode   The app mode (unused).
	 * @param mixed $bot    The bot's slug.
	 */
	public function reported( $tokens, $mode = '', $bot = Bots::DEFAULT ): void {
		$this->record( $tokens, null, Bots::slug_of( $bot ) );
	}

	/**
	 * Adds tokens to today's usage while a budget is set. With no budget there is nothing to hold
	 * the usage against, and counting it would be a database write after every answer.
	 *
	 * @param mixed    $tokens Tokens used by one answer.
	 * @param int|null $now    The time (tests).
	 * @param string   $bot    The bot's slug.
	 */
	public function record( $tokens, ?int $now = null, string $bot = Bots::DEFAULT ): void {
		if ( ! is_int( $tokens ) || $tokens <= 0 || $this->budget( $bot ) <= 0 ) {
			return;
		}
		$now = null === $now ? time() : $now;
		$this->store->add( self::key( $bot ), self::day_start( $now ), self::day_end( $now ) - self::day_start( $now ), $tokens );
	}

	/**
	 * Tokens a bot used today (site day).
	 *
	 * @param int|null $now The time (tests).
	 * @param string   $bot The bot's slug.
	 */
	public function used_today( ?int $now = null, string $bot = Bots::DEFAULT ): int {
		return $this->store->get( self::key( $bot ), self::day_start( null === $now ? time() : $now ) );
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
	 * The counter of a bot's tokens: the default bot keeps the key it had before there were
	 * several bots, so an upgrade does not reset the day's count.
	 *
	 * @param string $bot The bot's slug (at most 40 characters: the key fits the table's 64).
	 */
	private static function key( string $bot ): string {
		return Bots::DEFAULT === $bot ? self::KEY : self::KEY . ':' . $bot;
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
