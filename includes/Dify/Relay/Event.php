<?php
/**
 * One event of a Dify stream, as the plugin understands it.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Relay;

use Dify_Chatbot\Dify\App\App_Mode;
use Dify_Chatbot\Dify\Error_Mapper;
use WP_Error;

/**
 * What an event means, read one way for the relay and the collector alike (docs/dify-notes.md §5):
 * its name, the ids of its envelope, whether it is a keep-alive, an error or the end of the answer,
 * and the text it adds to the answer or puts in its place.
 */
final class Event {

	/**
	 * Ids an event may carry, in the envelope or next to it.
	 */
	private const IDS = array( 'conversation_id', 'message_id', 'created_at', 'task_id', 'workflow_run_id' );

	/**
	 * Events whose `answer` is a piece of the answer's text. `message_file` carries text too when
	 * the visitor attached files (Dify 1.11.2–1.12.x label the deltas so); a real file has a `url`.
	 */
	private const DELTAS = array( 'message', 'agent_message', 'message_file' );

	/**
	 * Workflow run states that count as an answer.
	 */
	private const SUCCEEDED = array( 'succeeded', 'partial-succeeded' );

	/**
	 * The event as Dify sent it (the parser always sets `event`).
	 *
	 * @var array<string, mixed>
	 */
	private array $data;

	/**
	 * Keeps the decoded event.
	 *
	 * @param array<string, mixed> $data The event as Sse_Parser decoded it.
	 */
	public function __construct( array $data ) {
		$this->data = $data;
	}

	/**
	 * The event as Dify sent it.
	 *
	 * @return array<string, mixed>
	 */
	public function data(): array {
		return $this->data;
	}

	/**
	 * The event's name ('' when it has none).
	 */
	public function name(): string {
		return isset( $this->data['event'] ) && is_string( $this->data['event'] ) ? $this->data['event'] : '';
	}

	/**
	 * Whether this is a keep-alive (`event: ping`).
	 */
	public function is_ping(): bool {
		return 'ping' === $this->name();
	}

	/**
	 * Dify's error, mapped for the visitor; null when this is not an `error` event.
	 *
	 * @param Error_Mapper $errors Maps Dify's status and code.
	 */
	public function error( Error_Mapper $errors ): ?WP_Error {
		if ( 'error' !== $this->name() ) {
			return null;
		}
		return $errors->from_dify(
			isset( $this->data['status'] ) && is_numeric( $this->data['status'] ) ? (int) $this->data['status'] : 500,
			isset( $this->data['code'] ) && is_string( $this->data['code'] ) ? $this->data['code'] : '',
			isset( $this->data['message'] ) && is_string( $this->data['message'] ) ? $this->data['message'] : ''
		);
	}

	/**
	 * Whether this event ends the answer of an app of this mode (when nothing went wrong).
	 *
	 * @param App_Mode $mode The app mode.
	 */
	public function is_final( App_Mode $mode ): bool {
		return $mode->final_event() === $this->name();
	}

	/**
	 * Whether this event ends the answer's stream when nothing went wrong, the way App_Mode reads
	 * it (a chatflow ends with whichever of its two last events comes first, a paused run with
	 * `workflow_paused`).
	 *
	 * @param App_Mode $mode The app mode.
	 */
	public function ends_answer( App_Mode $mode ): bool {
		$status = isset( $this->data['data']['status'] ) && is_string( $this->data['data']['status'] ) ? $this->data['data']['status'] : '';
		return $mode->ends_answer( $this->name(), $status );
	}

	/**
	 * The workflow run id ('' when the event carries none).
	 */
	public function run_id(): string {
		foreach ( array( $this->data['workflow_run_id'] ?? null, $this->data['data']['workflow_run_id'] ?? null ) as $id ) {
			if ( is_string( $id ) && '' !== $id ) {
				return $id;
			}
		}
		return '';
	}

	/**
	 * The task id ('' when the event carries none, like `error`).
	 */
	public function task_id(): string {
		return isset( $this->data['task_id'] ) && is_string( $this->data['task_id'] ) ? $this->data['task_id'] : '';
	}

	/**
	 * The ids the event carries (conversation, message, task, workflow run, creation time).
	 *
	 * @return array<string, scalar>
	 */
	public function ids(): array {
		$ids = array();
		foreach ( self::IDS as $key ) {
			if ( isset( $this->data[ $key ] ) && is_scalar( $this->data[ $key ] ) ) {
				$ids[ $key ] = $this->data[ $key ];
			}
		}
		return $ids;
	}

	/**
	 * The text this event adds to the answer, or null when it adds none.
	 */
	public function text(): ?string {
		$name = $this->name();
		if ( in_array( $name, self::DELTAS, true ) ) {
			return isset( $this->data['answer'] ) && is_string( $this->data['answer'] ) && ! isset( $this->data['url'] ) ? $this->data['answer'] : null;
		}
		if ( 'text_chunk' === $name ) {
			return isset( $this->data['data']['text'] ) && is_string( $this->data['data']['text'] ) ? $this->data['data']['text'] : null;
		}
		return null;
	}

	/**
	 * The whole answer this event puts in place of the text so far (`message_replace`), or null.
	 */
	public function replacement(): ?string {
		return 'message_replace' === $this->name() && isset( $this->data['answer'] ) && is_string( $this->data['answer'] ) ? $this->data['answer'] : null;
	}

	/**
	 * A workflow run's outputs (of `workflow_finished`), or null.
	 *
	 * @return mixed
	 */
	public function outputs() {
		return isset( $this->data['data']['outputs'] ) ? $this->data['data']['outputs'] : null;
	}

	/**
	 * Whether a finished workflow run produced an answer (`workflow_finished` with a succeeded run).
	 */
	public function run_succeeded(): bool {
		return isset( $this->data['data']['status'] ) && in_array( $this->data['data']['status'], self::SUCCEEDED, true );
	}
}
