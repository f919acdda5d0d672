<?php
/**
 * One renderer for the block and the shortcode.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Frontend;

/**
 * Turns chat options into the chat's markup. The markup carries no per-visitor data, so pages
 * stay cacheable; the front-end app reads the options from a data attribute.
 */
final class Renderer {

	/**
	 * Options and their defaults, shared by the block's attributes and the shortcode's.
	 *
	 * @var array<string, string>
	 */
	public const DEFAULTS = array(
		'bot'         => '',
		'layout'      => 'inline',
		'title'       => '',
		'placeholder' => '',
		'height'      => '480px',
		'position'    => 'right',
	);

	/**
	 * Counts chats on the page so each gets its own id.
	 *
	 * @var int
	 */
	private int $count = 0;

	/**
	 * Normalizes options: unknown keys dropped, each value checked against what it may be.
	 *
	 * @param array<string, mixed> $options Raw options (block attributes or shortcode attributes).
	 * @return array<string, string>
	 */
	public function normalize( array $options ): array {
		$clean = self::DEFAULTS;
		foreach ( self::DEFAULTS as $key => $default ) {
			if ( isset( $options[ $key ] ) && is_scalar( $options[ $key ] ) ) {
				$clean[ $key ] = trim( (string) $options[ $key ] );
			}
		}
		$clean['bot']         = sanitize_key( $clean['bot'] );
		$clean['layout']      = in_array( $clean['layout'], array( 'inline', 'bubble' ), true ) ? $clean['layout'] : 'inline';
		$clean['position']    = in_array( $clean['position'], array( 'left', 'right' ), true ) ? $clean['position'] : 'right';
		$clean['title']       = sanitize_text_field( $clean['title'] );
		$clean['placeholder'] = sanitize_text_field( $clean['placeholder'] );
		$clean['height']      = preg_match( '/^\d{2,4}(px|vh|em|rem)$/', $clean['height'] ) ? $clean['height'] : self::DEFAULTS['height'];
		return $clean;
	}

	/**
	 * Renders one chat.
	 *
	 * @param array<string, mixed> $options            Options (see DEFAULTS).
	 * @param string               $wrapper_attributes Extra attributes for the wrapper (the block's supports).
	 */
	public function render( array $options, string $wrapper_attributes = '' ): string {
		$options = $this->normalize( $options );
		++$this->count;
		// The page the chat is on, for inputs the site fills in on the server (Rest\Site_Inputs).
		// The same for every visitor, so the markup stays cacheable.
		$post         = get_post();
		$options_json = wp_json_encode( $options + array( 'post' => $post instanceof \WP_Post ? $post->ID : 0 ) );
		$label        = '' !== $options['title'] ? $options['title'] : __( 'Chat', 'dify-chatbot' );

		/**
		 * Fires when a chat is rendered, so its front-end assets can be enqueued.
		 *
		 * @param array<string, string> $options The chat's options.
		 */
		do_action( 'dify_chatbot_rendered', $options );

		return sprintf(
			'<div %1$s data-dify-chatbot="%2$s" id="dify-chatbot-%3$d" style="--dify-chatbot-height:%4$s" role="region" aria-label="%5$s"><noscript>%6$s</noscript></div>',
			'' !== $wrapper_attributes ? $wrapper_attributes : 'class="dify-chatbot dify-chatbot--' . esc_attr( $options['layout'] ) . '"',
			esc_attr( (string) $options_json ),
			$this->count,
			esc_attr( $options['height'] ),
			esc_attr( $label ),
			esc_html__( 'The chat needs JavaScript.', 'dify-chatbot' )
		);
	}
}
