<?php
/**
 * Messages per minute and per day, per visitor and per IP address.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Security;

use Dify_Chatbot\Settings\Bots;
use Dify_Chatbot\Settings\Encryption;
use Dify_Chatbot\Settings\Option;
use WP_Error;

/**
 * Fixed-window limits counted in the shared Counter_Store, so they hold across several web
 * servers: every chat message takes one hit from each active window (per IP a minute and a day,
 * per visitor a minute and a day), and a hit that makes a counter exceed its limit is refused
 * with 429 and the seconds until the window ends. The IP limits are checked first, so a visitor
 * who rotates cookies still meets them.
 */
final class Rate_Limiter {

	public const CODE = 'dify_chatbot_rate_limited';

	/**
	 * The chat messages' bucket.
	 */
	public const CHAT = '';

	/**
	 * The bucket of the cheaper visitor actions (feedback, follow-up questions): counted apart
	 * from messages, with limits ACTION_SCALE times the message limits.
	 */
	public const ACTIONS = 'a';

	/**
	 * The bucket of the visitor reads (app parameters, stopping an answer): cheap, asked once per
	 * chat on a page, yet each may hold a worker for an upstream call, so they are limited too,
	 * at READ_SCALE times the message limits.
	 */
	public const READS = 'r';

	private const ACTION_SCALE = 3;

	private const READ_SCALE = 6;

	private const MINUTE = 60;

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
	 * The bots (each has its own per-minute and per-visitor limits).
	 *
	 * @var Bots|null
	 */
	private ?Bots $bots;

	/**
	 * Keeps the collaborators.
	 *
	 * @param Counter_Store $store  The counters.
	 * @param Option        $option The site-wide settings (and the default bot's).
	 * @param Client_Ip     $ip     Finds the client address.
	 * @param Bots|null     $bots   The bots; built from the option when first needed.
	 */
	public function __construct( Counter_Store $store, Option $option, Client_Ip $ip, ?Bots $bots = null ) {
		$this->store  = $store;
		$this->option = $option;
		$this->ip     = $ip;
		$this->bots   = $bots;
	}

	/**
	 * Counts one message and refuses it when a limit is exceeded. The counts of other guards of
	 * the same request ($also: stream slots, the daily cap) are taken in the same write, checked
	 * after the rate limits.
	 *
	 * @param string               $user   The Dify user of the visitor.
	 * @param array<string, mixed> $server $_SERVER (or a test's copy).
	 * @param int|null             $now    The time (tests); now by default.
	 * @param string               $bucket self::CHAT (messages) or self::ACTIONS.
	 * @param Count[]              $also   Further counts of the request.
	 * @param string               $bot    The slug of the bot the request is for.
	 */
	public function hit( string $user, array $server, ?int $now = null, string $bucket = self::CHAT, array $also = array(), string $bot = Bots::DEFAULT ): ?WP_Error {
		$refused = $this->store->admit( array_merge( $this->counts( $user, $server, null === $now ? time() : $now, $bucket, $bot ), $also ) );
		return null === $refused ? null : $refused->refusal();
	}

	/**
	 * The message's hit of each active window, the IP limits first, so a visitor who rotates
	 * cookies still meets them. The per-minute and per-visitor windows are the bot's own (another
	 * bot's messages do not use them up); the per-IP day is the site's.
	 *
	 * @param string               $user   The Dify user of the visitor.
	 * @param array<string, mixed> $server $_SERVER (or a test's copy).
	 * @param int                  $now    The time.
	 * @param string               $bucket self::CHAT, self::ACTIONS or self::READS.
	 * @param string               $bot    The bot's slug.
	 * @return Count[]
	 */
	private function counts( string $user, array $server, int $now, string $bucket, string $bot ): array {
		$settings = $this->option->get();
		$limits   = $this->limits( $bot );
		// The default bot keeps the keys counters had before there were several bots, so an
		// upgrade does not reset a day's counts; another bot's counters are keyed by its slug too.
		$scope  = Bots::DEFAULT === $bot ? '' : $bot . "\n";
		$ip     = Client_Ip::bucket( $this->ip->from_server( $server, $settings['trusted_proxies'] ) );
		$prefix = in_array( $bucket, array( self::ACTIONS, self::READS ), true ) ? $bucket : self::CHAT;
		$scale  = self::ACTIONS === $prefix ? self::ACTION_SCALE : ( self::READS === $prefix ? self::READ_SCALE : 1 );
		$rules  = array(
			array( $prefix . 'ipm', $scope . $ip, $limits['limit_ip_minute'] * $scale, false ),
			// Per IP per day: a visitor who drops the cookie is a new visitor each message, so this is what bounds one address's spend.
			array( $prefix . 'ipd', $ip, $settings['limit_ip_day'] * $scale, true ),
			array( $prefix . 'vm', $scope . $user, $limits['limit_visitor_minute'] * $scale, false ),
			array( $prefix . 'vd', $scope . $user, $limits['limit_visitor_day'] * $scale, true ),
		);
		$counts = array();
		foreach ( $rules as $rule ) {
			list( $kind, $who, $limit, $daily ) = $rule;
			if ( $limit <= 0 ) {
				continue;
			}
			$start    = $daily ? Budget::day_start( $now ) : $now - ( $now % self::MINUTE );
			$end      = $daily ? Budget::day_end( $now ) : $start + self::MINUTE;
			$seconds  = max( 1, $end - $now );
			$counts[] = new Count(
				self::key( $kind, $who ),
				$start,
				$limit,
				static function () use ( $seconds ): WP_Error {
					return self::refusal( $seconds );
				}
			);
		}
		return $counts;
	}

	/**
	 * A bot's limits (the default bot's when the slug names none).
	 *
	 * @param string $bot The bot's slug.
	 * @return array{limit_visitor_minute: int, limit_visitor_day: int, limit_ip_minute: int, daily_token_budget: int}
	 */
	private function limits( string $bot ): array {
		if ( Bots::DEFAULT === $bot ) {
			$settings = $this->option->get();
			return array(
				'limit_visitor_minute' => $settings['limit_visitor_minute'],
				'limit_visitor_day'    => $settings['limit_visitor_day'],
				'limit_ip_minute'      => $settings['limit_ip_minute'],
				'daily_token_budget'   => $settings['daily_token_budget'],
			);
		}
		$this->bots ??= new Bots( $this->option, new Encryption() );
		$settings     = $this->bots->get( $bot );
		return null !== $settings ? $settings->limits() : $this->limits( Bots::DEFAULT );
	}

	/**
	 * A counter key: kind and a keyed hash of who (no addresses or ids stored in clear). The hash
	 * key is a secret of the site (its salts), not a constant anyone can read in this code: with
	 * a public key, the few billion IPv4 addresses could be hashed in minutes to read a counter's
	 * address back. wp_salt() makes and stores a random salt itself when wp-config.php has none.
	 *
	 * @param string $kind Rule kind.
	 * @param string $who  Visitor or address bucket.
	 */
	public static function key( string $kind, string $who ): string {
		$secret = hash_hmac( 'sha256', 'dify_chatbot_rate_limit', wp_salt( 'auth' ) );
		return $kind . ':' . substr( hash_hmac( 'sha256', $who, $secret ), 0, 40 );
	}

	/**
	 * The 429 for a visitor.
	 *
	 * @param int $seconds Seconds until the window ends.
	 */
	public static function refusal( int $seconds ): WP_Error {
		if ( $seconds <= 90 ) {
			/* translators: %d: seconds to wait. */
			$message = sprintf( _n( 'You are sending messages too quickly. Please wait %d second and try again.', 'You are sending messages too quickly. Please wait %d seconds and try again.', $seconds, 'dify-chatbot' ), $seconds );
		} else {
			$message = __( 'You have sent the most messages allowed for today. Please come back tomorrow.', 'dify-chatbot' );
		}
		return new WP_Error(
			self::CODE,
			$message,
			array(
				'status'      => 429,
				'retry_after' => $seconds,
			)
		);
	}
}
