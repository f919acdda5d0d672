<?php
/**
 * A visitor's answer checked against the form's own fields.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\Forms;

use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Forms\Form_Definition;
use Dify_Chatbot\Dify\Forms\Form_Submission;
use Dify_Chatbot\Tests\TestCase;

final class Form_SubmissionTest extends TestCase {

	private const UPLOAD = 'E0000000-0000-4000-8000-0000000000AA';

	/**
	 * The emulator's full form, as Dify sends it.
	 */
	private static function dify_form(): array {
		$files = array(
			'allowed_file_types'          => array( 'image', 'document' ),
			'allowed_file_extensions'     => array(),
			'allowed_file_upload_methods' => array( 'local_file', 'remote_url' ),
		);
		return array(
			'form_id'                 => 'f1',
			'node_id'                 => 'human_input_1',
			'node_title'              => 'Approval',
			'form_content'            => "## Review\n\n{{#\$output.comment#}}",
			'inputs'                  => array(
				array(
					'type'                 => 'paragraph',
					'output_variable_name' => 'comment',
					'default'              => array(
						'type'     => 'variable',
						'selector' => array( 'n', 'text' ),
					),
				),
				array(
					'type'                 => 'select',
					'output_variable_name' => 'priority',
					'option_source'        => array(
						'type'  => 'constant',
						'value' => array( 'low', 'high' ),
					),
				),
				array(
					'type'                 => 'file',
					'output_variable_name' => 'attachment',
				) + $files,
				array(
					'type'                 => 'file-list',
					'output_variable_name' => 'evidence',
					'number_limits'        => 2,
				) + $files,
				array(
					'type'                 => 'password',
					'output_variable_name' => 'unknown_kind',
				),
				array(
					'type'                 => 'paragraph',
					'output_variable_name' => 'bad name!',
				),
			),
			'actions'                 => array(
				array(
					'id'           => 'approve',
					'title'        => 'Approve',
					'button_style' => 'primary',
				),
				array(
					'id'           => 'odd',
					'title'        => '',
					'button_style' => 'neon',
				),
			),
			'display_in_ui'           => false,
			'form_token'              => 'SECRET-TOKEN',
			'resolved_default_values' => array(
				'comment' => 'The draft',
				'other'   => 'not a field',
			),
			'expiration_time'         => 1800000000,
		);
	}

	private static function file( string $type = 'document', string $id = self::UPLOAD ): array {
		return array(
			'type'            => $type,
			'transfer_method' => 'local_file',
			'upload_file_id'  => $id,
		);
	}

	public function test_the_browser_sees_the_form_but_not_its_token_or_selectors(): void {
		$safe = Form_Definition::safe( self::dify_form() );
		$json = (string) wp_json_encode( $safe );
		foreach ( array( 'SECRET-TOKEN', 'form_token', 'form_id', 'display_in_ui', 'selector', 'password', 'bad name', 'not a field' ) as $hidden ) {
			$this->assertStringNotContainsString( $hidden, $json );
		}
		$this->assertSame( array( 'comment', 'priority', 'attachment', 'evidence' ), array_column( $safe['inputs'], 'output_variable_name' ) );
		$this->assertSame( array( 'low', 'high' ), $safe['inputs'][1]['options'] );
		$this->assertSame( 1, $safe['inputs'][2]['number_limits'] );
		$this->assertSame( 2, $safe['inputs'][3]['number_limits'] );
		$this->assertSame( array( 'comment' => 'The draft' ), $safe['resolved_default_values'] );
		$this->assertSame( 'default', $safe['actions'][1]['button_style'], 'An unknown style is drawn as default.' );
		$this->assertSame( 'odd', $safe['actions'][1]['title'], 'A button without a title shows its id.' );
		$this->assertSame( 1800000000, $safe['expiration_time'] );
	}

	public function test_a_good_answer_is_rebuilt_from_the_checked_values(): void {
		$inputs = Form_Submission::inputs(
			Form_Definition::safe( self::dify_form() ),
			'approve',
			array(
				'priority'   => 'high',
				'attachment' => self::file() + array(
					'url'  => 'http://evil',
					'user' => 'x',
				),
				'evidence'   => array( self::file( 'image' ) ),
			)
		);
		$this->assertSame(
			array(
				'comment'    => 'The draft',
				'priority'   => 'high',
				'attachment' => array(
					'type'            => 'document',
					'transfer_method' => 'local_file',
					'upload_file_id'  => strtolower( self::UPLOAD ),
				),
				'evidence'   => array(
					array(
						'type'            => 'image',
						'transfer_method' => 'local_file',
						'upload_file_id'  => strtolower( self::UPLOAD ),
					),
				),
			),
			$inputs
		);
	}

	/**
	 * @dataProvider refusals
	 */
	public function test_answers_that_do_not_fit_are_refused( string $action, array $inputs, string $says ): void {
		$refusal = Form_Submission::inputs( Form_Definition::safe( self::dify_form() ), $action, $inputs );
		$this->assertInstanceOf( \WP_Error::class, $refusal );
		$this->assertSame( Error_Mapper::INVALID_FORM, $refusal->get_error_code() );
		$this->assertSame( 400, $refusal->get_error_data()['status'] );
		$this->assertStringContainsString( $says, $refusal->get_error_message() );
	}

	public function refusals(): array {
		$ok = array(
			'priority'   => 'low',
			'attachment' => self::file(),
		);
		return array(
			'unknown action'       => array( 'delete', $ok, 'buttons' ),
			'unknown field'        => array( 'approve', $ok + array( 'extra' => 'x' ), 'extra' ),
			'select off the list'  => array( 'approve', array( 'priority' => 'urgent' ) + $ok, 'priority' ),
			'select empty'         => array( 'approve', array( 'priority' => '' ) + $ok, 'priority' ),
			'paragraph a list'     => array( 'approve', $ok + array( 'comment' => array( 'x' ) ), 'comment' ),
			'file missing'         => array( 'approve', array( 'priority' => 'low' ), 'attachment' ),
			'file a string'        => array( 'approve', array( 'attachment' => 'x' ) + $ok, 'attachment' ),
			'file by url'          => array(
				'approve',
				array(
					'attachment' => array(
						'type'            => 'document',
						'transfer_method' => 'remote_url',
						'url'             => 'http://10.0.0.1/',
					),
				) + $ok,
				'attachment',
			),
			'file with a bad id'   => array( 'approve', array( 'attachment' => self::file( 'document', "' OR 1=1" ) ) + $ok, 'attachment' ),
			'file of a wrong type' => array( 'approve', array( 'attachment' => self::file( 'audio' ) ) + $ok, 'attachment' ),
			'too many files'       => array( 'approve', $ok + array( 'evidence' => array( self::file(), self::file(), self::file() ) ), 'at most 2' ),
			'file list an object'  => array( 'approve', $ok + array( 'evidence' => array( 'a' => self::file() ) ), 'evidence' ),
			'file list of strings' => array( 'approve', $ok + array( 'evidence' => array( 'x' ) ), 'evidence' ),
		);
	}
}
