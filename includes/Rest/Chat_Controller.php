<?php
/**
 * The visitor's chat routes.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Dify\App\App_Info;
use Dify_Chatbot\Dify\App\App_Mode;
use Dify_Chatbot\Dify\App\App_Parameters;
use Dify_Chatbot\Dify\App\App_Site;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Dify\Relay\Answer;
use Dify_Chatbot\Dify\Relay\Answer_Collector;
use Dify_Chatbot\Dify\Relay\Answer_View;
use Dify_Chatbot\Dify\Relay\Event_Writer;
use Dify_Chatbot\Dify\Relay\Output_Writer;
use Dify_Chatbot\Dify\Relay\Stream_Relay;
use Dify_Chatbot\Dify\Relay\Token_Usage;
use Dify_Chatbot\Registrable;
use Dify_Chatbot\Security\Remote_Files;
use Dify_Chatbot\Security\Visitor_Guard;
use Dify_Chatbot\Usage\Usage_Recorder;
use Dify_Chatbot\Usage\Usage_Store;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `POST /dify-chatbot/v1/chat` and `POST /dify-chatbot/v1/chat/{task_id}/stop`.
 *
 * Open to whoever may chat, within the budget and the rate limits (Visitor_Guard::CHAT, checked
 * before the route runs): the route derives the Dify `user` itself, so a visitor can only ever
 * reach their own conversations; the body can never name a user.
 *
 * With `Accept: text/event-stream` the answer streams (Stream_Relay), and every failure after
 * the schema check is one SSE `error` event on HTTP 200; otherwise the answer is one JSON object
 * and a failure an ordinary JSON error. Agent apps only stream from Dify: their answer is
 * collected when JSON was asked for (Answer_Collector).
 */
final class Chat_Controller implements Registrable {

	/**
	 * What every visitor route shares.
	 *
	 * @var Visitor_Api
	 */
	private Visitor_Api $api;

	/**
	 * The app mode cache.
	 *
	 * @var App_Info
	 */
	private App_Info $info;

	/**
	 * The app's cached parameters (its input form, and the upload settings files are checked against).
	 *
	 * @var App_Parameters
	 */
	private App_Parameters $parameters;

	/**
	 * Makes the stream's writer.
	 *
	 * @var callable
	 * @phpstan-var callable(): Event_Writer
	 */
	private $writer_factory;

	/**
	 * Ends the request after a stream.
	 *
	 * @var callable
	 * @phpstan-var callable(): void
	 */
	private $end;

	/**
	 * Counts each message's usage (null: nothing is counted).
	 *
	 * @var Usage_Recorder|null
	 */
	private ?Usage_Recorder $usage;

	/**
	 * The tokens Dify reported for the last whole answer (0 when none).
	 *
	 * @var int
	 */
	private int $whole_tokens = 0;

	/**
	 * Keeps the collaborators.
	 *
	 * @param Visitor_Api         $api            What every visitor route shares.
	 * @param App_Info            $info           The app mode cache.
	 * @param App_Parameters      $parameters     The app's cached parameters (input form, upload settings).
	 * @param callable|null       $writer_factory Makes the stream's writer (an Output_Writer by default).
	 * @param callable|null       $end            Ends the request after a stream (exit by default).
	 * @param Usage_Recorder|null $usage          Counts each message's usage (null: nothing is counted).
	 *
	 * @phpstan-param (callable(): Event_Writer)|null $writer_factory
	 * @phpstan-param (callable(): void)|null $end
	 */
	public function __construct( Visitor_Api $api, App_Info $info, App_Parameters $parameters, ?callable $writer_factory = null, ?callable $end = null, ?Usage_Recorder $usage = null ) {
		$this->api            = $api;
		$this->usage          = $usage;
		$this->info           = $info;
		$this->parameters     = $parameters;
		$this->writer_factory = null !== $writer_factory ? $writer_factory : static function (): Event_Writer {
			return new Output_Writer();
		};
		$this->end            = null !== $end ? $end : static function (): void {
			// The stream is complete; WordPress's shutdown actions still run.
			exit;
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
		$this->api->route( '/chat', WP_REST_Server::CREATABLE, array( $this, 'chat' ), Visitor_Guard::CHAT, Chat_Schema::args() );
		// Stopping costs nothing upstream: who may chat and the reads' rate limits.
		$this->api->route( '/chat/(?P<task_id>[A-Za-z0-9-]{1,64})/stop', WP_REST_Server::CREATABLE, array( $this, 'stop' ), Visitor_Guard::READ );
	}

	/**
	 * Answers one message, streamed or whole.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	public function chat( WP_REST_Request $request ): WP_REST_Response {
		$stream = false !== strpos( strtolower( (string) $request->get_header( 'accept' ) ), 'text/event-stream' );
		// Before anything reaches Dify: Dify would fetch a visitor's address from its own network.
		$remote = Remote_Files::check( $request->get_param( 'files' ), $request->get_param( 'inputs' ), $this->api->allows_remote_files() );
		if ( null !== $remote ) {
			return $this->fail( $remote, $stream );
		}
		$bot    = Usage_Store::slug( $request->get_param( 'bot' ) );
		$client = $this->api->client( $request );
		if ( is_wp_error( $client ) ) {
			$this->answered( $bot, 0, true );
			return $this->fail( $client, $stream );
		}
		$mode = $this->info->mode( $client );
		if ( is_wp_error( $mode ) ) {
			$this->answered( $bot, 0, true );
			return $this->fail( $mode, $stream );
		}
		// Read once (cached for the site): the upload settings, the input form and whether the
		// app shows its workflow steps all come from it.
		$parameters = $this->parameters->get( $client );
		$body       = Chat_Message::body( $request, $mode, $this->api->user(), $parameters );
		if ( is_wp_error( $body ) ) {
			return $this->fail( $body, $stream );
		}
		$view = new Answer_View( $this->api->shows_reasoning( $request ), App_Site::shows_steps( $parameters ) );

		if ( $stream ) {
			$relay = new Stream_Relay( ( $this->writer_factory )(), $this->api->errors(), $this->api->forms( $client ), $view );
			$relay->relay( $client, $mode, $body );
			// After the last event has reached the visitor, before the request ends.
			$this->answered( $bot, $relay->tokens(), $relay->failed() );
			( $this->end )();
			return new WP_REST_Response( null, 200 );
		}
		$answer = $this->whole( $client, $mode, $body );
		$this->answered( $bot, $this->whole_tokens, is_wp_error( $answer ) );
		return is_wp_error( $answer ) ? $this->api->fail( $answer ) : new WP_REST_Response( $view->answer( $answer ), 200 );
	}

	/**
	 * Stops a running answer of this visitor.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	public function stop( WP_REST_Request $request ): WP_REST_Response {
		$client = $this->api->client( $request );
		if ( is_wp_error( $client ) ) {
			return $this->api->fail( $client );
		}
		$mode = $this->info->mode( $client );
		$mode = $mode instanceof App_Mode ? $mode : App_Mode::chat();
		// The same user that started the task, or Dify ignores the stop.
		$failure = $this->api->errors()->failure( $client->stop( $mode->stop_path( (string) $request->get_param( 'task_id' ) ), $this->api->user() ) );
		return null !== $failure ? $this->api->fail( $failure ) : new WP_REST_Response( array( 'result' => 'success' ), 200 );
	}

	/**
	 * Counts a message that reached the point of asking Dify (a message refused for its own
	 * content — its files, its form — never did and is not counted).
	 *
	 * @param string $bot    The bot's slug.
	 * @param int    $tokens The tokens Dify reported for its answer.
	 * @param bool   $failed Whether its answer was an error.
	 */
	private function answered( string $bot, int $tokens, bool $failed ): void {
		if ( null !== $this->usage ) {
			$this->usage->answered( $bot, $tokens, $failed );
		}
	}

	/**
	 * A whole (JSON) answer.
	 *
	 * @param Client               $client The client.
	 * @param App_Mode             $mode   The app mode.
	 * @param array<string, mixed> $body   JSON body.
	 * @return array<string, mixed>|WP_Error
	 */
	private function whole( Client $client, App_Mode $mode, array $body ) {
		$this->whole_tokens = 0;
		if ( $mode->streams_only() ) {
			$answer = ( new Answer_Collector( $this->api->errors() ) )->collect( $client, $mode, $body );
			if ( is_array( $answer ) ) {
				$this->whole_tokens = Token_Usage::tokens_in( $answer );
				Token_Usage::report( $answer, $mode, $client->bot() );
			}
			return $answer;
		}
		$json = $this->api->errors()->json( $client->chat_blocking( $mode->generation_path(), $body ) );
		if ( is_wp_error( $json ) ) {
			return $json;
		}
		$this->whole_tokens = Token_Usage::tokens_in( $json );
		Token_Usage::report( $json, $mode, $client->bot() );
		if ( $mode->is_workflow() ) {
			$answer = Answer::from_workflow( $json );
			return null === $answer ? $this->api->errors()->from_dify( 500, 'internal_server_error' ) : $answer;
		}
		return Answer::from_message( $json, $mode->name() );
	}

	/**
	 * A failure as the answer the browser asked for: the only event of a stream, or a JSON error.
	 *
	 * @param WP_Error $error  A mapped error.
	 * @param bool     $stream Whether the browser asked for a stream.
	 */
	private function fail( WP_Error $error, bool $stream ): WP_REST_Response {
		if ( ! $stream ) {
			return $this->api->fail( $error );
		}
		( new Stream_Relay( ( $this->writer_factory )(), $this->api->errors() ) )->fail( $error );
		( $this->end )();
		return new WP_REST_Response( null, 200 );
	}
}
