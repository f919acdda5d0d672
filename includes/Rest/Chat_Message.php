<?php
/**
 * A visitor's chat message, as Dify is to receive it.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Dify\App\App_Mode;
use Dify_Chatbot\Dify\App\File_Policy;
use Dify_Chatbot\Dify\App\Input_Form;
use Dify_Chatbot\Dify\Media_Errors;
use WP_Error;
use WP_REST_Request;

/**
 * Turns a checked request into the body of the app's generation endpoint, or refuses what the app
 * would not take (docs/dify-notes.md §4):
 *
 * - chat apps get `query` and `conversation_id`; completion and workflow apps hold no
 *   conversation and read the message from their input variable `query`;
 * - `inputs` are the visitor's values, overridden by what the site fills in on the server
 *   (Site_Inputs), checked against the app's form like Dify checks them;
 * - attached files are refused when a chat app has uploads off (Dify would silently drop them) or
 *   when there are more than the app's per-message count. Their types were checked at upload
 *   (File_Controller); Dify checks them again when it reads the files.
 */
final class Chat_Message {

	/**
	 * The body for the app, or why the message cannot be sent.
	 *
	 * @param WP_REST_Request               $request    The checked request.
	 * @param App_Mode                      $mode       The app mode.
	 * @param string                        $user       The visitor's Dify user.
	 * @param array<string, mixed>|WP_Error $parameters The app's parameters, or why they could not be had.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return array<string, mixed>|WP_Error
	 */
	public static function body( WP_REST_Request $request, App_Mode $mode, string $user, $parameters ) {
		$files = self::check_files( $request, $mode, $parameters );
		if ( is_wp_error( $files ) ) {
			return $files;
		}
		$inputs = self::inputs( $request, $mode, $parameters );
		if ( is_wp_error( $inputs ) ) {
			return $inputs;
		}

		$query = (string) $request->get_param( 'query' );
		$body  = array();
		if ( $mode->is_chat() ) {
			$body['query'] = $query;
			$conversation  = (string) $request->get_param( 'conversation_id' );
			if ( '' !== $conversation ) {
				$body['conversation_id'] = $conversation;
			}
		} else {
			$inputs['query'] = $query;
		}
		// Dify requires `inputs` on every call, as a JSON object even when empty.
		$body['inputs'] = (object) $inputs;
		$body['user']   = $user;
		if ( array() !== $files ) {
			$body['files'] = $files;
		}
		return $body;
	}

	/**
	 * The input values to send: the visitor's, overridden by the site's. When the form cannot be
	 * read, the values go unchecked and Dify judges them.
	 *
	 * @param WP_REST_Request               $request    The request.
	 * @param App_Mode                      $mode       The app mode.
	 * @param array<string, mixed>|WP_Error $parameters The app's parameters, or why they could not be had.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return array<string, mixed>|WP_Error
	 */
	private static function inputs( WP_REST_Request $request, App_Mode $mode, $parameters ) {
		$inputs = $request->get_param( 'inputs' );
		$inputs = is_array( $inputs ) ? $inputs : array();
		$inputs = array_merge( $inputs, Site_Inputs::values( Site_Inputs::post( $request->get_param( 'post_id' ) ) ) );

		$form = is_array( $parameters ) && is_array( $parameters['user_input_form'] ?? null ) ? $parameters['user_input_form'] : null;
		if ( null === $form ) {
			return $inputs;
		}
		// A completion or workflow app's `query` is the chat message itself (see body()).
		return Input_Form::validate( $form, $inputs, $mode->is_chat() ? array() : array( 'query' ) );
	}

	/**
	 * The attached files, when the app takes them.
	 *
	 * @param WP_REST_Request               $request    The request.
	 * @param App_Mode                      $mode       The app mode.
	 * @param array<string, mixed>|WP_Error $parameters The app's parameters, or why they could not be had.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return array<int|string, mixed>|WP_Error
	 */
	private static function check_files( WP_REST_Request $request, App_Mode $mode, $parameters ) {
		$files = $request->get_param( 'files' );
		if ( ! is_array( $files ) || array() === $files ) {
			return array();
		}
		if ( ! $mode->is_chat() ) {
			// Completion and workflow apps check their files themselves.
			return $files;
		}
		if ( is_wp_error( $parameters ) ) {
			return $parameters;
		}
		if ( true !== ( $parameters['file_upload']['enabled'] ?? false ) ) {
			return Media_Errors::uploads_disabled();
		}
		$limit = ( new File_Policy( $parameters ) )->number_limit();
		if ( $limit > 0 && count( $files ) > $limit ) {
			return Media_Errors::too_many_files( $limit );
		}
		return $files;
	}
}
