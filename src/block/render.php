<?php
/**
 * Server-side render of the Dify Chatbot block: the plugin's shared renderer draws it, so the
 * block and the [dify_chatbot] shortcode give the same markup.
 *
 * @package Dify_Chatbot
 *
 * @var array<string, mixed> $attributes The block's attributes.
 */

// The renderer escapes everything it prints.
echo apply_filters( 'dify_chatbot_render_block', '', $attributes ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
