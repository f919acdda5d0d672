<?php
/**
 * The visitor's chat routes.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Dify\Relay\Answer;
use Dify_Chatbot\Dify\Relay\Answer_Collector;
use Dify_Chatbot\Dify\App\App_Info;
use Dify_Chatbot\Dify\App\App_Parameters;
use Dify_Chatbot\Dify\App\Input_Form;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Relay\Event_Writer;
use Dify_Chatbot\Dify\App\File_Policy;
use Dify_Chatbot\Dify\Relay\Output_Writer;
use Dify_Chatbot\Dify\Relay\Stream_Relay;
use Dify_Chatbot\Registrable;
use Dify_Chatbot\Security\Budget;
use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Settings;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `POST /dify-chatbot/v1/chat` and `POST /dify-chatbot/v1/chat/{task_id}/stop` (design §3.2).
 *
 * Open to everyone: the route derives the Dify `user` itself (Visitor_Identity), so a visitor can
 * only ever reach their own conversations; the body can never name a user. With
 * `Accept: text/event-stream` the answer streams (Stream_Relay); otherwise it is one JSON object.
 *
 * Chat, agent and chatflow apps use /chat-messages (agent apps always stream upstream, collected
 * when JSON was asked for). Completion and workflow apps cannot hold a conversation: the message
 * goes to /completion-messages or /workflows/run as the input `query`, without conversation_id.
 */
final class Chat_Route implements Registrable {

	/**
	 * Default longest message, in characters.
	 */
	public const MAX_QUERY_LENGTH = 4000;

	/**
	 * Largest JSON size of `inputs`, in bytes.
	 */
	private const MAX_INPUTS_BYTES = 65536;

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
	 * The app mode cache.
	 *
	 * @var App_Info
	 */
	private App_Info $info;

	/**
	 * The app's cached parameters (its input form, and the upload settings files are checked against).
	 *
	 * @var App_Parameters
	 */
	private App_Parameters $parameters;

	/**
	 * Makes the stream's writer.
	 *
	 * @var callable
	 * @phpstan-var callable(): Event_Writer
	 */
	private $writer_factory;

	/**
	 * Ends the request after a stream.
	 *
	 * @var callable
	 * @phpstan-var callable(): void
	 */
	private $end;

	/**
	 * Keeps the collaborators.
	 *
	 * @param Settings         $settings       The effective settings.
	 * @param Visitor_Identity $identity       Derives the Dify user.
	 * @param Error_Mapper     $errors         Maps failures.
	 * @param App_Info         $info           The app mode cache.
	 * @param App_Parameters   $parameters     The app's cached parameters (input form, upload settings).
	 * @param callable|null    $writer_factory Makes the stream's writer (an Output_Writer by default).
	 * @param callable|null    $end            Ends the request after a stream (exit by default).
	 *
	 * @phpstan-param (callable(): Event_Writer)|null $writer_factory
	 * @phpstan-param (callable(): void)|null $end
	 */
	public function __construct( Settings $settings, Visitor_Identity $identity, Error_Mapper $errors, App_Info $info, App_Parameters $parameters, ?callable $writer_factory = null, ?callable $end = null ) {
		$this->settings       = $settings;
		$this->identity       = $identity;
		$this->errors         = $errors;
		$this->info           = $info;
		$this->parameters     = $parameters;
		$this->writer_factory = null !== $writer_factory ? $writer_factory : static function (): Event_Writer {
			return new Output_Writer();
		};
		$this->end            = null !== $end ? $end : static function (): void {
			// The stream is complete; WordPress's shutdown actions still run.
			exit;
		};
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
			'/chat',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( $this, 'chat' ),
				// Public by design: identity is derived server-side; who may chat, the budget and the rate
				// limits are checked in chat() before any upstream call (Security\Chat_Guard).
				'permission_callback' => '__return_true',
				'args'                => $this->args(),
			)
		);
		register_rest_route(
			Settings_Route::NAMESPACE,
			'/chat/(?P<task_id>[A-Za-z0-9-]{1,64})/stop',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( $this, 'stop' ),
				// Who may chat; stopping costs nothing upstream, so no rate limit.
				'permission_callback' => array( Visitor_Permission::class, 'check' ),
			)
		);
	}

	/**
	 * Answers one message, streamed or whole.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response
	 */
	public function chat( WP_REST_Request $request ): WP_REST_Response {
		$key = $this->settings->api_key();
		if ( null === $key || ! $this->settings->is_configured() ) {
			return $this->errors->to_response( $this->errors->not_configured() );
		}
		$user = $this->identity->user();

		/**
		 * Filters the refusal of a chat message, checked before anything is sent to Dify (who may
		 * chat, daily budget, rate limits: Security\Chat_Guard). Return a WP_Error to refuse.
		 *
		 * @param WP_Error|null   $refusal Null to let the message through.
		 * @param WP_REST_Request $request The request.
		 * @param string          $user    The Dify user of the visitor.
		 */
		$refusal = apply_filters( 'dify_chatbot_chat_refusal', null, $request, $user );
		if ( is_wp_error( $refusal ) ) {
			return $this->errors->to_response( $refusal );
		}
		$client = new Client( $this->settings->base_url(), $key );
		$stream = false !== strpos( strtolower( (string) $request->get_header( 'accept' ) ), 'text/event-stream' );

		$mode = $this->info->mode( $client );
		if ( is_string( $mode ) && ! in_array( $mode, App_Info::MODES, true ) ) {
			$mode = $this->errors->from_dify( 400, 'app_unavailable' );
		}
		if ( is_wp_error( $mode ) ) {
			return $stream ? $this->stream_error( $mode ) : $this->errors->to_response( $mode );
		}

		// Read once (cached for the site): the upload settings and the input form both come from it.
		$parameters = $this->parameters->get( $client );
		$files      = $this->check_files( $request, $mode, $parameters );
		if ( is_wp_error( $files ) ) {
			return $this->errors->to_response( $files );
		}
		$inputs = $this->inputs( $request, $mode, $parameters );
		if ( is_wp_error( $inputs ) ) {
			return $stream ? $this->stream_error( $inputs ) : $this->errors->to_response( $inputs );
		}

		list( $path, $body ) = $this->upstream( $request, $mode, $user, $inputs );
		if ( $stream ) {
			$relay = new Stream_Relay( ( $this->writer_factory )(), $this->errors );
			$relay->relay( $client, $path, $body, $mode );
			( $this->end )();
			return new WP_REST_Response( null, 200 );
		}
		$answer = $this->blocking( $client, $path, $body, $mode );
		return is_wp_error( $answer ) ? $this->errors->to_response( $answer ) : new WP_REST_Response( $answer, 200 );
	}

	/**
	 * Stops a running answer of this visitor.
	 *
	 * @param WP_REST_Request $request The request.
	 */
	public function stop( WP_REST_Request $request ): WP_REST_Response {
		$key = $this->settings->api_key();
		if ( null === $key || ! $this->settings->is_configured() ) {
			return $this->errors->to_response( $this->errors->not_configured() );
		}
		$client = new Client( $this->settings->base_url(), $key );
		$mode   = $this->info->mode( $client );
		// The same user that started the task, or Dify ignores the stop (dify-api §6.2).
		$response = $client->stop( (string) $request->get_param( 'task_id' ), $this->identity->user(), is_string( $mode ) ? $mode : 'chat' );
		if ( is_wp_error( $response ) ) {
			return $this->errors->to_response( $this->errors->from_transport( $response ) );
		}
		if ( 200 !== $response->status() ) {
			return $this->errors->to_response( $this->errors->from_response( $response ) );
		}
		return new WP_REST_Response( array( 'result' => 'success' ), 200 );
	}

	/**
	 * The input values to send: the visitor's, overridden by what the site fills in on the
	 * server (Site_Inputs), checked against the app's form like Dify checks them. When the form
	 * cannot be read, the values go unchecked and Dify judges them.
	 *
	 * @param WP_REST_Request               $request    The request.
	 * @param string                        $mode       The app mode.
	 * @param array<string, mixed>|WP_Error $parameters The app's parameters, or why they could not be had.
	 * @return array<string, mixed>|WP_Error
	 */
	private function inputs( WP_REST_Request $request, string $mode, $parameters ) {
		$inputs = $request->get_param( 'inputs' );
		$inputs = is_array( $inputs ) ? $inputs : array();
		$inputs = array_merge( $inputs, Site_Inputs::values( Site_Inputs::post( $request->get_param( 'post_id' ) ) ) );

		$form = is_array( $parameters ) && is_array( $parameters['user_input_form'] ?? null ) ? $parameters['user_input_form'] : null;
		if ( null === $form ) {
			return $inputs;
		}
		// A completion or workflow app's `query` is the chat message itself (see upstream()).
		$skip = in_array( $mode, App_Info::CHAT_MODES, true ) ? array() : array( 'query' );
		return Input_Form::validate( $form, $inputs, $skip );
	}

	/**
	 * Refuses attached files the app would not take: any when a chat app has uploads off (Dify
	 * would silently drop them, dify-api §17), and more than the app's per-message count.
	 * Types are checked at upload (File_Route); Dify checks them again when it reads the files.
	 *
	 * @param WP_REST_Request               $request    The request.
	 * @param string                        $mode       The app mode.
	 * @param array<string, mixed>|WP_Error $parameters The app's parameters, or why they could not be had.
	 * @return true|WP_Error
	 */
	private function check_files( WP_REST_Request $request, string $mode, $parameters ) {
		$files = $request->get_param( 'files' );
		if ( ! is_array( $files ) || array() === $files || ! in_array( $mode, App_Info::CHAT_MODES, true ) ) {
			return true;
		}
		if ( is_wp_error( $parameters ) ) {
			return $parameters;
		}
		$policy = new File_Policy( $parameters );
		if ( true !== ( $parameters['file_upload']['enabled'] ?? false ) ) {
			return new WP_Error( File_Route::DISABLED, __( 'Attaching files is not available in this chat.', 'dify-chatbot' ), array( 'status' => 400 ) );
		}
		$limit = $policy->number_limit();
		if ( $limit > 0 && count( $files ) > $limit ) {
			/* translators: %d: largest number of files. */
			return new WP_Error( 'dify_chatbot_too_many_files', sprintf( _n( 'You can attach at most %d file to a message.', 'You can attach at most %d files to a message.', $limit, 'dify-chatbot' ), $limit ), array( 'status' => 400 ) );
		}
		return true;
	}

	/**
	 * The Dify endpoint and body for a mode.
	 *
	 * @param WP_REST_Request      $request The request.
	 * @param string               $mode    The app mode.
	 * @param string               $user    The Dify user.
	 * @param array<string, mixed> $inputs  The checked input values.
	 * @return array{0: string, 1: array<string, mixed>}
	 */
	private function upstream( WP_REST_Request $request, string $mode, string $user, array $inputs ): array {
		$query = (string) $request->get_param( 'query' );
		$files = $request->get_param( 'files' );
		$body  = array();

		if ( in_array( $mode, App_Info::CHAT_MODES, true ) ) {
			$path          = '/chat-messages';
			$body['query'] = $query;
			$conversation  = (string) $request->get_param( 'conversation_id' );
			if ( '' !== $conversation ) {
				$body['conversation_id'] = $conversation;
			}
		} else {
			// Completion and workflow apps read the message from their `query` input.
			$path            = 'workflow' === $mode ? '/workflows/run' : '/completion-messages';
			$inputs['query'] = $query;
		}
		// Dify requires `inputs` on every call, as a JSON object even when empty (dify-api §6.1).
		$body['inputs'] = (object) $inputs;
		$body['user']   = $user;
		if ( is_array( $files ) && array() !== $files ) {
			$body['files'] = $files;
		}
		return array( $path, $body );
	}

	/**
	 * A whole (JSON) answer.
	 *
	 * @param Client               $client The client.
	 * @param string               $path   Generation endpoint.
	 * @param array<string, mixed> $body   JSON body.
	 * @param string               $mode   The app mode.
	 * @return array<string, mixed>|WP_Error
	 */
	private function blocking( Client $client, string $path, array $body, string $mode ) {
		if ( 'agent-chat' === $mode ) {
			// Agent apps refuse blocking mode: stream from Dify, answer whole.
			$answer = ( new Answer_Collector( $this->errors ) )->collect( $client, $path, $body, $mode );
			if ( is_array( $answer ) ) {
				do_action( 'dify_chatbot_tokens_used', Budget::tokens_in( $answer ), $mode );
			}
			return $answer;
		}
		$response = $client->chat_blocking( $path, $body );
		if ( is_wp_error( $response ) ) {
			return $this->errors->from_transport( $response );
		}
		$json = $response->json();
		if ( 200 !== $response->status() || null === $json ) {
			return $this->errors->from_response( $response );
		}
		/** This action is documented in includes/Dify/Stream_Relay.php */
		do_action( 'dify_chatbot_tokens_used', Budget::tokens_in( $json ), $mode );
		if ( 'workflow' === $mode ) {
			$answer = Answer::from_workflow( $json );
			return null === $answer ? $this->errors->from_dify( 500, 'internal_server_error' ) : $answer;
		}
		return Answer::from_message( $json, $mode );
	}

	/**
	 * Sends an error as the only event of a stream (the browser asked for a stream).
	 *
	 * @param WP_Error $error A mapped error.
	 */
	private function stream_error( WP_Error $error ): WP_REST_Response {
		( new Stream_Relay( ( $this->writer_factory )(), $this->errors ) )->fail( $error );
		( $this->end )();
		return new WP_REST_Response( null, 200 );
	}

	/**
	 * The body's schema.
	 *
	 * @return array<string, array<string, mixed>>
	 */
	private function args(): array {
		/**
		 * Filters the longest message a visitor may send, in characters.
		 *
		 * @param int $length Default 4000.
		 */
		$max = (int) apply_filters( 'dify_chatbot_max_query_length', self::MAX_QUERY_LENGTH );
		return array(
			'query'           => array(
				'description' => __( 'The visitor’s message.', 'dify-chatbot' ),
				'type'        => 'string',
				'required'    => true,
				'minLength'   => 1,
				'maxLength'   => max( 1, $max ),
			),
			'conversation_id' => array(
				'description'       => __( 'The conversation to continue; empty for a new one.', 'dify-chatbot' ),
				'type'              => 'string',
				'format'            => 'uuid',
				'default'           => '',
				'validate_callback' => static function ( $value, $request, $param ) {
					if ( '' === $value ) {
						// Empty: a new conversation.
						return true;
					}
					if ( ! is_string( $value ) || ! wp_is_uuid( strtolower( $value ) ) ) {
						/* translators: %s: parameter name. */
						return new WP_Error( 'rest_invalid_param', sprintf( __( '%s must be a conversation id (a UUID), or empty to start a new conversation.', 'dify-chatbot' ), $param ), array( 'status' => 400 ) );
					}
					return true;
				},
				'sanitize_callback' => static function ( $value ) {
					return is_string( $value ) ? strtolower( $value ) : '';
				},
			),
			'inputs'          => array(
				'description'       => __( 'Values for the app’s input variables.', 'dify-chatbot' ),
				'type'              => 'object',
				'default'           => array(),
				'validate_callback' => static function ( $value, $request, $param ) {
					// A JSON list passes WordPress's object check; Dify needs an object.
					if ( ! is_array( $value ) || ( array() !== $value && wp_is_numeric_array( $value ) ) ) {
						/* translators: %s: parameter name. */
						return new WP_Error( 'rest_invalid_param', sprintf( __( '%s must be an object of input values.', 'dify-chatbot' ), $param ), array( 'status' => 400 ) );
					}
					if ( strlen( (string) wp_json_encode( $value ) ) > self::MAX_INPUTS_BYTES ) {
						/* translators: %s: parameter name. */
						return new WP_Error( 'rest_invalid_param', sprintf( __( '%s is too large.', 'dify-chatbot' ), $param ), array( 'status' => 400 ) );
					}
					return rest_validate_request_arg( $value, $request, $param );
				},
			),
			'files'           => array(
				'description'       => __( 'Files attached to the message (ids from an upload, or URLs).', 'dify-chatbot' ),
				'type'              => 'array',
				'default'           => array(),
				'maxItems'          => 10,
				'validate_callback' => static function ( $value, $request, $param ) {
					$valid = rest_validate_request_arg( $value, $request, $param );
					if ( true !== $valid || ! is_array( $value ) ) {
						return $valid;
					}
					// Each transfer method needs its own field, and only that one (dify-api §9.1).
					foreach ( $value as $index => $file ) {
						$method = is_array( $file ) ? ( $file['transfer_method'] ?? '' ) : '';
						$ok     = 'local_file' === $method
							? isset( $file['upload_file_id'] ) && ! isset( $file['url'] )
							: isset( $file['url'] ) && ! isset( $file['upload_file_id'] );
						if ( ! $ok ) {
							return new WP_Error(
								'rest_invalid_param',
								/* translators: 1: parameter name, 2: position in the list. */
								sprintf( __( '%1$s[%2$d] needs upload_file_id for local_file or url for remote_url, and not both.', 'dify-chatbot' ), $param, (int) $index ),
								array( 'status' => 400 )
							);
						}
					}
					return true;
				},
				'items'             => array(
					'type'                 => 'object',
					'additionalProperties' => false,
					'required'             => array( 'type', 'transfer_method' ),
					'properties'           => array(
						'type'            => array(
							'type' => 'string',
							'enum' => array( 'image', 'document', 'audio', 'video', 'custom' ),
						),
						'transfer_method' => array(
							'type' => 'string',
							'enum' => array( 'local_file', 'remote_url' ),
						),
						'upload_file_id'  => array(
							'type'   => 'string',
							'format' => 'uuid',
						),
						'url'             => array(
							'type'      => 'string',
							'format'    => 'uri',
							// The uri format alone lets `javascript:…` through (esc_url_raw turns it into http://…).
							'pattern'   => '^[Hh][Tt][Tt][Pp][Ss]?://',
							'maxLength' => 2048,
						),
					),
				),
			),
			'post_id'         => array(
				'description' => __( 'The page the chat is on (for inputs the site fills in).', 'dify-chatbot' ),
				'type'        => 'integer',
				'minimum'     => 0,
				'default'     => 0,
			),
			'bot'             => array(
				'description'       => __( 'Which configured bot answers (reserved; empty for the default).', 'dify-chatbot' ),
				'type'              => 'string',
				'default'           => '',
				'validate_callback' => static function ( $value, $request, $param ) {
					if ( ! is_string( $value ) || 1 !== preg_match( '/^[a-z0-9_-]{0,64}$/', $value ) ) {
						/* translators: %s: parameter name. */
						return new WP_Error( 'rest_invalid_param', sprintf( __( '%s may only contain up to 64 lower-case letters, digits, hyphens and underscores.', 'dify-chatbot' ), $param ), array( 'status' => 400 ) );
					}
					return true;
				},
			),
		);
	}
}
