<?php
/**
 * The site-wide cap on paid calls to Dify per day.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Security;

use Dify_Chatbot\Registrable;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Settings\Settings_Page;
use WP_Error;

/**
 * Bounds what the whole site can spend in a day with no configuration: every chat message and
 * every call that costs the Dify account money besides one (file uploads, speech to text, text to
 * speech, suggested questions) counts one, per site day, in the shared Counter_Store; past the
 * cap they are refused with 503 until the next site day. Unlike the token budget, the count is
 * known before the call, so nothing over the cap reaches Dify.
 *
 * With the cap and the token budget both off nothing bounds the spend, and administrators are
 * told so by a notice until one of them is set again.
 */
final class Daily_Cap implements Registrable {

	public const CODE = 'dify_chatbot_daily_cap';

	private const KEY = 'spend:calls';

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
	 * Warns administrators while nothing bounds the spend.
	 */
	public function register(): void {
		add_action( 'admin_notices', array( $this, 'notice' ) );
	}

	/**
	 * Counts one paid call and refuses it when today's cap is passed.
	 *
	 * @param int|null $now The time (tests).
	 */
	public function hit( ?int $now = null ): ?WP_Error {
		$refused = $this->store->admit( $this->counts( $now ) );
		return null === $refused ? null : $refused->refusal();
	}

	/**
	 * The paid call's hit of today's count (none while the cap is off). A refused call is not
	 * spent: its hit is taken back, so the count is what reached Dify.
	 *
	 * @param int|null $now The time (tests).
	 * @return Count[]
	 */
	public function counts( ?int $now = null ): array {
		$now = null === $now ? time() : $now;
		$cap = $this->option->get()['daily_message_cap'];
		if ( $cap <= 0 ) {
			return array();
		}
		$seconds = max( 1, Budget::day_end( $now ) - $now );
		$refusal = static function () use ( $seconds ): WP_Error {
			return new WP_Error(
				self::CODE,
				__( 'The assistant has answered all the questions it can for today. Please come back tomorrow.', 'dify-chatbot' ),
				array(
					'status'      => 503,
					'retry_after' => $seconds,
				)
			);
		};
		return array( new Count( self::KEY, Budget::day_start( $now ), $cap, $refusal, true ) );
	}

	/**
	 * Paid calls counted today (site day).
	 *
	 * @param int|null $now The time (tests).
	 */
	public function used_today( ?int $now = null ): int {
		return $this->store->get( self::KEY, Budget::day_start( null === $now ? time() : $now ) );
	}

	/**
	 * Whether neither the daily cap nor the token budget bounds the spend.
	 */
	public function is_unbounded(): bool {
		$settings = $this->option->get();
		return $settings['daily_message_cap'] <= 0 && $settings['daily_token_budget'] <= 0;
	}

	/**
	 * The admin notice while the spend is unbounded (to those who can change it).
	 */
	public function notice(): void {
		if ( ! current_user_can( 'manage_options' ) || ! $this->is_unbounded() ) {
			return;
		}
		printf(
			'<div class="notice notice-warning"><p>%s <a href="%s">%s</a></p></div>',
			esc_html__( 'Dify Chatbot: no daily limit bounds what visitors can spend on your Dify account (the daily message cap and the daily token budget are both off).', 'dify-chatbot' ),
			esc_url( admin_url( 'options-general.php?page=' . Settings_Page::SLUG ) ),
			esc_html__( 'Set one', 'dify-chatbot' )
		);
	}
}
