<?php
/**
 * The caps that protect the site's workers and the Dify account's wallet.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Security;

/**
 * The last step of Visitor_Guard for the requests that cost the most: a chat message takes its
 * stream slots (Stream_Slots), then counts against the site's daily cap (Daily_Cap); a paid
 * action (upload, voice, suggested questions) counts against the daily cap only. Their counts are
 * taken in the same write as the rate limits' and checked after them: a request refused earlier
 * (rate limits) takes nothing here, and a message refused by the daily cap gives its slots back
 * at once (Counter_Store::admit).
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
	 * A chat message's counts (its slots, then the daily cap), to be taken with the rate limits'
	 * in one write (Rate_Limiter::hit); admitted() once they are.
	 *
	 * @param string               $user   The Dify user of the visitor.
	 * @param array<string, mixed> $server $_SERVER (or a test's copy).
	 * @return Count[]
	 */
	public function chat_counts( string $user, array $server ): array {
		return array_merge( $this->slots->counts( $user, $server ), $this->cap->counts() );
	}

	/**
	 * A paid action's counts (the daily cap), taken like chat_counts().
	 *
	 * @return Count[]
	 */
	public function paid_counts(): array {
		return $this->cap->counts();
	}

	/**
	 * Holds the slots among a request's admitted counts until the request ends.
	 *
	 * @param Count[] $counts The request's admitted counts.
	 */
	public function admitted( array $counts ): void {
		$this->slots->hold( $counts );
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
