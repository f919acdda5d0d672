<?php
/**
 * Files a visitor attaches by web address.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Security;

use WP_Error;

/**
 * A `remote_url` file is fetched by Dify from Dify's own network, so the site owner decides
 * whether visitors may name addresses at all: off by default (setting `allow_remote_files`), and
 * when on only public addresses pass (Remote_Url). Both places a visitor can put a file are
 * checked — the message's `files` and file values of the input form — before anything is sent.
 */
final class Remote_Files {

	/**
	 * Null when the request may go on, else why not (403 while remote files are off, 400 for an
	 * address that is not public).
	 *
	 * @param mixed $files   The request's `files`.
	 * @param mixed $inputs  The request's `inputs` (the visitor's values).
	 * @param bool  $allowed Whether the site owner turned remote files on.
	 */
	public static function check( $files, $inputs, bool $allowed ): ?WP_Error {
		$urls = array_merge( self::urls( $files ), is_array( $inputs ) ? self::urls( array_values( $inputs ) ) : array() );
		if ( array() === $urls ) {
			return null;
		}
		if ( ! $allowed ) {
			return new WP_Error(
				'dify_chatbot_remote_files_off',
				__( 'Files cannot be attached by web address on this site. Attach the file from your device instead.', 'dify-chatbot' ),
				array( 'status' => 403 )
			);
		}
		foreach ( $urls as $url ) {
			$checked = Remote_Url::check( $url );
			if ( is_wp_error( $checked ) ) {
				return $checked;
			}
		}
		return null;
	}

	/**
	 * The addresses of the remote files among these values: a file object, or a list of them
	 * (a file-list input), at any position.
	 *
	 * @param mixed $values Values.
	 * @return string[]
	 */
	private static function urls( $values ): array {
		if ( ! is_array( $values ) ) {
			return array();
		}
		if ( isset( $values['transfer_method'] ) ) {
			$values = array( $values );
		}
		$urls = array();
		foreach ( $values as $value ) {
			if ( ! is_array( $value ) ) {
				continue;
			}
			if ( isset( $value['transfer_method'] ) ) {
				// Whatever the method says: an address sent along is an address Dify may fetch.
				if ( 'remote_url' === $value['transfer_method'] || isset( $value['url'] ) ) {
					$urls[] = is_string( $value['url'] ?? null ) ? $value['url'] : '';
				}
				continue;
			}
			$urls = array_merge( $urls, self::urls( $value ) );
		}
		return $urls;
	}
}
