<?php
/**
 * What the CA bundle setting accepts.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Settings;

use Dify_Chatbot\Settings\Ca_Bundle;
use Dify_Chatbot\Tests\TestCase;

final class Ca_BundleTest extends TestCase {

	/**
	 * Files made by the test.
	 *
	 * @var string[]
	 */
	private $files = array();

	protected function tear_down() {
		array_map( 'unlink', array_filter( $this->files, 'file_exists' ) );
		parent::tear_down();
	}

	private function file( string $contents ): string {
		$path = (string) tempnam( sys_get_temp_dir(), 'dify-ca' );
		file_put_contents( $path, $contents ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_file_put_contents
		$this->files[] = $path;
		return $path;
	}

	public function test_empty_means_the_default_certificates(): void {
		$this->assertSame( '', Ca_Bundle::check( '  ' ) );
	}

	public function test_a_readable_pem_file_is_accepted_trimmed(): void {
		$path = $this->file( "# my CA\n-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n" );
		$this->assertSame( $path, Ca_Bundle::check( "\t" . $path . ' ' ) );
	}

	/**
	 * @dataProvider refused
	 */
	public function test_refused_with_a_readable_reason( callable $make, string $reason ): void {
		$result = Ca_Bundle::check( $make( $this ) );
		$this->assertInstanceOf( \WP_Error::class, $result );
		$this->assertSame( 400, $result->get_error_data()['status'] );
		$this->assertStringContainsString( $reason, $result->get_error_message() );
	}

	public function refused(): array {
		return array(
			'relative'       => array( static fn () => 'certs/ca.pem', 'full path' ),
			'stream wrapper' => array( static fn () => 'php://filter/resource=/etc/passwd', 'full path' ),
			'control chars'  => array( static fn () => "/tmp/ca\x00.pem", 'full path' ),
			'missing'        => array( static fn () => '/nonexistent/dify/ca.pem', 'There is no file' ),
			'a folder'       => array( static fn () => sys_get_temp_dir(), 'There is no file' ),
			'empty file'     => array( static fn ( self $test ) => $test->file( '' ), 'not a certificate bundle' ),
			'not PEM'        => array( static fn ( self $test ) => $test->file( "\x30\x82\x01\x0a binary DER" ), 'not a certificate bundle' ),
			'a private key'  => array( static fn ( self $test ) => $test->file( "-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----\n" ), 'not a certificate bundle' ),
		);
	}
}
