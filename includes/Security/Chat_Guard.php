<?php
/**
 * The checks a chat message passes before anything is sent to Dify.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Security;

use Dify_Chatbot\Registrable;
use WP_Error;
use WP_REST_Request;

/**
 * Answers the filter `dify_chatbot_chat_refusal` that the chat route applies before its first
 * upstream call: who may chat (401/403), the daily token budget (503), then the rate limits (429).
 * The budget comes before the limits so a refused message does not use up the visitor's quota.
 */
final class Chat_Guard implements Registrable {

	public const FILTER = 'dify_chatbot_chat_refusal';

	/**
	 * Who may chat.
	 *
	 * @var Chat_Policy
	 */
	private Chat_Policy $policy;

	/**
	 * The daily budget.
	 *
	 * @var Budget
	 */
	private Budget $budget;

	/**
	 * The rate limits.
	 *
	 * @var Rate_Limiter
	 */
	private Rate_Limiter $limiter;

	/**
	 * Keeps the checks.
	 *
	 * @param Chat_Policy  $policy  Who may chat.
	 * @param Budget       $budget  The daily budget.
	 * @param Rate_Limiter $limiter The rate limits.
	 */
	public function __construct( Chat_Policy $policy, Budget $budget, Rate_Limiter $limiter ) {
		$this->policy  = $policy;
		$this->budget  = $budget;
		$this->limiter = $limiter;
	}

	/**
	 * Adds the filter.
	 */
	public function register(): void {
		add_filter( self::FILTER, array( $this, 'refusal' ), 10, 3 );
	}

	/**
	 * The refusal of a chat message, or what an earlier callback returned.
	 *
	 * @param WP_Error|null   $refusal A refusal from an earlier callback.
	 * @param WP_REST_Request $request The chat request.
	 * @param string          $user    The Dify user of the visitor.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return WP_Error|null
	 */
	public function refusal( $refusal, WP_REST_Request $request, string $user ): ?WP_Error {
		if ( $refusal instanceof WP_Error ) {
			return $refusal;
		}
		$refusal = $this->policy->check( $request );
		if ( null === $refusal ) {
			$refusal = $this->budget->check();
		}
		if ( null === $refusal ) {
			$refusal = $this->limiter->hit( $user, $_SERVER );
		}
		return $refusal;
	}
}
