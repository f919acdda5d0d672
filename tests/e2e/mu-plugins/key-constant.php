<?php
/**
 * Plugin Name: Dify Chatbot e2e — API key in wp-config.php
 * Description: Test site only (copied by bin/test.sh). What a site owner does in wp-config.php:
 * define DIFY_CHATBOT_API_KEY (the emulator's key) without DIFY_CHATBOT_BASE_URL. Off unless the
 * settings test switches it on through the REST settings route; constants are read on every
 * request, so the switch takes effect on the next one.
 *
 * @package Dify_Chatbot
 */

add_action(
	'init',
	static function () {
		register_setting(
			'general',
			'dify_chatbot_e2e_key_constant',
			array(
				'type'         => 'boolean',
				'default'      => false,
				'show_in_rest' => true,
			)
		);
	},
	0
);

if ( get_option( 'dify_chatbot_e2e_key_constant' ) && ! defined( 'DIFY_CHATBOT_API_KEY' ) ) {
	define( 'DIFY_CHATBOT_API_KEY', 'app-emulator' );
}
