<?php
/**
 * The JSON answer of the chat route.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Relay;

/**
 * One shape for every app mode when the browser asks for JSON:
 * `{answer, conversation_id, message_id, task_id, mode, metadata: {retriever_resources, usage}, created_at}`.
 */
final class Answer {

	/**
	 * Output names that usually hold a workflow's answer, tried in this order.
	 */
	private const OUTPUT_NAMES = array( 'answer', 'text', 'result', 'output' );

	/**
	 * The output an LLM node with separated reasoning ("Enable Reasoning Tag Separation") puts its
	 * reasoning in; a run whose outputs carry it gives the model's thinking there, never the answer.
	 */
	public const REASONING_OUTPUT = 'reasoning_content';

	/**
	 * Builds the answer from its parts.
	 *
	 * @param string               $answer   The full text.
	 * @param array<string, mixed> $ids      conversation_id, message_id, task_id, created_at.
	 * @param string               $mode     The app mode.
	 * @param mixed                $metadata Dify's metadata (filtered here).
	 * @return array<string, mixed>
	 */
	public static function build( string $answer, array $ids, string $mode, $metadata ): array {
		return array(
			'answer'          => $answer,
			'conversation_id' => isset( $ids['conversation_id'] ) && is_string( $ids['conversation_id'] ) && '' !== $ids['conversation_id'] ? $ids['conversation_id'] : null,
			'message_id'      => isset( $ids['message_id'] ) && is_string( $ids['message_id'] ) ? $ids['message_id'] : null,
			'task_id'         => isset( $ids['task_id'] ) && is_string( $ids['task_id'] ) ? $ids['task_id'] : null,
			'mode'            => $mode,
			'metadata'        => ( new Event_Filter() )->metadata( $metadata ),
			'created_at'      => isset( $ids['created_at'] ) && is_numeric( $ids['created_at'] ) ? (int) $ids['created_at'] : time(),
		);
	}

	/**
	 * From a blocking /chat-messages or /completion-messages body.
	 *
	 * @param array<string, mixed> $json Dify's body.
	 * @param string               $mode The app mode.
	 * @return array<string, mixed>
	 */
	public static function from_message( array $json, string $mode ): array {
		$ids = $json;
		if ( ! isset( $ids['message_id'] ) && isset( $json['id'] ) ) {
			$ids['message_id'] = $json['id'];
		}
		return self::with_reasoning(
			self::build(
				isset( $json['answer'] ) && is_string( $json['answer'] ) ? $json['answer'] : '',
				$ids,
				$mode,
				isset( $json['metadata'] ) ? $json['metadata'] : null
			),
			isset( $json['outputs'] ) ? $json['outputs'] : null
		);
	}

	/**
	 * From a blocking /workflows/run body: the text is taken from the outputs.
	 *
	 * @param array<string, mixed> $json Dify's body.
	 * @return array<string, mixed>|null Null when the run did not succeed.
	 */
	public static function from_workflow( array $json ): ?array {
		$data = isset( $json['data'] ) && is_array( $json['data'] ) ? $json['data'] : array();
		if ( ! isset( $data['status'] ) || ! in_array( $data['status'], array( 'succeeded', 'partial-succeeded' ), true ) ) {
			return null;
		}
		$outputs = isset( $data['outputs'] ) ? $data['outputs'] : null;
		return self::with_reasoning(
			self::build(
				self::workflow_text( $outputs ),
				array(
					'task_id'    => isset( $json['task_id'] ) ? $json['task_id'] : null,
					'created_at' => isset( $data['created_at'] ) ? $data['created_at'] : null,
				),
				'workflow',
				null
			),
			$outputs
		);
	}

	/**
	 * An answer with the separated reasoning of its run's outputs (`outputs.reasoning_content`)
	 * as `reasoning`, when there is some. Whether the visitor sees it is Answer_View's choice.
	 *
	 * @param array<string, mixed> $answer  The answer.
	 * @param mixed                $outputs The run's outputs.
	 * @return array<string, mixed>
	 */
	private static function with_reasoning( array $answer, $outputs ): array {
		$reasoning = is_array( $outputs ) && isset( $outputs[ self::REASONING_OUTPUT ] ) && is_string( $outputs[ self::REASONING_OUTPUT ] ) ? trim( $outputs[ self::REASONING_OUTPUT ] ) : '';
		if ( '' !== $reasoning ) {
			$answer['reasoning'] = $reasoning;
		}
		return $answer;
	}

	/**
	 * The text of a workflow's outputs: a well-known output name, else the first text output —
	 * never the model's separated reasoning.
	 *
	 * @param mixed $outputs The outputs object.
	 */
	public static function workflow_text( $outputs ): string {
		if ( ! is_array( $outputs ) ) {
			return '';
		}
		foreach ( self::OUTPUT_NAMES as $name ) {
			if ( isset( $outputs[ $name ] ) && is_string( $outputs[ $name ] ) && '' !== $outputs[ $name ] ) {
				return $outputs[ $name ];
			}
		}
		foreach ( $outputs as $name => $value ) {
			if ( self::REASONING_OUTPUT !== $name && is_string( $value ) && '' !== $value ) {
				return $value;
			}
		}
		return '';
	}
}
