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
use Dify_Chatbot\Dify\Forms\Form_Handles;
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
 *
 * A chatflow or workflow run that sends nothing but pings for longer than the idle limit (a run
 * Dify's worker never picked up keeps its stream open with pings) is given up the same way: the
 * task is stopped and the visitor told it took too long. Only events the allow-list knows reach the
 * browser; Dify's `warning` event is for the site owner (an action and, with WP_DEBUG_LOG, the log).
 *
 * A run that pauses at a Human Input node sends `human_input_required` and `workflow_paused`, and
 * its stream ends: the form reaches the browser with a handle in the place of its token
 * (Form_Handles), and resume() later streams the run on from where the visitor answered it.
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
	 * The visitor's forms (null: a form reaches the browser without a handle and cannot be answered).
	 *
	 * @var Form_Handles|null
	 */
	private ?Form_Handles $forms;

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
	 * State of the current relay: task id, envelope, final event seen, text seen, when the last
	 * data event came (microtime), whether the run was given up for its silence, whether an
	 * error event was sent and the tokens Dify reported at the end.
	 *
	 * @var array{task_id: string, envelope: array<string, mixed>, terminal: bool, text: bool, last_data: float, idle: bool, failed: bool, tokens: int}
	 */
	private array $state = array(
		'task_id'   => '',
		'envelope'  => array(),
		'terminal'  => false,
		'text'      => false,
		'last_data' => 0.0,
		'idle'      => false,
		'failed'    => false,
		'tokens'    => 0,
	);

	/**
	 * Keeps the writer and the error mapper.
	 *
	 * @param Event_Writer      $writer The visitor's connection (or a test buffer).
	 * @param Error_Mapper      $errors Maps failures to visitor messages.
	 * @param Form_Handles|null $forms  The visitor's Human Input forms.
	 * @param Answer_View|null  $view   What is shown besides the text; by default neither the
	 *                                  model's reasoning nor the workflow's steps.
	 */
	public function __construct( Event_Writer $writer, Error_Mapper $errors, ?Form_Handles $forms = null, ?Answer_View $view = null ) {
		$this->writer    = $writer;
		$this->errors    = $errors;
		$this->forms     = $forms;
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
		$user = isset( $body['user'] ) && is_string( $body['user'] ) ? $body['user'] : '';
		$this->run(
			$client,
			$mode,
			$user,
			static function ( callable $on_event, callable $should_stop ) use ( $client, $mode, $body ) {
				return $client->stream( $mode->generation_path(), $body, $on_event, $should_stop );
			}
		);
	}

	/**
	 * Streams a workflow run on after its Human Input form was answered (the same answer goes on).
	 *
	 * @param Client   $client The Dify client.
	 * @param App_Mode $mode   The app mode (chatflow or workflow).
	 * @param string   $user   The visitor's Dify user (the run's).
	 * @param string   $run_id The workflow run.
	 */
	public function resume( Client $client, App_Mode $mode, string $user, string $run_id ): void {
		$this->run(
			$client,
			$mode,
			$user,
			static function ( callable $on_event, callable $should_stop ) use ( $client, $user, $run_id ) {
				return $client->run_events( $run_id, $user, $on_event, $should_stop );
			},
			Error_Mapper::ABOUT_FORM
		);
	}

	/**
	 * Relays one stream that $open opens.
	 *
	 * @param Client   $client The Dify client.
	 * @param App_Mode $mode   The app mode.
	 * @param string   $user   The visitor's Dify user (to stop the task).
	 * @param callable $open   Opens the stream with an event callback and a stop condition.
	 * @param string   $about  What the call is about, for what its refusal means (Error_Mapper::ABOUT_*).
	 *
	 * @phpstan-param callable(callable(array<string, mixed>): void, callable(): bool): (\Dify_Chatbot\Dify\Http\Response|WP_Error) $open
	 */
	private function run( Client $client, App_Mode $mode, string $user, callable $open, string $about = Error_Mapper::ABOUT_ANSWER ): void {
		$this->state     = array(
			'task_id'   => '',
			'envelope'  => array(),
			'terminal'  => false,
			'text'      => false,
			'last_data' => microtime( true ),
			'idle'      => false,
			'failed'    => false,
			'tokens'    => 0,
		);
		$this->reasoning = new Reasoning_Stream( $this->view->shows_reasoning() );
		$idle            = $mode->is_run() ? self::idle_limit() : 0.0;
		$filter          = new Event_Filter( Base_Url::origin( $client->base_url() ) );
		$result          = $open(
			function ( array $event ) use ( $client, $filter, $mode ): void {
				$this->forward( $client, $filter, $mode, new Event( $event ) );
			},
			function () use ( $idle ): bool {
				if ( $idle > 0 && ! $this->state['terminal'] && microtime( true ) - $this->state['last_data'] > $idle ) {
					$this->state['idle'] = true;
					return true;
				}
				// Without a task id Dify cannot be told to stop, so reading goes on (silently)
				// until the first event names the task.
				return '' !== $this->state['task_id'] && $this->writer->is_gone();
			}
		);

		if ( $this->writer->is_gone() ) {
			$this->stop( $client, $user, $mode );
			return;
		}
		if ( $this->state['idle'] ) {
			$this->stop( $client, $user, $mode );
			$this->fail( $this->errors->timeout() );
			return;
		}
		if ( is_wp_error( $result ) ) {
			// A read timeout leaves the task running at Dify: stop it.
			$this->stop( $client, $user, $mode );
			$error = $this->errors->from_transport( $result );
			// A connection lost after events flowed is a cut stream, not an unreachable Dify.
			if ( $this->started && Error_Mapper::TIMEOUT !== $error->get_error_code() ) {
				$error = $this->errors->interrupted();
			}
			$this->fail( $error );
			return;
		}
		if ( ! $result->is_event_stream() ) {
			$this->fail( $this->errors->from_response( $result, $about ) );
			return;
		}
		if ( ! $this->state['terminal'] ) {
			$this->fail( $this->errors->interrupted() );
		}
	}

	/**
	 * Seconds a chatflow or workflow run may send nothing but pings (Dify pings every 10 s while
	 * a node works; a long model call sends its words as it goes).
	 */
	private static function idle_limit(): float {
		/**
		 * Filters how long a chatflow or workflow run may go without a data event (pings do not
		 * count) before the relay gives it up, stops the task and tells the visitor. 0 turns it off.
		 *
		 * @param int $seconds Default 300.
		 */
		$seconds = apply_filters( 'dify_chatbot_idle_timeout', 300 );
		return is_numeric( $seconds ) ? max( 0.0, (float) $seconds ) : 300.0;
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
		$this->state['failed']   = true;
	}

	/**
	 * Whether the last relayed answer ended in an error event (Dify's, or one for a failure).
	 */
	public function failed(): bool {
		return $this->state['failed'];
	}

	/**
	 * The tokens Dify reported at the end of the last relayed answer (0 when none).
	 */
	public function tokens(): int {
		return $this->state['tokens'];
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
		$this->state['last_data'] = microtime( true );
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

		if ( 'warning' === $event->name() ) {
			self::warn( $client, $event );
		} elseif ( $filter->forwards( $event->name() ) && ! $this->view->is_hidden( $event->name() ) ) {
			$this->send( $client, $filter, $mode, $event );
		}
		if ( $event->ends_answer( $mode ) ) {
			$this->state['terminal'] = true;
		}
		if ( $event->is_final( $mode ) ) {
			$this->state['tokens'] += Token_Usage::tokens_in( $event->data() );
			Token_Usage::report( $event->data(), $mode, $client->bot() );
		}
	}

	/**
	 * A Human Input form gets its handle (bound to this visitor and the run) in `data.form`.
	 *
	 * @param array<string, mixed> $safe  The filtered event.
	 * @param Event                $event The event as Dify sent it.
	 * @return array<string, mixed>
	 */
	private function publish( array $safe, Event $event ): array {
		$data = $event->data()['data'] ?? null;
		if ( 'human_input_required' !== $event->name() || null === $this->forms || ! is_array( $data ) ) {
			return $safe;
		}
		$form = $this->forms->publish( $event->run_id(), $data );
		if ( null !== $form ) {
			$safe['data'] = $form;
		}
		return $safe;
	}

	/**
	 * Dify's `warning` event (a deprecated use of the API, say) is for the site owner, not the
	 * visitor: it fires `dify_chatbot_upstream_warning` and, with WP_DEBUG_LOG, is logged.
	 *
	 * @param Client $client The client (to scrub the key).
	 * @param Event  $event  The warning.
	 */
	private static function warn( Client $client, Event $event ): void {
		$data = $event->data();
		$text = isset( $data['warning'] ) && is_string( $data['warning'] ) ? $client->scrub( $data['warning'] ) : '';
		/**
		 * Fires when Dify sends a `warning` event in an answer's stream (it never reaches the visitor).
		 *
		 * @param string $text The warning's text.
		 */
		do_action( 'dify_chatbot_upstream_warning', $text );
		if ( defined( 'WP_DEBUG_LOG' ) && WP_DEBUG_LOG ) {
			error_log( 'Dify Chatbot: Dify warns: ' . $text ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- The site owner's log, opt-in with WP_DEBUG_LOG.
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
			$safe = apply_filters( 'dify_chatbot_stream_event', $this->publish( $filter->filter( $shaped ), $event ), $event->data(), $mode->name() );
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
	 * @param Client   $client The client.
	 * @param string   $user   The visitor's Dify user.
	 * @param App_Mode $mode   The app mode (its stop endpoint).
	 */
	private function stop( Client $client, string $user, App_Mode $mode ): void {
		if ( '' === $this->state['task_id'] || $this->state['terminal'] || '' === $user ) {
			return;
		}
		$client->stop( $mode->stop_path( $this->state['task_id'] ), $user );
	}
}
