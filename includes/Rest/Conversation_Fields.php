<?php
/**
 * What of the visitor's conversations and messages a browser may see.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Dify\Forms\Form_Handles;
use Dify_Chatbot\Dify\Relay\Event_Filter;

/**
 * Allow-lists for Dify's conversation list and history, the same rules as the stream's
 * (Event_Filter): citations trimmed, tool names only (no tool input or observation), file links
 * absolute and http(s) only. Anything Dify adds in a later release stays on the server. Prices
 * and token counts are not listed, so they stay too. A Human Input form of the history
 * (`extra_contents`) is shown like the stream's: an open one with a handle in the place of its
 * token, an answered one by what was answered.
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
	 * What of an answered form the browser may see.
	 */
	private const SUBMISSION = array( 'node_id', 'node_title', 'rendered_content', 'action_id', 'action_text' );

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
	 * @param array<mixed>      $row    Dify's message.
	 * @param Event_Filter      $filter The stream's allow-list.
	 * @param Form_Handles|null $forms  The visitor's forms (null: open forms are left out).
	 * @return array<string, mixed>
	 */
	public static function message( array $row, Event_Filter $filter, ?Form_Handles $forms = null ): array {
		$message = Event_Filter::pick( $row, self::MESSAGE );
		// Dify's text of a failed answer names internal hosts and provider errors.
		if ( array_key_exists( 'error', $message ) ) {
			$message['error'] = is_string( $message['error'] ) && '' !== trim( $message['error'] ) ? __( 'This answer could not be completed.', 'dify-chatbot' ) : null;
		}
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
		$message['extra_contents'] = self::forms( $row['extra_contents'] ?? null, $forms );
		return $message;
	}

	/**
	 * The Human Input forms an answer paused at: an open one with its handle, an answered one by
	 * its answer.
	 *
	 * @param mixed             $contents Dify's `extra_contents`.
	 * @param Form_Handles|null $forms    The visitor's forms.
	 * @return array<int, array<string, mixed>>
	 */
	private static function forms( $contents, ?Form_Handles $forms ): array {
		$items = array();
		foreach ( is_array( $contents ) ? $contents : array() as $item ) {
			if ( ! is_array( $item ) || 'human_input' !== ( $item['type'] ?? '' ) || ! is_string( $item['workflow_run_id'] ?? null ) ) {
				continue;
			}
			$safe = array(
				'type'            => 'human_input',
				'workflow_run_id' => $item['workflow_run_id'],
				'submitted'       => true === ( $item['submitted'] ?? false ),
			);
			if ( $safe['submitted'] ) {
				$safe['form_submission_data'] = is_array( $item['form_submission_data'] ?? null ) ? Event_Filter::pick( $item['form_submission_data'], self::SUBMISSION ) : null;
			} else {
				$form = null !== $forms && is_array( $item['form_definition'] ?? null ) ? $forms->publish( $item['workflow_run_id'], $item['form_definition'] ) : null;
				if ( null === $form ) {
					continue;
				}
				$safe['form_definition'] = $form;
			}
			$items[] = $safe;
		}
		return $items;
	}
}
