<?php
/**
 * The Dify Chatbot block.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Frontend;

use Dify_Chatbot\Registrable;
use WP_Block_Type;
use WP_REST_Response;

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
		add_filter( 'rest_prepare_block_type', array( $this, 'rest_block_type' ), 10, 2 );
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
		// would make WordPress build its whole script registry on every page and REST request, and
		// translating the title, description and keywords would load the plugin's text domain
		// (rest_block_type() translates them where REST shows them).
		$lean = ! is_admin();
		if ( $lean ) {
			add_filter( 'block_type_metadata', array( $this, 'front_end_metadata' ) );
		}
		// WordPress 6.7+ reads the metadata from the build's PHP manifest (a file OPcache keeps)
		// instead of reading and decoding block.json on every request.
		if ( function_exists( 'wp_register_block_metadata_collection' ) && file_exists( DIFY_CHATBOT_DIR . '/build/blocks-manifest.php' ) ) {
			wp_register_block_metadata_collection( DIFY_CHATBOT_DIR . '/build', DIFY_CHATBOT_DIR . '/build/blocks-manifest.php' );
		}
		register_block_type( $dir );
		if ( $lean ) {
			remove_filter( 'block_type_metadata', array( $this, 'front_end_metadata' ) );
		}
	}

	/**
	 * The block's metadata without its editor script and style and without its text domain, so
	 * nothing of it is translated (other blocks' metadata untouched).
	 *
	 * @param mixed $metadata Metadata read from a block.json.
	 * @return mixed
	 */
	public function front_end_metadata( $metadata ) {
		if ( is_array( $metadata ) && isset( $metadata['name'] ) && self::NAME === $metadata['name'] ) {
			unset( $metadata['editorScript'], $metadata['editorStyle'], $metadata['textdomain'] );
		}
		return $metadata;
	}

	/**
	 * The block type as /wp/v2/block-types shows it: registered outside the admin, its title,
	 * description and keywords are translated here, with block.json's text domain and contexts,
	 * as WordPress would have at registration.
	 *
	 * @param mixed $response The prepared block type.
	 * @param mixed $type     The block type.
	 * @return mixed
	 */
	public function rest_block_type( $response, $type ) {
		if ( ! $response instanceof WP_REST_Response || ! $type instanceof WP_Block_Type || self::NAME !== $type->name || is_admin() ) {
			return $response;
		}
		$data   = $response->get_data();
		$schema = get_block_metadata_i18n_schema();
		if ( ! is_array( $data ) ) {
			return $response;
		}
		foreach ( array( 'title', 'description', 'keywords' ) as $field ) {
			if ( isset( $data[ $field ], $schema->$field ) ) {
				$data[ $field ] = translate_settings_using_i18n_schema( $schema->$field, $data[ $field ], 'dify-chatbot' );
			}
		}
		if ( array_key_exists( 'textdomain', $data ) ) {
			$data['textdomain'] = 'dify-chatbot';
		}
		$response->set_data( $data );
		return $response;
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
