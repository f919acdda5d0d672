<?php
/**
 * One renderer for the block and the shortcode.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Frontend;

use Dify_Chatbot\Settings\Bots;

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
	 * Look options (shortcode attributes; the block's `accent` attribute, its other looks come from
	 * block supports). They become CSS custom properties on the chat, never part of its data.
	 *
	 * @var array<string, string>
	 */
	public const LOOKS = array(
		'accent'     => '',
		'background' => '',
		'text_color' => '',
		'radius'     => '',
	);

	/**
	 * Counts chats on the page so each gets its own id.
	 *
	 * @var int
	 */
	private int $count = 0;

	/**
	 * The bots (built when the first chat is rendered: a page without a chat never reads them).
	 *
	 * @var Bots|null
	 */
	private ?Bots $bots;

	/**
	 * Keeps the bots.
	 *
	 * @param Bots|null $bots The bots; the site's when null.
	 */
	public function __construct( ?Bots $bots = null ) {
		$this->bots = $bots;
	}

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
	 * The chat's CSS custom properties: its height, and the look options that are valid (colors as
	 * hex, a radius as a small length); anything else is dropped, so no attribute can carry CSS.
	 *
	 * @param array<string, mixed> $options Raw options.
	 */
	public function style( array $options ): string {
		$properties = array( '--dify-chatbot-height' => $this->normalize( $options )['height'] );
		$colors     = array(
			'accent'     => '--dify-chatbot-accent',
			'background' => '--dify-chatbot-background',
			'text_color' => '--dify-chatbot-text',
		);
		foreach ( $colors as $key => $property ) {
			$color = isset( $options[ $key ] ) && is_string( $options[ $key ] ) ? sanitize_hex_color( trim( $options[ $key ] ) ) : '';
			if ( is_string( $color ) && '' !== $color ) {
				$properties[ $property ] = $color;
			}
		}
		if ( isset( $properties['--dify-chatbot-accent'] ) ) {
			// Text on the accent (send button, launcher, the visitor's bubbles): black or white,
			// whichever reads better (WCAG relative luminance).
			$properties['--dify-chatbot-accent-text'] = self::luminance( $properties['--dify-chatbot-accent'] ) > 0.179 ? '#000000' : '#ffffff';
		}
		$radius = isset( $options['radius'] ) && is_scalar( $options['radius'] ) ? trim( (string) $options['radius'] ) : '';
		if ( 1 === preg_match( '/^(\d{1,2}(\.\d+)?(px|em|rem)|0)$/', $radius ) ) {
			$properties['--dify-chatbot-radius'] = $radius;
		}
		$css = '';
		foreach ( $properties as $property => $value ) {
			$css .= $property . ':' . $value . ';';
		}
		return $css;
	}

	/**
	 * Relative luminance of a hex color (WCAG 2).
	 *
	 * @param string $hex `#rgb` or `#rrggbb`.
	 */
	private static function luminance( string $hex ): float {
		$hex = ltrim( $hex, '#' );
		if ( 3 === strlen( $hex ) ) {
			$hex = $hex[0] . $hex[0] . $hex[1] . $hex[1] . $hex[2] . $hex[2];
		}
		$channel = static function ( string $pair ): float {
			$value = hexdec( $pair ) / 255;
			return $value <= 0.03928 ? $value / 12.92 : ( ( $value + 0.055 ) / 1.055 ) ** 2.4;
		};
		return 0.2126 * $channel( substr( $hex, 0, 2 ) ) + 0.7152 * $channel( substr( $hex, 2, 2 ) ) + 0.0722 * $channel( substr( $hex, 4, 2 ) );
	}

	/**
	 * The wrapper's classes.
	 *
	 * @param array<string, mixed> $options Raw options.
	 */
	public function classes( array $options ): string {
		$classes = 'dify-chatbot dify-chatbot--' . $this->normalize( $options )['layout'];
		return false !== strpos( $this->style( $options ), '--dify-chatbot-accent:' ) ? $classes . ' has-accent' : $classes;
	}

	/**
	 * Renders one chat.
	 *
	 * @param array<string, mixed> $options            Options (see DEFAULTS).
	 * @param string               $wrapper_attributes The wrapper's class and style attributes (the block's
	 *                                                 supports merged with classes() and style()); empty for
	 *                                                 the plain ones.
	 */
	public function render( array $options, string $wrapper_attributes = '' ): string {
		if ( '' === $wrapper_attributes ) {
			$wrapper_attributes = sprintf( 'class="%s" style="%s"', esc_attr( $this->classes( $options ) ), esc_attr( $this->style( $options ) ) );
		}
		$options      = $this->normalize( $options );
		$this->bots ??= Bots::create();
		$bot          = $this->bots->get( $options['bot'] );
		if ( null === $bot ) {
			return $this->unknown_bot( $options['bot'] );
		}
		++$this->count;
		// The page the chat is on, for inputs the site fills in on the server (Rest\Site_Inputs).
		// The same for every visitor, so the markup stays cacheable.
		$post = get_post();
		// Hex escapes for &, quotes and tags: esc_attr() leaves an existing entity such as `&quot;`
		// as it is, which the browser would decode into the JSON and break it.
		// The bot's response mode travels with each chat: two chats of different bots on one page
		// may answer differently.
		$options_json = wp_json_encode(
			$options + array(
				'responseMode' => $bot->response_mode(),
				'post'         => $post instanceof \WP_Post ? $post->ID : 0,
			),
			JSON_HEX_TAG | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_HEX_AMP
		);
		$label        = '' !== $options['title'] ? $options['title'] : __( 'Chat', 'dify-chatbot' );

		/**
		 * Fires when a chat is rendered, so its front-end assets can be enqueued.
		 *
		 * @param array<string, string> $options The chat's options.
		 */
		do_action( 'dify_chatbot_rendered', $options );

		return sprintf(
			'<div %1$s data-dify-chatbot="%2$s" id="dify-chatbot-%3$d" role="region" aria-label="%4$s"><noscript>%5$s</noscript></div>',
			$wrapper_attributes,
			esc_attr( (string) $options_json ),
			$this->count,
			esc_attr( $label ),
			esc_html__( 'The chat needs JavaScript.', 'dify-chatbot' )
		);
	}

	/**
	 * What a chat naming a bot that does not exist renders: a short notice for those who can
	 * fix the page, an HTML comment for everyone else; no chat and no scripts.
	 *
	 * @param string $slug The slug it names.
	 */
	private function unknown_bot( string $slug ): string {
		if ( current_user_can( 'edit_posts' ) ) {
			return sprintf(
				'<p class="dify-chatbot-notice">%s</p>',
				/* translators: %s: a bot's slug. */
				esc_html( sprintf( __( 'This chat names a bot that does not exist: %s', 'dify-chatbot' ), $slug ) )
			);
		}
		return '<!-- dify-chatbot: unknown bot -->';
	}
}
