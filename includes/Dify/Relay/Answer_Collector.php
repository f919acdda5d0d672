<?php
/**
 * Collects a streamed answer into the JSON answer.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Relay;

use Dify_Chatbot\Dify\App\App_Mode;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Http\Client;
use WP_Error;

/**
 * Agent apps answer only in streaming mode (docs/dify-notes.md §3), so when the browser asks for
 * JSON the plugin streams from Dify and collects the text here, reading each event as the relay
 * does (Event): text deltas added, `message_replace` replacing everything, the ids, and the
 * metadata of `message_end`. New Agent apps end their deltas with one `message` holding the whole
 * answer: after `agent_message` deltas, a `message` replaces the text instead of adding to it.
 */
final class Answer_Collector {

	/**
	 * Maps failures.
	 *
	 * @var Error_Mapper
	 */
	private Error_Mapper $errors;

	/**
	 * The text so far.
	 *
	 * @var string
	 */
	private string $answer = '';

	/**
	 * Whether `agent_message` deltas were seen (a later `message` is then the whole answer).
	 *
	 * @var bool
	 */
	private bool $agent_text = false;

	/**
	 * Ids seen in the stream (conversation_id, message_id, task_id, created_at), the first of each.
	 *
	 * @var array<string, mixed>
	 */
	private array $ids = array();

	/**
	 * The metadata of message_end.
	 *
	 * @var mixed
	 */
	private $metadata = null;

	/**
	 * Whether the final event arrived.
	 *
	 * @var bool
	 */
	private bool $done = false;

	/**
	 * The first error, mapped.
	 *
	 * @var WP_Error|null
	 */
	private ?WP_Error $error = null;

	/**
	 * Keeps the error mapper.
	 *
	 * @param Error_Mapper $errors Maps failures.
	 */
	public function __construct( Error_Mapper $errors ) {
		$this->errors = $errors;
	}

	/**
	 * Streams one answer from Dify and returns it whole.
	 *
	 * @param Client               $client The client.
	 * @param App_Mode             $mode   The app mode (its generation endpoint is called).
	 * @param array<string, mixed> $body   JSON body.
	 * @return array<string, mixed>|WP_Error
	 */
	public function collect( Client $client, App_Mode $mode, array $body ) {
		$this->reset();
		$result = $client->stream(
			$mode->generation_path(),
			$body,
			function ( array $event ) use ( $mode ): void {
				$this->take( new Event( $event ), $mode );
			}
		);

		if ( is_wp_error( $result ) ) {
			$error = $this->errors->from_transport( $result );
			// A connection lost after events flowed is a cut answer, not an unreachable Dify.
			return array() !== $this->ids && Error_Mapper::TIMEOUT !== $error->get_error_code() ? $this->errors->interrupted() : $error;
		}
		if ( ! $result->is_event_stream() ) {
			return $this->errors->from_response( $result );
		}
		if ( $this->error instanceof WP_Error ) {
			return $this->error;
		}
		if ( ! $this->done ) {
			return $this->errors->interrupted();
		}
		return Answer::build( $this->answer, $this->ids, $mode->name(), $this->metadata );
	}

	/**
	 * Forgets the previous answer.
	 */
	private function reset(): void {
		$this->answer     = '';
		$this->agent_text = false;
		$this->ids        = array();
		$this->metadata   = null;
		$this->done       = false;
		$this->error      = null;
	}

	/**
	 * Takes one event into the answer.
	 *
	 * @param Event    $event The event.
	 * @param App_Mode $mode  The app mode.
	 */
	private function take( Event $event, App_Mode $mode ): void {
		$this->ids  += array_diff_key( $event->ids(), array( 'workflow_run_id' => true ) );
		$error       = $event->error( $this->errors );
		$replacement = $event->replacement();
		$text        = $event->text();
		$name        = $event->name();

		if ( null !== $error ) {
			$this->error = null === $this->error ? $error : $this->error;
		} elseif ( null !== $replacement ) {
			$this->answer = $replacement;
		} elseif ( null !== $text && 'message' === $name && $this->agent_text ) {
			$this->answer = $text;
		} elseif ( null !== $text ) {
			$this->answer    .= $text;
			$this->agent_text = $this->agent_text || 'agent_message' === $name;
		} elseif ( 'message_end' === $name ) {
			$this->metadata = isset( $event->data()['metadata'] ) ? $event->data()['metadata'] : null;
			$this->done     = true;
		} elseif ( $mode->is_workflow() && $event->is_final( $mode ) ) {
			$this->workflow_finished( $event );
		}
	}

	/**
	 * Ends a workflow answer: its outputs' text when nothing was streamed, an error when it failed.
	 *
	 * @param Event $event The workflow_finished event.
	 */
	private function workflow_finished( Event $event ): void {
		if ( '' === $this->answer ) {
			$this->answer = Answer::workflow_text( $event->outputs() );
		}
		$this->done = true;
		if ( ! $event->run_succeeded() ) {
			$this->error = $this->errors->from_dify( 500, 'internal_server_error' );
		}
	}
}
