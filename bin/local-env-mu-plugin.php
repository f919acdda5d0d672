<?php
/**
 * Must-use plugin of the local/test sites only (copied by bin/env.sh, never shipped): the machine is
 * offline, so WordPress.org's update and version checks are answered locally with an empty reply
 * instead of failing with PHP warnings that would drown real ones in the debug log.
 *
 * @package Dify_Chatbot
 */

add_filter(
	'pre_http_request',
	function ( $pre, $args, $url ) {
		$host = (string) wp_parse_url( (string) $url, PHP_URL_HOST );
		if ( 'wordpress.org' === $host || str_ends_with( $host, '.wordpress.org' ) ) {
			$path = (string) wp_parse_url( (string) $url, PHP_URL_PATH );
			// Every key the version, plugin, theme and translation checks and the Add Plugin screen's
			// search read, all empty; its popular tags are a plain list.
			$body = '{"offers":[],"plugins":[],"themes":[],"no_update":[],"translations":[],"info":{"page":1,"pages":0,"results":0}}';
			if ( str_contains( (string) $url, 'action=hot_tags' ) ) {
				$body = '{}';
			} elseif ( str_contains( $path, 'browse-happy' ) ) {
				$body = '{"platform":"","name":"Chrome","version":"","current_version":"","upgrade":false,"insecure":false,"update_url":"","img_src":"","img_src_ssl":""}';
			} elseif ( str_contains( $path, 'serve-happy' ) ) {
				$body = '{"recommended_version":"8.2","minimum_version":"7.4","is_supported":true,"is_secure":true,"is_acceptable":true}';
			}
			return array(
				'headers'  => array(),
				'body'     => $body,
				'response' => array(
					'code'    => 200,
					'message' => 'OK',
				),
				'cookies'  => array(),
				'filename' => null,
			);
		}
		return $pre;
	},
	10,
	3
);
