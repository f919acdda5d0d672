<?php
/**
 * What of the visitor's conversations and messages a browser may see.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Dify\Relay\Event_Filter;

/**
 * Allow-lists for Dify's conversation list and history, the same rules as the stream's
 * (Event_Filter): citations trimmed, tool names only (no tool input or observation), file links
 * absolute and http(s) only. Anything Dify adds in a later release stays on the server.
 */
final class Conversation_Fields {

	/**
	 * Keys of a conversation the browser may see.
	 */
	private const CONVERSATION = array( 'id', 'name', 'status', 'introduction', 'created_at', 'updated_at' );

	/**
	 * Keys of a message the browser may see (agent thoughts and files are trimmed separately).
	 */
	private const MESSAGE = array( 'id', 'conversation_id', 'query', 'answer', 'feedback', 'created_at', 'status', 'error' );

	/**
	 * Keys of a message file the browser may see.
	 */
	private const FILE = array( 'id', 'type', 'url', 'belongs_to', 'filename', 'mime_type', 'size' );

	/**
	 * The rows of a page (`data`), arrays only.
	 *
	 * @param array<string, mixed> $json Dify's page.
	 * @return array<int, array<mixed>>
	 */
	public static function rows( array $json ): array {
		$rows = isset( $json['data'] ) && is_array( $json['data'] ) ? $json['data'] : array();
		return array_values( array_filter( $rows, 'is_array' ) );
	}

	/**
	 * A conversation for the browser.
	 *
	 * @param array<mixed> $row Dify's conversation.
	 * @return array<string, mixed>
	 */
	public static function conversation( array $row ): array {
		return Event_Filter::pick( $row, self::CONVERSATION );
	}

	/**
	 * A message for the browser.
	 *
	 * @param array<mixed> $row    Dify's message.
	 * @param Event_Filter $filter The stream's allow-list.
	 * @return array<string, mixed>
	 */
	public static function message( array $row, Event_Filter $filter ): array {
		$message                        = Event_Filter::pick( $row, self::MESSAGE );
		$message['retriever_resources'] = $filter->metadata( array( 'retriever_resources' => $row['retriever_resources'] ?? array() ) )['retriever_resources'];
		$message['agent_thoughts']      = array();
		foreach ( isset( $row['agent_thoughts'] ) && is_array( $row['agent_thoughts'] ) ? $row['agent_thoughts'] : array() as $thought ) {
			if ( is_array( $thought ) ) {
				$message['agent_thoughts'][] = Event_Filter::pick( $thought, array( 'id', 'position', 'tool' ) );
			}
		}
		$message['message_files'] = array();
		foreach ( isset( $row['message_files'] ) && is_array( $row['message_files'] ) ? $row['message_files'] : array() as $file ) {
			if ( ! is_array( $file ) ) {
				continue;
			}
			$file = Event_Filter::pick( $file, self::FILE );
			// The stream's rule for links: Dify's origin for relative ones, http(s) only.
			$file['url'] = $filter->filter(
				array(
					'event' => 'message_file',
					'url'   => $file['url'] ?? null,
				)
			)['url'] ?? null;
			if ( null !== $file['url'] ) {
				$message['message_files'][] = $file;
			}
		}
		return $message;
	}
}
