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
	 * The block's name, as in block.json.
	 */
	public const NAME = 'dify-chatbot/chat';

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
		// Outside the admin nobody edits blocks: registering the editor's script and style there
		// would make WordPress build its whole script registry on every page and REST request.
		$lean = ! is_admin();
		if ( $lean ) {
			add_filter( 'block_type_metadata', array( $this, 'without_editor_assets' ) );
		}
		register_block_type( $dir );
		if ( $lean ) {
			remove_filter( 'block_type_metadata', array( $this, 'without_editor_assets' ) );
		}
	}

	/**
	 * The block's metadata without its editor script and style (other blocks' metadata untouched).
	 *
	 * @param mixed $metadata Metadata read from a block.json.
	 * @return mixed
	 */
	public function without_editor_assets( $metadata ) {
		if ( is_array( $metadata ) && isset( $metadata['name'] ) && self::NAME === $metadata['name'] ) {
			unset( $metadata['editorScript'], $metadata['editorStyle'] );
		}
		return $metadata;
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
