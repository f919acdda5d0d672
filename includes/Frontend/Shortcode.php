<?php
/**
 * The [dify_chatbot] shortcode.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Frontend;

use Dify_Chatbot\Registrable;

/**
 * Same options as the block, same markup, same front-end app.
 */
final class Shortcode implements Registrable {

	/**
	 * The shared renderer.
	 *
	 * @var Renderer
	 */
	private Renderer $renderer;

	/**
	 * Keeps the renderer.
	 *
	 * @param Renderer $renderer The shared renderer.
	 */
	public function __construct( Renderer $renderer ) {
		$this->renderer = $renderer;
	}

	/**
	 * Adds the shortcode.
	 */
	public function register(): void {
		add_shortcode( 'dify_chatbot', array( $this, 'render' ) );
	}

	/**
	 * Renders the shortcode.
	 *
	 * @param array<string, mixed>|string $atts Shortcode attributes ('' when there are none).
	 */
	public function render( $atts ): string {
		$atts    = shortcode_atts( Renderer::DEFAULTS + Renderer::LOOKS, is_array( $atts ) ? $atts : array(), 'dify_chatbot' );
		$wrapper = sprintf(
			'class="%s" style="%s"',
			esc_attr( $this->renderer->classes( $atts ) . ' is-shortcode' ),
			esc_attr( $this->renderer->style( $atts ) )
		);
		return $this->renderer->render( $atts, $wrapper );
	}
}
