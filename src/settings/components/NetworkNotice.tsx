/**
 * On a site of a multisite network: which of the default bot's values come from the network's
 * defaults (Network Admin → Settings → Dify Chatbot), so a site admin knows that changing one here
 * overrides the network for this site only. The server says which (`sources` of GET /settings).
 */
import { __, sprintf } from '@wordpress/i18n';
import { Notice } from '@wordpress/components';

import type { Settings } from '../api';

/** The fields a network may set, as the screen names them. */
function labels(): Record< string, string > {
	return {
		base_url: __( 'API base URL', 'dify-chatbot' ),
		api_key: __( 'API key', 'dify-chatbot' ),
		response_mode: __( 'Response mode', 'dify-chatbot' ),
		show_reasoning: __( 'Show the model’s reasoning', 'dify-chatbot' ),
		limit_visitor_minute: __(
			'Messages per minute (per visitor)',
			'dify-chatbot'
		),
		limit_visitor_day: __(
			'Messages per day (per visitor)',
			'dify-chatbot'
		),
		limit_ip_minute: __(
			'Messages per minute (per IP address)',
			'dify-chatbot'
		),
		daily_token_budget: __( 'Daily token budget', 'dify-chatbot' ),
		limit_ip_day: __( 'Messages per day (per IP address)', 'dify-chatbot' ),
		daily_message_cap: __( 'Daily cap (whole site)', 'dify-chatbot' ),
		streams_site: __(
			'Answers at the same time (whole site)',
			'dify-chatbot'
		),
		streams_ip: __(
			'Answers at the same time (per IP address)',
			'dify-chatbot'
		),
		streams_visitor: __(
			'Answers at the same time (per visitor)',
			'dify-chatbot'
		),
	};
}

/**
 * The names of the fields whose value comes from the network, in the screen's order.
 * @param sources The server's `sources`.
 */
export function networkFields( sources: Settings[ 'sources' ] ): string[] {
	const names = labels();
	return Object.entries( names )
		.filter( ( [ field ] ) => sources?.[ field ] === 'network' )
		.map( ( [ , label ] ) => label );
}

export default function NetworkNotice( {
	sources,
}: {
	sources: Settings[ 'sources' ];
} ) {
	const fields = networkFields( sources );
	if ( fields.length === 0 ) {
		return null;
	}
	return (
		<Notice status="info" isDismissible={ false } spokenMessage="">
			{ sprintf(
				/* translators: %s: names of settings, separated by commas. */
				__(
					'From the network’s defaults: %s. A value you save here applies to this site only; saving the network’s value again makes this site follow the network.',
					'dify-chatbot'
				),
				fields.join( ', ' )
			) }
		</Notice>
	);
}
