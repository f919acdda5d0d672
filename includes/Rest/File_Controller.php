<?php
/**
 * The visitor's file upload.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Dify\App\App_Parameters;
use Dify_Chatbot\Dify\App\File_Policy;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Forms\Form_Definition;
use Dify_Chatbot\Dify\Forms\Form_Record;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Dify\Media_Errors;
use Dify_Chatbot\Registrable;
use Dify_Chatbot\Security\Visitor_Guard;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

/**
 * `POST /dify-chatbot/v1/files`: a multipart upload with one `file` part, relayed to Dify's
 * /files/upload as the visitor's derived `user`. The browser then sends the returned id with its
 * message (`files`, transfer_method `local_file`).
 *
 * Everything that can be refused is refused here, before Dify is asked: the app must take
 * uploads from the device, and the file must be of a type the app allows, within the app's size
 * limit for its kind (and this site's upload limit), and an image must really be one. Dify
 * accepts any file at upload time and checks the type only when the file is used
 * (docs/dify-notes.md §8), so without this a visitor could store anything in the app's workspace.
 *
 * A file for a field of a Human Input form names the form's handle (`form`) and the field: the
 * handle must be one this visitor was given for a form that is still open, and the field's own
 * rules (types, extensions, local upload) apply instead of the app's chat upload settings — the
 * browser's word on either is never taken. Dify (1.14+) binds the upload to the visitor's user,
 * the same user that later submits the form.
 *
 * The answer holds only what the browser needs (id, name, size, extension, MIME type and the
 * type to send it as); Dify's signed link, tenant and end-user ids stay on the server.
 */
final class File_Controller implements Registrable {

	/**
	 * An upload named a form field that is not a visible file field of the app.
	 */
	public const NOT_A_FILE_FIELD = 'dify_chatbot_not_a_file_field';

	/**
	 * What every visitor route shares.
	 *
	 * @var Visitor_Api
	 */
	private Visitor_Api $api;

	/**
	 * The app's cached parameters.
	 *
	 * @var App_Parameters
	 */
	private App_Parameters $parameters;

	/**
	 * Keeps the collaborators.
	 *
	 * @param Visitor_Api    $api        What every visitor route shares.
	 * @param App_Parameters $parameters The app's cached parameters.
	 */
	public function __construct( Visitor_Api $api, App_Parameters $parameters ) {
		$this->api        = $api;
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
		$this->api->route(
			'/files',
			WP_REST_Server::CREATABLE,
			array( $this, 'upload' ),
			Visitor_Guard::PAID,
			// The multipart `file` part is checked in upload() (a schema cannot see files).
			array(
				'field' => array(
					'description' => Api::describe( static fn (): string => __( 'The input-form field the file is for; empty for a file attached to a message.', 'dify-chatbot' ) ),
					'type'        => 'string',
					'pattern'     => '^[A-Za-z0-9_-]{0,64}$',
					'default'     => '',
				),
				'form'  => array(
					'description' => Api::describe( static fn (): string => __( 'The handle of the Human Input form the file is for; empty otherwise.', 'dify-chatbot' ) ),
					'type'        => 'string',
					'pattern'     => '^([A-Za-z0-9_-]{16,128})?$',
					'default'     => '',
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
		$client = $this->api->client( $request );
		if ( is_wp_error( $client ) ) {
			return $this->api->fail( $client );
		}
		$parameters = $this->parameters->get( $client );
		if ( is_wp_error( $parameters ) ) {
			return $this->api->fail( $parameters );
		}
		$field = (string) $request->get_param( 'field' );
		$form  = (string) $request->get_param( 'form' );
		if ( '' !== $form ) {
			$parameters = $this->for_form_field( $client, $parameters, $form, $field );
			if ( is_wp_error( $parameters ) ) {
				return $this->api->fail( $parameters );
			}
		} elseif ( '' !== $field ) {
			$parameters = self::for_field( $parameters, $field );
			if ( null === $parameters ) {
				return $this->api->fail( new WP_Error( self::NOT_A_FILE_FIELD, __( 'This form field does not take files.', 'dify-chatbot' ), array( 'status' => 400 ) ) );
			}
		}
		$file = self::check( new File_Policy( $parameters ), $request );
		if ( is_wp_error( $file ) ) {
			return $this->api->fail( $file );
		}
		list( $file, $type ) = $file;

		$extension = $file->extension();
		$json      = $this->api->errors()->json( $client->upload( $this->api->user(), $file->path(), $file->name(), File_Policy::mime_type( $extension ) ), Error_Mapper::ABOUT_UPLOAD );
		if ( is_wp_error( $json ) ) {
			return $this->api->fail( $json );
		}
		if ( ! isset( $json['id'] ) || ! is_string( $json['id'] ) || ! wp_is_uuid( strtolower( $json['id'] ) ) ) {
			return $this->api->fail( $this->api->errors()->bad_response() );
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
	 * The request's file and the type to send it as, or the refusal: uploads off, no usable
	 * file, a type the app does not take, too large, or content that is not what its name says.
	 *
	 * @param File_Policy     $policy  The app's (or the form field's) upload rules.
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return array{0: Uploaded_File, 1: string}|WP_Error
	 */
	private static function check( File_Policy $policy, WP_REST_Request $request ) {
		if ( ! $policy->uploads_enabled() ) {
			return Media_Errors::uploads_disabled();
		}
		$file = Uploaded_File::from_request( $request );
		if ( is_wp_error( $file ) ) {
			return $file;
		}
		$extension = $file->extension();
		$type      = $policy->type_of( $extension );
		if ( null === $type || '' === $file->name() ) {
			return Media_Errors::unsupported_type();
		}
		$limit = $policy->size_limit( $extension );
		if ( $file->size() > $limit ) {
			return Media_Errors::file_too_large( $limit );
		}
		if ( ! File_Policy::content_matches( $file->path(), $extension ) ) {
			return Media_Errors::content_mismatch();
		}
		return array( $file, $type );
	}

	/**
	 * The parameters with the upload rules of a file field of this visitor's open Human Input
	 * form in place of the app's, or the refusal: 404 for a handle this visitor was not given
	 * (another visitor's included), 409/410 for a form answered or expired, 400 for a field that
	 * is not one of its file fields.
	 *
	 * @param Client               $client     The bot's client.
	 * @param array<string, mixed> $parameters The app's browser-safe parameters.
	 * @param string               $handle     The form's handle.
	 * @param string               $field      The field's output variable.
	 * @return array<string, mixed>|WP_Error
	 */
	private function for_form_field( Client $client, array $parameters, string $handle, string $field ) {
		$record = $this->api->forms( $client )->find( $handle );
		if ( null === $record ) {
			return $this->api->errors()->form_not_found();
		}
		if ( Form_Record::SUBMITTED === $record->state() ) {
			return $this->api->errors()->form_submitted();
		}
		if ( $record->expired( time() ) ) {
			return $this->api->errors()->form_expired();
		}
		$control = '' !== $field ? Form_Definition::field( $record->definition(), $field ) : null;
		if ( null === $control || ! in_array( $control['type'] ?? '', array( 'file', 'file-list' ), true ) ) {
			return new WP_Error( self::NOT_A_FILE_FIELD, __( 'This form field does not take files.', 'dify-chatbot' ), array( 'status' => 400 ) );
		}
		$methods                   = isset( $control['allowed_file_upload_methods'] ) && is_array( $control['allowed_file_upload_methods'] ) && array() !== $control['allowed_file_upload_methods'] ? $control['allowed_file_upload_methods'] : array( 'local_file' );
		$parameters['file_upload'] = array(
			'enabled'                     => true,
			'allowed_file_types'          => isset( $control['allowed_file_types'] ) && is_array( $control['allowed_file_types'] ) ? $control['allowed_file_types'] : array(),
			'allowed_file_extensions'     => isset( $control['allowed_file_extensions'] ) && is_array( $control['allowed_file_extensions'] ) ? $control['allowed_file_extensions'] : array(),
			'allowed_file_upload_methods' => $methods,
			'number_limits'               => max( 1, (int) ( $control['number_limits'] ?? 1 ) ),
		);
		return $parameters;
	}

	/**
	 * The parameters with a form field's own upload rules in place of the app's: a `file` or
	 * `file-list` field of the input form says which types, extensions and methods it takes
	 * (docs/dify-notes.md §10), whether or not files may be attached to messages. Null when the app
	 * has no such visible field.
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
}
