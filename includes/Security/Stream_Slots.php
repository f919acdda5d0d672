<?php
/**
 * Caps on the chat messages being answered at the same time.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Security;

use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Registrable;
use Dify_Chatbot\Settings\Option;
use WP_Error;

/**
 * Each chat message holds one PHP worker until its answer ends (a stream for up to
 * Client::stream_seconds()). Without a cap, a handful of slow answers takes every worker of a
 * small PHP-FPM pool and the site's ordinary pages wait. So a message takes one slot per visitor,
 * per IP address (IPv6 per /64) and site-wide before anything is sent to Dify, and a message over
 * any cap is refused with 429 and Retry-After.
 *
 * A slot is a counter in the Counter_Store (the database table every web server shares), so the
 * caps hold across web nodes: the increment is atomic, concurrent messages see distinct counts,
 * and only those within the cap are admitted (the others take their count back at once). It is
 * given back when the route's callback has returned (a whole answer), and otherwise when the
 * request ends — a stream's exit, the visitor gone, a PHP fatal — through a shutdown function. A worker killed outright runs no shutdown function, so slots also expire:
 * a slot is counted in the time window it was taken in, windows are as long as the longest
 * request (the stream limit plus a minute), and the running count is the current window's plus
 * the previous one's; a lost slot is forgotten at the latest two windows later.
 */
final class Stream_Slots implements Registrable {

	public const CODE = 'dify_chatbot_busy';

	/**
	 * Seconds a refused visitor is told to wait: answers take seconds to a few minutes.
	 */
	public const RETRY_AFTER = 10;

	/**
	 * Added to the stream limit for the window: the app lookups and connecting before the stream.
	 */
	private const MARGIN = 60;

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
	 * Finds the client address.
	 *
	 * @var Client_Ip
	 */
	private Client_Ip $ip;

	/**
	 * The slots this request holds, by counter key.
	 *
	 * @var array<string, Count>
	 */
	private array $held = array();

	/**
	 * Whether the shutdown function that gives the slots back is registered.
	 *
	 * @var bool
	 */
	private bool $on_shutdown = false;

	/**
	 * Keeps the collaborators.
	 *
	 * @param Counter_Store $store  The counters.
	 * @param Option        $option The settings.
	 * @param Client_Ip     $ip     Finds the client address.
	 */
	public function __construct( Counter_Store $store, Option $option, Client_Ip $ip ) {
		$this->store  = $store;
		$this->option = $option;
		$this->ip     = $ip;
	}

	/**
	 * Gives the slots back as soon as the route has answered (a stream ends the request itself).
	 */
	public function register(): void {
		add_filter( 'rest_request_after_callbacks', array( $this, 'release_after' ) );
	}

	/**
	 * The filter form of release(): the route's answer passes through unchanged.
	 *
	 * @param mixed $response The route's answer.
	 * @return mixed
	 */
	public function release_after( $response ) {
		$this->release();
		return $response;
	}

	/**
	 * Takes a slot of each capped kind for this request, or refuses (and holds none).
	 *
	 * @param string               $user   The Dify user of the visitor.
	 * @param array<string, mixed> $server $_SERVER (or a test's copy).
	 * @param int|null             $now    The time (tests); now by default.
	 */
	public function acquire( string $user, array $server, ?int $now = null ): ?WP_Error {
		$counts  = $this->counts( $user, $server, $now );
		$refused = $this->store->admit( $counts );
		if ( null !== $refused ) {
			return $refused->refusal();
		}
		$this->hold( $counts );
		return null;
	}

	/**
	 * A slot of each capped kind, to be taken (Counter_Store::admit) with the request's other
	 * counts; hold() them once admitted. A slot counts in its window and the one before.
	 *
	 * @param string               $user   The Dify user of the visitor.
	 * @param array<string, mixed> $server $_SERVER (or a test's copy).
	 * @param int|null             $now    The time (tests); now by default.
	 * @return Count[]
	 */
	public function counts( string $user, array $server, ?int $now = null ): array {
		$now      = null === $now ? time() : $now;
		$settings = $this->option->get();
		$ip       = Client_Ip::bucket( $this->ip->from_server( $server, $settings['trusted_proxies'] ) );
		$caps     = array(
			self::site_key()                       => $settings['streams_site'],
			Rate_Limiter::key( 'sip', $ip )        => $settings['streams_ip'],
			Rate_Limiter::key( 'svisitor', $user ) => $settings['streams_visitor'],
		);
		$window   = self::window();
		$start    = $now - ( $now % $window );
		$counts   = array();
		foreach ( $caps as $key => $cap ) {
			if ( $cap > 0 ) {
				$counts[] = new Count( $key, $start, $cap, array( self::class, 'refusal' ), true, true, $start - $window );
			}
		}
		return $counts;
	}

	/**
	 * Holds the admitted slots among these counts until the request ends.
	 *
	 * @param Count[] $counts The request's admitted counts.
	 */
	public function hold( array $counts ): void {
		foreach ( $counts as $count ) {
			if ( $count->held() ) {
				$this->held[ $count->key() ] = $count;
			}
		}
		if ( array() !== $this->held && ! $this->on_shutdown ) {
			$this->on_shutdown = true;
			// Runs after exit (the end of a stream), after a fatal error and when PHP stops a request whose visitor left.
			register_shutdown_function( array( $this, 'release_at_shutdown' ) );
		}
	}

	/**
	 * The shutdown function: gives the slots back unless the request already did. PHP may have
	 * torn down the database connection by then (a CLI script that closed it, a fatal error in
	 * the database layer); a slot that cannot be given back expires with its window, so a
	 * failure here must not become a second fatal error.
	 */
	public function release_at_shutdown(): void {
		if ( array() === $this->held ) {
			return;
		}
		try {
			$this->release();
		} catch ( \Throwable $e ) {
			$this->held = array();
		}
	}

	/**
	 * Gives back every slot this request holds (at its end; safe to call twice).
	 */
	public function release(): void {
		$held       = $this->held;
		$this->held = array();
		$this->store->subtract_each( array_values( $held ) );
	}

	/**
	 * How many messages are being answered on the whole site now (for the settings screen).
	 *
	 * @param int|null $now The time (tests).
	 */
	public function running( ?int $now = null ): int {
		$now    = null === $now ? time() : $now;
		$window = self::window();
		$start  = $now - ( $now % $window );
		return $this->store->get( self::site_key(), $start ) + $this->store->get( self::site_key(), $start - $window );
	}

	/**
	 * Seconds of one slot window: the longest a chat request can hold its worker.
	 */
	public static function window(): int {
		return (int) ceil( Client::stream_seconds() ) + self::MARGIN;
	}

	/**
	 * The site-wide counter's key.
	 */
	private static function site_key(): string {
		return 'streams:site';
	}

	/**
	 * The 429 for a message over a cap.
	 */
	public static function refusal(): WP_Error {
		return new WP_Error(
			self::CODE,
			__( 'The assistant is busy answering other messages. Please try again in a few seconds.', 'dify-chatbot' ),
			array(
				'status'      => 429,
				'retry_after' => self::RETRY_AFTER,
			)
		);
	}
}
