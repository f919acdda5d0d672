<?php
/**
 * What a chat message may look like.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use WP_Error;

/**
 * The schema of `POST /chat`: `query`, `conversation_id`, `inputs`, `files`, `post_id` and `bot`.
 * Every malformed body is refused with 400 and a message naming the parameter, before anything
 * else runs.
 */
final class Chat_Schema {

	/**
	 * Default longest message, in characters.
	 */
	public const MAX_QUERY_LENGTH = 4000;

	/**
	 * Largest JSON size of `inputs`, in bytes.
	 */
	private const MAX_INPUTS_BYTES = 65536;

	/**
	 * The schema of the body (WordPress checks it before the permission callback).
	 *
	 * @return array<string, array<string, mixed>>
	 */
	public static function args(): array {
		/**
		 * Filters the longest message a visitor may send, in characters.
		 *
		 * @param int $length Default 4000.
		 */
		$max = (int) apply_filters( 'dify_chatbot_max_query_length', self::MAX_QUERY_LENGTH );
		return array(
			'query'           => array(
				'description' => Api::describe( static fn (): string => __( 'The visitor’s message.', 'dify-chatbot' ) ),
				'type'        => 'string',
				'required'    => true,
				'minLength'   => 1,
				'maxLength'   => max( 1, $max ),
			),
			'conversation_id' => array(
				'description'       => Api::describe( static fn (): string => __( 'The conversation to continue; empty for a new one.', 'dify-chatbot' ) ),
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
				'description'       => Api::describe( static fn (): string => __( 'Values for the app’s input variables.', 'dify-chatbot' ) ),
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
				'description'       => Api::describe( static fn (): string => __( 'Files attached to the message (ids from an upload, or URLs).', 'dify-chatbot' ) ),
				'type'              => 'array',
				'default'           => array(),
				'maxItems'          => 10,
				'validate_callback' => static function ( $value, $request, $param ) {
					$valid = rest_validate_request_arg( $value, $request, $param );
					if ( true !== $valid || ! is_array( $value ) ) {
						return $valid;
					}
					// Each transfer method needs its own field, and only that one (docs/dify-notes.md §4).
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
				'description' => Api::describe( static fn (): string => __( 'The page the chat is on (for inputs the site fills in).', 'dify-chatbot' ) ),
				'type'        => 'integer',
				'minimum'     => 0,
				'default'     => 0,
			),
		);
	}
}
