<?php
/**
 * A visitor's answer to a Human Input form, checked before it goes to Dify.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Forms;

use Dify_Chatbot\Dify\Error_Mapper;
use WP_Error;

/**
 * Checks an answer against the form's own fields, as Dify will (docs/dify-notes.md §12), so a
 * visitor hears what is wrong in their language and Dify is not asked in vain: the action must be
 * one of the form's buttons, every field is answered (a paragraph may be left out: its default is
 * sent), a select with known options takes one of them, and a file field takes files uploaded
 * through this site (`local_file` with an upload id, of a type the field allows, no more than its
 * limit). Keys that are not fields of the form are refused. What Dify receives is rebuilt here
 * from the checked values only.
 */
final class Form_Submission {

	/**
	 * The inputs to send to Dify, or why the answer is refused (400).
	 *
	 * @param array<string, mixed> $definition The browser-safe form.
	 * @param string               $action     The button's id.
	 * @param array<mixed>         $inputs     The visitor's values by output variable.
	 * @return array<string, mixed>|WP_Error
	 */
	public static function inputs( array $definition, string $action, array $inputs ) {
		$actions = array_column( is_array( $definition['actions'] ?? null ) ? $definition['actions'] : array(), 'id' );
		if ( ! in_array( $action, $actions, true ) ) {
			return self::refuse( __( 'This choice is not one of the form’s buttons.', 'dify-chatbot' ) );
		}
		$fields = array();
		foreach ( is_array( $definition['inputs'] ?? null ) ? $definition['inputs'] : array() as $field ) {
			if ( is_array( $field ) && is_string( $field['output_variable_name'] ?? null ) ) {
				$fields[ $field['output_variable_name'] ] = $field;
			}
		}
		foreach ( array_keys( $inputs ) as $name ) {
			if ( ! isset( $fields[ $name ] ) ) {
				/* translators: %s: a field name. */
				return self::refuse( sprintf( __( 'The form has no field “%s”.', 'dify-chatbot' ), (string) $name ) );
			}
		}
		$defaults = is_array( $definition['resolved_default_values'] ?? null ) ? $definition['resolved_default_values'] : array();
		$checked  = array();
		foreach ( $fields as $name => $field ) {
			$value = self::value( $field, array_key_exists( $name, $inputs ) ? $inputs[ $name ] : null, $defaults[ $name ] ?? '' );
			if ( is_wp_error( $value ) ) {
				return $value;
			}
			$checked[ $name ] = $value;
		}
		return $checked;
	}

	/**
	 * One field's checked value, or why it is refused.
	 *
	 * @param array<string, mixed> $field   The field.
	 * @param mixed                $value   The visitor's value (null when not given).
	 * @param mixed                $default The field's resolved default.
	 * @return mixed|WP_Error
	 */
	private static function value( array $field, $value, $default ) {
		$name = (string) $field['output_variable_name'];
		switch ( $field['type'] ?? '' ) {
			case 'paragraph':
				if ( null === $value ) {
					return is_string( $default ) ? $default : '';
				}
				return is_string( $value ) ? $value : self::wrong( $name );
			case 'select':
				if ( ! is_string( $value ) || '' === $value ) {
					return self::missing( $name );
				}
				$options = $field['options'] ?? null;
				return ! is_array( $options ) || in_array( $value, $options, true ) ? $value : self::wrong( $name );
			case 'file':
				if ( null === $value ) {
					return self::missing( $name );
				}
				return is_array( $value ) ? self::file( $field, $value ) : self::wrong( $name );
			case 'file-list':
				$value = null === $value ? array() : $value;
				if ( ! is_array( $value ) || ( array() !== $value && ! wp_is_numeric_array( $value ) ) ) {
					return self::wrong( $name );
				}
				$limit = (int) ( $field['number_limits'] ?? 0 );
				if ( $limit > 0 && count( $value ) > $limit ) {
					/* translators: 1: a field name, 2: the largest number of files. */
					return self::refuse( sprintf( _n( '“%1$s” takes at most %2$d file.', '“%1$s” takes at most %2$d files.', $limit, 'dify-chatbot' ), $name, $limit ) );
				}
				$files = array();
				foreach ( $value as $item ) {
					$file = is_array( $item ) ? self::file( $field, $item ) : self::wrong( $name );
					if ( is_wp_error( $file ) ) {
						return $file;
					}
					$files[] = $file;
				}
				return $files;
		}//end switch
		return self::wrong( $name );
	}

	/**
	 * A file of a file field: uploaded through this site, of a type the field allows.
	 *
	 * @param array<string, mixed> $field The field.
	 * @param array<mixed>         $file  The visitor's file object.
	 * @return array<string, string>|WP_Error
	 */
	private static function file( array $field, array $file ) {
		$name  = (string) $field['output_variable_name'];
		$id    = $file['upload_file_id'] ?? null;
		$type  = $file['type'] ?? null;
		$types = is_array( $field['allowed_file_types'] ?? null ) ? $field['allowed_file_types'] : array();
		if ( 'local_file' !== ( $file['transfer_method'] ?? null ) || ! is_string( $id ) || ! wp_is_uuid( strtolower( $id ) ) || ! is_string( $type ) ) {
			return self::wrong( $name );
		}
		if ( array() !== $types && ! in_array( $type, $types, true ) ) {
			/* translators: %s: a field name. */
			return self::refuse( sprintf( __( 'Files of this type cannot be added to “%s”.', 'dify-chatbot' ), $name ) );
		}
		return array(
			'type'            => $type,
			'transfer_method' => 'local_file',
			'upload_file_id'  => strtolower( $id ),
		);
	}

	/**
	 * A field left empty.
	 *
	 * @param string $name The field.
	 */
	private static function missing( string $name ): WP_Error {
		/* translators: %s: a field name. */
		return self::refuse( sprintf( __( 'Please fill in “%s”.', 'dify-chatbot' ), $name ) );
	}

	/**
	 * A field with a value of the wrong kind.
	 *
	 * @param string $name The field.
	 */
	private static function wrong( string $name ): WP_Error {
		/* translators: %s: a field name. */
		return self::refuse( sprintf( __( 'The value of “%s” cannot be used.', 'dify-chatbot' ), $name ) );
	}

	/**
	 * A refusal with a message for the visitor.
	 *
	 * @param string $message The message.
	 */
	private static function refuse( string $message ): WP_Error {
		return new WP_Error( Error_Mapper::INVALID_FORM, $message, array( 'status' => 400 ) );
	}
}
