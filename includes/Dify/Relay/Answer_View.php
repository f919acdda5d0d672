<?php
/**
 * What of an answer, besides its text, the visitor is shown.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Relay;

/**
 * Two choices, both off unless set: the model's reasoning (a site setting: reasoning may echo the
 * app's system prompt or private context, so the site owner opts in) and the workflow's steps
 * (the Dify app's own "show workflow steps"). What is not shown never leaves the server: the
 * stream relay drops it (Reasoning_Stream, is_hidden()), and whole answers and history lose it
 * here (answer()).
 */
final class Answer_View {

	/**
	 * Events that make up the steps list of a chatflow or workflow run.
	 */
	private const STEP_EVENTS = array( 'node_started', 'node_finished', 'node_retry', 'iteration_started', 'iteration_next', 'iteration_completed', 'loop_started', 'loop_next', 'loop_completed' );

	/**
	 * Whether the model's reasoning is shown.
	 *
	 * @var bool
	 */
	private bool $reasoning;

	/**
	 * Whether the workflow's steps are shown.
	 *
	 * @var bool
	 */
	private bool $steps;

	/**
	 * Keeps the choices.
	 *
	 * @param bool $reasoning Whether the model's reasoning is shown.
	 * @param bool $steps     Whether the workflow's steps are shown.
	 */
	public function __construct( bool $reasoning = false, bool $steps = false ) {
		$this->reasoning = $reasoning;
		$this->steps     = $steps;
	}

	/**
	 * Whether the model's reasoning is shown.
	 */
	public function shows_reasoning(): bool {
		return $this->reasoning;
	}

	/**
	 * Whether the workflow's steps are shown.
	 */
	public function shows_steps(): bool {
		return $this->steps;
	}

	/**
	 * Whether a stream event of this name is not for the visitor at all in this view (a step while
	 * steps are hidden; reasoning is Reasoning_Stream's business).
	 *
	 * @param string $name The event's name.
	 */
	public function is_hidden( string $name ): bool {
		return ! $this->steps && in_array( $name, self::STEP_EVENTS, true );
	}

	/**
	 * A whole answer (the chat route's JSON answer, a message of the history) with its reasoning
	 * — inline `<think>` text in `answer`, and the separated reasoning a blocking run gave in its
	 * outputs (`reasoning`, Answer) — in `reasoning` when it is shown, else nowhere.
	 *
	 * @param array<string, mixed> $answer An answer with an `answer` text.
	 * @return array<string, mixed>
	 */
	public function answer( array $answer ): array {
		$reasoning = isset( $answer['reasoning'] ) && is_string( $answer['reasoning'] ) ? trim( $answer['reasoning'] ) : '';
		unset( $answer['reasoning'] );
		if ( isset( $answer['answer'] ) && is_string( $answer['answer'] ) && Think_Splitter::has_tags( $answer['answer'] ) ) {
			$parts            = Think_Splitter::split( $answer['answer'] );
			$answer['answer'] = $parts['answer'];
			$reasoning        = trim( $reasoning . "\n\n" . trim( $parts['reasoning'] ) );
		}
		if ( $this->reasoning && '' !== $reasoning ) {
			$answer['reasoning'] = $reasoning;
		}
		return $answer;
	}
}
