<?php
/**
 * Counts each chat message's usage and each refused chat message.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Usage;

use Dify_Chatbot\Registrable;
use Dify_Chatbot\Rest\Api;
use Dify_Chatbot\Security\Budget;
use Dify_Chatbot\Security\Chat_Policy;
use Dify_Chatbot\Security\Daily_Cap;
use Dify_Chatbot\Security\Rate_Limiter;
use Dify_Chatbot\Security\Stream_Slots;
use WP_Error;
use WP_REST_Request;

/**
 * The chat route calls answered() once a message's answer has ended, which writes the message,
 * the tokens Dify reported for it and whether it failed in one statement. A chat message its
 * permission callback refused (rate limit, budget, who may chat, stream cap, daily cap) is counted
 * by its refusal's code, once, as WordPress finishes the request. An upstream failure (Dify's own
 * 429, say) is the route's answer, not a refusal: it counts as a message with an error.
 */
final class Usage_Recorder implements Registrable {

	/**
	 * The refusal codes counted, by the reason they count as.
	 */
	private const REASONS = array(
		Rate_Limiter::CODE          => 'rate_limit',
		Budget::CODE                => 'budget',
		Chat_Policy::LOGIN_REQUIRED => 'who_may_chat',
		Chat_Policy::FORBIDDEN      => 'who_may_chat',
		Stream_Slots::CODE          => 'stream_cap',
		Daily_Cap::CODE             => 'daily_cap',
	);

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
	 * Listens to the chat route's refusals.
	 */
	public function register(): void {
		// Before Visitor_Guard::retry_after (10) turns the refusal into a response.
		add_filter( 'rest_request_after_callbacks', array( $this, 'refused' ), 9, 3 );
	}

	/**
	 * Writes a message's usage once its answer has ended: one statement.
	 *
	 * @param string $bot    The bot's slug (Usage_Store::slug()).
	 * @param int    $tokens The tokens Dify reported for the answer.
	 * @param bool   $failed Whether the answer ended in an error.
	 * @param int    $count  1 for a message, 0 for the rest of a run resumed after a form.
	 */
	public function answered( string $bot, int $tokens, bool $failed, int $count = 1 ): void {
		$this->store->message( $bot, $tokens, $failed, $count );
	}

	/**
	 * Counts a chat message refused before it ran (passes the response through).
	 *
	 * @param mixed $response The route's answer so far.
	 * @param mixed $handler  The route's handler.
	 * @param mixed $request  The request.
	 * @return mixed
	 */
	public function refused( $response, $handler, $request ) {
		if ( ! $response instanceof WP_Error || ! $request instanceof WP_REST_Request || '/' . Api::NAMESPACE . '/chat' !== $request->get_route() ) {
			return $response;
		}
		$reason = self::REASONS[ $response->get_error_code() ] ?? null;
		if ( null !== $reason ) {
			$this->store->refusal( Usage_Store::slug( $request->get_param( 'bot' ) ), $reason );
		}
		return $response;
	}
}
