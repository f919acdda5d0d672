<?php
/**
 * The Dify Chatbot block.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Frontend;

use Dify_Chatbot\Registrable;

/**
 * Registers the block from build/block/block.json; its render.php asks the shared renderer.
 */
final class Block implements Registrable {

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
	 * Registers the block on init; its render.php asks for the markup through a filter.
	 */
	public function register(): void {
		add_action( 'init', array( $this, 'register_block' ) );
		add_filter( 'dify_chatbot_render_block', array( $this, 'render' ), 10, 2 );
	}

	/**
	 * Registers the block type from its built block.json.
	 */
	public function register_block(): void {
		$dir = DIFY_CHATBOT_DIR . '/build/block';
		if ( ! file_exists( $dir . '/block.json' ) ) {
			return;
			// Not built yet: `npm run build`.
		}
		register_block_type( $dir );
	}

	/**
	 * Renders the block through the shared renderer with the block supports' wrapper attributes.
	 *
	 * @param string $html       Markup so far (empty).
	 * @param mixed  $attributes Block attributes.
	 */
	public function render( $html, $attributes ): string {
		$attributes = is_array( $attributes ) ? $attributes : array();
		// One style attribute: the supports' styles (colors, border, spacing) and the chat's own
		// custom properties, merged by WordPress.
		$wrapper = get_block_wrapper_attributes(
			array(
				'class' => $this->renderer->classes( $attributes ),
				'style' => $this->renderer->style( $attributes ),
			)
		);
		return $this->renderer->render( $attributes, $wrapper );
	}
}
