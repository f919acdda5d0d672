<?php
/**
 * The settings screen's streaming self-test.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Dify\Relay\Event_Writer;
use Dify_Chatbot\Dify\Relay\Output_Writer;
use Dify_Chatbot\Dify\Relay\Stream_Relay;
use Dify_Chatbot\Registrable;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `GET /dify-chatbot/v1/settings/stream-test` streams a few small events a moment apart through
 * the same writer and headers as a chat answer, without calling Dify, and ends with what PHP knows
 * about the server in front of it; the settings screen times the events' arrival in the browser
 * to tell whether answers stream on this server (readme.txt, "Do answers stream on my web
 * server?"). Given a `run` id it also records whether it noticed the browser leaving, which
 * `GET …/stream-test/{run}` reports. For users who can `manage_options` only (anonymous 401,
 * others 403; cookie authentication requires the REST nonce), and a request holds its PHP worker
 * for about two seconds.
 */
final class Stream_Test_Controller implements Registrable {

	public const ROUTE = '/settings/stream-test';

	/**
	 * The events before the final one.
	 */
	public const TICKS = 10;

	/**
	 * The pause between two events, in milliseconds: long enough for a browser to tell events
	 * apart, short enough that the whole test holds a PHP worker for only two seconds.
	 */
	public const INTERVAL_MS = 200;

	/**
	 * How long a run's record is kept (seconds).
	 */
	private const RECORD_TTL = 300;

	/**
	 * Makes the stream's writer.
	 *
	 * @var callable
	 * @phpstan-var callable(): Event_Writer
	 */
	private $writer_factory;

	/**
	 * Ends the request after the stream.
	 *
	 * @var callable
	 * @phpstan-var callable(): void
	 */
	private $end;

	/**
	 * Waits between two events.
	 *
	 * @var callable
	 * @phpstan-var callable(int): void
	 */
	private $pause;

	/**
	 * Keeps the collaborators.
	 *
	 * @param callable|null $writer_factory Makes the stream's writer (an Output_Writer by default).
	 * @param callable|null $end            Ends the request after the stream (exit by default).
	 * @param callable|null $pause          Waits the given milliseconds (usleep by default).
	 *
	 * @phpstan-param (callable(): Event_Writer)|null $writer_factory
	 * @phpstan-param (callable(): void)|null $end
	 * @phpstan-param (callable(int): void)|null $pause
	 */
	public function __construct( ?callable $writer_factory = null, ?callable $end = null, ?callable $pause = null ) {
		$this->writer_factory = null !== $writer_factory ? $writer_factory : static function (): Event_Writer {
			return new Output_Writer();
		};
		$this->end            = null !== $end ? $end : static function (): void {
			// The stream is complete; WordPress's shutdown actions still run.
			exit;
		};
		$this->pause          = null !== $pause ? $pause : static function ( int $ms ): void {
			usleep( $ms * 1000 );
		};
	}

	/**
	 * Adds the routes on rest_api_init.
	 */
	public function register(): void {
		add_action( 'rest_api_init', array( $this, 'register_routes' ) );
	}

	/**
	 * Registers the routes.
	 */
	public function register_routes(): void {
		register_rest_route(
			Api::NAMESPACE,
			self::ROUTE,
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => array( $this, 'stream' ),
				'permission_callback' => array( $this, 'check_permissions' ),
				'args'                => array(
					'run' => array(
						'description' => Api::describe( static fn (): string => __( 'An id the screen chooses, to ask afterwards whether the server noticed it leave.', 'dify-chatbot' ) ),
						'type'        => 'string',
						'pattern'     => '^' . Api::UUID . '$',
					),
				),
			)
		);
		register_rest_route(
			Api::NAMESPACE,
			self::ROUTE . '/' . Api::id( 'run' ),
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => array( $this, 'report' ),
				'permission_callback' => array( $this, 'check_permissions' ),
			)
		);
	}

	/**
	 * Only administrators (whoever may manage options), like the other settings routes.
	 */
	public function check_permissions(): bool {
		return current_user_can( 'manage_options' );
	}

	/**
	 * Streams the test: TICKS small events INTERVAL_MS apart, then the diagnostics. Stops early
	 * when the browser has gone.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	public function stream( WP_REST_Request $request ): WP_REST_Response {
		$run = is_string( $request->get_param( 'run' ) ) ? Api::path_id( $request, 'run' ) : '';
		// Read before the writer changes them: what the site owner configured.
		$php = array(
			'zlib'      => self::is_on( (string) ini_get( 'zlib.output_compression' ) ),
			'buffering' => sanitize_text_field( (string) ini_get( 'output_buffering' ) ),
			'buffers'   => ob_get_level(),
		);

		$this->record( $run, 'running' );
		$writer = ( $this->writer_factory )();
		$writer->start( Stream_Relay::headers() );
		$started = microtime( true );
		$gone    = false;
		for ( $tick = 1; $tick <= self::TICKS && ! $gone; $tick++ ) {
			if ( $tick > 1 ) {
				( $this->pause )( self::INTERVAL_MS );
			}
			$this->send(
				$writer,
				array(
					'event'   => 'stream_test',
					'n'       => $tick,
					'sent_ms' => self::since( $started ),
				)
			);
			$gone = $writer->is_gone();
		}
		if ( ! $gone ) {
			$this->send(
				$writer,
				array(
					'event'       => 'stream_test_end',
					'sent_ms'     => self::since( $started ),
					'diagnostics' => self::diagnostics( $php ),
				)
			);
			$gone = $writer->is_gone();
		}
		$this->record( $run, $gone ? 'noticed' : 'ended' );
		( $this->end )();
		return new WP_REST_Response( null, 200 );
	}

	/**
	 * What a run recorded: whether the server noticed the browser leave (`noticed`), or streamed
	 * to the end without noticing (`ended`), or is still streaming (`running`); `ms_ago` is how
	 * long ago that state began, so the browser can place it on its own clock.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return WP_REST_Response|WP_Error
	 */
	public function report( WP_REST_Request $request ) {
		$record = get_transient( self::record_name( Api::path_id( $request, 'run' ) ) );
		if ( ! is_array( $record ) || ! isset( $record['state'], $record['at'] ) ) {
			return new WP_Error( 'dify_chatbot_stream_test_unknown', __( 'No streaming self-test with this id ran in the last five minutes.', 'dify-chatbot' ), array( 'status' => 404 ) );
		}
		return new WP_REST_Response(
			array(
				'state'  => (string) $record['state'],
				'ms_ago' => max( 0, self::since( (float) $record['at'] ) ),
			)
		);
	}

	/**
	 * What PHP knows about the server in front of it, for the screen to name a cause. Nothing
	 * secret: no key, no path, no address.
	 *
	 * @param array{zlib: bool, buffering: string, buffers: int} $php What was configured before the stream.
	 * @return array<string, mixed>
	 */
	private static function diagnostics( array $php ): array {
		return array(
			'sapi'                    => PHP_SAPI,
			'server_software'         => Output_Writer::server_software(),
			'zlib_output_compression' => $php['zlib'],
			'zlib_turned_off'         => $php['zlib'] && ! self::is_on( (string) ini_get( 'zlib.output_compression' ) ),
			'output_buffering'        => $php['buffering'],
			'output_buffers'          => array(
				'found' => $php['buffers'],
				'left'  => ob_get_level(),
			),
			'padding'                 => Output_Writer::server_padding(),
		);
	}

	/**
	 * Writes one event as a data frame.
	 *
	 * @param Event_Writer         $writer The connection.
	 * @param array<string, mixed> $event  The event.
	 */
	private function send( Event_Writer $writer, array $event ): void {
		$writer->write( 'data: ' . wp_json_encode( $event, JSON_UNESCAPED_SLASHES ) . "\n\n" );
	}

	/**
	 * Keeps a run's state for the current user (nothing without a run id).
	 *
	 * @param string $run   The run id ('' for none).
	 * @param string $state running, noticed or ended.
	 */
	private function record( string $run, string $state ): void {
		if ( '' !== $run ) {
			set_transient(
				self::record_name( $run ),
				array(
					'state' => $state,
					'at'    => microtime( true ),
				),
				self::RECORD_TTL
			);
		}
	}

	/**
	 * The transient of a run: the user's own (another administrator cannot read it).
	 *
	 * @param string $run The run id.
	 */
	private static function record_name( string $run ): string {
		return 'dify_chatbot_stream_test_' . md5( get_current_user_id() . '|' . $run );
	}

	/**
	 * Milliseconds since a microtime.
	 *
	 * @param float $since A microtime( true ).
	 */
	private static function since( float $since ): int {
		return (int) round( ( microtime( true ) - $since ) * 1000 );
	}

	/**
	 * Whether an ini flag is on ("1", "On", or a buffer size).
	 *
	 * @param string $value The ini value.
	 */
	private static function is_on( string $value ): bool {
		return ! in_array( strtolower( trim( $value ) ), array( '', '0', 'off', 'false', 'no', 'none' ), true );
	}
}
