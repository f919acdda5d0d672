<?php
/**
 * Files for the upload tests: written to the temporary folder, as PHP does for a real upload.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Support;

use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Dify\App\App_Cache;
use Dify_Chatbot\Dify\App\App_Parameters;
use Dify_Chatbot\Settings\Settings;
use WP_REST_Request;

/**
 * Builds multipart-like REST requests (the file parameters PHP would fill) and cleans up.
 */
trait Uploads {

	/**
	 * Temporary files made by the test.
	 *
	 * @var string[]
	 */
	private $temporary_files = array();

	/**
	 * A 1×1 PNG.
	 */
	protected static function png(): string {
		return (string) base64_decode( 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==' ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_decode -- test fixture.
	}

	/**
	 * A short mono 16-bit PCM WAV of silence.
	 *
	 * @param int $samples Number of samples.
	 */
	protected static function wav( int $samples = 1600 ): string {
		$data = str_repeat( "\0\0", $samples );
		return 'RIFF' . pack( 'V', 36 + strlen( $data ) ) . 'WAVE'
			. 'fmt ' . pack( 'VvvVVvv', 16, 1, 1, 16000, 32000, 2, 16 )
			. 'data' . pack( 'V', strlen( $data ) ) . $data;
	}

	/**
	 * A file in the temporary folder with these bytes.
	 *
	 * @param string $bytes Content.
	 */
	protected function temporary_file( string $bytes ): string {
		$path = (string) tempnam( get_temp_dir(), 'dify-chatbot-test' );
		file_put_contents( $path, $bytes ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_file_put_contents -- test fixture.
		$this->temporary_files[] = $path;
		return $path;
	}

	/**
	 * Removes the files.
	 */
	protected function remove_temporary_files(): void {
		foreach ( $this->temporary_files as $path ) {
			if ( file_exists( $path ) ) {
				unlink( $path ); // phpcs:ignore WordPress.WP.AlternativeFunctions.unlink_unlink
			}
		}
		$this->temporary_files = array();
	}

	/**
	 * A POST with one `file` part, as PHP reports it.
	 *
	 * @param string $route Route below the namespace.
	 * @param string $name  The browser's file name.
	 * @param string $bytes Content.
	 * @param string $type  The browser's MIME type.
	 */
	protected function upload_request( string $route, string $name, string $bytes, string $type = 'application/octet-stream' ): WP_REST_Request {
		$request = new WP_REST_Request( 'POST', '/dify-chatbot/v1' . $route );
		$request->set_file_params(
			array(
				'file' => array(
					'name'     => $name,
					'type'     => $type,
					'tmp_name' => $this->temporary_file( $bytes ),
					'error'    => UPLOAD_ERR_OK,
					'size'     => strlen( $bytes ),
				),
			)
		);
		return $request;
	}

	/**
	 * Puts parameters in the site's cache for the configured app, as if Dify had said them.
	 *
	 * @param array<string, mixed> $dify A /parameters answer.
	 */
	protected function cache_parameters( array $dify ): void {
		$settings = Settings::create();
		$client   = new Client( $settings->base_url(), (string) $settings->api_key() );
		App_Cache::set( App_Parameters::PREFIX . $client->fingerprint(), App_Parameters::safe( $dify ), 300 );
	}
}
