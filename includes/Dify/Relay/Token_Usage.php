<?php
/**
 * The tokens an answer used, as Dify reports them.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Relay;

use Dify_Chatbot\Dify\App\App_Mode;

/**
 * Dify reports the tokens of an answer only at its end (docs/dify-notes.md §5): in
 * `message_end.metadata.usage.total_tokens`, `workflow_finished.data.total_tokens`, and the same
 * fields of a whole (blocking) answer. Every answer, streamed or whole, is announced once through
 * the action ACTION, for a site's own code: the plugin's usage rows (which each bot's daily
 * budget reads) take the tokens from the relay itself, not from this action.
 */
final class Token_Usage {

	public const ACTION = 'dify_chatbot_tokens_used';

	/**
	 * Announces the tokens of one finished answer.
	 *
	 * @param mixed    $data A message_end / workflow_finished event, a blocking body, or an Answer.
	 * @param App_Mode $mode The app mode.
	 * @param string   $bot  The slug of the bot that answered.
	 */
	public static function report( $data, App_Mode $mode, string $bot = 'default' ): void {
		/**
		 * Fires with the tokens Dify reports at the end of an answer (streamed or whole).
		 *
		 * @param int    $tokens Total tokens of the answer (0 when not reported).
		 * @param string $mode   The app mode.
		 * @param string $bot    The slug of the bot that answered (`default` for the default bot).
		 */
		do_action( self::ACTION, self::tokens_in( $data ), $mode->name(), $bot ); // phpcs:ignore WordPress.NamingConventions.PrefixAllGlobals.DynamicHooknameFound -- the constant is 'dify_chatbot_tokens_used'.
	}

	/**
	 * The total tokens in a Dify answer or end event (0 when none are reported).
	 *
	 * @param mixed $data A message_end / workflow_finished event, a blocking body, or an Answer.
	 */
	public static function tokens_in( $data ): int {
		if ( ! is_array( $data ) ) {
			return 0;
		}
		$candidates = array(
			isset( $data['metadata']['usage']['total_tokens'] ) ? $data['metadata']['usage']['total_tokens'] : null,
			isset( $data['data']['total_tokens'] ) ? $data['data']['total_tokens'] : null,
		);
		foreach ( $candidates as $value ) {
			if ( is_numeric( $value ) && (int) $value > 0 ) {
				return (int) $value;
			}
		}
		return 0;
	}
}
