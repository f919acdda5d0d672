<?php
/**
 * The app's upload rules.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\App;

use Dify_Chatbot\Dify\App\File_Policy;
use Dify_Chatbot\Tests\TestCase;

final class File_PolicyTest extends TestCase {

	protected function tear_down() {
		remove_all_filters( 'upload_size_limit' );
		parent::tear_down();
	}

	private function policy( array $upload, array $system = array() ): File_Policy {
		return new File_Policy(
			array(
				'file_upload'       => $upload + array(
					'enabled'                     => true,
					'allowed_file_types'          => array( 'image', 'document' ),
					'allowed_file_extensions'     => array(),
					'allowed_file_upload_methods' => array( 'local_file', 'remote_url' ),
					'number_limits'               => 3,
				),
				'system_parameters' => $system,
			)
		);
	}

	public function test_uploads_need_the_feature_and_the_local_method(): void {
		$this->assertTrue( $this->policy( array() )->uploads_enabled() );
		$this->assertFalse( $this->policy( array( 'enabled' => false ) )->uploads_enabled() );
		$this->assertFalse( $this->policy( array( 'allowed_file_upload_methods' => array( 'remote_url' ) ) )->uploads_enabled() );
		$this->assertFalse( ( new File_Policy( array() ) )->uploads_enabled() );
		$this->assertSame( 3, $this->policy( array() )->number_limit() );
	}

	public function test_types_by_extension_as_dify_tells_them(): void {
		$this->assertSame( 'image', File_Policy::category( 'JPEG' ) );
		$this->assertSame( 'video', File_Policy::category( 'webm' ) );
		$this->assertSame( 'audio', File_Policy::category( 'mpga' ) );
		$this->assertSame( 'document', File_Policy::category( 'md' ) );
		$this->assertSame( 'custom', File_Policy::category( 'exe' ) );

		$policy = $this->policy( array() );
		$this->assertSame( 'image', $policy->type_of( 'PNG' ) );
		$this->assertSame( 'document', $policy->type_of( 'pdf' ) );
		$this->assertNull( $policy->type_of( 'mp3' ) );
		$this->assertNull( $policy->type_of( '' ) );

		$custom = $this->policy(
			array(
				'allowed_file_types'      => array( 'custom' ),
				'allowed_file_extensions' => array( '.LOG' ),
			)
		);
		$this->assertSame( 'custom', $custom->type_of( 'log' ) );
		$this->assertNull( $custom->type_of( 'png' ) );
	}

	public function test_size_limits_are_the_apps_and_never_above_the_sites(): void {
		$policy = $this->policy(
			array(),
			array(
				'image_file_size_limit' => 2,
				'file_size_limit'       => 0.5,
			)
		);
		add_filter(
			'upload_size_limit',
			static function () {
				return 100 * 1048576;
			}
		);
		$this->assertSame( 2 * 1048576, $policy->size_limit( 'png' ) );
		$this->assertSame( 524288, $policy->size_limit( 'pdf' ) );
		$this->assertSame( 100 * 1048576, $policy->size_limit( 'mp4' ), 'Dify’s default video limit (100 MiB).' );
		add_filter(
			'upload_size_limit',
			static function () {
				return 1000;
			},
			20
		);
		$this->assertSame( 1000, $policy->size_limit( 'png' ) );
	}

	public function test_a_raster_image_must_be_one_and_the_mime_type_comes_from_the_extension(): void {
		$png = (string) tempnam( get_temp_dir(), 'dify-chatbot-test' );
		file_put_contents( $png, base64_decode( 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==' ) ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_file_put_contents, WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_decode -- test fixture.
		try {
			$this->assertTrue( File_Policy::content_matches( $png, 'png' ) );
			$this->assertFalse( File_Policy::content_matches( $png, 'jpg' ) );
			$this->assertTrue( File_Policy::content_matches( $png, 'pdf' ), 'Other types are not sniffed.' );
		} finally {
			unlink( $png ); // phpcs:ignore WordPress.WP.AlternativeFunctions.unlink_unlink
		}
		$this->assertSame( 'image/jpeg', File_Policy::mime_type( 'JPG' ) );
		$this->assertSame( 'application/pdf', File_Policy::mime_type( 'pdf' ) );
		$this->assertSame( 'text/markdown', File_Policy::mime_type( 'md' ) );
		$this->assertSame( 'application/octet-stream', File_Policy::mime_type( 'xyz' ) );
	}
}
