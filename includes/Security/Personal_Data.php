<?php
/**
 * WordPress's personal-data exporter and eraser for the chat.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Security;

use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Dify\Http\Response;
use Dify_Chatbot\Dify\Http\Transport_Policy;
use Dify_Chatbot\Registrable;
use Dify_Chatbot\Settings\Bots;
use Dify_Chatbot\Settings\Settings;
use WP_Error;

/**
 * Tools → Export / Erase Personal Data, for users of this site: their conversations live in Dify
 * under their Dify user (Visitor_Identity::of_wp_user()), so they are read and deleted through
 * the API as that user. Dify lists only that user's conversations, so nobody else's are touched.
 * Visitors who are not logged in have no e-mail address here; they delete their own conversations
 * in the chat. Each bot's app keeps its own conversations, so each bot other than the default
 * has its own exporter and eraser (`dify-chatbot-{slug}`), named after it.
 */
final class Personal_Data implements Registrable {

	public const ID = 'dify-chatbot';

	/**
	 * Conversations exported or erased per page of WordPress's request (each is one API call or
	 * a few, so a page stays well inside a PHP time limit).
	 */
	private const PER_PAGE = 10;

	/**
	 * Messages read per call, and at most this many calls per conversation.
	 */
	private const MESSAGES_PER_CALL = 100;
	private const MAX_MESSAGE_CALLS = 20;

	/**
	 * The effective settings.
	 *
	 * @var Settings
	 */
	private Settings $settings;

	/**
	 * The other bots (null: only this one).
	 *
	 * @var Bots|null
	 */
	private ?Bots $bots;

	/**
	 * Keeps the settings.
	 *
	 * @param Settings  $settings The bot's settings (the default bot's for the site's own).
	 * @param Bots|null $bots     The bots, whose others get an exporter and an eraser each.
	 */
	public function __construct( Settings $settings, ?Bots $bots = null ) {
		$this->settings = $settings;
		$this->bots     = $bots;
	}

	/**
	 * The bots other than this one, each with its own exporter/eraser.
	 *
	 * @return array<string, self>
	 */
	private function others(): array {
		$others = array();
		foreach ( null !== $this->bots ? $this->bots->all() : array() as $bot ) {
			if ( ! $bot->is_default() ) {
				$others[ self::ID . '-' . $bot->slug() ] = new self( $bot );
			}
		}
		return $others;
	}

	/**
	 * The name WordPress shows for this bot's exporter and eraser.
	 */
	private function friendly_name(): string {
		return $this->settings->is_default()
			? __( 'Dify Chatbot conversations', 'dify-chatbot' )
			/* translators: %s: a bot's name. */
			: sprintf( __( 'Dify Chatbot conversations (%s)', 'dify-chatbot' ), $this->settings->name() );
	}

	/**
	 * Adds the exporter and the eraser.
	 */
	public function register(): void {
		add_filter( 'wp_privacy_personal_data_exporters', array( $this, 'add_exporter' ) );
		add_filter( 'wp_privacy_personal_data_erasers', array( $this, 'add_eraser' ) );
	}

	/**
	 * Registers the exporter.
	 *
	 * @param mixed $exporters The exporters so far.
	 * @return mixed
	 */
	public function add_exporter( $exporters ) {
		if ( is_array( $exporters ) ) {
			foreach ( array( self::ID => $this ) + $this->others() as $id => $part ) {
				$exporters[ $id ] = array(
					'exporter_friendly_name' => $part->friendly_name(),
					'callback'               => array( $part, 'export' ),
				);
			}
		}
		return $exporters;
	}

	/**
	 * Registers the eraser.
	 *
	 * @param mixed $erasers The erasers so far.
	 * @return mixed
	 */
	public function add_eraser( $erasers ) {
		if ( is_array( $erasers ) ) {
			foreach ( array( self::ID => $this ) + $this->others() as $id => $part ) {
				$erasers[ $id ] = array(
					'eraser_friendly_name' => $part->friendly_name(),
					'callback'             => array( $part, 'erase' ),
				);
			}
		}
		return $erasers;
	}

	/**
	 * One page of the export: up to PER_PAGE conversations with their messages.
	 *
	 * @param string $email The address the request is about.
	 * @param int    $page  The page: 1, 2 and so on.
	 * @return array{data: array<int, array<string, mixed>>, done: bool}|WP_Error
	 */
	public function export( $email, $page = 1 ) {
		$user   = get_user_by( 'email', (string) $email );
		$client = $this->client();
		if ( ! $user || null === $client ) {
			return array(
				'data' => array(),
				'done' => true,
			);
		}
		$dify_user = Visitor_Identity::of_wp_user( (int) $user->ID );
		$found     = $this->conversations( $client, $dify_user, max( 1, (int) $page ) );
		if ( is_wp_error( $found ) ) {
			return $found;
		}
		$data = array();
		foreach ( $found['rows'] as $conversation ) {
			$messages = $this->messages( $client, $dify_user, $conversation['id'] );
			if ( is_wp_error( $messages ) ) {
				return $messages;
			}
			$item = array(
				array(
					'name'  => __( 'Conversation', 'dify-chatbot' ),
					'value' => $conversation['name'],
				),
				array(
					'name'  => __( 'Started', 'dify-chatbot' ),
					'value' => $conversation['created_at'] > 0 ? gmdate( 'Y-m-d H:i:s', $conversation['created_at'] ) . ' UTC' : '',
				),
			);
			foreach ( $messages as $index => $message ) {
				$item[] = array(
					/* translators: %d: the message's number in the conversation. */
					'name'  => sprintf( __( 'Message %d', 'dify-chatbot' ), $index + 1 ),
					'value' => $message['query'],
				);
				$item[] = array(
					/* translators: %d: the message's number in the conversation. */
					'name'  => sprintf( __( 'Answer %d', 'dify-chatbot' ), $index + 1 ),
					'value' => $message['answer'],
				);
			}
			$data[] = array(
				'group_id'    => 'dify-chatbot-conversations',
				'group_label' => __( 'Chat conversations', 'dify-chatbot' ),
				'item_id'     => 'dify-chatbot-conversation-' . $conversation['id'],
				'data'        => $item,
			);
		}//end foreach
		return array(
			'data' => $data,
			'done' => ! $found['more'],
		);
	}

	/**
	 * One page of the erasure: deletes up to PER_PAGE conversations (always the first ones
	 * left, as the deleted ones are gone from the list).
	 *
	 * @param string $email The address the request is about.
	 * @param int    $page  1, 2, … (not needed: see above).
	 * @return array{items_removed: bool, items_retained: bool, messages: string[], done: bool}|WP_Error
	 */
	public function erase( $email, $page = 1 ) {
		unset( $page );
		$user   = get_user_by( 'email', (string) $email );
		$client = $this->client();
		$answer = array(
			'items_removed'  => false,
			'items_retained' => false,
			'messages'       => array(),
			'done'           => true,
		);
		if ( ! $user ) {
			return $answer;
		}
		if ( null === $client ) {
			$answer['messages'][] = __( 'Dify Chatbot is not connected to Dify, so conversations kept there could not be erased.', 'dify-chatbot' );
			return $answer;
		}
		$dify_user = Visitor_Identity::of_wp_user( (int) $user->ID );
		$found     = $this->conversations( $client, $dify_user, 1 );
		if ( is_wp_error( $found ) ) {
			return $found;
		}
		foreach ( $found['rows'] as $conversation ) {
			$response = $client->delete_conversation( $conversation['id'], $dify_user );
			if ( $response instanceof Response && $response->status() < 300 ) {
				$answer['items_removed'] = true;
			} else {
				$answer['items_retained'] = true;
			}
		}
		if ( $answer['items_retained'] ) {
			$answer['messages'][] = __( 'Some chat conversations could not be deleted in Dify. Try again later.', 'dify-chatbot' );
			return $answer;
		}
		$answer['done'] = ! $found['more'];
		return $answer;
	}

	/**
	 * The client for the configured app, or null when none is configured.
	 */
	private function client(): ?Client {
		$key = $this->settings->api_key();
		if ( null === $key || ! $this->settings->is_configured() ) {
			return null;
		}
		return new Client( $this->settings->base_url(), $key, new Transport_Policy( $this->settings->ca_bundle() ), $this->settings->slug() );
	}

	/**
	 * The user's conversations of one page (PER_PAGE), newest first, and whether more follow.
	 *
	 * @param Client $client    The client.
	 * @param string $dify_user The Dify user.
	 * @param int    $page      The page: 1, 2 and so on.
	 * @return array{rows: array<int, array{id: string, name: string, created_at: int}>, more: bool}|WP_Error
	 */
	private function conversations( Client $client, string $dify_user, int $page ) {
		$last_id = null;
		// Dify pages by the last id seen: walk to the page asked for.
		for ( $i = 1; $i <= $page; $i++ ) {
			$json = self::json( $client->conversations( $dify_user, $last_id, self::PER_PAGE ) );
			if ( is_wp_error( $json ) ) {
				return $json;
			}
			$rows = array();
			foreach ( is_array( $json['data'] ?? null ) ? $json['data'] : array() as $row ) {
				if ( is_array( $row ) && isset( $row['id'] ) && is_string( $row['id'] ) ) {
					$rows[] = array(
						'id'         => $row['id'],
						'name'       => is_string( $row['name'] ?? null ) ? $row['name'] : '',
						'created_at' => is_int( $row['created_at'] ?? null ) ? $row['created_at'] : 0,
					);
				}
			}
			$more = true === ( $json['has_more'] ?? false ) && array() !== $rows;
			if ( $i === $page || ! $more ) {
				return array(
					'rows' => $i === $page ? $rows : array(),
					'more' => $i === $page && $more,
				);
			}
			$last_id = $rows[ count( $rows ) - 1 ]['id'];
		}//end for
		return array(
			'rows' => array(),
			'more' => false,
		);
	}

	/**
	 * A conversation's messages, oldest first (queries and answers as text).
	 *
	 * @param Client $client       The client.
	 * @param string $dify_user    The Dify user.
	 * @param string $conversation The conversation's id.
	 * @return array<int, array{query: string, answer: string}>|WP_Error
	 */
	private function messages( Client $client, string $dify_user, string $conversation ) {
		$messages = array();
		$first_id = null;
		for ( $i = 0; $i < self::MAX_MESSAGE_CALLS; $i++ ) {
			$json = self::json( $client->messages( $conversation, $dify_user, $first_id, self::MESSAGES_PER_CALL ) );
			if ( is_wp_error( $json ) ) {
				return $json;
			}
			$page = array();
			foreach ( is_array( $json['data'] ?? null ) ? $json['data'] : array() as $row ) {
				if ( is_array( $row ) ) {
					$page[] = array(
						'id'     => is_string( $row['id'] ?? null ) ? $row['id'] : '',
						'query'  => is_string( $row['query'] ?? null ) ? $row['query'] : '',
						'answer' => is_string( $row['answer'] ?? null ) ? $row['answer'] : '',
					);
				}
			}
			// Each page is oldest → newest, and older pages come before it.
			$messages = array_merge( $page, $messages );
			if ( true !== ( $json['has_more'] ?? false ) || array() === $page || '' === $page[0]['id'] ) {
				break;
			}
			$first_id = $page[0]['id'];
		}//end for
		return array_map(
			static function ( array $message ): array {
				return array(
					'query'  => $message['query'],
					'answer' => $message['answer'],
				);
			},
			$messages
		);
	}

	/**
	 * The JSON of a successful answer, or why there is none.
	 *
	 * @param Response|WP_Error $response The answer.
	 * @return array<string, mixed>|WP_Error
	 */
	private static function json( $response ) {
		if ( is_wp_error( $response ) ) {
			return new WP_Error( 'dify_chatbot_privacy_unreachable', __( 'Dify could not be reached to read or delete the chat conversations. Try again later.', 'dify-chatbot' ) );
		}
		$json = $response->json();
		if ( $response->status() >= 300 || null === $json ) {
			return new WP_Error( 'dify_chatbot_privacy_failed', __( 'Dify did not answer as expected when reading or deleting the chat conversations. Try again later.', 'dify-chatbot' ) );
		}
		return $json;
	}
}
