<?php
/**
 * Collects a streamed answer into the JSON answer.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Relay;

use WP_Error;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Http\Client;

/**
 * Agent apps answer only in streaming mode (dify-api §5), so when the browser asks for JSON the
 * plugin streams from Dify and collects the text here: `message` / `agent_message` deltas (and
 * the `message_file`-labelled deltas of §8.3's quirk), `message_replace` replacing everything,
 * workflow `text_chunk`s, and the ids and metadata of `message_end`.
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
	 * Ids seen in the stream (conversation_id, message_id, task_id, created_at).
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
	 * Whether the terminal event arrived.
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
	 * @param string               $path   Generation endpoint.
	 * @param array<string, mixed> $body   JSON body.
	 * @param string               $mode   The app mode.
	 * @return array<string, mixed>|WP_Error
	 */
	public function collect( Client $client, string $path, array $body, string $mode ) {
		$this->reset();
		$result = $client->stream(
			$path,
			$body,
			function ( array $event ) use ( $mode ): void {
				$this->take( $event, $mode );
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
		return Answer::build( $this->answer, $this->ids, $mode, $this->metadata );
	}

	/**
	 * Forgets the previous answer.
	 */
	private function reset(): void {
		$this->answer   = '';
		$this->ids      = array();
		$this->metadata = null;
		$this->done     = false;
		$this->error    = null;
	}

	/**
	 * Takes one event into the answer.
	 *
	 * @param array<string, mixed> $event The event.
	 * @param string               $mode  The app mode.
	 */
	private function take( array $event, string $mode ): void {
		$name = $event['event'];
		foreach ( array( 'conversation_id', 'message_id', 'task_id', 'created_at' ) as $key ) {
			if ( ! isset( $this->ids[ $key ] ) && isset( $event[ $key ] ) ) {
				$this->ids[ $key ] = $event[ $key ];
			}
		}
		$text = isset( $event['answer'] ) && is_string( $event['answer'] ) && ! isset( $event['url'] ) ? $event['answer'] : null;

		if ( 'error' === $name && null === $this->error ) {
			$this->error = $this->errors->from_dify(
				isset( $event['status'] ) && is_numeric( $event['status'] ) ? (int) $event['status'] : 500,
				isset( $event['code'] ) && is_string( $event['code'] ) ? $event['code'] : '',
				isset( $event['message'] ) && is_string( $event['message'] ) ? $event['message'] : ''
			);
		} elseif ( 'message_replace' === $name && null !== $text ) {
			$this->answer = $text;
		} elseif ( in_array( $name, array( 'message', 'agent_message', 'message_file' ), true ) && null !== $text ) {
			$this->answer .= $text;
		} elseif ( 'text_chunk' === $name && isset( $event['data']['text'] ) && is_string( $event['data']['text'] ) ) {
			$this->answer .= $event['data']['text'];
		} elseif ( 'message_end' === $name ) {
			$this->metadata = isset( $event['metadata'] ) ? $event['metadata'] : null;
			$this->done     = true;
		} elseif ( 'workflow_finished' === $name && 'workflow' === $mode ) {
			$this->workflow_finished( isset( $event['data'] ) && is_array( $event['data'] ) ? $event['data'] : array() );
		}
	}

	/**
	 * Ends a workflow answer: its outputs' text when nothing was streamed, an error when it failed.
	 *
	 * @param array<string, mixed> $data The event's data.
	 */
	private function workflow_finished( array $data ): void {
		if ( '' === $this->answer ) {
			$this->answer = Answer::workflow_text( isset( $data['outputs'] ) ? $data['outputs'] : null );
		}
		$this->done = true;
		if ( ! isset( $data['status'] ) || ! in_array( $data['status'], array( 'succeeded', 'partial-succeeded' ), true ) ) {
			$this->error = $this->errors->from_dify( 500, 'internal_server_error' );
		}
	}
}
