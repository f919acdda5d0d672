<?php
/**
 * The kind of Dify app the plugin talks to.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\App;

/**
 * One of Dify's app modes, as `/info` names it, and what it means for the calls the plugin makes
 * (docs/dify-notes.md §3): which endpoint answers a message and which one stops it, whether the
 * app holds a conversation, whether it can answer in one piece, and which event ends its stream.
 */
final class App_Mode {

	public const CHAT          = 'chat';
	public const AGENT_CHAT    = 'agent-chat';
	public const ADVANCED_CHAT = 'advanced-chat';
	public const AGENT         = 'agent';
	public const COMPLETION    = 'completion';
	public const WORKFLOW      = 'workflow';

	/**
	 * Modes that hold a conversation through /chat-messages.
	 */
	private const CHAT_MODES = array( self::CHAT, self::AGENT_CHAT, self::ADVANCED_CHAT, self::AGENT );

	/**
	 * Modes that refuse a blocking answer: only a stream comes out of them.
	 */
	private const STREAM_ONLY = array( self::AGENT_CHAT, self::AGENT );

	/**
	 * Every mode the plugin can relay.
	 */
	private const ALL = array( self::CHAT, self::AGENT_CHAT, self::ADVANCED_CHAT, self::AGENT, self::COMPLETION, self::WORKFLOW );

	/**
	 * The mode's name.
	 *
	 * @var string
	 */
	private string $name;

	/**
	 * Keeps a known name.
	 *
	 * @param string $name One of ALL.
	 */
	private function __construct( string $name ) {
		$this->name = $name;
	}

	/**
	 * The mode of this name, or null for one the plugin cannot relay (a newer or an internal kind).
	 *
	 * @param string $name The mode as `/info` names it.
	 */
	public static function from( string $name ): ?self {
		return in_array( $name, self::ALL, true ) ? new self( $name ) : null;
	}

	/**
	 * A basic chat app (what a Dify-compatible service without `/info` is taken for).
	 */
	public static function chat(): self {
		return new self( self::CHAT );
	}

	/**
	 * The mode's name, as Dify writes it.
	 */
	public function name(): string {
		return $this->name;
	}

	/**
	 * Whether the app holds a conversation (and so takes `query` and `conversation_id`). The other
	 * apps answer each message on its own and read it from their input variable `query`.
	 */
	public function is_chat(): bool {
		return in_array( $this->name, self::CHAT_MODES, true );
	}

	/**
	 * Whether the app refuses to answer in one piece, so a whole answer is collected from a stream.
	 */
	public function streams_only(): bool {
		return in_array( $this->name, self::STREAM_ONLY, true );
	}

	/**
	 * Whether this is a workflow app: its answer is the run's outputs, and its stream ends with
	 * `workflow_finished`.
	 */
	public function is_workflow(): bool {
		return self::WORKFLOW === $this->name;
	}

	/**
	 * Whether the app answers with a workflow run (chatflow and workflow apps): its stream carries
	 * node events, can pause at a Human Input node and be resumed, and may fall silent but for
	 * pings when Dify's worker does not pick the run up (docs/dify-notes.md §12).
	 */
	public function is_run(): bool {
		return self::ADVANCED_CHAT === $this->name || self::WORKFLOW === $this->name;
	}

	/**
	 * Whether this event ends an answer's stream when all went well (an `error` event ends it too).
	 * A chatflow ends with `message_end` and `workflow_finished`, in either order (Dify 1.13.1
	 * swapped them, and one of the two has been lost at times): whichever comes first ends the
	 * answer, a failed run's `workflow_finished` excepted, which an `error` event follows. A run
	 * that waits at a Human Input node ends its stream with `workflow_paused`.
	 *
	 * @param string $event  The event's name.
	 * @param string $status `data.status` of a `workflow_finished` event ('' otherwise).
	 */
	public function ends_answer( string $event, string $status = '' ): bool {
		if ( $this->is_run() && 'workflow_paused' === $event ) {
			return true;
		}
		if ( self::ADVANCED_CHAT === $this->name && 'workflow_finished' === $event ) {
			return in_array( $status, array( 'succeeded', 'partial-succeeded' ), true );
		}
		return $this->final_event() === $event;
	}

	/**
	 * The endpoint that answers a message.
	 */
	public function generation_path(): string {
		if ( $this->is_chat() ) {
			return '/chat-messages';
		}
		return $this->is_workflow() ? '/workflows/run' : '/completion-messages';
	}

	/**
	 * The endpoint that stops a running answer.
	 *
	 * @param string $task_id The task id from the stream.
	 */
	public function stop_path( string $task_id ): string {
		$task = rawurlencode( $task_id );
		if ( $this->is_workflow() ) {
			return '/workflows/tasks/' . $task . '/stop';
		}
		return $this->generation_path() . '/' . $task . '/stop';
	}

	/**
	 * The event that ends an answer's stream when all went well (an `error` event ends it too).
	 */
	public function final_event(): string {
		return $this->is_workflow() ? 'workflow_finished' : 'message_end';
	}
}
