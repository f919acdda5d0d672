<?php
/**
 * One hit a request is about to take from a limited counter.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Security;

use WP_Error;

/**
 * A planned hit: the counter (key and window), the most it may reach, and what to answer past it.
 * The guards of a request (rate limits, stream slots, the daily cap) each make theirs, and
 * Counter_Store::admit() takes them all in one go, so a chat message costs one write to the
 * shared counters instead of one per counter.
 */
final class Count {

	/**
	 * Counter key.
	 *
	 * @var string
	 */
	private string $key;

	/**
	 * Start of the window the hit is counted in.
	 *
	 * @var int
	 */
	private int $start;

	/**
	 * The most the counter may reach; one more is refused.
	 *
	 * @var int
	 */
	private int $limit;

	/**
	 * Start of an earlier window whose count adds to this one (a stream slot's), or null.
	 *
	 * @var int|null
	 */
	private ?int $previous;

	/**
	 * Whether the hit is taken back when this or another count refuses the request (a slot or a
	 * paid call that never happened), rather than kept (a rate limit counts refused messages too).
	 *
	 * @var bool
	 */
	private bool $given_back;

	/**
	 * Whether the hit is held until the request ends (a stream slot).
	 *
	 * @var bool
	 */
	private bool $held;

	/**
	 * Makes the refusal, only when one is needed (it translates its message).
	 *
	 * @var callable(): WP_Error
	 */
	private $refusal;

	/**
	 * Keeps the parts.
	 *
	 * @param string               $key        Counter key.
	 * @param int                  $start      Start of the window.
	 * @param int                  $limit      The most the counter may reach.
	 * @param callable(): WP_Error $refusal    Makes the refusal.
	 * @param bool                 $given_back Taken back when the request is refused.
	 * @param bool                 $held       Held until the request ends.
	 * @param int|null             $previous   Start of an earlier window that counts too.
	 */
	public function __construct( string $key, int $start, int $limit, callable $refusal, bool $given_back = false, bool $held = false, ?int $previous = null ) {
		$this->key        = $key;
		$this->start      = $start;
		$this->limit      = $limit;
		$this->refusal    = $refusal;
		$this->given_back = $given_back;
		$this->held       = $held;
		$this->previous   = $previous;
	}

	/**
	 * Counter key.
	 */
	public function key(): string {
		return $this->key;
	}

	/**
	 * Start of the window.
	 */
	public function start(): int {
		return $this->start;
	}

	/**
	 * Start of the earlier window that counts too, or null.
	 */
	public function previous(): ?int {
		return $this->previous;
	}

	/**
	 * Whether the counter's value (with the earlier window's) is past the limit.
	 *
	 * @param int $value The counter's value after the hit, earlier window included.
	 */
	public function exceeded_by( int $value ): bool {
		return $value > $this->limit;
	}

	/**
	 * Whether the hit is taken back when the request is refused.
	 */
	public function given_back(): bool {
		return $this->given_back;
	}

	/**
	 * Whether the hit is held until the request ends.
	 */
	public function held(): bool {
		return $this->held;
	}

	/**
	 * The refusal of a request past this limit.
	 */
	public function refusal(): WP_Error {
		return ( $this->refusal )();
	}
}
