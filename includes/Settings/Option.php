<?php
/**
 * The stored settings option (everything but the API key).
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Settings;

use Dify_Chatbot\Registrable;

/**
 * Option `dify_chatbot_settings`: `base_url` and `response_mode`, nothing else. The sanitizer is
 * tight (unknown keys dropped, invalid values replaced by the stored or default ones) because the
 * option can be written by other code than this plugin's REST route.
 */
final class Option implements Registrable {

	public const NAME = 'dify_chatbot_settings';

	public const MODES = array( 'streaming', 'blocking' );

	/**
	 * Registers the setting so update_option() always runs the sanitizer.
	 */
	public function register(): void {
		add_action( 'init', array( $this, 'register_setting' ) );
	}

	/**
	 * Registers the option with its schema and sanitizer. Not shown in /wp/v2/settings: the
	 * plugin's own route is the only REST door, with its own permission check.
	 */
	public function register_setting(): void {
		register_setting(
			'dify_chatbot',
			self::NAME,
			array(
				'type'              => 'object',
				'description'       => __( 'Dify Chatbot settings.', 'dify-chatbot' ),
				'sanitize_callback' => array( $this, 'sanitize' ),
				'default'           => self::defaults(),
				'show_in_rest'      => false,
			)
		);
	}

	/**
	 * The defaults.
	 *
	 * @return array{base_url: string, response_mode: string}
	 */
	public static function defaults(): array {
		return array(
			'base_url'      => Base_Url::DEFAULT_URL,
			'response_mode' => 'streaming',
		);
	}

	/**
	 * The stored settings, each value valid (the stored row may come from anywhere).
	 *
	 * @return array{base_url: string, response_mode: string}
	 */
	public function get(): array {
		$stored = get_option( self::NAME, array() );
		return $this->clean( is_array( $stored ) ? $stored : array(), self::defaults() );
	}

	/**
	 * The stored response mode.
	 */
	public function response_mode(): string {
		return $this->get()['response_mode'];
	}

	/**
	 * Saves changes to some settings (validate them first: invalid values are not saved).
	 *
	 * @param array<string, mixed> $changes Keys to change.
	 */
	public function update( array $changes ): void {
		update_option( self::NAME, $this->clean( $changes, $this->get() ), true );
	}

	/**
	 * The option's sanitizer: unknown keys dropped, invalid values replaced by the stored ones.
	 *
	 * @param mixed $value The value about to be stored.
	 * @return array{base_url: string, response_mode: string}
	 */
	public function sanitize( $value ): array {
		return $this->clean( is_array( $value ) ? $value : array(), $this->get() );
	}

	/**
	 * Merges valid values over a fallback.
	 *
	 * @param array<mixed>                                   $values   Candidate values.
	 * @param array{base_url: string, response_mode: string} $fallback Values kept where a candidate is missing or invalid.
	 * @return array{base_url: string, response_mode: string}
	 */
	private function clean( array $values, array $fallback ): array {
		$clean = $fallback;
		if ( isset( $values['base_url'] ) && is_string( $values['base_url'] ) ) {
			$url = Base_Url::check( $values['base_url'] );
			if ( is_string( $url ) ) {
				$clean['base_url'] = $url;
			}
		}
		if ( isset( $values['response_mode'] ) && in_array( $values['response_mode'], self::MODES, true ) ) {
			$clean['response_mode'] = (string) $values['response_mode'];
		}
		return $clean;
	}
}
