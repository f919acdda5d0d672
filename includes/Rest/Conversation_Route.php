<?php
/**
 * The visitor's conversations: list, history, rename and delete.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Relay\Event_Filter;
use Dify_Chatbot\Dify\Http\Response;
use Dify_Chatbot\Registrable;
use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Base_Url;
use Dify_Chatbot\Settings\Settings;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `GET /conversations`, `GET /conversations/{id}/messages`, `POST /conversations/{id}/name` and
 * `DELETE /conversations/{id}` (design §3.2).
 *
 * Open to whoever may chat, within the rate limits (Visitor_Permission, like Message_Route; every
 * route costs an upstream call). The Dify `user` is derived on the server, and Dify lists
 * and shows only that user's conversations (dify-api §4, §7.1, §7.4). Dify's DELETE checks no
 * ownership at all, so rename and delete first look the conversation up as this visitor
 * (`/messages`, which answers 404 for another user's) and refuse with 404 when it is not theirs.
 */
final class Conversation_Route implements Registrable {

	/**
	 * A conversation id in a path: Dify's ids are UUIDs.
	 */
	private const ID = '(?P<conversation_id>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})';

	/**
	 * A UUID, for ids in the query.
	 */
	private const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

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
	 * The effective settings.
	 *
	 * @var Settings
	 */
	private Settings $settings;

	/**
	 * Derives the Dify user.
	 *
	 * @var Visitor_Identity
	 */
	private Visitor_Identity $identity;

	/**
	 * Maps failures.
	 *
	 * @var Error_Mapper
	 */
	private Error_Mapper $errors;

	/**
	 * Keeps the collaborators.
	 *
	 * @param Settings         $settings The effective settings.
	 * @param Visitor_Identity $identity Derives the Dify user.
	 * @param Error_Mapper     $errors   Maps failures.
	 */
	public function __construct( Settings $settings, Visitor_Identity $identity, Error_Mapper $errors ) {
		$this->settings = $settings;
		$this->identity = $identity;
		$this->errors   = $errors;
	}

	/**
	 * Adds the routes on rest_api_init.
	 */
	public function register(): void {
		add_action( 'rest_api_init', array( $this, 'register_routes' ) );
	}

	/**
	 * Registers the routes.
	 */
	public function register_routes(): void {
		$limit = array(
			'type'    => 'integer',
			'minimum' => 1,
			'maximum' => 100,
		);
		register_rest_route(
			Settings_Route::NAMESPACE,
			'/conversations',
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => array( $this, 'list' ),
				// Identity is derived server-side (see the class comment); who may chat and the rate limits.
				'permission_callback' => array( Visitor_Permission::class, 'check_limited' ),
				'args'                => array(
					'last_id' => array(
						'type'    => 'string',
						'pattern' => self::UUID,
					),
					'limit'   => $limit + array( 'default' => 20 ),
				),
			)
		);
		register_rest_route(
			Settings_Route::NAMESPACE,
			'/conversations/' . self::ID . '/messages',
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => array( $this, 'messages' ),
				'permission_callback' => array( Visitor_Permission::class, 'check_limited' ),
				'args'                => array(
					'first_id' => array(
						'type'    => 'string',
						'pattern' => self::UUID,
					),
					'limit'    => $limit + array( 'default' => 50 ),
				),
			)
		);
		register_rest_route(
			Settings_Route::NAMESPACE,
			'/conversations/' . self::ID . '/name',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( $this, 'rename' ),
				'permission_callback' => array( Visitor_Permission::class, 'check_limited' ),
				'args'                => array(
					'name' => array(
						'type'              => 'string',
						'required'          => true,
						'minLength'         => 1,
						'maxLength'         => 255,
						// An own sanitize_callback makes WordPress skip the schema check: ask for it.
						'validate_callback' => 'rest_validate_request_arg',
						'sanitize_callback' => 'sanitize_text_field',
					),
				),
			)
		);
		register_rest_route(
			Settings_Route::NAMESPACE,
			'/conversations/' . self::ID,
			array(
				'methods'             => WP_REST_Server::DELETABLE,
				'callback'            => array( $this, 'delete' ),
				'permission_callback' => array( Visitor_Permission::class, 'check_limited' ),
			)
		);
	}

	/**
	 * The visitor's conversations, newest first.
	 *
	 * @param WP_REST_Request $request The request.
	 */
	public function list( WP_REST_Request $request ): WP_REST_Response {
		$client = $this->client();
		if ( is_wp_error( $client ) ) {
			return $this->errors->to_response( $client );
		}
		$last_id  = $request->get_param( 'last_id' );
		$response = $client->conversations( $this->identity->user(), is_string( $last_id ) ? strtolower( $last_id ) : null, (int) $request->get_param( 'limit' ) );
		$json     = $this->json( $response );
		if ( is_wp_error( $json ) ) {
			return $this->errors->to_response( $json );
		}
		$data = array();
		foreach ( self::rows( $json ) as $row ) {
			$data[] = self::pick( $row, self::CONVERSATION );
		}
		return $this->answer( $client, $json, $data );
	}

	/**
	 * A page of one of the visitor's conversations, oldest → newest.
	 *
	 * @param WP_REST_Request $request The request.
	 */
	public function messages( WP_REST_Request $request ): WP_REST_Response {
		$client = $this->client();
		if ( is_wp_error( $client ) ) {
			return $this->errors->to_response( $client );
		}
		$first_id = $request->get_param( 'first_id' );
		$response = $client->messages( $this->conversation_id( $request ), $this->identity->user(), is_string( $first_id ) ? strtolower( $first_id ) : null, (int) $request->get_param( 'limit' ) );
		$json     = $this->json( $response );
		if ( is_wp_error( $json ) ) {
			return $this->errors->to_response( $json );
		}
		$filter = new Event_Filter( Base_Url::origin( $client->base_url() ) );
		$data   = array();
		foreach ( self::rows( $json ) as $row ) {
			$data[] = self::message( $row, $filter );
		}
		return $this->answer( $client, $json, $data );
	}

	/**
	 * Renames one of the visitor's conversations.
	 *
	 * @param WP_REST_Request $request The request.
	 */
	public function rename( WP_REST_Request $request ): WP_REST_Response {
		$client = $this->client();
		if ( is_wp_error( $client ) ) {
			return $this->errors->to_response( $client );
		}
		$id    = $this->conversation_id( $request );
		$user  = $this->identity->user();
		$owned = $this->owned( $client, $id, $user );
		if ( null !== $owned ) {
			return $this->errors->to_response( $owned );
		}
		$name = trim( (string) $request->get_param( 'name' ) );
		if ( '' === $name ) {
			return $this->errors->to_response( new WP_Error( 'rest_invalid_param', __( 'A name is required.', 'dify-chatbot' ), array( 'status' => 400 ) ) );
		}
		$json = $this->json( $client->rename( $id, $user, $name ) );
		if ( is_wp_error( $json ) ) {
			return $this->errors->to_response( $json );
		}
		return new WP_REST_Response( self::pick( $json, self::CONVERSATION ), 200 );
	}

	/**
	 * Deletes one of the visitor's conversations.
	 *
	 * @param WP_REST_Request $request The request.
	 */
	public function delete( WP_REST_Request $request ): WP_REST_Response {
		$client = $this->client();
		if ( is_wp_error( $client ) ) {
			return $this->errors->to_response( $client );
		}
		$id    = $this->conversation_id( $request );
		$user  = $this->identity->user();
		$owned = $this->owned( $client, $id, $user );
		if ( null !== $owned ) {
			return $this->errors->to_response( $owned );
		}
		$response = $client->delete_conversation( $id, $user );
		if ( is_wp_error( $response ) ) {
			return $this->errors->to_response( $this->errors->from_transport( $response ) );
		}
		if ( $response->status() < 200 || $response->status() >= 300 ) {
			return $this->errors->to_response( $this->errors->from_response( $response ) );
		}
		return new WP_REST_Response( array( 'result' => 'success' ), 200 );
	}

	/**
	 * Null when the conversation is the visitor's, else why not (404 for another visitor's or an
	 * unknown one). Dify's /messages only finds a conversation for the user who owns it.
	 *
	 * @param Client $client The client.
	 * @param string $id     The conversation id.
	 * @param string $user   The visitor's Dify user.
	 */
	private function owned( Client $client, string $id, string $user ): ?WP_Error {
		$json = $this->json( $client->messages( $id, $user, null, 1 ) );
		return is_wp_error( $json ) ? $json : null;
	}

	/**
	 * A client for the configured app, or why there is none.
	 *
	 * @return Client|WP_Error
	 */
	private function client() {
		$key = $this->settings->api_key();
		if ( null === $key || ! $this->settings->is_configured() ) {
			return $this->errors->not_configured();
		}
		return new Client( $this->settings->base_url(), $key );
	}

	/**
	 * The conversation id from the path, lower case (Dify's form).
	 *
	 * @param WP_REST_Request $request The request.
	 */
	private function conversation_id( WP_REST_Request $request ): string {
		return strtolower( (string) $request->get_param( 'conversation_id' ) );
	}

	/**
	 * The JSON of a successful call, or the mapped error. A JSON 404 means an unknown or another
	 * visitor's conversation.
	 *
	 * @param Response|WP_Error $response The answer.
	 * @return array<string, mixed>|WP_Error
	 */
	private function json( $response ) {
		if ( is_wp_error( $response ) ) {
			return $this->errors->from_transport( $response );
		}
		$json = $response->json();
		if ( 200 === $response->status() && null !== $json ) {
			return $json;
		}
		if ( 404 === $response->status() && null !== $json ) {
			return new WP_Error( Error_Mapper::CONVERSATION_NOT_FOUND, __( 'This conversation is no longer available. Please start a new chat.', 'dify-chatbot' ), array( 'status' => 404 ) );
		}
		return 200 === $response->status() ? $this->errors->bad_response() : $this->errors->from_response( $response );
	}

	/**
	 * A page for the browser: the rows and whether there is more; the key never leaves.
	 *
	 * @param Client                           $client The client (scrubs the key).
	 * @param array<string, mixed>             $json   Dify's page.
	 * @param array<int, array<string, mixed>> $data   The trimmed rows.
	 */
	private function answer( Client $client, array $json, array $data ): WP_REST_Response {
		$page = array(
			'has_more' => true === ( $json['has_more'] ?? false ),
			'data'     => $data,
		);
		$safe = json_decode( $client->scrub( (string) wp_json_encode( $page ) ), true );
		return new WP_REST_Response( is_array( $safe ) ? $safe : array(), 200 );
	}

	/**
	 * The rows of a page (`data`), arrays only.
	 *
	 * @param array<string, mixed> $json Dify's page.
	 * @return array<int, array<mixed>>
	 */
	private static function rows( array $json ): array {
		$rows = isset( $json['data'] ) && is_array( $json['data'] ) ? $json['data'] : array();
		return array_values( array_filter( $rows, 'is_array' ) );
	}

	/**
	 * A message for the browser: citations trimmed like the stream's, tool names only (no tool
	 * input or observation), files with http(s) links only.
	 *
	 * @param array<mixed> $row    Dify's message.
	 * @param Event_Filter $filter The stream's allow-list.
	 * @return array<string, mixed>
	 */
	private static function message( array $row, Event_Filter $filter ): array {
		$message                        = self::pick( $row, self::MESSAGE );
		$message['retriever_resources'] = $filter->metadata( array( 'retriever_resources' => $row['retriever_resources'] ?? array() ) )['retriever_resources'];
		$message['agent_thoughts']      = array();
		foreach ( isset( $row['agent_thoughts'] ) && is_array( $row['agent_thoughts'] ) ? $row['agent_thoughts'] : array() as $thought ) {
			if ( is_array( $thought ) ) {
				$message['agent_thoughts'][] = self::pick( $thought, array( 'id', 'position', 'tool' ) );
			}
		}
		$message['message_files'] = array();
		foreach ( isset( $row['message_files'] ) && is_array( $row['message_files'] ) ? $row['message_files'] : array() as $file ) {
			if ( ! is_array( $file ) ) {
				continue;
			}
			$file = self::pick( $file, self::FILE );
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

	/**
	 * The listed keys of an array, in the list's order.
	 *
	 * @param array<mixed> $values Values.
	 * @param string[]     $keys   Keys to keep.
	 * @return array<string, mixed>
	 */
	private static function pick( array $values, array $keys ): array {
		$picked = array();
		foreach ( $keys as $key ) {
			if ( array_key_exists( $key, $values ) ) {
				$picked[ $key ] = $values[ $key ];
			}
		}
		return $picked;
	}
}
