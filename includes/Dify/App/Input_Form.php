<?php
/**
 * A visitor's answers to the app's input form, checked the way Dify checks them.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\App;

use WP_Error;

/**
 * Checks `inputs` against the app's `user_input_form` (docs/dify-notes.md §4) before anything
 * goes to Dify, so a visitor reads "“Your name” must be at most 48 characters" instead of the
 * general "could not accept this message" that Dify's English `invalid_param` text would become.
 *
 * The rules are Dify's: a required variable must have a value (an empty string counts as none,
 * as in Dify's own web form), strings at most `max_length` characters, a select one of its
 * options, a number numeric, a checkbox a boolean (Dify's spellings are normalised), a file one
 * file object, a file list at most `max_length` of them, a JSON object an object. Keys the form
 * does not declare are dropped, as Dify drops them.
 */
final class Input_Form {

	public const INVALID = 'dify_chatbot_invalid_input';

	/**
	 * Values Dify reads as true / false for a checkbox.
	 */
	private const TRUE_WORDS  = array( 'true', '1', 'yes', 'on' );
	private const FALSE_WORDS = array( 'false', '0', 'no', 'off' );

	/**
	 * Checks and normalises inputs.
	 *
	 * @param array<int, array<string, array<string, mixed>>> $form   The safe `user_input_form` (App_Parameters).
	 * @param array<string, mixed>                            $inputs The values.
	 * @param string[]                                        $skip   Variables filled elsewhere (a completion app's `query`).
	 * @return array<string, mixed>|WP_Error The declared variables' values, or the first problem.
	 */
	public static function validate( array $form, array $inputs, array $skip = array() ) {
		$clean = array();
		foreach ( $form as $item ) {
			$type     = (string) key( $item );
			$control  = (array) reset( $item );
			$variable = isset( $control['variable'] ) && is_string( $control['variable'] ) ? $control['variable'] : '';
			if ( '' === $variable || in_array( $variable, $skip, true ) ) {
				continue;
			}
			$label = isset( $control['label'] ) && is_string( $control['label'] ) && '' !== $control['label'] ? $control['label'] : $variable;
			$value = $inputs[ $variable ] ?? null;
			if ( null === $value || '' === $value || array() === $value ) {
				if ( ! empty( $control['required'] ) ) {
					/* translators: %s: the form field's label. */
					return self::error( sprintf( __( '“%s” is required.', 'dify-chatbot' ), $label ), $variable );
				}
				continue;
			}
			$checked = self::check( $type, $control, $value, $label, $variable );
			if ( is_wp_error( $checked ) ) {
				return $checked;
			}
			$clean[ $variable ] = $checked;
		}//end foreach
		return $clean;
	}

	/**
	 * One value against its control.
	 *
	 * @param string                   $type     Control type.
	 * @param array<int|string, mixed> $control  The control.
	 * @param mixed                    $value    The value (not empty).
	 * @param string                   $label    The field's label.
	 * @param string                   $variable The variable.
	 * @return mixed|WP_Error The value to send.
	 */
	private static function check( string $type, array $control, $value, string $label, string $variable ) {
		$max = isset( $control['max_length'] ) && is_numeric( $control['max_length'] ) ? (int) $control['max_length'] : 0;
		switch ( $type ) {
			case 'text-input':
			case 'paragraph':
				if ( ! is_string( $value ) ) {
					/* translators: %s: the form field's label. */
					return self::error( sprintf( __( '“%s” must be text.', 'dify-chatbot' ), $label ), $variable );
				}
				$value = str_replace( "\0", '', $value );
				if ( $max > 0 && mb_strlen( $value ) > $max ) {
					/* translators: 1: the form field's label, 2: a number of characters. */
					return self::error( sprintf( _n( '“%1$s” must be at most %2$d character.', '“%1$s” must be at most %2$d characters.', $max, 'dify-chatbot' ), $label, $max ), $variable );
				}
				return $value;
			case 'select':
				$options = isset( $control['options'] ) && is_array( $control['options'] ) ? $control['options'] : array();
				if ( ! is_string( $value ) || ! in_array( $value, $options, true ) ) {
					/* translators: %s: the form field's label. */
					return self::error( sprintf( __( 'Choose one of the options for “%s”.', 'dify-chatbot' ), $label ), $variable );
				}
				return $value;
			case 'number':
				if ( ( ! is_int( $value ) && ! is_float( $value ) && ! is_string( $value ) ) || ! is_numeric( $value ) ) {
					/* translators: %s: the form field's label. */
					return self::error( sprintf( __( '“%s” must be a number.', 'dify-chatbot' ), $label ), $variable );
				}
				return is_string( $value ) ? $value + 0 : $value;
			case 'checkbox':
				if ( is_bool( $value ) ) {
					return $value;
				}
				$word = is_string( $value ) ? strtolower( trim( $value ) ) : ( is_int( $value ) ? (string) $value : null );
				if ( in_array( $word, self::TRUE_WORDS, true ) ) {
					return true;
				}
				if ( in_array( $word, self::FALSE_WORDS, true ) ) {
					return false;
				}
				/* translators: %s: the form field's label. */
				return self::error( sprintf( __( '“%s” must be checked or unchecked.', 'dify-chatbot' ), $label ), $variable );
			case 'file':
				if ( ! self::is_file( $value ) ) {
					/* translators: %s: the form field's label. */
					return self::error( sprintf( __( '“%s” must be one file.', 'dify-chatbot' ), $label ), $variable );
				}
				return $value;
			case 'file-list':
				if ( ! is_array( $value ) || ! wp_is_numeric_array( $value ) || count( array_filter( $value, array( self::class, 'is_file' ) ) ) !== count( $value ) ) {
					/* translators: %s: the form field's label. */
					return self::error( sprintf( __( '“%s” must be a list of files.', 'dify-chatbot' ), $label ), $variable );
				}
				if ( $max > 0 && count( $value ) > $max ) {
					/* translators: 1: the form field's label, 2: a number of files. */
					return self::error( sprintf( _n( '“%1$s” takes at most %2$d file.', '“%1$s” takes at most %2$d files.', $max, 'dify-chatbot' ), $label, $max ), $variable );
				}
				return $value;
			case 'json_object':
				if ( ! is_array( $value ) || wp_is_numeric_array( $value ) ) {
					/* translators: %s: the form field's label. */
					return self::error( sprintf( __( '“%s” must be a JSON object.', 'dify-chatbot' ), $label ), $variable );
				}
				return $value;
		}//end switch
		return $value;
	}

	/**
	 * Whether a value is a file object as Dify takes it (docs/dify-notes.md §4): an upload id or an
	 * http(s) address.
	 *
	 * @param mixed $value The value.
	 */
	public static function is_file( $value ): bool {
		if ( ! is_array( $value ) || ! isset( $value['transfer_method'] ) ) {
			return false;
		}
		if ( 'local_file' === $value['transfer_method'] ) {
			return isset( $value['upload_file_id'] ) && is_string( $value['upload_file_id'] ) && wp_is_uuid( strtolower( $value['upload_file_id'] ) );
		}
		if ( 'remote_url' === $value['transfer_method'] ) {
			return isset( $value['url'] ) && is_string( $value['url'] ) && 1 === preg_match( '#^https?://#i', $value['url'] );
		}
		return false;
	}

	/**
	 * A 400 naming the field, so the browser can point at it.
	 *
	 * @param string $message  Readable message.
	 * @param string $variable The variable.
	 */
	private static function error( string $message, string $variable ): WP_Error {
		return new WP_Error(
			self::INVALID,
			$message,
			array(
				'status' => 400,
				'field'  => $variable,
			)
		);
	}
}
