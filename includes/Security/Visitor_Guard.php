<?php
/**
 * The checks of the visitor routes besides the chat message itself.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Security;

use Dify_Chatbot\Registrable;
use Dify_Chatbot\Rest\Visitor_Permission;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;

/**
 * Answers the filter `dify_chatbot_visitor_refusal` that every visitor route's permission callback
 * applies (Rest\Visitor_Permission): who may chat (401/403) for all of them, and for the routes that
 * cost an upstream call per request (feedback, follow-up questions) the rate limits of the
 * separate, more generous action bucket (429). A 429 gets its Retry-After header like the chat's.
 */
final class Visitor_Guard implements Registrable {

	/**
	 * Who may chat.
	 *
	 * @var Chat_Policy
	 */
	private Chat_Policy $policy;

	/**
	 * The rate limits.
	 *
	 * @var Rate_Limiter
	 */
	private Rate_Limiter $limiter;

	/**
	 * Derives the Dify user (the rate limits count per visitor).
	 *
	 * @var Visitor_Identity
	 */
	private Visitor_Identity $identity;

	/**
	 * Keeps the checks.
	 *
	 * @param Chat_Policy      $policy   Who may chat.
	 * @param Rate_Limiter     $limiter  The rate limits.
	 * @param Visitor_Identity $identity Derives the Dify user.
	 */
	public function __construct( Chat_Policy $policy, Rate_Limiter $limiter, Visitor_Identity $identity ) {
		$this->policy   = $policy;
		$this->limiter  = $limiter;
		$this->identity = $identity;
	}

	/**
	 * Adds the filters.
	 */
	public function register(): void {
		add_filter( Visitor_Permission::FILTER, array( $this, 'refusal' ), 10, 3 );
		add_filter( 'rest_request_after_callbacks', array( $this, 'retry_after' ), 10, 3 );
	}

	/**
	 * The refusal of a visitor request, or what an earlier callback returned.
	 *
	 * @param WP_Error|null   $refusal A refusal from an earlier callback.
	 * @param WP_REST_Request $request The request.
	 * @param bool            $limited Whether the route counts against the rate limits.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return WP_Error|null
	 */
	public function refusal( $refusal, WP_REST_Request $request, bool $limited ): ?WP_Error {
		if ( $refusal instanceof WP_Error ) {
			return $refusal;
		}
		$refusal = $this->policy->check( $request );
		if ( null === $refusal && $limited ) {
			$refusal = $this->limiter->hit( $this->identity->user(), $_SERVER, null, Rate_Limiter::ACTIONS );
		}
		return $refusal;
	}

	/**
	 * Adds Retry-After to a rate-limit refusal from a permission callback (WordPress would send
	 * only the status).
	 *
	 * @param mixed $response The route's answer so far.
	 * @return mixed
	 */
	public function retry_after( $response ) {
		if ( ! $response instanceof WP_Error || Rate_Limiter::CODE !== $response->get_error_code() ) {
			return $response;
		}
		$data = $response->get_error_data();
		$rest = rest_convert_error_to_response( $response );
		if ( is_array( $data ) && isset( $data['retry_after'] ) ) {
			$rest->header( 'Retry-After', (string) (int) $data['retry_after'] );
		}
		return $rest;
	}
}
