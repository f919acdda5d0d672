<?php
/**
 * The one file of an upload request.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Rest;

use Dify_Chatbot\Dify\Media_Errors;
use Dify_Chatbot\Rest\Uploaded_File;
use Dify_Chatbot\Tests\TestCase;

final class Uploaded_FileTest extends TestCase {

	public function test_a_file_in_the_temporary_folder_is_taken_with_its_real_size(): void {
		$path = (string) tempnam( get_temp_dir(), 'dify-chatbot-test' );
		file_put_contents( $path, 'twelve bytes' ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_file_put_contents -- test fixture.
		try {
			$file = Uploaded_File::from_part(
				array(
					'name'     => '../../My Report.PDF',
					'tmp_name' => $path,
					'error'    => UPLOAD_ERR_OK,
					'size'     => 999999,
				)
			);
		} finally {
			unlink( $path ); // phpcs:ignore WordPress.WP.AlternativeFunctions.unlink_unlink
		}
		$this->assertInstanceOf( Uploaded_File::class, $file );
		$this->assertSame( 12, $file->size(), 'The real size, not the claimed one.' );
		$this->assertSame( 'My-Report.PDF', $file->name() );
		$this->assertSame( 'pdf', $file->extension() );
	}

	/**
	 * @dataProvider refused
	 */
	public function test_anything_else_is_refused( $part, string $code ): void {
		$result = Uploaded_File::from_part( $part );
		$this->assertInstanceOf( \WP_Error::class, $result );
		$this->assertSame( $code, $result->get_error_code() );
	}

	public function refused(): array {
		return array(
			'nothing'         => array( null, Uploaded_File::MISSING ),
			'a string'        => array( '/etc/passwd', Uploaded_File::MISSING ),
			'a list'          => array(
				array(
					'tmp_name' => array( '/tmp/a' ),
					'error'    => array( 0 ),
				),
				Uploaded_File::MISSING,
			),
			'too large (ini)' => array(
				array(
					'tmp_name' => '',
					'error'    => UPLOAD_ERR_INI_SIZE,
				),
				Media_Errors::FILE_TOO_LARGE,
			),
			'partial'         => array(
				array(
					'tmp_name' => '/tmp/x',
					'error'    => UPLOAD_ERR_PARTIAL,
				),
				Uploaded_File::MISSING,
			),
			'outside temp'    => array(
				array(
					'tmp_name' => ABSPATH . 'wp-config.php',
					'error'    => UPLOAD_ERR_OK,
				),
				Uploaded_File::MISSING,
			),
			'a folder'        => array(
				array(
					'tmp_name' => get_temp_dir(),
					'error'    => UPLOAD_ERR_OK,
				),
				Uploaded_File::MISSING,
			),
		);
	}

	public function test_names_are_made_safe_for_dify_and_a_multipart_header(): void {
		$this->assertSame( 'ab.png', Uploaded_File::clean_name( 'a:b".png' ) );
		$this->assertSame( 'evil.png', Uploaded_File::clean_name( 'C:\\Users\\x\\evil.png' ) );
		$long = Uploaded_File::clean_name( str_repeat( 'é', 150 ) . '.txt' );
		$this->assertLessThanOrEqual( 200, strlen( $long ) );
		$this->assertStringEndsWith( '.txt', $long );
		$this->assertTrue( mb_check_encoding( $long, 'UTF-8' ) );
	}

	public function test_a_file_below_the_temporary_folder_is_not_taken_for_an_upload(): void {
		// PHP puts uploads directly in the temporary folder; a site or its files may live deeper.
		$folder = trailingslashit( get_temp_dir() ) . 'dify-chatbot-site-' . wp_generate_password( 8, false, false );
		mkdir( $folder );
		$path = $folder . '/wp-config.php';
		file_put_contents( $path, '<?php // secrets' ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_file_put_contents -- test fixture.
		$result = Uploaded_File::from_part(
			array(
				'name'     => 'notes.txt',
				'type'     => 'text/plain',
				'tmp_name' => $path,
				'error'    => UPLOAD_ERR_OK,
				'size'     => 16,
			)
		);
		unlink( $path );
		rmdir( $folder );
		$this->assertInstanceOf( \WP_Error::class, $result );
		$this->assertSame( Uploaded_File::MISSING, $result->get_error_code() );
	}
}
