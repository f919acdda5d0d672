<?php
/**
 * Which files the app takes, and how large they may be.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\App;

/**
 * The app's upload rules, read from its browser-safe parameters (App_Parameters): Dify's file
 * types by extension, the app's `file_upload` settings and the per-category size limits of
 * `system_parameters` (MiB) — docs/dify-notes.md §8 and §10. The same rules Dify applies when a
 * file is used in a message, checked here before a visitor's file is sent anywhere.
 */
final class File_Policy {

	/**
	 * Dify's type of each extension (the rest is `custom`).
	 */
	private const CATEGORIES = array(
		'image'    => array( 'jpg', 'jpeg', 'png', 'webp', 'gif', 'svg' ),
		'video'    => array( 'mp4', 'mov', 'mpeg', 'webm' ),
		'audio'    => array( 'mp3', 'm4a', 'wav', 'amr', 'mpga' ),
		'document' => array( 'txt', 'markdown', 'md', 'mdx', 'pdf', 'html', 'htm', 'xlsx', 'xls', 'docx', 'csv', 'vtt', 'properties' ),
	);

	/**
	 * The `system_parameters` key of each category's limit, and Dify's default in MiB.
	 */
	private const LIMITS = array(
		'image'    => array( 'image_file_size_limit', 10 ),
		'video'    => array( 'video_file_size_limit', 100 ),
		'audio'    => array( 'audio_file_size_limit', 50 ),
		'document' => array( 'file_size_limit', 15 ),
		'custom'   => array( 'file_size_limit', 15 ),
	);

	/**
	 * Bytes in a MiB (Dify's limits are MiB).
	 */
	private const MIB = 1048576;

	/**
	 * Image types whose content can be checked (SVG is text; Dify forces it to download).
	 */
	private const RASTER = array(
		'jpg'  => 'image/jpeg',
		'jpeg' => 'image/jpeg',
		'png'  => 'image/png',
		'gif'  => 'image/gif',
		'webp' => 'image/webp',
	);

	/**
	 * The app's `file_upload` (modern shape, see App_Parameters).
	 *
	 * @var array<string, mixed>
	 */
	private array $config;

	/**
	 * The app's `system_parameters`.
	 *
	 * @var array<string, mixed>
	 */
	private array $system;

	/**
	 * Keeps the settings.
	 *
	 * @param array<string, mixed> $parameters The app's browser-safe parameters.
	 */
	public function __construct( array $parameters ) {
		$this->config = isset( $parameters['file_upload'] ) && is_array( $parameters['file_upload'] ) ? $parameters['file_upload'] : array();
		$this->system = isset( $parameters['system_parameters'] ) && is_array( $parameters['system_parameters'] ) ? $parameters['system_parameters'] : array();
	}

	/**
	 * Whether visitors may upload files from their device.
	 */
	public function uploads_enabled(): bool {
		return true === ( $this->config['enabled'] ?? false ) && in_array( 'local_file', $this->list( 'allowed_file_upload_methods' ), true );
	}

	/**
	 * How many files one message may carry.
	 */
	public function number_limit(): int {
		$limit = $this->config['number_limits'] ?? 0;
		return is_int( $limit ) && $limit > 0 ? $limit : 0;
	}

	/**
	 * Dify's type of an extension: image, video, audio, document or custom.
	 *
	 * @param string $extension Extension without the dot.
	 */
	public static function category( string $extension ): string {
		$extension = strtolower( $extension );
		foreach ( self::CATEGORIES as $category => $extensions ) {
			if ( in_array( $extension, $extensions, true ) ) {
				return $category;
			}
		}
		return 'custom';
	}

	/**
	 * The type a file with this extension is sent as, or null when the app does not take it:
	 * its category when the app allows that, else `custom` when the app lists the extension.
	 *
	 * @param string $extension Extension without the dot.
	 */
	public function type_of( string $extension ): ?string {
		$extension = strtolower( $extension );
		if ( '' === $extension ) {
			return null;
		}
		$types    = $this->list( 'allowed_file_types' );
		$category = self::category( $extension );
		if ( 'custom' !== $category && in_array( $category, $types, true ) ) {
			return $category;
		}
		if ( in_array( 'custom', $types, true ) ) {
			foreach ( $this->list( 'allowed_file_extensions' ) as $allowed ) {
				if ( strtolower( ltrim( $allowed, '.' ) ) === $extension ) {
					return 'custom';
				}
			}
		}
		return null;
	}

	/**
	 * The largest file of this extension, in bytes: the app's limit for its category, and never
	 * more than this site accepts.
	 *
	 * @param string $extension Extension without the dot.
	 */
	public function size_limit( string $extension ): int {
		list( $key, $default ) = self::LIMITS[ self::category( $extension ) ];
		$mib                   = $this->system[ $key ] ?? $default;
		$bytes                 = ( is_int( $mib ) || is_float( $mib ) ) && $mib > 0 ? (int) ( $mib * self::MIB ) : $default * self::MIB;
		$site                  = (int) wp_max_upload_size();
		return $site > 0 ? min( $bytes, $site ) : $bytes;
	}

	/**
	 * Whether a file's content is what its extension says, as far as it can be told: raster
	 * images must really be images of that kind; other types are not sniffed.
	 *
	 * @param string $path      The file.
	 * @param string $extension Its extension, without the dot.
	 */
	public static function content_matches( string $path, string $extension ): bool {
		$extension = strtolower( $extension );
		if ( ! isset( self::RASTER[ $extension ] ) ) {
			return true;
		}
		$expected = self::RASTER[ $extension ];
		return wp_get_image_mime( $path ) === $expected;
	}

	/**
	 * The MIME type to send for an extension (WordPress's full table, never the browser's word).
	 *
	 * @param string $extension Extension without the dot.
	 */
	public static function mime_type( string $extension ): string {
		$extension = strtolower( $extension );
		foreach ( wp_get_mime_types() as $extensions => $mime ) {
			if ( in_array( $extension, explode( '|', $extensions ), true ) ) {
				return $mime;
			}
		}
		$text = array(
			'md'       => 'text/markdown',
			'markdown' => 'text/markdown',
			'mdx'      => 'text/markdown',
		);
		return isset( $text[ $extension ] ) ? $text[ $extension ] : 'application/octet-stream';
	}

	/**
	 * A list setting of `file_upload`, strings only.
	 *
	 * @param string $key Setting name.
	 * @return string[]
	 */
	private function list( string $key ): array {
		$value = $this->config[ $key ] ?? array();
		return is_array( $value ) ? array_values( array_filter( $value, 'is_string' ) ) : array();
	}
}
