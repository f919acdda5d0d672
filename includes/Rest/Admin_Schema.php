<?php
/**
 * What the administrators' settings routes share.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Settings\Base_Url;
use Dify_Chatbot\Settings\Key_Entry;
use Dify_Chatbot\Settings\Key_Store;
use Dify_Chatbot\Settings\Option;
use WP_Error;
use WP_REST_Request;

/**
 * The default bot's settings (Settings_Controller) and the other bots (Bots_Controller) are
 * changed by the same people, with the same fields for the key, the base URL, the response mode
 * and the limits: their schema pieces and the key's rules live here, once.
 */
final class Admin_Schema {

	/**
	 * Whether the current user may change the settings: whoever may manage options.
	 */
	public static function allowed(): bool {
		return current_user_can( 'manage_options' );
	}

	/**
	 * The base URL of a bot's Dify app.
	 *
	 * @param callable $description Gives what it is for this route, translated (Api::describe()).
	 * @param bool     $required    Whether it must be sent.
	 * @param bool     $empty_ok    Whether an empty value is taken (the default in force).
	 * @return array<string, mixed>
	 * @phpstan-param callable(): string $description
	 */
	public static function base_url( callable $description, bool $required, bool $empty_ok ): array {
		return array(
			'description'       => Api::describe( $description ),
			'type'              => 'string',
			'maxLength'         => 2048,
			'required'          => $required,
			'validate_callback' => static function ( $value, $request, $param ) use ( $empty_ok ) {
				$valid = rest_validate_request_arg( $value, $request, $param );
				if ( true !== $valid || ( $empty_ok && '' === trim( (string) $value ) ) ) {
					return $valid;
				}
				$url = Base_Url::check( (string) $value );
				return is_wp_error( $url ) ? $url : true;
			},
		);
	}

	/**
	 * A new API key: empty means none; otherwise the rules every way of entering a key obeys.
	 *
	 * @return array<string, mixed>
	 */
	public static function api_key(): array {
		return array(
			'description'       => Api::describe( static fn (): string => __( 'A new API key (replaces the saved one).', 'dify-chatbot' ) ),
			'type'              => 'string',
			'maxLength'         => Key_Entry::MAX_LENGTH,
			'validate_callback' => static function ( $value, $request, $param ) {
				$valid = rest_validate_request_arg( $value, $request, $param );
				$wrong = true === $valid && '' !== trim( (string) $value ) ? Key_Entry::check( (string) $value ) : null;
				return null !== $wrong ? $wrong : $valid;
			},
		);
	}

	/**
	 * The request to remove the saved key.
	 *
	 * @return array<string, mixed>
	 */
	public static function remove_api_key(): array {
		return array(
			'description' => Api::describe( static fn (): string => __( 'True to remove the saved API key.', 'dify-chatbot' ) ),
			'type'        => 'boolean',
		);
	}

	/**
	 * Streaming or blocking answers.
	 *
	 * @return array<string, mixed>
	 */
	public static function response_mode(): array {
		return array(
			'description' => Api::describe( static fn (): string => __( 'Whether answers stream in or arrive whole.', 'dify-chatbot' ) ),
			'type'        => 'string',
			'enum'        => Option::MODES,
		);
	}

	/**
	 * A limit: a whole number from 0 (off) to its maximum.
	 *
	 * @param callable $description Gives what it limits, translated (Api::describe()).
	 * @param int      $max         Its maximum.
	 * @return array<string, mixed>
	 * @phpstan-param callable(): string $description
	 */
	public static function limit( callable $description, int $max ): array {
		return array(
			'description' => Api::describe( $description ),
			'type'        => 'integer',
			'minimum'     => 0,
			'maximum'     => $max,
		);
	}

	/**
	 * What the request does to the saved key: a new one (trimmed) or null, and whether to remove
	 * it. Refused: both at once (400), a new key on a site with no secret to encrypt it (409).
	 *
	 * @param WP_REST_Request $request    The request.
	 * @param Key_Store       $keys       The keys of the bot it changes.
	 * @param bool            $may_remove Whether the route takes `remove_api_key` (not when adding a bot).
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return array{key: string|null, remove: bool}|WP_Error
	 */
	public static function key_change( WP_REST_Request $request, Key_Store $keys, bool $may_remove = true ) {
		$key    = $request->get_param( 'api_key' );
		$key    = is_string( $key ) && '' !== trim( $key ) ? trim( $key ) : null;
		$remove = $may_remove && true === $request->get_param( 'remove_api_key' );
		if ( $remove && null !== $key ) {
			return new WP_Error( 'dify_chatbot_invalid_settings', __( 'Send either a new API key or the request to remove it, not both.', 'dify-chatbot' ), array( 'status' => 400 ) );
		}
		if ( null !== $key && ! $keys->can_save() ) {
			return new WP_Error( 'dify_chatbot_no_encryption_secret', Key_Entry::no_secret_message(), array( 'status' => 409 ) );
		}
		return array(
			'key'    => $key,
			'remove' => $remove,
		);
	}
}
