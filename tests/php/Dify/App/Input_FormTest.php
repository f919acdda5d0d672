<?php
/**
 * Checking input-form values like Dify does.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\App;

use Dify_Chatbot\Dify\App\Input_Form;
use Dify_Chatbot\Tests\TestCase;
use WP_Error;

final class Input_FormTest extends TestCase {

	/**
	 * A form with every control type, as App_Parameters hands it on.
	 *
	 * @return array<int, array<string, array<string, mixed>>>
	 */
	private function form(): array {
		return array(
			array(
				'text-input' => array(
					'variable'   => 'name',
					'label'      => 'Your name',
					'required'   => true,
					'max_length' => 5,
				),
			),
			array(
				'paragraph' => array(
					'variable'   => 'bio',
					'label'      => 'About you',
					'required'   => false,
					'max_length' => 10,
				),
			),
			array(
				'select' => array(
					'variable' => 'tone',
					'label'    => 'Tone',
					'required' => false,
					'options'  => array( 'a', 'b' ),
				),
			),
			array(
				'number' => array(
					'variable' => 'count',
					'label'    => 'Count',
					'required' => false,
				),
			),
			array(
				'checkbox' => array(
					'variable' => 'ok',
					'label'    => 'OK?',
					'required' => false,
				),
			),
			array(
				'file' => array(
					'variable' => 'doc',
					'label'    => 'Document',
					'required' => false,
				),
			),
			array(
				'file-list' => array(
					'variable'   => 'docs',
					'label'      => 'Documents',
					'required'   => false,
					'max_length' => 1,
				),
			),
			array(
				'json_object' => array(
					'variable' => 'data',
					'label'    => 'Data',
					'required' => false,
				),
			),
		);
	}

	private function assert_invalid( $result, string $field, string $message ): void {
		$this->assertInstanceOf( WP_Error::class, $result );
		$this->assertSame( Input_Form::INVALID, $result->get_error_code() );
		$this->assertSame( $message, $result->get_error_message() );
		$this->assertSame(
			array(
				'status' => 400,
				'field'  => $field,
			),
			$result->get_error_data()
		);
	}

	public function test_valid_values_pass_normalised_and_undeclared_keys_are_dropped(): void {
		$file   = array(
			'type'            => 'image',
			'transfer_method' => 'local_file',
			'upload_file_id'  => 'e0000000-0000-4000-8000-0000000000aa',
		);
		$result = Input_Form::validate(
			$this->form(),
			array(
				'name'    => "Ann\0",
				'bio'     => 'ten chars!',
				'tone'    => 'b',
				'count'   => '3.5',
				'ok'      => 'yes',
				'doc'     => $file,
				'docs'    => array( $file ),
				'data'    => array( 'k' => 1 ),
				'unknown' => 'gone',
			)
		);
		$this->assertSame(
			array(
				'name'  => 'Ann',
				'bio'   => 'ten chars!',
				'tone'  => 'b',
				'count' => 3.5,
				'ok'    => true,
				'doc'   => $file,
				'docs'  => array( $file ),
				'data'  => array( 'k' => 1 ),
			),
			$result
		);
	}

	public function test_a_required_field_needs_a_value(): void {
		foreach ( array( array(), array( 'name' => '' ), array( 'name' => null ) ) as $inputs ) {
			$this->assert_invalid( Input_Form::validate( $this->form(), $inputs ), 'name', '“Your name” is required.' );
		}
	}

	public function test_optional_empty_fields_are_left_out(): void {
		$this->assertSame(
			array( 'name' => 'Bo' ),
			Input_Form::validate(
				$this->form(),
				array(
					'name' => 'Bo',
					'bio'  => '',
					'tone' => null,
				)
			)
		);
	}

	/**
	 * @dataProvider bad_values
	 */
	public function test_bad_values_name_the_field( string $field, $value, string $message ): void {
		$this->assert_invalid(
			Input_Form::validate(
				$this->form(),
				array(
					'name' => 'Bo',
					$field => $value,
				)
			),
			$field,
			$message
		);
	}

	public function bad_values(): array {
		return array(
			'text too long (characters, not bytes)' => array( 'name', 'Zoë Ann', '“Your name” must be at most 5 characters.' ),
			'text not a string'                     => array( 'bio', array( 'x' ), '“About you” must be text.' ),
			'select not an option'                  => array( 'tone', 'c', 'Choose one of the options for “Tone”.' ),
			'number not numeric'                    => array( 'count', 'many', '“Count” must be a number.' ),
			'number as a list'                      => array( 'count', array( 1 ), '“Count” must be a number.' ),
			'checkbox unknown word'                 => array( 'ok', 'maybe', '“OK?” must be checked or unchecked.' ),
			'file without a transfer method'        => array( 'doc', array( 'type' => 'image' ), '“Document” must be one file.' ),
			'file with a javascript url'            => array(
				'doc',
				array(
					'transfer_method' => 'remote_url',
					'url'             => 'javascript:alert(1)',
				),
				'“Document” must be one file.',
			),
			'file with a bad upload id'             => array(
				'doc',
				array(
					'transfer_method' => 'local_file',
					'upload_file_id'  => '../x',
				),
				'“Document” must be one file.',
			),
			'file list too long'                    => array(
				'docs',
				array(
					array(
						'transfer_method' => 'remote_url',
						'url'             => 'https://a.example/1',
					),
					array(
						'transfer_method' => 'remote_url',
						'url'             => 'https://a.example/2',
					),
				),
				'“Documents” takes at most 1 file.',
			),
			'file list of strings'                  => array( 'docs', array( 'a' ), '“Documents” must be a list of files.' ),
			'json object as a list'                 => array( 'data', array( 1, 2 ), '“Data” must be a JSON object.' ),
		);
	}

	public function test_a_label_falls_back_to_the_variable(): void {
		$form = array(
			array(
				'text-input' => array(
					'variable' => 'city',
					'required' => true,
				),
			),
		);
		$this->assert_invalid( Input_Form::validate( $form, array() ), 'city', '“city” is required.' );
	}

	public function test_skipped_variables_are_neither_checked_nor_sent(): void {
		$form = array(
			array(
				'paragraph' => array(
					'variable'   => 'query',
					'label'      => 'Query',
					'required'   => true,
					'max_length' => 2,
				),
			),
		);
		$this->assertSame( array(), Input_Form::validate( $form, array( 'query' => 'far too long' ), array( 'query' ) ) );
	}

	public function test_checkbox_spellings_are_dify_s(): void {
		$form = array( array( 'checkbox' => array( 'variable' => 'ok' ) ) );
		foreach ( array( true, 'TRUE', '1', 1, 'on', 'yes' ) as $yes ) {
			$this->assertSame( array( 'ok' => true ), Input_Form::validate( $form, array( 'ok' => $yes ) ) );
		}
		foreach ( array( false, 'false', '0', 0, 'off', 'no' ) as $no ) {
			$this->assertSame( array( 'ok' => false ), Input_Form::validate( $form, array( 'ok' => $no ) ) );
		}
	}
}
