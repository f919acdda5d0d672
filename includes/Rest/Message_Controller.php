<?php
/**
 * The visitor's routes on one answer: feedback and follow-up questions.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Registrable;
use Dify_Chatbot\Security\Visitor_Guard;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `POST /dify-chatbot/v1/messages/{id}/feedback` and `GET /dify-chatbot/v1/messages/{id}/suggested`.
 *
 * Open to whoever may chat, within the rate limits (Visitor_Guard::ACTION). The Dify `user` is
 * derived on the server, and Dify only finds a message for the user it belongs to
 * (docs/dify-notes.md §2), so a visitor can rate or ask about their own answers only.
 */
final class Message_Controller implements Registrable {

	/**
	 * Longest comment on a rating, in characters.
	 */
	public const MAX_COMMENT = 1000;

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
		$message = '/messages/' . Api::id( 'message_id' );
		$this->api->route(
			$message . '/feedback',
			WP_REST_Server::CREATABLE,
			array( $this, 'feedback' ),
			Visitor_Guard::ACTION,
			array(
				'rating'  => array(
					// Not `required`: WordPress counts a null value as missing.
					'description' => Api::describe( static fn (): string => __( 'like, dislike, or null to take a rating back.', 'dify-chatbot' ) ),
					'type'        => array( 'string', 'null' ),
					'enum'        => array( 'like', 'dislike', null ),
					'default'     => null,
				),
				'content' => array(
					// What the visitor found wrong, sent with a dislike (Dify's feedback `content`).
					'description'       => Api::describe( static fn (): string => __( 'An optional comment on the rating.', 'dify-chatbot' ) ),
					'type'              => 'string',
					'maxLength'         => self::MAX_COMMENT,
					'default'           => '',
					// An own sanitize_callback makes WordPress skip the schema check: ask for it.
					'validate_callback' => 'rest_validate_request_arg',
					'sanitize_callback' => 'sanitize_textarea_field',
				),
			)
		);
		// An LLM call at Dify per request.
		$this->api->route( $message . '/suggested', WP_REST_Server::READABLE, array( $this, 'suggested' ), Visitor_Guard::PAID );
	}

	/**
	 * Rates an answer of this visitor.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	public function feedback( WP_REST_Request $request ): WP_REST_Response {
		$client = $this->api->client( $request );
		if ( is_wp_error( $client ) ) {
			return $this->api->fail( $client );
		}
		$rating  = $request->get_param( 'rating' );
		$content = is_string( $rating ) ? trim( (string) $request->get_param( 'content' ) ) : '';
		$json    = $this->api->errors()->json( $client->feedback( Api::path_id( $request, 'message_id' ), $this->api->user(), is_string( $rating ) ? $rating : null, $content ), Error_Mapper::ABOUT_MESSAGE );
		return is_wp_error( $json ) ? $this->api->fail( $json ) : new WP_REST_Response( array( 'result' => 'success' ), 200 );
	}

	/**
	 * Follow-up questions for an answer of this visitor.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	public function suggested( WP_REST_Request $request ): WP_REST_Response {
		$client = $this->api->client( $request );
		if ( is_wp_error( $client ) ) {
			return $this->api->fail( $client );
		}
		$response = $client->suggested( Api::path_id( $request, 'message_id' ), $this->api->user() );
		if ( ! is_wp_error( $response ) && 400 === $response->status() && 'bad_request' === ( $response->json()['code'] ?? '' ) ) {
			// The app has follow-up questions switched off (docs/dify-notes.md §10): simply none.
			return new WP_REST_Response( array( 'data' => array() ), 200 );
		}
		$json = $this->api->errors()->json( $response, Error_Mapper::ABOUT_MESSAGE );
		if ( is_wp_error( $json ) ) {
			return $this->api->fail( $json );
		}
		$questions = isset( $json['data'] ) && is_array( $json['data'] ) ? array_values( array_filter( $json['data'], 'is_string' ) ) : array();
		return new WP_REST_Response( array( 'data' => $questions ), 200 );
	}
}
