<?php
/**
 * The app's branding from Dify's /site, browser-safe.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\App;

/**
 * What the site owner set for the app's own web app in Dify — title, icon, colour, the question
 * box's hint, disclaimer, privacy policy link, copyright — becomes the chat's default where the
 * block or shortcode sets none; `show_workflow_steps` decides whether a chatflow's or workflow's
 * steps are shown (docs/dify-notes.md §10).
 *
 * Built from an allow-list with each value checked: texts are plain text (the chat never renders
 * them as HTML), colours are hex colours, links are http(s), and an image icon is kept only when
 * it comes from Dify's own origin (or one the `dify_chatbot_image_origins` filter adds), so the
 * chat never loads an image from wherever a changed app points it.
 */
final class App_Site {

	/**
	 * Longest kept text, in characters.
	 */
	private const MAX_TEXT = 1000;

	/**
	 * Longest emoji icon, in characters (flags and joined emoji are several).
	 */
	private const MAX_EMOJI = 16;

	/**
	 * Branding of an app without any (or of a service without /site).
	 *
	 * @return array<string, mixed>
	 */
	public static function none(): array {
		return self::safe( array(), '' );
	}

	/**
	 * The browser-safe branding of a /site answer.
	 *
	 * @param array<string, mixed> $json   Dify's answer.
	 * @param string               $origin Dify's origin (scheme, host, port), for image icons.
	 * @return array<string, mixed>
	 */
	public static function safe( array $json, string $origin ): array {
		$color = isset( $json['chat_color_theme'] ) && is_string( $json['chat_color_theme'] ) ? sanitize_hex_color( trim( $json['chat_color_theme'] ) ) : '';
		return array(
			'title'               => self::text( $json['title'] ?? null, 255 ),
			'icon'                => self::icon( $json, $origin ),
			'chat_color_theme'    => is_string( $color ) ? $color : '',
			'input_placeholder'   => self::text( $json['input_placeholder'] ?? null, 255 ),
			'custom_disclaimer'   => self::text( $json['custom_disclaimer'] ?? null, self::MAX_TEXT ),
			'privacy_policy'      => self::link( $json['privacy_policy'] ?? null ),
			'copyright'           => self::text( $json['copyright'] ?? null, self::MAX_TEXT ),
			'show_workflow_steps' => true === ( $json['show_workflow_steps'] ?? false ),
		);
	}

	/**
	 * Whether an app's steps are shown, from its cached parameters (App_Parameters::get()).
	 *
	 * @param mixed $parameters The cached parameters, or an error.
	 */
	public static function shows_steps( $parameters ): bool {
		return is_array( $parameters ) && isset( $parameters['site']['show_workflow_steps'] ) && true === $parameters['site']['show_workflow_steps'];
	}

	/**
	 * The icon: an emoji with its background colour, an image link, or null.
	 *
	 * @param array<string, mixed> $json   Dify's answer.
	 * @param string               $origin Dify's origin.
	 * @return array<string, string>|null
	 */
	private static function icon( array $json, string $origin ): ?array {
		$type = $json['icon_type'] ?? null;
		if ( 'image' === $type ) {
			$url = self::image_url( $json['icon_url'] ?? null, $origin );
			return '' === $url ? null : array(
				'type' => 'image',
				'url'  => $url,
			);
		}
		$emoji = self::text( $json['icon'] ?? null, self::MAX_EMOJI + 1 );
		// An emoji icon is a few characters; anything longer is not one.
		if ( 'emoji' !== $type || '' === $emoji || mb_strlen( $emoji ) > self::MAX_EMOJI ) {
			return null;
		}
		$background = isset( $json['icon_background'] ) && is_string( $json['icon_background'] ) ? sanitize_hex_color( trim( $json['icon_background'] ) ) : '';
		return array(
			'type'       => 'emoji',
			'emoji'      => $emoji,
			'background' => is_string( $background ) ? $background : '',
		);
	}

	/**
	 * An image link from an allowed origin ('' otherwise). Dify's file links are relative by
	 * default and get its origin (docs/dify-notes.md §5).
	 *
	 * @param mixed  $url    The link.
	 * @param string $origin Dify's origin.
	 */
	private static function image_url( $url, string $origin ): string {
		if ( ! is_string( $url ) || '' === trim( $url ) ) {
			return '';
		}
		$url = trim( $url );
		if ( '' !== $origin && 0 === strpos( $url, '/' ) && 0 !== strpos( $url, '//' ) ) {
			$url = $origin . $url;
		}
		/**
		 * Filters the origins (scheme://host[:port]) the chat may load an app's image icon from.
		 * Dify's own origin by default; add the origin of Dify's FILES_URL when it serves files
		 * from another host.
		 *
		 * @param string[] $origins Allowed origins.
		 */
		$allowed = apply_filters( 'dify_chatbot_image_origins', '' !== $origin ? array( $origin ) : array() );
		$allowed = is_array( $allowed ) ? array_map( 'strtolower', array_filter( $allowed, 'is_string' ) ) : array();
		$parts   = wp_parse_url( $url );
		if ( ! is_array( $parts ) || ! isset( $parts['scheme'], $parts['host'] ) || ! in_array( strtolower( $parts['scheme'] ), array( 'http', 'https' ), true ) ) {
			return '';
		}
		$own = strtolower( $parts['scheme'] . '://' . $parts['host'] . ( isset( $parts['port'] ) ? ':' . $parts['port'] : '' ) );
		return in_array( $own, $allowed, true ) ? esc_url_raw( $url, array( 'http', 'https' ) ) : '';
	}

	/**
	 * An http(s) link ('' for anything else, `javascript:` included).
	 *
	 * @param mixed $url The link.
	 */
	private static function link( $url ): string {
		if ( ! is_string( $url ) || 1 !== preg_match( '#^https?://[^\s]+$#i', trim( $url ) ) ) {
			return '';
		}
		return esc_url_raw( trim( $url ), array( 'http', 'https' ) );
	}

	/**
	 * A plain text, trimmed and cut to a length ('' for anything else).
	 *
	 * @param mixed $value The value.
	 * @param int   $max   Most characters kept.
	 */
	private static function text( $value, int $max ): string {
		if ( ! is_string( $value ) ) {
			return '';
		}
		$text = trim( wp_check_invalid_utf8( $value ) );
		return mb_strlen( $text ) > $max ? rtrim( mb_substr( $text, 0, $max ) ) . '…' : $text;
	}
}
