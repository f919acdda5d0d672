<?php
/**
 * Plugin Name: Dify Chatbot e2e — right-to-left
 * Description: Test site only (copied by bin/test.sh). Makes the site right-to-left, as an Arabic
 * or Hebrew locale would (is_rtl(), dir="rtl", WordPress's -rtl.css files), without downloading a
 * language pack. Off unless the RTL test switches it on through the REST settings route.
 *
 * @package Dify_Chatbot
 */

add_action(
	'init',
	static function () {
		register_setting(
			'general',
			'dify_chatbot_e2e_rtl',
			array(
				'type'         => 'boolean',
				'default'      => false,
				'show_in_rest' => true,
			)
		);
		if ( get_option( 'dify_chatbot_e2e_rtl' ) && isset( $GLOBALS['wp_locale'] ) ) {
			$GLOBALS['wp_locale']->text_direction = 'rtl';
		}
	},
	0
);
