<?php
/**
 * What of a Human Input form a browser may see, and its fields' rules.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Forms;

/**
 * A Human Input form as Dify describes it — in `human_input_required.data`, in a
 * `workflow_paused` reason, in `extra_contents[].form_definition` of the history, or from
 * `GET /form/human_input/{token}` (docs/dify-notes.md §12) — reduced to what the chat shows:
 * the Markdown text, the fields, the buttons, the defaults and the expiry.
 *
 * Never kept: `form_token` (it answers the form as anyone, so it stays on the server behind a
 * handle), `form_id`, `display_in_ui` and the fields' `default` (a variable selector into the
 * run; the resolved value is in `resolved_default_values`). A select whose options come from a
 * variable has no option list here; Dify checks it on submit.
 */
final class Form_Definition {

	/**
	 * The field types Dify has (1.15+; older releases only `paragraph`).
	 */
	public const FIELD_TYPES = array( 'paragraph', 'select', 'file', 'file-list' );

	/**
	 * The button styles Dify has; anything else is shown as `default`.
	 */
	private const BUTTON_STYLES = array( 'primary', 'default', 'accent', 'ghost' );

	/**
	 * The file types Dify knows.
	 */
	private const FILE_TYPES = array( 'image', 'document', 'audio', 'video', 'custom' );

	/**
	 * Longest form text kept, in characters (a form is a page of Markdown, not a book).
	 */
	private const MAX_CONTENT = 65536;

	/**
	 * The browser-safe form: `node_id`, `node_title`, `form_content`, `inputs`, `actions`,
	 * `resolved_default_values` and `expiration_time`.
	 *
	 * @param array<mixed> $data The form as Dify sent it (`actions` or `user_actions`).
	 * @return array{node_id: string, node_title: string, form_content: string, inputs: array<int, array<string, mixed>>, actions: array<int, array{id: string, title: string, button_style: string}>, resolved_default_values: array<string, string>, expiration_time: int|null}
	 */
	public static function safe( array $data ): array {
		$inputs = self::fields( $data['inputs'] ?? null );
		$names  = array_column( $inputs, 'output_variable_name' );
		return array(
			'node_id'                 => self::text( $data['node_id'] ?? '', 128 ),
			'node_title'              => self::text( $data['node_title'] ?? '', 256 ),
			'form_content'            => self::text( $data['form_content'] ?? '', self::MAX_CONTENT ),
			'inputs'                  => $inputs,
			'actions'                 => self::actions( $data['actions'] ?? ( $data['user_actions'] ?? null ) ),
			'resolved_default_values' => self::defaults( $data['resolved_default_values'] ?? null, $names ),
			'expiration_time'         => isset( $data['expiration_time'] ) && is_numeric( $data['expiration_time'] ) ? (int) $data['expiration_time'] : null,
		);
	}

	/**
	 * A field of a safe form by its output variable, or null.
	 *
	 * @param array<string, mixed> $definition A safe form.
	 * @param string               $name       The field's output variable.
	 * @return array<string, mixed>|null
	 */
	public static function field( array $definition, string $name ): ?array {
		foreach ( is_array( $definition['inputs'] ?? null ) ? $definition['inputs'] : array() as $field ) {
			if ( is_array( $field ) && ( $field['output_variable_name'] ?? null ) === $name ) {
				return $field;
			}
		}
		return null;
	}

	/**
	 * The fields Dify describes, each with what the browser needs to draw and check it.
	 *
	 * @param mixed $inputs Dify's `inputs`.
	 * @return array<int, array<string, mixed>>
	 */
	private static function fields( $inputs ): array {
		$fields = array();
		foreach ( is_array( $inputs ) ? $inputs : array() as $input ) {
			$type = is_array( $input ) ? ( $input['type'] ?? '' ) : '';
			$name = is_array( $input ) ? ( $input['output_variable_name'] ?? '' ) : '';
			// Before 1.15 the text field was called `text_input`.
			$type = 'text_input' === $type ? 'paragraph' : $type;
			if ( ! in_array( $type, self::FIELD_TYPES, true ) || ! is_string( $name ) || 1 !== preg_match( '/^[A-Za-z_][A-Za-z0-9_]{0,63}$/', $name ) ) {
				continue;
			}
			$field = array(
				'type'                 => $type,
				'output_variable_name' => $name,
			);
			if ( 'select' === $type ) {
				$field['options'] = self::options( $input['option_source'] ?? null );
			}
			if ( 'file' === $type || 'file-list' === $type ) {
				$field['allowed_file_types']          = array_values( array_intersect( self::strings( $input['allowed_file_types'] ?? null ), self::FILE_TYPES ) );
				$field['allowed_file_extensions']     = self::strings( $input['allowed_file_extensions'] ?? null );
				$field['allowed_file_upload_methods'] = self::strings( $input['allowed_file_upload_methods'] ?? null );
				$field['number_limits']               = 'file' === $type ? 1 : max( 0, (int) ( is_numeric( $input['number_limits'] ?? null ) ? $input['number_limits'] : 0 ) );
			}
			$fields[] = $field;
		}//end foreach
		return $fields;
	}

	/**
	 * The options of a select whose list is constant (null when they come from a variable).
	 *
	 * @param mixed $source `option_source`.
	 * @return string[]|null
	 */
	private static function options( $source ): ?array {
		if ( ! is_array( $source ) || 'constant' !== ( $source['type'] ?? '' ) || ! is_array( $source['value'] ?? null ) ) {
			return null;
		}
		return self::strings( $source['value'] );
	}

	/**
	 * The buttons: id, title and a known style.
	 *
	 * @param mixed $actions `actions` (event, history) or `user_actions` (GET form).
	 * @return array<int, array{id: string, title: string, button_style: string}>
	 */
	private static function actions( $actions ): array {
		$buttons = array();
		foreach ( is_array( $actions ) ? $actions : array() as $action ) {
			if ( ! is_array( $action ) || ! is_string( $action['id'] ?? null ) || '' === $action['id'] ) {
				continue;
			}
			$style     = is_string( $action['button_style'] ?? null ) ? $action['button_style'] : 'default';
			$buttons[] = array(
				'id'           => self::text( $action['id'], 128 ),
				'title'        => self::text( is_string( $action['title'] ?? null ) && '' !== $action['title'] ? $action['title'] : $action['id'], 256 ),
				'button_style' => in_array( $style, self::BUTTON_STYLES, true ) ? $style : 'default',
			);
		}
		return $buttons;
	}

	/**
	 * The resolved defaults of the form's own fields, as strings (Dify sends them so).
	 *
	 * @param mixed    $values `resolved_default_values`.
	 * @param string[] $names  The fields' output variables.
	 * @return array<string, string>
	 */
	private static function defaults( $values, array $names ): array {
		$defaults = array();
		foreach ( is_array( $values ) ? $values : array() as $name => $value ) {
			if ( in_array( $name, $names, true ) && ( is_string( $value ) || is_numeric( $value ) ) ) {
				$defaults[ (string) $name ] = self::text( (string) $value, self::MAX_CONTENT );
			}
		}
		return $defaults;
	}

	/**
	 * The strings of a list, each at most 256 characters.
	 *
	 * @param mixed $list A list.
	 * @return string[]
	 */
	private static function strings( $list ): array {
		$strings = array();
		foreach ( is_array( $list ) ? $list : array() as $item ) {
			if ( is_string( $item ) && '' !== $item ) {
				$strings[] = self::text( $item, 256 );
			}
		}
		return $strings;
	}

	/**
	 * A string, cut to a number of characters (mb_substr: WordPress has it without mbstring).
	 *
	 * @param mixed $value  The value.
	 * @param int   $length Most characters.
	 */
	private static function text( $value, int $length ): string {
		if ( ! is_string( $value ) ) {
			return '';
		}
		return strlen( $value ) > $length ? mb_substr( $value, 0, $length, 'UTF-8' ) : $value;
	}
}
