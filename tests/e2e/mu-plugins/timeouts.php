<?php
/**
 * Plugin Name: Dify Chatbot e2e — short timeouts
 * Description: Test site only (copied by bin/test.sh). The relay's timeouts are filters; a site
 * owner could shorten them like this. The fault tests switch it on through the REST settings route,
 * so a stalled or unreachable Dify is given up on in seconds rather than a minute.
 *
 * @package Dify_Chatbot
 */

add_action(
	'init',
	static function () {
		register_setting(
			'general',
			'dify_chatbot_e2e_short_timeouts',
			array(
				'type'         => 'boolean',
				'default'      => false,
				'show_in_rest' => true,
			)
		);
	}
);

foreach ( array(
	'dify_chatbot_read_timeout'    => 3,
	'dify_chatbot_connect_timeout' => 2,
	'dify_chatbot_info_timeout'    => 3,
	'dify_chatbot_request_timeout' => 5,
) as $dify_chatbot_filter => $dify_chatbot_seconds ) {
	add_filter(
		$dify_chatbot_filter,
		static function ( $seconds ) use ( $dify_chatbot_seconds ) {
			return get_option( 'dify_chatbot_e2e_short_timeouts' ) ? $dify_chatbot_seconds : $seconds;
		}
	);
}
