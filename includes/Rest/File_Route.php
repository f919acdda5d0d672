<?php
/**
 * The visitor's file upload.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Dify\App\App_Parameters;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\App\File_Policy;
use Dify_Chatbot\Dify\Http\Response;
use Dify_Chatbot\Registrable;
use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Settings;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `POST /dify-chatbot/v1/files` (design §3.2): a multipart upload with one `file` part, relayed
 * to Dify's /files/upload (dify-api §10.1) as the visitor's derived `user`. The browser then
 * sends the returned id with its message (`files`, transfer_method `local_file`).
 *
 * Everything that can be refused is refused here, before Dify is asked: the app must take
 * uploads from the device, and the file must be of a type the app allows, within the app's size
 * limit for its kind (and this site's upload limit), and an image must really be one. Dify
 * accepts any file at upload time and checks the type only when the file is used, so without
 * this a visitor could store anything in the app's workspace.
 *
 * The answer holds only what the browser needs (id, name, size, extension, MIME type and the
 * type to send it as); Dify's signed link, tenant and end-user ids stay on the server.
 */
final class File_Route implements Registrable {

	public const DISABLED = 'dify_chatbot_uploads_disabled';

	/**
	 * An upload named a form field that is not a visible file field of the app.
	 */
	public const NOT_A_FILE_FIELD = 'dify_chatbot_not_a_file_field';

	public const UNSUPPORTED = 'dify_chatbot_unsupported_file';

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
	 * The app's cached parameters.
	 *
	 * @var App_Parameters
	 */
	private App_Parameters $parameters;

	/**
	 * Keeps the collaborators.
	 *
	 * @param Settings         $settings   The effective settings.
	 * @param Visitor_Identity $identity   Derives the Dify user.
	 * @param Error_Mapper     $errors     Maps failures.
	 * @param App_Parameters   $parameters The app's cached parameters.
	 */
	public function __construct( Settings $settings, Visitor_Identity $identity, Error_Mapper $errors, App_Parameters $parameters ) {
		$this->settings   = $settings;
		$this->identity   = $identity;
		$this->errors     = $errors;
		$this->parameters = $parameters;
	}

	/**
	 * Adds the route on rest_api_init.
	 */
	public function register(): void {
		add_action( 'rest_api_init', array( $this, 'register_routes' ) );
	}

	/**
	 * Registers the route.
	 */
	public function register_routes(): void {
		register_rest_route(
			Settings_Route::NAMESPACE,
			'/files',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( $this, 'upload' ),
				// Identity is derived server-side; who may chat and the rate limits (an upstream call each).
				'permission_callback' => array( Visitor_Permission::class, 'check_limited' ),
				// The multipart `file` part is checked in upload() (a schema cannot see files).
				'args'                => array(
					'field' => array(
						'description' => __( 'The input-form field the file is for; empty for a file attached to a message.', 'dify-chatbot' ),
						'type'        => 'string',
						'pattern'     => '^[A-Za-z0-9_-]{0,64}$',
						'default'     => '',
					),
				),
			)
		);
	}

	/**
	 * Checks and relays one file.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	public function upload( WP_REST_Request $request ): WP_REST_Response {
		$key = $this->settings->api_key();
		if ( null === $key || ! $this->settings->is_configured() ) {
			return $this->errors->to_response( $this->errors->not_configured() );
		}
		$client     = new Client( $this->settings->base_url(), $key );
		$parameters = $this->parameters->get( $client );
		if ( is_wp_error( $parameters ) ) {
			return $this->errors->to_response( $parameters );
		}
		$field = (string) $request->get_param( 'field' );
		if ( '' !== $field ) {
			$parameters = self::for_field( $parameters, $field );
			if ( null === $parameters ) {
				return $this->refuse( self::NOT_A_FILE_FIELD, __( 'This form field does not take files.', 'dify-chatbot' ), 400 );
			}
		}
		$policy = new File_Policy( $parameters );
		if ( ! $policy->uploads_enabled() ) {
			return $this->refuse( self::DISABLED, __( 'Attaching files is not available in this chat.', 'dify-chatbot' ), 403 );
		}
		$file = Uploaded_File::from_request( $request );
		if ( is_wp_error( $file ) ) {
			return $this->errors->to_response( $file );
		}
		$extension = $file->extension();
		$type      = $policy->type_of( $extension );
		if ( null === $type || '' === $file->name() ) {
			return $this->refuse( self::UNSUPPORTED, __( 'Files of this type cannot be attached here.', 'dify-chatbot' ), 415 );
		}
		$limit = $policy->size_limit( $extension );
		if ( $file->size() > $limit ) {
			/* translators: %s: largest file size, e.g. "10 MB". */
			return $this->refuse( Uploaded_File::TOO_LARGE, sprintf( __( 'This file is too large. The limit is %s.', 'dify-chatbot' ), size_format( $limit ) ), 413 );
		}
		if ( ! File_Policy::content_matches( $file->path(), $extension ) ) {
			return $this->refuse( self::UNSUPPORTED, __( 'This file is not the kind of file its name says.', 'dify-chatbot' ), 415 );
		}

		$response = $client->upload( $this->identity->user(), $file->path(), $file->name(), File_Policy::mime_type( $extension ) );
		if ( is_wp_error( $response ) ) {
			return $this->errors->to_response( $this->errors->from_transport( $response ) );
		}
		$json = $response->json();
		if ( 201 !== $response->status() && 200 !== $response->status() ) {
			return $this->errors->to_response( $this->upstream_error( $response ) );
		}
		if ( null === $json || ! isset( $json['id'] ) || ! is_string( $json['id'] ) || ! wp_is_uuid( strtolower( $json['id'] ) ) ) {
			return $this->errors->to_response( $this->errors->bad_response() );
		}
		return new WP_REST_Response(
			array(
				'id'        => strtolower( $json['id'] ),
				'name'      => isset( $json['name'] ) && is_string( $json['name'] ) ? $json['name'] : $file->name(),
				'size'      => isset( $json['size'] ) && is_int( $json['size'] ) ? $json['size'] : $file->size(),
				'extension' => $extension,
				'mime_type' => File_Policy::mime_type( $extension ),
				'type'      => $type,
			),
			201
		);
	}

	/**
	 * The parameters with a form field's own upload rules in place of the app's: a `file` or
	 * `file-list` field of the input form says which types, extensions and methods it takes
	 * (dify-api §12.1), whether or not files may be attached to messages. Null when the app has no
	 * such visible field.
	 *
	 * @param array<string, mixed> $parameters The app's browser-safe parameters.
	 * @param string               $field      The field's variable.
	 * @return array<string, mixed>|null
	 */
	private static function for_field( array $parameters, string $field ): ?array {
		$form = isset( $parameters['user_input_form'] ) && is_array( $parameters['user_input_form'] ) ? $parameters['user_input_form'] : array();
		foreach ( $form as $item ) {
			if ( ! is_array( $item ) ) {
				continue;
			}
			$type    = (string) key( $item );
			$control = reset( $item );
			if ( ! in_array( $type, array( 'file', 'file-list' ), true ) || ! is_array( $control ) || ( $control['variable'] ?? null ) !== $field || ! empty( $control['hide'] ) ) {
				continue;
			}
			$methods                   = isset( $control['allowed_file_upload_methods'] ) && is_array( $control['allowed_file_upload_methods'] ) ? $control['allowed_file_upload_methods'] : array( 'local_file', 'remote_url' );
			$parameters['file_upload'] = array(
				'enabled'                     => true,
				'allowed_file_types'          => isset( $control['allowed_file_types'] ) && is_array( $control['allowed_file_types'] ) ? $control['allowed_file_types'] : array(),
				'allowed_file_extensions'     => isset( $control['allowed_file_extensions'] ) && is_array( $control['allowed_file_extensions'] ) ? $control['allowed_file_extensions'] : array(),
				'allowed_file_upload_methods' => $methods,
				'number_limits'               => 'file' === $type ? 1 : (int) ( $control['max_length'] ?? 0 ),
			);
			return $parameters;
		}
		return null;
	}

	/**
	 * Dify's refusal of an upload, for the visitor.
	 *
	 * @param Response $response Dify's answer.
	 */
	private function upstream_error( Response $response ): WP_Error {
		$status = $response->status();
		$json   = $response->json();
		if ( 413 === $status ) {
			// file_too_large, or a proxy's body limit (nginx: 100 MB by default).
			return new WP_Error( Uploaded_File::TOO_LARGE, __( 'This file is too large.', 'dify-chatbot' ), array( 'status' => 413 ) );
		}
		$code = is_array( $json ) && isset( $json['code'] ) && is_string( $json['code'] ) ? $json['code'] : '';
		if ( 415 === $status && 'unsupported_file_type' === $code ) {
			return new WP_Error( self::UNSUPPORTED, __( 'Files of this type cannot be attached here.', 'dify-chatbot' ), array( 'status' => 415 ) );
		}
		if ( 400 === $status && in_array( $code, array( 'invalid_param', 'filename_not_exists_error', 'no_file_uploaded' ), true ) ) {
			// A blocked extension or a name Dify refuses (dify-api §10.1, checks 4-6).
			return new WP_Error( self::UNSUPPORTED, __( 'This file cannot be attached. Please rename it or choose another file.', 'dify-chatbot' ), array( 'status' => 400 ) );
		}
		return $this->errors->from_response( $response );
	}

	/**
	 * A refusal as a REST response.
	 *
	 * @param string $code    Error code.
	 * @param string $message Message for the visitor.
	 * @param int    $status  HTTP status.
	 */
	private function refuse( string $code, string $message, int $status ): WP_REST_Response {
		return $this->errors->to_response( new WP_Error( $code, $message, array( 'status' => $status ) ) );
	}
}
