<?php
/**
 * Plugin Name: Dify Chatbot e2e — site-supplied inputs
 * Description: Test site only (copied by bin/test.sh). What a site owner's own code would do with
 * the `dify_chatbot_inputs` filter: fill the app's `page_title` from the page the chat is on. Off
 * unless the e2e test switches it on through the REST settings route.
 *
 * @package Dify_Chatbot
 */

add_action(
	'init',
	static function () {
		register_setting(
			'general',
			'dify_chatbot_e2e_site_inputs',
			array(
				'type'         => 'boolean',
				'default'      => false,
				'show_in_rest' => true,
			)
		);
	}
);

add_filter(
	'dify_chatbot_inputs',
	static function ( $inputs, $post ) {
		if ( ! get_option( 'dify_chatbot_e2e_site_inputs' ) ) {
			return $inputs;
		}
		return $inputs + array( 'page_title' => $post ? get_the_title( $post ) : '(no page)' );
	},
	10,
	2
);
