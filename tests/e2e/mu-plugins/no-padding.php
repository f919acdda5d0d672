<?php
/**
 * Plugin Name: Dify Chatbot e2e — no stream padding
 * Description: Test site only (copied by bin/test.sh and bin/stacks/test-stacks.sh). Turns off the
 * padding the plugin adds to each streamed event behind Apache + PHP-FPM, as a site owner would
 * with the `dify_chatbot_stream_padding` filter (rightly, once `flushpackets=on` is set; wrongly
 * here, so the streaming self-test has a held-back stream to detect). Off unless a test switches
 * it on through the REST settings route.
 *
 * @package Dify_Chatbot
 */

add_action(
	'init',
	static function () {
		register_setting(
			'general',
			'dify_chatbot_e2e_no_padding',
			array(
				'type'         => 'boolean',
				'default'      => false,
				'show_in_rest' => true,
			)
		);
	}
);

add_filter(
	'dify_chatbot_stream_padding',
	static function ( $bytes ) {
		return get_option( 'dify_chatbot_e2e_no_padding' ) ? 0 : $bytes;
	}
);
