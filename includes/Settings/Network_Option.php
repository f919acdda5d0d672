<?php
/**
 * The network's defaults for its sites (multisite).
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Settings;

/**
 * Network option `dify_chatbot_network_settings`: the values a network admin sets for every site
 * of the network (Network Admin → Settings → Dify Chatbot). Each field is optional: a field the
 * network does not set leaves the plugin's own default. A site uses a network value for every
 * field it has not set itself (Option layers its own values over these); the network's default
 * key is Key_Store's network store, bound to this base URL's origin like a site's key.
 *
 * Only the fields of the default bot (base URL, response mode, reasoning) and the limits; the CA
 * bundle, proxies, audience and remote files stay each site's own.
 *
 * Outside a network get() is empty: a single site has no network to inherit from.
 */
final class Network_Option {

	public const NAME = 'dify_chatbot_network_settings';

	/**
	 * The fields a network may set, besides the limits (Option::LIMITS).
	 */
	private const FIELDS = array( 'base_url', 'response_mode', 'show_reasoning' );

	/**
	 * The names of every field a network may set.
	 *
	 * @return string[]
	 */
	public static function fields(): array {
		return array_merge( self::FIELDS, array_keys( Option::LIMITS ) );
	}

	/**
	 * The network's values, each valid; empty outside a network.
	 *
	 * @return array<string, mixed>
	 */
	public function get(): array {
		if ( ! is_multisite() ) {
			return array();
		}
		$stored = get_site_option( self::NAME, array() );
		return self::valid( is_array( $stored ) ? $stored : array() );
	}

	/**
	 * Replaces the network's values (a field left out is no longer set by the network).
	 *
	 * @param array<string, mixed> $values The values; invalid ones are dropped.
	 */
	public function replace( array $values ): void {
		update_site_option( self::NAME, self::valid( $values ) );
	}

	/**
	 * The valid values among some candidates (unknown names and invalid values dropped).
	 *
	 * @param array<mixed> $values Candidate values.
	 * @return array<string, mixed>
	 */
	public static function valid( array $values ): array {
		$valid = array();
		if ( isset( $values['base_url'] ) && is_string( $values['base_url'] ) ) {
			$url = Base_Url::check( $values['base_url'] );
			if ( is_string( $url ) ) {
				$valid['base_url'] = $url;
			}
		}
		if ( isset( $values['response_mode'] ) && in_array( $values['response_mode'], Option::MODES, true ) ) {
			$valid['response_mode'] = (string) $values['response_mode'];
		}
		if ( isset( $values['show_reasoning'] ) && is_bool( $values['show_reasoning'] ) ) {
			$valid['show_reasoning'] = $values['show_reasoning'];
		}
		foreach ( Option::LIMITS as $name => $max ) {
			if ( isset( $values[ $name ] ) && Option::is_limit( $values[ $name ], $max ) ) {
				$valid[ $name ] = (int) $values[ $name ];
			}
		}
		return $valid;
	}

	/**
	 * The JSON schema of the network's values, which the network screen validates a submission
	 * with (rest_validate_value_from_schema) before saving.
	 *
	 * @return array<string, mixed>
	 */
	public static function schema(): array {
		$properties = array(
			'base_url'       => array(
				'type'      => 'string',
				'format'    => 'uri',
				'maxLength' => 2048,
			),
			'response_mode'  => array(
				'type' => 'string',
				'enum' => Option::MODES,
			),
			'show_reasoning' => array( 'type' => 'boolean' ),
		);
		foreach ( Option::LIMITS as $name => $max ) {
			$properties[ $name ] = array(
				'type'    => 'integer',
				'minimum' => 0,
				'maximum' => $max,
			);
		}
		return array(
			'type'                 => 'object',
			'properties'           => $properties,
			'additionalProperties' => false,
		);
	}
}
