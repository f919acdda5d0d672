<?php
/**
 * Relays a Dify stream to the visitor, event by event.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Relay;

use Dify_Chatbot\Dify\App\App_Mode;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Settings\Base_Url;
use WP_Error;

/**
 * Each Dify event is filtered (Event_Filter) and written as `data: {compact JSON}\n\n` the moment
 * it is complete; pings are written as `event: ping\n\n` keep-alives, which also make a gone
 * visitor noticed. Every failure becomes exactly one event in Dify's own error shape, the last of
 * the stream: upstream unreachable or timed out, a non-stream answer, Dify's own error events,
 * and an end of stream before the final event.
 *
 * When the visitor has gone, reading stops and Dify is told to stop the task (with the same
 * `user`), so an abandoned answer does not keep running and costing tokens.
 */
final class Stream_Relay {

	/**
	 * Where the frames go.
	 *
	 * @var Event_Writer
	 */
	private Event_Writer $writer;

	/**
	 * Maps failures.
	 *
	 * @var Error_Mapper
	 */
	private Error_Mapper $errors;

	/**
	 * What of the answer the visitor is shown besides its text (reasoning, workflow steps).
	 *
	 * @var Answer_View
	 */
	private Answer_View $view;

	/**
	 * Takes the reasoning out of the current stream's text.
	 *
	 * @var Reasoning_Stream
	 */
	private Reasoning_Stream $reasoning;

	/**
	 * Whether the writer was started.
	 *
	 * @var bool
	 */
	private bool $started = false;

	/**
	 * State of the current relay: task id, envelope, final event seen, text seen.
	 *
	 * @var array{task_id: string, envelope: array<string, mixed>, terminal: bool, text: bool}
	 */
	private array $state = array(
		'task_id'  => '',
		'envelope' => array(),
		'terminal' => false,
		'text'     => false,
	);

	/**
	 * Keeps the writer and the error mapper.
	 *
	 * @param Event_Writer     $writer The visitor's connection (or a test buffer).
	 * @param Error_Mapper     $errors Maps failures to visitor messages.
	 * @param Answer_View|null $view   What is shown besides the text; by default neither the
	 *                                 model's reasoning nor the workflow's steps.
	 */
	public function __construct( Event_Writer $writer, Error_Mapper $errors, ?Answer_View $view = null ) {
		$this->writer    = $writer;
		$this->errors    = $errors;
		$this->view      = null !== $view ? $view : new Answer_View();
		$this->reasoning = new Reasoning_Stream( $this->view->shows_reasoning() );
	}

	/**
	 * Streams one answer from Dify to the writer.
	 *
	 * @param Client               $client The Dify client.
	 * @param App_Mode             $mode   The app mode (its generation endpoint is called).
	 * @param array<string, mixed> $body   JSON body (with `user` and `inputs`).
	 */
	public function relay( Client $client, App_Mode $mode, array $body ): void {
		$this->state     = array(
			'task_id'  => '',
			'envelope' => array(),
			'terminal' => false,
			'text'     => false,
		);
		$this->reasoning = new Reasoning_Stream( $this->view->shows_reasoning() );
		$filter          = new Event_Filter( Base_Url::origin( $client->base_url() ) );
		$result          = $client->stream(
			$mode->generation_path(),
			$body,
			function ( array $event ) use ( $client, $filter, $mode ): void {
				$this->forward( $client, $filter, $mode, new Event( $event ) );
			},
			function (): bool {
				// Without a task id Dify cannot be told to stop, so reading goes on (silently)
				// until the first event names the task.
				return '' !== $this->state['task_id'] && $this->writer->is_gone();
			}
		);

		if ( $this->writer->is_gone() ) {
			$this->stop( $client, $body, $mode );
			return;
		}
		if ( is_wp_error( $result ) ) {
			// A read timeout leaves the task running at Dify: stop it.
			$this->stop( $client, $body, $mode );
			$error = $this->errors->from_transport( $result );
			// A connection lost after events flowed is a cut stream, not an unreachable Dify.
			if ( $this->started && Error_Mapper::TIMEOUT !== $error->get_error_code() ) {
				$error = $this->errors->interrupted();
			}
			$this->fail( $error );
			return;
		}
		if ( ! $result->is_event_stream() ) {
			$this->fail( $this->errors->from_response( $result ) );
			return;
		}
		if ( ! $this->state['terminal'] ) {
			$this->fail( $this->errors->interrupted() );
		}
	}

	/**
	 * Sends one error event (and starts the stream if nothing was sent yet).
	 *
	 * @param WP_Error $error A mapped error.
	 */
	public function fail( WP_Error $error ): void {
		$this->start();
		$this->write_data( $this->errors->to_event( $error, $this->state['envelope'] ), null );
		$this->state['terminal'] = true;
	}

	/**
	 * The task id seen in the stream ('' before the first event that carries one).
	 */
	public function task_id(): string {
		return $this->state['task_id'];
	}

	/**
	 * Handles one Dify event.
	 *
	 * @param Client       $client The client (to scrub the key).
	 * @param Event_Filter $filter The allow-list.
	 * @param App_Mode     $mode   The app mode.
	 * @param Event        $event  The event.
	 */
	private function forward( Client $client, Event_Filter $filter, App_Mode $mode, Event $event ): void {
		$error = $event->error( $this->errors );
		if ( $this->state['terminal'] && null !== $error ) {
			// One error event at most, and none after the final event.
			return;
		}
		if ( '' === $this->state['task_id'] ) {
			$this->state['task_id'] = $event->task_id();
		}
		if ( $this->writer->is_gone() ) {
			return;
		}
		$this->start();
		$this->state['envelope'] = array_merge( $this->state['envelope'], $event->ids() );

		if ( $event->is_ping() ) {
			$this->writer->write( "event: ping\n\n" );
			return;
		}
		if ( null !== $error ) {
			$this->fail( $error );
			return;
		}
		if ( null !== $event->text() || null !== $event->replacement() ) {
			$this->state['text'] = true;
		}
		if ( $mode->is_workflow() && $event->is_final( $mode ) && ! $this->state['text'] ) {
			$this->workflow_text( $client, $filter, $mode, $event );
		}
		if ( ! $this->view->is_hidden( $event->name() ) ) {
			$this->send( $client, $filter, $mode, $event );
		}
		if ( $event->is_final( $mode ) ) {
			$this->state['terminal'] = true;
			Token_Usage::report( $event->data(), $mode );
		}
	}

	/**
	 * Sends what the browser gets for one event: the reasoning taken out of its text (shown as
	 * events of its own, or dropped), the allow-list, then the site's own filter.
	 *
	 * @param Client       $client The client (to scrub the key).
	 * @param Event_Filter $filter The allow-list.
	 * @param App_Mode     $mode   The app mode.
	 * @param Event        $event  The event as Dify sent it.
	 */
	private function send( Client $client, Event_Filter $filter, App_Mode $mode, Event $event ): void {
		foreach ( $this->reasoning->events( $event ) as $shaped ) {
			/**
			 * Filters an event before it is sent to the browser (after the plugin's allow-list).
			 * Return null to drop it.
			 *
			 * @param array<string, mixed>      $safe  The event the browser will see.
			 * @param array<string, mixed>      $event The event as Dify sent it.
			 * @param string                    $mode  The app mode.
			 */
			$safe = apply_filters( 'dify_chatbot_stream_event', $filter->filter( $shaped ), $event->data(), $mode->name() );
			if ( is_array( $safe ) ) {
				$this->write_data( $safe, $client );
			}
		}
	}

	/**
	 * A workflow app whose End node text was not streamed gets its outputs' text as one
	 * text_chunk, so the visitor sees an answer (the outputs themselves are not forwarded).
	 *
	 * @param Client       $client The client.
	 * @param Event_Filter $filter The allow-list.
	 * @param App_Mode     $mode   The app mode.
	 * @param Event        $event  The workflow_finished event.
	 */
	private function workflow_text( Client $client, Event_Filter $filter, App_Mode $mode, Event $event ): void {
		$text = Answer::workflow_text( $event->outputs() );
		if ( '' === $text ) {
			return;
		}
		$ids = $event->ids();
		// As if Dify had streamed it: its reasoning is taken out like a streamed text's.
		$this->send(
			$client,
			$filter,
			$mode,
			new Event(
				array(
					'event'           => 'text_chunk',
					'workflow_run_id' => isset( $ids['workflow_run_id'] ) ? $ids['workflow_run_id'] : null,
					'task_id'         => $this->state['task_id'],
					'data'            => array(
						'text'                   => $text,
						'from_variable_selector' => null,
					),
				)
			)
		);
		$this->state['text'] = true;
	}

	/**
	 * Starts the stream once.
	 */
	private function start(): void {
		if ( $this->started ) {
			return;
		}
		$this->started = true;
		$this->writer->start( self::headers() );
	}

	/**
	 * The headers every stream to a browser starts with (the settings screen's streaming
	 * self-test sends the same).
	 *
	 * @return array<string, string>
	 */
	public static function headers(): array {
		/**
		 * Filters the headers of the stream sent to the browser (a host that compresses
		 * text/event-stream may need `Content-Encoding: none`).
		 *
		 * @param array<string, string> $headers Header names and values.
		 */
		$headers = apply_filters(
			'dify_chatbot_stream_headers',
			array(
				'Content-Type'      => 'text/event-stream; charset=utf-8',
				// One visitor's answer: no shared cache may keep it (and none may re-encode it).
				'Cache-Control'     => 'private, no-store, no-transform',
				'X-Accel-Buffering' => 'no',
			)
		);
		return is_array( $headers ) ? $headers : array();
	}

	/**
	 * Writes one data frame.
	 *
	 * @param array<string, mixed> $event  The event.
	 * @param Client|null          $client The client, to scrub its key from the frame.
	 */
	private function write_data( array $event, ?Client $client ): void {
		$json = wp_json_encode( $event, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE );
		if ( false === $json ) {
			return;
		}
		$this->writer->write( 'data: ' . ( null === $client ? $json : $client->scrub( $json ) ) . "\n\n" );
	}

	/**
	 * Tells Dify to stop the task, with the visitor's `user`.
	 *
	 * @param Client               $client The client.
	 * @param array<string, mixed> $body   The generation request (for its `user`).
	 * @param App_Mode             $mode   The app mode (its stop endpoint).
	 */
	private function stop( Client $client, array $body, App_Mode $mode ): void {
		if ( '' === $this->state['task_id'] || $this->state['terminal'] || ! isset( $body['user'] ) || ! is_string( $body['user'] ) ) {
			return;
		}
		$client->stop( $mode->stop_path( $this->state['task_id'] ), $body['user'] );
	}
}
