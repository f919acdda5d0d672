<?php
/**
 * The checks every visitor route passes before anything is sent to Dify.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Security;

use Dify_Chatbot\Registrable;
use Dify_Chatbot\Settings\Bots;
use WP_Error;
use WP_REST_Request;

/**
 * The permission callback of every visitor route, by the kind of route. Every kind first refuses
 * a request another site made the visitor's browser send (Cross_Site: 403), then:
 *
 * - READ (parameters, stop): who may chat (401/403), then the rate limits of the reads' bucket;
 * - ACTION (conversations, feedback — an upstream call each): who may chat, then the rate limits
 *   of the separate, more generous action bucket (429);
 * - PAID (files, voice, follow-up questions — an upstream call that costs the Dify account): as
 *   ACTION, then the site's daily cap (Capacity, 503);
 * - CHAT (a chat message): who may chat, the daily token budget (503), the message limits, then
 *   its stream slots (429) and the site's daily cap (Capacity).
 *
 * The budget and the per-minute and per-visitor limits are those of the bot the request names
 * (`bot`); who may chat, the stream slots, the per-IP day and the daily cap are the site's.
 *
 * WordPress checks a route's schema before its permission callback, so a malformed request gets
 * its 400 without counting against any limit. The cheap refusals come first and the counting
 * last, so a refused request does not use up the visitor's quota.
 *
 * The filters FILTER and CHAT_FILTER let a site add refusals of its own (a WP_Error refuses).
 * They run only once the built-in checks have let the request through, so whatever a filter
 * returns, it can never let through a request the plugin refused.
 */
final class Visitor_Guard implements Registrable {

	public const READ   = 'read';
	public const ACTION = 'action';
	public const CHAT   = 'chat';
	public const PAID   = 'paid';

	/**
	 * A site's own refusal of a visitor request other than a chat message.
	 */
	public const FILTER = 'dify_chatbot_visitor_refusal';

	/**
	 * A site's own refusal of a chat message.
	 */
	public const CHAT_FILTER = 'dify_chatbot_chat_refusal';

	/**
	 * Refuses cross-site requests and method overrides.
	 *
	 * @var Cross_Site
	 */
	private Cross_Site $cross_site;

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
	 * Derives the Dify user (the rate limits count per visitor).
	 *
	 * @var Visitor_Identity
	 */
	private Visitor_Identity $identity;

	/**
	 * The stream slots and the site's daily cap.
	 *
	 * @var Capacity
	 */
	private Capacity $capacity;

	/**
	 * The last request decided, and the decision.
	 *
	 * @var array{0: WP_REST_Request<array<string, mixed>>, 1: true|WP_Error}|null
	 */
	private ?array $last = null;

	/**
	 * The request whose answer WordPress is finishing (see asking_again()), or null.
	 *
	 * @var WP_REST_Request<array<string, mixed>>|null
	 */
	private ?WP_REST_Request $finishing = null;

	/**
	 * Keeps the checks.
	 *
	 * @param Cross_Site       $cross_site Refuses cross-site requests and method overrides.
	 * @param Chat_Policy      $policy     Who may chat.
	 * @param Budget           $budget     The daily budget.
	 * @param Rate_Limiter     $limiter    The rate limits.
	 * @param Visitor_Identity $identity   Derives the Dify user.
	 * @param Capacity         $capacity   The stream slots and the site's daily cap.
	 */
	public function __construct( Cross_Site $cross_site, Chat_Policy $policy, Budget $budget, Rate_Limiter $limiter, Visitor_Identity $identity, Capacity $capacity ) {
		$this->cross_site = $cross_site;
		$this->policy     = $policy;
		$this->budget     = $budget;
		$this->limiter    = $limiter;
		$this->identity   = $identity;
		$this->capacity   = $capacity;
	}

	/**
	 * Adds Retry-After to the refusals that know when to come back.
	 */
	public function register(): void {
		add_filter( 'rest_request_after_callbacks', array( $this, 'retry_after' ), 10, 3 );
		// Core's rest_send_allow_header() runs on rest_post_dispatch at priority 10.
		add_filter( 'rest_post_dispatch', array( $this, 'asking_again' ), 9, 3 );
		add_filter( 'rest_post_dispatch', array( $this, 'done_asking' ), 11, 3 );
	}

	/**
	 * Marks the request whose answer is being finished: WordPress now asks every permission
	 * callback of the route again, with the same request, to list the allowed methods in the
	 * Allow header (rest_send_allow_header). Those questions must not count against the limits
	 * a second time — every message would use up two — nor count a request that was refused
	 * before its permission was asked (a schema error).
	 *
	 * @param mixed $response The answer.
	 * @param mixed $server   The REST server.
	 * @param mixed $request  The request.
	 * @return mixed
	 */
	public function asking_again( $response, $server, $request ) {
		$this->finishing = $request instanceof WP_REST_Request ? $request : null;
		return $response;
	}

	/**
	 * Ends what asking_again() began.
	 *
	 * @param mixed $response The answer.
	 * @return mixed
	 */
	public function done_asking( $response ) {
		$this->finishing = null;
		return $response;
	}

	/**
	 * Permission callback of the routes that only read what every visitor may see.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return true|WP_Error
	 */
	public function read( WP_REST_Request $request ) {
		return $this->check( $request, self::READ );
	}

	/**
	 * Permission callback of the routes that cost an upstream call each.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return true|WP_Error
	 */
	public function action( WP_REST_Request $request ) {
		return $this->check( $request, self::ACTION );
	}

	/**
	 * Permission callback of the routes whose upstream call costs the Dify account (uploads,
	 * voice, follow-up questions).
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return true|WP_Error
	 */
	public function paid( WP_REST_Request $request ) {
		return $this->check( $request, self::PAID );
	}

	/**
	 * Permission callback of a chat message.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return true|WP_Error
	 */
	public function chat( WP_REST_Request $request ) {
		return $this->check( $request, self::CHAT );
	}

	/**
	 * True when a request of this kind may go on, else the refusal.
	 *
	 * @param WP_REST_Request $request The request.
	 * @param string          $kind    READ, ACTION, PAID or CHAT.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return true|WP_Error
	 */
	public function check( WP_REST_Request $request, string $kind ) {
		if ( null !== $this->finishing && $request === $this->finishing ) {
			// Asked again for the Allow header: the decision taken stands; never count anew.
			if ( null !== $this->last && $this->last[0] === $request ) {
				return $this->last[1];
			}
			$refusal = $this->uncounted( $request );
			return null === $refusal ? true : $refusal;
		}
		$decision   = $this->decide( $request, $kind );
		$this->last = array( $request, $decision );
		return $decision;
	}

	/**
	 * Runs the checks of a kind, counting the request against the limits.
	 *
	 * @param WP_REST_Request $request The request.
	 * @param string          $kind    READ, ACTION, PAID or CHAT.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return true|WP_Error
	 */
	private function decide( WP_REST_Request $request, string $kind ) {
		$refusal = $this->uncounted( $request );
		// The route's schema has checked `bot` already (Rest\Visitor_Api::bot_arg()).
		$bot = Bots::slug_of( $request->get_param( 'bot' ) );
		if ( null === $refusal && self::CHAT === $kind ) {
			$refusal = $this->budget->check( null, $bot );
		}
		if ( null === $refusal ) {
			$refusal = $this->site_refusal( $request, $kind );
		}
		if ( null === $refusal ) {
			// Every count of the request (rate limits, then slots and the daily cap) in one write.
			$also    = self::CHAT === $kind ? $this->capacity->chat_counts( $this->identity->user(), $_SERVER ) : ( self::PAID === $kind ? $this->capacity->paid_counts() : array() );
			$refusal = $this->limiter->hit( $this->identity->user(), $_SERVER, null, self::bucket( $kind ), $also, $bot );
			if ( null === $refusal ) {
				$this->capacity->admitted( $also );
			}
		}
		return null === $refusal ? true : $refusal;
	}

	/**
	 * The rate limit bucket of a kind of route.
	 *
	 * @param string $kind READ, ACTION, PAID or CHAT.
	 */
	private static function bucket( string $kind ): string {
		if ( self::CHAT === $kind ) {
			return Rate_Limiter::CHAT;
		}
		return self::READ === $kind ? Rate_Limiter::READS : Rate_Limiter::ACTIONS;
	}

	/**
	 * The refusals that count nothing: another site's request (Cross_Site), then who may chat.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	private function uncounted( WP_REST_Request $request ): ?WP_Error {
		$refusal = $this->cross_site->check( $request );
		return null === $refusal ? $this->policy->check( $request ) : $refusal;
	}

	/**
	 * Adds Retry-After to a refusal from a permission callback that says when to come back (a rate
	 * limit, a spent budget); WordPress would send only the status.
	 *
	 * @param mixed $response The route's answer so far.
	 * @return mixed
	 */
	public function retry_after( $response ) {
		if ( ! $response instanceof WP_Error || ! in_array( $response->get_error_code(), array( Rate_Limiter::CODE, Budget::CODE, Stream_Slots::CODE, Daily_Cap::CODE ), true ) ) {
			return $response;
		}
		$data = $response->get_error_data();
		$rest = rest_convert_error_to_response( $response );
		if ( is_array( $data ) && isset( $data['retry_after'] ) ) {
			$rest->header( 'Retry-After', (string) (int) $data['retry_after'] );
		}
		return $rest;
	}

	/**
	 * The refusal a site adds through the filters, or null.
	 *
	 * @param WP_REST_Request $request The request.
	 * @param string          $kind    READ, ACTION, PAID or CHAT.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	private function site_refusal( WP_REST_Request $request, string $kind ): ?WP_Error {
		$refusal = self::CHAT === $kind ? $this->chat_refusal( $request ) : $this->visitor_refusal( $request, self::READ !== $kind );
		return $refusal instanceof WP_Error ? $refusal : null;
	}

	/**
	 * What the chat message filter answers.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return mixed
	 */
	private function chat_refusal( WP_REST_Request $request ) {
		/**
		 * Filters the refusal of a chat message, asked once the plugin's own checks (who may
		 * chat, daily budget) let it through and before it counts against the rate limits.
		 * Return a WP_Error to refuse; anything else lets the message through.
		 *
		 * @param WP_Error|null   $refusal Null.
		 * @param WP_REST_Request $request The request.
		 * @param string          $user    The Dify user of the visitor.
		 */
		return apply_filters( self::CHAT_FILTER, null, $request, $this->identity->user() ); // phpcs:ignore WordPress.NamingConventions.PrefixAllGlobals.DynamicHooknameFound -- the constant is 'dify_chatbot_chat_refusal'.
	}

	/**
	 * What the visitor request filter answers.
	 *
	 * @param WP_REST_Request $request The request.
	 * @param bool            $limited Whether the route counts against the action limits (false for the reads).
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return mixed
	 */
	private function visitor_refusal( WP_REST_Request $request, bool $limited ) {
		/**
		 * Filters the refusal of a visitor request other than a chat message, asked once the
		 * plugin's own checks (who may chat) let it through and before it counts against the
		 * rate limits. Return a WP_Error to refuse; anything else lets the request through.
		 *
		 * @param WP_Error|null   $refusal Null.
		 * @param WP_REST_Request $request The request.
		 * @param bool            $limited Whether the route counts against the action limits (false for the reads).
		 */
		return apply_filters( self::FILTER, null, $request, $limited ); // phpcs:ignore WordPress.NamingConventions.PrefixAllGlobals.DynamicHooknameFound -- the constant is 'dify_chatbot_visitor_refusal'.
	}
}
