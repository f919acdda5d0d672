<?php
/**
 * The visitor's conversations: list, history, rename and delete.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Dify\Relay\Answer_View;
use Dify_Chatbot\Dify\Relay\Event_Filter;
use Dify_Chatbot\Registrable;
use Dify_Chatbot\Security\Visitor_Guard;
use Dify_Chatbot\Settings\Base_Url;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `GET /conversations`, `GET /conversations/{id}/messages`, `POST /conversations/{id}/name`,
 * `DELETE /conversations/{id}` and `DELETE /conversations` (all of the visitor's).
 *
 * Open to whoever may chat, within the rate limits (Visitor_Guard::ACTION: every route costs an
 * upstream call). The Dify `user` is derived on the server, and Dify lists and shows only that
 * user's conversations. Dify's DELETE checks no ownership at all (docs/dify-notes.md §2), so
 * rename and delete first look the conversation up as this visitor (`/messages`, which answers
 * 404 for another user's) and refuse with 404 when it is not theirs. What of a conversation or
 * message the browser sees is Conversation_Fields' business.
 *
 * Deleting all of them deletes only what Dify lists for this visitor's user, at most
 * DELETE_PER_REQUEST per request and for at most DELETE_SECONDS, so one request cannot hold a
 * PHP worker for long: the answer says how many went and whether more remain, and the browser
 * asks again until none do.
 */
final class Conversation_Controller implements Registrable {

	/**
	 * Conversations deleted at most per `DELETE /conversations` (one upstream call each, plus
	 * the one that lists them).
	 */
	public const DELETE_PER_REQUEST = 20;

	/**
	 * No new deletion starts once a `DELETE /conversations` has taken this long (a slow Dify
	 * would otherwise hold the worker for up to 21 upstream timeouts).
	 */
	private const DELETE_SECONDS = 10;

	/**
	 * What every visitor route shares.
	 *
	 * @var Visitor_Api
	 */
	private Visitor_Api $api;

	/**
	 * Keeps the shared parts.
	 *
	 * @param Visitor_Api $api What every visitor route shares.
	 */
	public function __construct( Visitor_Api $api ) {
		$this->api = $api;
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
		$conversation = '/conversations/' . Api::id( 'conversation_id' );
		$this->api->route( '/conversations', WP_REST_Server::READABLE, array( $this, 'list' ), Visitor_Guard::ACTION, self::page_args( 'last_id', 20 ) );
		$this->api->route( $conversation . '/messages', WP_REST_Server::READABLE, array( $this, 'messages' ), Visitor_Guard::ACTION, self::page_args( 'first_id', 50 ) );
		$this->api->route(
			$conversation . '/name',
			WP_REST_Server::CREATABLE,
			array( $this, 'rename' ),
			Visitor_Guard::ACTION,
			array(
				'name' => array(
					'type'              => 'string',
					'required'          => true,
					'minLength'         => 1,
					'maxLength'         => 255,
					// An own sanitize_callback makes WordPress skip the schema check: ask for it.
					'validate_callback' => 'rest_validate_request_arg',
					'sanitize_callback' => 'sanitize_text_field',
				),
			)
		);
		$this->api->route( $conversation, WP_REST_Server::DELETABLE, array( $this, 'delete' ), Visitor_Guard::ACTION );
		$this->api->route( '/conversations', WP_REST_Server::DELETABLE, array( $this, 'delete_all' ), Visitor_Guard::ACTION );
	}

	/**
	 * The visitor's conversations, newest first.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	public function list( WP_REST_Request $request ): WP_REST_Response {
		$client = $this->api->client( $request );
		if ( is_wp_error( $client ) ) {
			return $this->api->fail( $client );
		}
		$last_id = $request->get_param( 'last_id' );
		$json    = $this->json( $client->conversations( $this->api->user(), is_string( $last_id ) ? strtolower( $last_id ) : null, (int) $request->get_param( 'limit' ) ) );
		if ( is_wp_error( $json ) ) {
			return $this->api->fail( $json );
		}
		$data = array_map( array( Conversation_Fields::class, 'conversation' ), Conversation_Fields::rows( $json ) );
		return $this->page( $client, $json, $data );
	}

	/**
	 * A page of one of the visitor's conversations, oldest → newest.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	public function messages( WP_REST_Request $request ): WP_REST_Response {
		$client = $this->api->client( $request );
		if ( is_wp_error( $client ) ) {
			return $this->api->fail( $client );
		}
		$first_id = $request->get_param( 'first_id' );
		$json     = $this->json( $client->messages( Api::path_id( $request, 'conversation_id' ), $this->api->user(), is_string( $first_id ) ? strtolower( $first_id ) : null, (int) $request->get_param( 'limit' ) ) );
		if ( is_wp_error( $json ) ) {
			return $this->api->fail( $json );
		}
		$filter = new Event_Filter( Base_Url::origin( $client->base_url() ) );
		$forms  = $this->api->forms( $client );
		// Reasoning inline in stored answers leaves the server only when it is shown.
		$view = new Answer_View( $this->api->shows_reasoning( $request ) );
		$data = array();
		foreach ( Conversation_Fields::rows( $json ) as $row ) {
			$data[] = $view->answer( Conversation_Fields::message( $row, $filter, $forms ) );
		}
		return $this->page( $client, $json, $data );
	}

	/**
	 * Renames one of the visitor's conversations.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	public function rename( WP_REST_Request $request ): WP_REST_Response {
		$client = $this->owned( $request );
		if ( is_wp_error( $client ) ) {
			return $this->api->fail( $client );
		}
		$name = trim( (string) $request->get_param( 'name' ) );
		if ( '' === $name ) {
			return $this->api->fail( new WP_Error( 'rest_invalid_param', __( 'A name is required.', 'dify-chatbot' ), array( 'status' => 400 ) ) );
		}
		$json = $this->json( $client->rename( Api::path_id( $request, 'conversation_id' ), $this->api->user(), $name ) );
		return is_wp_error( $json ) ? $this->api->fail( $json ) : new WP_REST_Response( Conversation_Fields::conversation( $json ), 200 );
	}

	/**
	 * Deletes one of the visitor's conversations.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	public function delete( WP_REST_Request $request ): WP_REST_Response {
		$client = $this->owned( $request );
		if ( is_wp_error( $client ) ) {
			return $this->api->fail( $client );
		}
		$failure = $this->api->errors()->failure( $client->delete_conversation( Api::path_id( $request, 'conversation_id' ), $this->api->user() ) );
		return null !== $failure ? $this->api->fail( $failure ) : new WP_REST_Response( array( 'result' => 'success' ), 200 );
	}

	/**
	 * Deletes the visitor's conversations: the first page of what Dify lists for the visitor's
	 * user, up to DELETE_PER_REQUEST of them. Always the first page: a deleted conversation is
	 * unknown to Dify, so it could not be the `last_id` of the next page, and the next page is
	 * the first one again once these are gone. Answers `{ "deleted": n, "more": bool }`.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	public function delete_all( WP_REST_Request $request ): WP_REST_Response {
		$started = microtime( true );
		$client  = $this->api->client( $request );
		if ( is_wp_error( $client ) ) {
			return $this->api->fail( $client );
		}
		$user = $this->api->user();
		$json = $this->json( $client->conversations( $user, null, self::DELETE_PER_REQUEST ) );
		if ( is_wp_error( $json ) ) {
			return $this->api->fail( $json );
		}
		$more    = true === ( $json['has_more'] ?? false );
		$deleted = 0;
		foreach ( Conversation_Fields::rows( $json ) as $row ) {
			$id = $row['id'] ?? null;
			if ( ! is_string( $id ) || 1 !== preg_match( '/^' . Api::UUID . '$/', $id ) ) {
				continue;
			}
			if ( microtime( true ) - $started > self::DELETE_SECONDS ) {
				$more = true;
				break;
			}
			$failure = $this->api->errors()->failure( $client->delete_conversation( $id, $user ), Error_Mapper::ABOUT_CONVERSATION );
			if ( null === $failure ) {
				++$deleted;
			} elseif ( Error_Mapper::CONVERSATION_NOT_FOUND !== $failure->get_error_code() ) {
				// Gone already (another tab) is fine; anything else stops here, readable.
				return $this->api->fail( $failure );
			}
		}
		return new WP_REST_Response(
			array(
				'deleted' => $deleted,
				'more'    => $more,
			),
			200
		);
	}

	/**
	 * The client, when the path's conversation is the visitor's; else why not (404 for another
	 * visitor's or an unknown one). Dify's /messages only finds a conversation for its owner.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return Client|WP_Error
	 */
	private function owned( WP_REST_Request $request ) {
		$client = $this->api->client( $request );
		if ( is_wp_error( $client ) ) {
			return $client;
		}
		$json = $this->json( $client->messages( Api::path_id( $request, 'conversation_id' ), $this->api->user(), null, 1 ) );
		return is_wp_error( $json ) ? $json : $client;
	}

	/**
	 * The JSON of a successful call, or the mapped error (a JSON 404 is a conversation that is
	 * unknown or another visitor's).
	 *
	 * @param mixed $result What the client returned.
	 * @return array<string, mixed>|WP_Error
	 */
	private function json( $result ) {
		return $this->api->errors()->json( $result, Error_Mapper::ABOUT_CONVERSATION );
	}

	/**
	 * A page for the browser: the rows and whether there is more; the key never leaves.
	 *
	 * @param Client                           $client The client (scrubs the key).
	 * @param array<string, mixed>             $json   Dify's page.
	 * @param array<int, array<string, mixed>> $data   The trimmed rows.
	 */
	private function page( Client $client, array $json, array $data ): WP_REST_Response {
		$page = array(
			'has_more' => true === ( $json['has_more'] ?? false ),
			'data'     => $data,
		);
		$safe = json_decode( $client->scrub( (string) wp_json_encode( $page ) ), true );
		return new WP_REST_Response( is_array( $safe ) ? $safe : array(), 200 );
	}

	/**
	 * The query schema of a paged list.
	 *
	 * @param string $cursor  The id to page from (`last_id` or `first_id`).
	 * @param int    $default Default page size.
	 * @return array<string, array<string, mixed>>
	 */
	private static function page_args( string $cursor, int $default ): array {
		return array(
			$cursor => array(
				'type'    => 'string',
				'pattern' => '^' . Api::UUID . '$',
			),
			'limit' => array(
				'type'    => 'integer',
				'minimum' => 1,
				'maximum' => 100,
				'default' => $default,
			),
		);
	}
}
