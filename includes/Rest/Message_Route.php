<?php
/**
 * The visitor's routes on one answer: feedback and follow-up questions.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Http\Response;
use Dify_Chatbot\Registrable;
use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Settings;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `POST /dify-chatbot/v1/messages/{id}/feedback` and `GET /dify-chatbot/v1/messages/{id}/suggested`
 * (design §3.2).
 *
 * Open to whoever may chat, within the rate limits (Visitor_Permission). The Dify `user` is
 * derived on the server, and Dify only finds a message for the user it belongs to (dify-api §7.2,
 * §7.3), so a visitor can rate or ask about their own answers only.
 */
final class Message_Route implements Registrable {

	/**
	 * A message id in a path: Dify's ids are UUIDs.
	 */
	private const ID = '(?P<message_id>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})';

	public const MESSAGE_NOT_FOUND = 'dify_chatbot_message_not_found';

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
		register_rest_route(
			Settings_Route::NAMESPACE,
			'/messages/' . self::ID . '/feedback',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( $this, 'feedback' ),
				// Identity is derived server-side (see the class comment); who may chat and the rate limits.
				'permission_callback' => array( Visitor_Permission::class, 'check_limited' ),
				'args'                => array(
					'rating' => array(
						// Not `required`: WordPress counts a null value as missing.
						'description' => __( 'like, dislike, or null to take a rating back.', 'dify-chatbot' ),
						'type'        => array( 'string', 'null' ),
						'enum'        => array( 'like', 'dislike', null ),
						'default'     => null,
					),
				),
			)
		);
		register_rest_route(
			Settings_Route::NAMESPACE,
			'/messages/' . self::ID . '/suggested',
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => array( $this, 'suggested' ),
				// An LLM call at Dify per request: who may chat and the rate limits.
				'permission_callback' => array( Visitor_Permission::class, 'check_limited' ),
			)
		);
	}

	/**
	 * Rates an answer of this visitor.
	 *
	 * @param WP_REST_Request $request The request.
	 */
	public function feedback( WP_REST_Request $request ): WP_REST_Response {
		$client = $this->client();
		if ( is_wp_error( $client ) ) {
			return $this->errors->to_response( $client );
		}
		$rating   = $request->get_param( 'rating' );
		$response = $client->feedback( $this->message_id( $request ), $this->identity->user(), is_string( $rating ) ? $rating : null );
		$error    = $this->failure( $response );
		return null !== $error ? $this->errors->to_response( $error ) : new WP_REST_Response( array( 'result' => 'success' ), 200 );
	}

	/**
	 * Follow-up questions for an answer of this visitor.
	 *
	 * @param WP_REST_Request $request The request.
	 */
	public function suggested( WP_REST_Request $request ): WP_REST_Response {
		$client = $this->client();
		if ( is_wp_error( $client ) ) {
			return $this->errors->to_response( $client );
		}
		$response = $client->suggested( $this->message_id( $request ), $this->identity->user() );
		if ( $response instanceof Response && 400 === $response->status() && 'bad_request' === ( $response->json()['code'] ?? '' ) ) {
			// "Suggested Questions Is Disabled." (dify-api §7.3): the app simply has none.
			return new WP_REST_Response( array( 'data' => array() ), 200 );
		}
		$error = $this->failure( $response );
		if ( null !== $error ) {
			return $this->errors->to_response( $error );
		}
		$json      = $response instanceof Response ? $response->json() : null;
		$questions = isset( $json['data'] ) && is_array( $json['data'] ) ? array_values( array_filter( $json['data'], 'is_string' ) ) : array();
		return new WP_REST_Response( array( 'data' => $questions ), 200 );
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
	 * The message id from the path, lower case (Dify's form).
	 *
	 * @param WP_REST_Request $request The request.
	 */
	private function message_id( WP_REST_Request $request ): string {
		return strtolower( (string) $request->get_param( 'message_id' ) );
	}

	/**
	 * The mapped error of a failed call, or null when it succeeded.
	 *
	 * @param Response|WP_Error $response The answer.
	 */
	private function failure( $response ): ?WP_Error {
		if ( is_wp_error( $response ) ) {
			return $this->errors->from_transport( $response );
		}
		if ( 200 === $response->status() && null !== $response->json() ) {
			return null;
		}
		if ( 404 === $response->status() && null !== $response->json() ) {
			// "Message Not Exists.": unknown, or another visitor's.
			return new WP_Error( self::MESSAGE_NOT_FOUND, __( 'This message is no longer available.', 'dify-chatbot' ), array( 'status' => 404 ) );
		}
		return 200 === $response->status() ? $this->errors->bad_response() : $this->errors->from_response( $response );
	}
}
