<?php
/**
 * What of a Dify event the browser may see.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Relay;

/**
 * An allow-list per event (docs/dify-notes.md §5). Workflow and node events lose their inputs
 * (they hold `sys.user_id` and the app's variables), outputs, process data, execution metadata and
 * `created_by`; agent thoughts lose the raw tool input and observation (tool payloads may carry
 * internal data). Unknown events (newer Dify releases add some) pass by name with their envelope
 * only. Relative file links get Dify's origin.
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
		'message'         => array( 'answer', 'from_variable_selector' ),
		'agent_message'   => array( 'answer' ),
		'message_file'    => array( 'type', 'belongs_to', 'url', 'answer', 'from_variable_selector' ),
		'message_replace' => array( 'answer', 'reason' ),
		'message_end'     => array( 'metadata', 'files' ),
		'agent_thought'   => array( 'position', 'thought', 'tool', 'tool_labels', 'message_files' ),
		'tts_message'     => array( 'audio' ),
		'tts_message_end' => array( 'audio' ),
	);

	/**
	 * Keys of `data` per workflow-family event.
	 */
	private const DATA = array(
		'text_chunk'          => array( 'text', 'from_variable_selector' ),
		'text_replace'        => array( 'text' ),
		// Only ever sent when the site shows the model's reasoning (Reasoning_Stream).
		'reasoning_chunk'     => array( 'reasoning', 'node_id', 'is_final' ),
		'workflow_started'    => array( 'id', 'workflow_id', 'created_at' ),
		'workflow_finished'   => array( 'id', 'workflow_id', 'status', 'elapsed_time', 'total_tokens', 'total_steps', 'created_at', 'finished_at', 'exceptions_count' ),
		'node_started'        => array( 'id', 'node_id', 'node_type', 'title', 'index', 'predecessor_node_id', 'created_at', 'iteration_id', 'loop_id' ),
		'node_finished'       => array( 'id', 'node_id', 'node_type', 'title', 'index', 'predecessor_node_id', 'status', 'elapsed_time', 'created_at', 'finished_at', 'iteration_id', 'loop_id' ),
		'node_retry'          => array( 'id', 'node_id', 'node_type', 'title', 'index', 'predecessor_node_id', 'status', 'elapsed_time', 'created_at', 'finished_at', 'iteration_id', 'loop_id', 'retry_index' ),
		'iteration_started'   => array( 'id', 'node_id', 'node_type', 'title', 'created_at' ),
		'iteration_next'      => array( 'id', 'node_id', 'node_type', 'title', 'index', 'created_at' ),
		'iteration_completed' => array( 'id', 'node_id', 'node_type', 'title', 'status', 'elapsed_time', 'created_at', 'finished_at', 'steps' ),
		'loop_started'        => array( 'id', 'node_id', 'node_type', 'title', 'created_at' ),
		'loop_next'           => array( 'id', 'node_id', 'node_type', 'title', 'index', 'created_at' ),
		'loop_completed'      => array( 'id', 'node_id', 'node_type', 'title', 'status', 'elapsed_time', 'created_at', 'finished_at', 'steps' ),
	);

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
	 * The browser-safe copy of an event (not for `error` and `ping`, which the relay handles).
	 *
	 * @param array<string, mixed> $event A decoded Dify event.
	 * @return array<string, mixed>
	 */
	public function filter( array $event ): array {
		$name = isset( $event['event'] ) && is_string( $event['event'] ) ? $event['event'] : '';
		$keys = array_merge( self::ENVELOPE, isset( self::FIELDS[ $name ] ) ? self::FIELDS[ $name ] : array() );
		$safe = self::pick( $event, $keys );

		if ( isset( self::DATA[ $name ] ) && isset( $event['data'] ) && is_array( $event['data'] ) ) {
			$safe['data'] = self::pick( $event['data'], self::DATA[ $name ] );
		}
		if ( array_key_exists( 'url', $safe ) ) {
			$safe['url'] = $this->absolute( $safe['url'] );
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
	 * @return array{retriever_resources: array<int, array<string, mixed>>, usage: mixed}
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
			'usage'               => isset( $metadata['usage'] ) && is_array( $metadata['usage'] ) ? $metadata['usage'] : null,
		);
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
