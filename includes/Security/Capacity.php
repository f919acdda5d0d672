<?php
/**
 * The caps that protect the site's workers and the Dify account's wallet.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Security;

use WP_Error;

/**
 * The last step of Visitor_Guard for the requests that cost the most: a chat message takes its
 * stream slots (Stream_Slots), then counts against the site's daily cap (Daily_Cap); a paid
 * action (upload, voice, suggested questions) counts against the daily cap only. Last, because
 * both count: a request refused earlier (who may chat, rate limits) takes nothing here. A
 * message refused by the daily cap gives its slots back at once.
 */
final class Capacity {

	/**
	 * The concurrent answer caps.
	 *
	 * @var Stream_Slots
	 */
	private Stream_Slots $slots;

	/**
	 * The site's daily cap.
	 *
	 * @var Daily_Cap
	 */
	private Daily_Cap $cap;

	/**
	 * Keeps the caps.
	 *
	 * @param Stream_Slots $slots The concurrent answer caps.
	 * @param Daily_Cap    $cap   The site's daily cap.
	 */
	public function __construct( Stream_Slots $slots, Daily_Cap $cap ) {
		$this->slots = $slots;
		$this->cap   = $cap;
	}

	/**
	 * Admits a chat message (slots, then the daily cap), or the refusal.
	 *
	 * @param string               $user   The Dify user of the visitor.
	 * @param array<string, mixed> $server $_SERVER (or a test's copy).
	 */
	public function chat( string $user, array $server ): ?WP_Error {
		$refusal = $this->slots->acquire( $user, $server );
		if ( null !== $refusal ) {
			return $refusal;
		}
		$refusal = $this->cap->hit();
		if ( null !== $refusal ) {
			$this->slots->release();
		}
		return $refusal;
	}

	/**
	 * Admits a paid action (the daily cap), or the refusal.
	 */
	public function paid(): ?WP_Error {
		return $this->cap->hit();
	}

	/**
	 * The concurrent answer caps (the settings screen shows how many answers run).
	 */
	public function slots(): Stream_Slots {
		return $this->slots;
	}

	/**
	 * The site's daily cap.
	 */
	public function daily_cap(): Daily_Cap {
		return $this->cap;
	}
}
