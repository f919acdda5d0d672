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
	 * Keeps the collaborators.
	 *
	 * @param Counter_Store $store  The counters.
	 * @param Option        $option The settings.
	 */
	public function __construct( Counter_Store $store, Option $option ) {
		$this->store  = $store;
		$this->option = $option;
	}

	/**
	 * Counts reported tokens.
	 */
	public function register(): void {
		add_action( Token_Usage::ACTION, array( $this, 'record' ) );
	}

	/**
	 * Adds tokens to today's usage while a budget is set. With no budget there is nothing to hold
	 * the usage against, and counting it would be a database write after every answer.
	 *
	 * @param mixed    $tokens Tokens used by one answer.
	 * @param int|null $now    The time (tests).
	 */
	public function record( $tokens, ?int $now = null ): void {
		if ( ! is_int( $tokens ) || $tokens <= 0 || $this->option->get()['daily_token_budget'] <= 0 ) {
			return;
		}
		$now = null === $now ? time() : $now;
		$this->store->add( self::KEY, self::day_start( $now ), self::day_end( $now ) - self::day_start( $now ), $tokens );
	}

	/**
	 * Tokens used today (site day).
	 *
	 * @param int|null $now The time (tests).
	 */
	public function used_today( ?int $now = null ): int {
		return $this->store->get( self::KEY, self::day_start( null === $now ? time() : $now ) );
	}

	/**
	 * A refusal when today's budget is spent, else null.
	 *
	 * @param int|null $now The time (tests).
	 */
	public function check( ?int $now = null ): ?WP_Error {
		$now    = null === $now ? time() : $now;
		$budget = $this->option->get()['daily_token_budget'];
		if ( $budget <= 0 || $this->used_today( $now ) < $budget ) {
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
