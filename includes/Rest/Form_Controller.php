<?php
/**
 * POST /forms/{form}: the visitor answers a Human Input form.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Dify\App\App_Info;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Forms\Form_Record;
use Dify_Chatbot\Dify\Forms\Form_Submission;
use Dify_Chatbot\Dify\Relay\Answer_View;
use Dify_Chatbot\Dify\Relay\Event_Writer;
use Dify_Chatbot\Dify\Relay\Output_Writer;
use Dify_Chatbot\Dify\Relay\Stream_Relay;
use Dify_Chatbot\Usage\Usage_Recorder;
use Dify_Chatbot\Usage\Usage_Store;
use Dify_Chatbot\Registrable;
use Dify_Chatbot\Security\Visitor_Guard;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `{ "action": "…", "inputs": { … } }` answers the form behind a handle the visitor was given
 * (in the stream or the history). The handle is looked up for this visitor only: another
 * visitor's, an unknown one and a malformed one are the same 404, and nothing reaches Dify. An
 * answered form is 409, an expired one 410, an answer that does not fit the form 400 — each with
 * a sentence for the visitor. Dify receives the form's token and the visitor's own Dify user; with
 * `Accept: text/event-stream` the resumed run then streams into the same answer (Stream_Relay),
 * otherwise the route answers `{ "result": "success" }` and the run goes on at Dify.
 *
 * The route is a chat route for the guard: it starts model work, so the chat's rate limits, its
 * origin rules and the daily budget apply as they do to /chat.
 */
final class Form_Controller implements Registrable {

	/**
	 * Longest JSON of a form's answer, in bytes.
	 */
	private const MAX_INPUTS_BYTES = 65536;

	/**
	 * The visitor routes' shared parts.
	 *
	 * @var Visitor_Api
	 */
	private Visitor_Api $api;

	/**
	 * The app's mode.
	 *
	 * @var App_Info
	 */
	private App_Info $info;

	/**
	 * Makes the writer of a stream.
	 *
	 * @var callable(): Event_Writer
	 */
	private $writer_factory;

	/**
	 * Ends the request after a stream.
	 *
	 * @var callable(): void
	 */
	private $end;

	/**
	 * Counts the tokens and errors of a resumed run (null: nothing is counted).
	 *
	 * @var Usage_Recorder|null
	 */
	private ?Usage_Recorder $usage;

	/**
	 * Keeps the collaborators.
	 *
	 * @param Visitor_Api         $api            The visitor routes' shared parts.
	 * @param App_Info            $info           The app's mode.
	 * @param callable|null       $writer_factory Makes the stream's writer (tests write to memory).
	 * @param callable|null       $end            Ends the request after a stream (tests record it).
	 * @param Usage_Recorder|null $usage          Counts the tokens and errors of a resumed run.
	 */
	public function __construct( Visitor_Api $api, App_Info $info, ?callable $writer_factory = null, ?callable $end = null, ?Usage_Recorder $usage = null ) {
		$this->usage          = $usage;
		$this->api            = $api;
		$this->info           = $info;
		$this->writer_factory = null !== $writer_factory ? $writer_factory : static function (): Event_Writer {
			return new Output_Writer();
		};
		$this->end            = null !== $end ? $end : static function (): void {
			// The stream is complete; WordPress's shutdown actions still run.
			exit;
		};
	}

	/**
	 * Hooks the route.
	 */
	public function register(): void {
		add_action( 'rest_api_init', array( $this, 'register_routes' ) );
	}

	/**
	 * Registers the route.
	 */
	public function register_routes(): void {
		$this->api->route( '/forms/(?P<form>[A-Za-z0-9_-]{16,128})', WP_REST_Server::CREATABLE, array( $this, 'submit' ), Visitor_Guard::CHAT, self::args() );
	}

	/**
	 * The schema of an answer.
	 *
	 * @return array<string, array<string, mixed>>
	 */
	public static function args(): array {
		return array(
			'action' => array(
				'description' => Api::describe( static fn (): string => __( 'The id of the button the visitor chose.', 'dify-chatbot' ) ),
				'type'        => 'string',
				'required'    => true,
				'minLength'   => 1,
				'maxLength'   => 128,
			),
			'inputs' => array(
				'description'       => Api::describe( static fn (): string => __( 'The visitor’s values, by field.', 'dify-chatbot' ) ),
				'type'              => 'object',
				'default'           => array(),
				'validate_callback' => static function ( $value, $request, $param ) {
					if ( ! is_array( $value ) || ( array() !== $value && wp_is_numeric_array( $value ) ) ) {
						/* translators: %s: parameter name. */
						return new WP_Error( 'rest_invalid_param', sprintf( __( '%s must be an object of field values.', 'dify-chatbot' ), $param ), array( 'status' => 400 ) );
					}
					if ( strlen( (string) wp_json_encode( $value ) ) > self::MAX_INPUTS_BYTES ) {
						/* translators: %s: parameter name. */
						return new WP_Error( 'rest_invalid_param', sprintf( __( '%s is too large.', 'dify-chatbot' ), $param ), array( 'status' => 400 ) );
					}
					return rest_validate_request_arg( $value, $request, $param );
				},
			),
		);
	}

	/**
	 * Answers the form.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	public function submit( WP_REST_Request $request ): WP_REST_Response {
		$stream = false !== strpos( strtolower( (string) $request->get_header( 'accept' ) ), 'text/event-stream' );
		$client = $this->api->client( $request );
		if ( is_wp_error( $client ) ) {
			return $this->fail( $client, $stream );
		}
		$forms  = $this->api->forms( $client );
		$handle = (string) $request->get_param( 'form' );
		$record = $forms->find( $handle );
		if ( null === $record ) {
			return $this->fail( $this->api->errors()->form_not_found(), $stream );
		}
		if ( Form_Record::SUBMITTED === $record->state() ) {
			return $this->fail( $this->api->errors()->form_submitted(), $stream );
		}
		if ( $record->expired( time() ) ) {
			return $this->fail( $this->api->errors()->form_expired(), $stream );
		}
		$action = (string) $request->get_param( 'action' );
		$inputs = $request->get_param( 'inputs' );
		$inputs = Form_Submission::inputs( $record->definition(), $action, is_array( $inputs ) ? $inputs : array() );
		if ( is_wp_error( $inputs ) ) {
			return $this->fail( $inputs, $stream );
		}

		$failure = $this->api->errors()->failure( $client->submit_form( $record->token(), $this->api->user(), $action, $inputs ), Error_Mapper::ABOUT_FORM );
		if ( null !== $failure ) {
			// Dify's word is final for a form answered elsewhere or expired.
			if ( in_array( $failure->get_error_code(), array( Error_Mapper::FORM_SUBMITTED, Error_Mapper::FORM_EXPIRED ), true ) ) {
				$forms->save( $handle, $record->with_state( Error_Mapper::FORM_SUBMITTED === $failure->get_error_code() ? Form_Record::SUBMITTED : Form_Record::EXPIRED ) );
			}
			return $this->fail( $failure, $stream );
		}
		$forms->save( $handle, $record->with_state( Form_Record::SUBMITTED ) );

		if ( ! $stream ) {
			return new WP_REST_Response( array( 'result' => 'success' ), 200 );
		}
		$mode = $this->info->mode( $client );
		if ( is_wp_error( $mode ) ) {
			return $this->fail( $mode, true );
		}
		// The resumed run's reasoning is shown or removed like a chat's (its steps are not shown).
		$view  = new Answer_View( $this->api->shows_reasoning( $request ) );
		$relay = new Stream_Relay( ( $this->writer_factory )(), $this->api->errors(), $forms, $view );
		$relay->resume( $client, $mode, $this->api->user(), $record->run() );
		if ( null !== $this->usage ) {
			// The rest of the message that paused: its tokens and whether it failed, not a new message.
			$this->usage->answered( Usage_Store::slug( $request->get_param( 'bot' ) ), $relay->tokens(), $relay->failed(), 0 );
		}
		( $this->end )();
		return new WP_REST_Response( null, 200 );
	}

	/**
	 * A refusal: JSON, or one error event when a stream was asked for.
	 *
	 * @param WP_Error $error  A mapped error.
	 * @param bool     $stream Whether the visitor asked for a stream.
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
