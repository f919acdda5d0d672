<?php
/**
 * What of a Dify event the browser may see.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Relay;

use Dify_Chatbot\Dify\Forms\Form_Definition;

/**
 * An allow-list per event (docs/dify-notes.md §5, §12). Only events the chat knows are forwarded
 * at all (forwards()); anything else a newer Dify sends — `agent_log` (an Agent node's internals)
 * among them — stays on the server. Of those, each keeps only its listed keys:
 *
 * - workflow, node, iteration and loop events keep what a list of steps shows (node, type,
 *   title, index, status, time, iteration/loop) — never their inputs (every input and the
 *   `sys.*` values: the visitor's Dify user, the app and workflow ids, the query), outputs,
 *   process data (rendered prompts, the system prompt) or execution metadata (prices, tool
 *   configuration); an `error` becomes a sentence of the plugin's, since Dify's texts name
 *   internal hosts, paths and provider errors;
 * - agent thoughts keep the tool names and a short thought, never the tool input or observation
 *   (sandbox commands, file contents, retrieved text);
 * - a Human Input form loses its token (the relay puts a handle bound to the visitor in its place,
 *   Form_Store) and a paused run its reasons (they repeat the form with the token);
 * - usage keeps token counts, not prices; relative file links get Dify's origin.
 */
final class Event_Filter {

	/**
	 * Keys every event may keep.
	 */
	private const ENVELOPE = array( 'event', 'conversation_id', 'message_id', 'created_at', 'task_id', 'workflow_run_id', 'id' );

	/**
	 * Further top-level keys per event.
	 */
	private const FIELDS = array(
		'message'              => array( 'answer', 'from_variable_selector' ),
		'agent_message'        => array( 'answer' ),
		'message_file'         => array( 'type', 'belongs_to', 'url', 'answer', 'from_variable_selector' ),
		'message_replace'      => array( 'answer', 'reason' ),
		'message_end'          => array( 'metadata', 'files' ),
		'agent_thought'        => array( 'position', 'thought', 'tool', 'tool_labels', 'message_files' ),
		'tts_message'          => array( 'audio' ),
		'tts_message_end'      => array( 'audio' ),
		// The form in `data` is Form_Definition's.
		'human_input_required' => array(),
	);

	/**
	 * What of a workflow step (node, iteration, loop) the browser may see: enough for a list of
	 * steps, nothing of what went in or came out.
	 */
	private const STEP = array( 'node_id', 'node_type', 'title', 'index', 'status', 'elapsed_time', 'created_at', 'finished_at', 'iteration_id', 'loop_id', 'error' );

	/**
	 * Keys of `data` per workflow-family event, besides STEP for the step events.
	 */
	private const DATA = array(
		'text_chunk'               => array( 'text', 'from_variable_selector' ),
		'text_replace'             => array( 'text' ),
		// Only ever sent when the site shows the model's reasoning (Reasoning_Stream).
		'reasoning_chunk'          => array( 'reasoning', 'node_id', 'is_final' ),
		'workflow_started'         => array( 'id', 'workflow_id', 'created_at', 'reason' ),
		'workflow_finished'        => array( 'id', 'workflow_id', 'status', 'elapsed_time', 'total_tokens', 'total_steps', 'created_at', 'finished_at', 'exceptions_count', 'error' ),
		'workflow_paused'          => array( 'status' ),
		'human_input_form_filled'  => array( 'node_id', 'node_title', 'rendered_content', 'action_id', 'action_text' ),
		'human_input_form_timeout' => array( 'node_id', 'node_title', 'expiration_time' ),
	);

	/**
	 * Step events and the keys they add to STEP.
	 */
	private const STEPS = array(
		'node_started'        => array(),
		'node_finished'       => array(),
		'node_retry'          => array( 'retry_index' ),
		'iteration_started'   => array(),
		'iteration_next'      => array(),
		'iteration_completed' => array( 'steps' ),
		'loop_started'        => array(),
		'loop_next'           => array(),
		'loop_completed'      => array( 'steps' ),
	);

	/**
	 * Keys of `metadata.usage` the browser may see: counts, not prices.
	 */
	private const USAGE = array( 'prompt_tokens', 'completion_tokens', 'total_tokens', 'latency' );

	/**
	 * The longest agent thought forwarded, in characters.
	 */
	private const THOUGHT_LENGTH = 200;

	/**
	 * Keys of a citation (`metadata.retriever_resources[]`) the browser may show.
	 */
	private const CITATION = array( 'position', 'dataset_id', 'dataset_name', 'document_id', 'document_name', 'data_source_type', 'segment_id', 'score', 'content', 'title', 'page', 'segment_position', 'summary' );

	/**
	 * Keys of a file object the browser may use.
	 */
	private const FILE = array( 'type', 'filename', 'extension', 'mime_type', 'size', 'url', 'transfer_method' );

	/**
	 * Dify's origin, for relative file links ('' = leave them).
	 *
	 * @var string
	 */
	private string $origin;

	/**
	 * Keeps Dify's origin.
	 *
	 * @param string $origin Scheme, host and port of the Dify base URL.
	 */
	public function __construct( string $origin = '' ) {
		$this->origin = $origin;
	}

	/**
	 * Whether an event of this name reaches the browser at all (`error` and `ping` are the relay's).
	 *
	 * @param string $name The event's name.
	 */
	public function forwards( string $name ): bool {
		return isset( self::FIELDS[ $name ] ) || isset( self::DATA[ $name ] ) || isset( self::STEPS[ $name ] );
	}

	/**
	 * The browser-safe copy of an event (not for `error` and `ping`, which the relay handles).
	 *
	 * @param array<string, mixed> $event A decoded Dify event.
	 * @return array<string, mixed>
	 */
	public function filter( array $event ): array {
		$name = isset( $event['event'] ) && is_string( $event['event'] ) ? $event['event'] : '';
		$keys = array_merge( self::ENVELOPE, isset( self::FIELDS[ $name ] ) ? self::FIELDS[ $name ] : array() );
		$safe = self::pick( $event, $keys );
		$data = isset( $event['data'] ) && is_array( $event['data'] ) ? $event['data'] : null;

		if ( null !== $data && isset( self::DATA[ $name ] ) ) {
			$safe['data'] = self::pick( $data, self::DATA[ $name ] );
		} elseif ( null !== $data && isset( self::STEPS[ $name ] ) ) {
			$safe['data'] = self::pick( $data, array_merge( self::STEP, self::STEPS[ $name ] ) );
		} elseif ( null !== $data && 'human_input_required' === $name ) {
			$safe['data'] = Form_Definition::safe( $data );
		}
		if ( isset( $safe['data'] ) && array_key_exists( 'error', $safe['data'] ) ) {
			$safe['data']['error'] = self::step_error( $safe['data']['error'] );
		}
		if ( array_key_exists( 'url', $safe ) ) {
			$safe['url'] = $this->absolute( $safe['url'] );
		}
		if ( 'agent_thought' === $name && isset( $safe['thought'] ) ) {
			$safe['thought'] = self::short( $safe['thought'] );
		}
		if ( 'message_end' === $name ) {
			$safe = $this->message_end( $safe );
		}
		return $safe;
	}

	/**
	 * The metadata a visitor may see: citations (trimmed) and usage; the annotation author is dropped.
	 *
	 * @param mixed $metadata `metadata` of a message_end event or blocking answer.
	 * @return array{retriever_resources: array<int, array<string, mixed>>, usage: array<string, mixed>|null}
	 */
	public function metadata( $metadata ): array {
		$metadata  = is_array( $metadata ) ? $metadata : array();
		$citations = array();
		if ( isset( $metadata['retriever_resources'] ) && is_array( $metadata['retriever_resources'] ) ) {
			foreach ( $metadata['retriever_resources'] as $citation ) {
				if ( is_array( $citation ) ) {
					$citations[] = self::pick( $citation, self::CITATION );
				}
			}
		}
		return array(
			'retriever_resources' => $citations,
			'usage'               => isset( $metadata['usage'] ) && is_array( $metadata['usage'] ) ? self::pick( $metadata['usage'], self::USAGE ) : null,
		);
	}

	/**
	 * A step's or run's error as the browser may see it: null when there is none, else the
	 * plugin's own sentence (Dify's text may name internal hosts, addresses, paths or the model
	 * provider's error).
	 *
	 * @param mixed $error Dify's `error`.
	 */
	private static function step_error( $error ): ?string {
		return is_string( $error ) && '' !== trim( $error ) ? __( 'This step did not succeed.', 'dify-chatbot' ) : null;
	}

	/**
	 * A thought cut to THOUGHT_LENGTH characters.
	 *
	 * @param mixed $thought The agent's thought.
	 */
	private static function short( $thought ): string {
		if ( ! is_string( $thought ) ) {
			return '';
		}
		return mb_strlen( $thought, 'UTF-8' ) > self::THOUGHT_LENGTH ? rtrim( mb_substr( $thought, 0, self::THOUGHT_LENGTH - 1, 'UTF-8' ) ) . '…' : $thought;
	}

	/**
	 * Cleans message_end's metadata and files.
	 *
	 * @param array<string, mixed> $event The picked event.
	 * @return array<string, mixed>
	 */
	private function message_end( array $event ): array {
		if ( array_key_exists( 'metadata', $event ) ) {
			$event['metadata'] = $this->metadata( $event['metadata'] );
		}
		if ( isset( $event['files'] ) && is_array( $event['files'] ) ) {
			$files = array();
			foreach ( $event['files'] as $file ) {
				if ( is_array( $file ) ) {
					$file = self::pick( $file, self::FILE );
					if ( array_key_exists( 'url', $file ) ) {
						$file['url'] = $this->absolute( $file['url'] );
					}
					$files[] = $file;
				}
			}
			$event['files'] = $files;
		}
		return $event;
	}

	/**
	 * Prefixes Dify's origin to a root-relative link (Dify's links are relative by default,
	 * docs/dify-notes.md §5); anything but an http(s) link becomes null, so no `javascript:` link
	 * reaches a page.
	 *
	 * @param mixed $url A link from Dify.
	 */
	private function absolute( $url ): ?string {
		if ( ! is_string( $url ) ) {
			return null;
		}
		if ( '' !== $this->origin && 0 === strpos( $url, '/' ) && 0 !== strpos( $url, '//' ) ) {
			$url = $this->origin . $url;
		}
		return 1 === preg_match( '#^https?://#i', $url ) ? $url : null;
	}

	/**
	 * The listed keys of an array, in the list's order (how every allow-list of the plugin is
	 * applied: what is not listed stays on the server).
	 *
	 * @param array<mixed> $values Values.
	 * @param string[]     $keys   Keys to keep.
	 * @return array<string, mixed>
	 */
	public static function pick( array $values, array $keys ): array {
		$picked = array();
		foreach ( $keys as $key ) {
			if ( array_key_exists( $key, $values ) ) {
				$picked[ $key ] = $values[ $key ];
			}
		}
		return $picked;
	}
}
