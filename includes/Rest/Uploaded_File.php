<?php
/**
 * A file a visitor sent in a multipart request.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Dify\Media_Errors;
use WP_Error;
use WP_REST_Request;

/**
 * The one file part of an upload, checked before anything reads it: present, uploaded without
 * error, one file (not a list), a readable file in the temporary folder, its real size. The
 * file is only read from where PHP put it; its temporary path never leaves the server.
 */
final class Uploaded_File {

	public const MISSING = 'dify_chatbot_no_file';

	/**
	 * The temporary file's path.
	 *
	 * @var string
	 */
	private string $path;

	/**
	 * The sanitized file name ('' when nothing usable was left).
	 *
	 * @var string
	 */
	private string $name;

	/**
	 * The real size in bytes.
	 *
	 * @var int
	 */
	private int $size;

	/**
	 * Keeps the parts.
	 *
	 * @param string $path Temporary file.
	 * @param string $name Sanitized name.
	 * @param int    $size Size in bytes.
	 */
	private function __construct( string $path, string $name, int $size ) {
		$this->path = $path;
		$this->name = $name;
		$this->size = $size;
	}

	/**
	 * The file of a request's `file` part, or why there is none.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return self|WP_Error
	 */
	public static function from_request( WP_REST_Request $request ) {
		$files = $request->get_file_params();
		return self::from_part( $files['file'] ?? null );
	}

	/**
	 * The file of one `$_FILES` entry, or why there is none.
	 *
	 * @param mixed $file The entry (PHP's name, type, tmp_name, error, size).
	 * @return self|WP_Error
	 */
	public static function from_part( $file ) {
		// `file[]=…` gives lists instead of one name and path: not one file.
		if ( ! is_array( $file ) || ! isset( $file['tmp_name'], $file['error'] ) || ! is_string( $file['tmp_name'] ) || ! is_int( $file['error'] ) ) {
			return self::missing();
		}
		if ( UPLOAD_ERR_INI_SIZE === $file['error'] || UPLOAD_ERR_FORM_SIZE === $file['error'] ) {
			return new WP_Error( Media_Errors::FILE_TOO_LARGE, __( 'This file is too large for this site.', 'dify-chatbot' ), array( 'status' => 413 ) );
		}
		if ( UPLOAD_ERR_OK !== $file['error'] || ! self::is_temporary( $file['tmp_name'] ) ) {
			return self::missing();
		}
		$size = filesize( $file['tmp_name'] );
		if ( false === $size || 0 === $size ) {
			return new WP_Error( self::MISSING, __( 'The file is empty.', 'dify-chatbot' ), array( 'status' => 400 ) );
		}
		$name = isset( $file['name'] ) && is_string( $file['name'] ) ? $file['name'] : '';
		return new self( $file['tmp_name'], self::clean_name( $name ), $size );
	}

	/**
	 * The temporary file.
	 */
	public function path(): string {
		return $this->path;
	}

	/**
	 * The sanitized name.
	 */
	public function name(): string {
		return $this->name;
	}

	/**
	 * The extension, lower case, without the dot ('' when none).
	 */
	public function extension(): string {
		$dot = strrpos( $this->name, '.' );
		return false === $dot ? '' : strtolower( substr( $this->name, $dot + 1 ) );
	}

	/**
	 * The real size in bytes.
	 */
	public function size(): int {
		return $this->size;
	}

	/**
	 * A file name Dify accepts (docs/dify-notes.md §8: none of `/ \ : * ? " < > |`, at most 200
	 * characters, extension kept) and that is safe in a multipart header.
	 *
	 * @param string $name The browser's file name.
	 */
	public static function clean_name( string $name ): string {
		$name = sanitize_file_name( wp_basename( str_replace( '\\', '/', $name ) ) );
		$name = (string) preg_replace( '/[\/\\\\:*?"<>|\x00-\x1f\x7f]/', '', $name );
		if ( strlen( $name ) > 200 ) {
			$dot       = strrpos( $name, '.' );
			$extension = false === $dot ? '' : substr( $name, $dot );
			$name      = mb_strcut( $name, 0, 200 - strlen( $extension ), 'UTF-8' ) . $extension;
		}
		return $name;
	}

	/**
	 * The refusal for a request without a usable file.
	 */
	private static function missing(): WP_Error {
		return new WP_Error( self::MISSING, __( 'No file was received. Please choose a file and try again.', 'dify-chatbot' ), array( 'status' => 400 ) );
	}

	/**
	 * Whether a path is a readable file where PHP keeps uploads. PHP fills the file parameters
	 * itself, so this is a second lock: no code path can make this route read another file.
	 *
	 * @param string $path The temporary path.
	 */
	private static function is_temporary( string $path ): bool {
		if ( '' === $path || ! is_file( $path ) || ! is_readable( $path ) ) {
			return false;
		}
		if ( is_uploaded_file( $path ) ) {
			return true;
		}
		$real = realpath( $path );
		if ( false === $real ) {
			return false;
		}
		// Directly in a temporary folder, as PHP puts uploads (/tmp/phpXXXXXX), not anywhere below
		// one: a site (or this plugin's own files) may itself live under /tmp.
		$folders = array( (string) ini_get( 'upload_tmp_dir' ), sys_get_temp_dir(), get_temp_dir() );
		foreach ( $folders as $folder ) {
			$folder = '' !== $folder ? realpath( $folder ) : false;
			if ( false !== $folder && dirname( $real ) === $folder ) {
				return true;
			}
		}
		return false;
	}
}
