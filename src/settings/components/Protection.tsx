/**
 * The abuse protection part of the settings screen: rate limits, trusted proxies, the daily
 * token budget (with today's usage) and who may chat. The values are edited as text and sent
 * as numbers; what is not a whole number is sent as typed, so the server's message explains it.
 */
import {
	RadioControl,
	TextControl,
	TextareaControl,
} from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';

import type { Settings, SettingsUpdate } from '../api';

export type Audience = 'everyone' | 'logged_in' | 'capability';

export interface ProtectionDraft {
	visitorMinute: string;
	visitorDay: string;
	ipMinute: string;
	proxies: string;
	budget: string;
	who: Audience;
	capability: string;
}

/**
 * The draft for what the server has.
 *
 * @param settings The server's settings.
 */
export function protectionDraft( settings: Settings ): ProtectionDraft {
	const who = settings.who_may_chat ?? 'everyone';
	return {
		visitorMinute: String( settings.limit_visitor_minute ?? 10 ),
		visitorDay: String( settings.limit_visitor_day ?? 200 ),
		ipMinute: String( settings.limit_ip_minute ?? 30 ),
		proxies: ( settings.trusted_proxies ?? [] ).join( '\n' ),
		budget: String( settings.daily_token_budget ?? 0 ),
		who: who === 'everyone' || who === 'logged_in' ? who : 'capability',
		capability:
			who === 'everyone' || who === 'logged_in' ? '' : String( who ),
	};
}

/**
 * A whole number when the text is one, else the text (trimmed).
 *
 * @param text As typed.
 */
function whole( text: string ): number | string {
	const trimmed = text.trim();
	return /^\d+$/.test( trimmed ) ? Number( trimmed ) : trimmed;
}

/**
 * The update for a draft: only what differs from the server's values, so a save does not
 * overwrite what someone else changed meanwhile.
 *
 * @param draft   The edited values.
 * @param initial The values as loaded.
 */
export function protectionUpdate(
	draft: ProtectionDraft,
	initial: ProtectionDraft
): SettingsUpdate {
	const proxies = ( text: string ) =>
		text
			.split( /[\s,]+/ )
			.map( ( entry ) => entry.trim() )
			.filter( ( entry ) => entry !== '' );
	const who = ( d: ProtectionDraft ) =>
		d.who === 'capability' ? d.capability.trim() : d.who;
	const update: SettingsUpdate = {};
	if ( draft.visitorMinute.trim() !== initial.visitorMinute ) {
		update.limit_visitor_minute = whole( draft.visitorMinute );
	}
	if ( draft.visitorDay.trim() !== initial.visitorDay ) {
		update.limit_visitor_day = whole( draft.visitorDay );
	}
	if ( draft.ipMinute.trim() !== initial.ipMinute ) {
		update.limit_ip_minute = whole( draft.ipMinute );
	}
	if (
		proxies( draft.proxies ).join( '\n' ) !==
		proxies( initial.proxies ).join( '\n' )
	) {
		update.trusted_proxies = proxies( draft.proxies );
	}
	if ( draft.budget.trim() !== initial.budget ) {
		update.daily_token_budget = whole( draft.budget );
	}
	if ( who( draft ) !== who( initial ) ) {
		update.who_may_chat = who( draft );
	}
	return update;
}

export default function Protection( {
	draft,
	onChange,
	tokensToday,
}: {
	draft: ProtectionDraft;
	onChange: ( next: ProtectionDraft ) => void;
	tokensToday: number;
} ) {
	const set = ( patch: Partial< ProtectionDraft > ) =>
		onChange( { ...draft, ...patch } );
	const off = __( '0 turns this limit off.', 'dify-chatbot' );

	return (
		<fieldset className="dify-chatbot-settings__group">
			<legend className="dify-chatbot-settings__legend">
				{ __( 'Abuse protection', 'dify-chatbot' ) }
			</legend>

			<TextControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				label={ __(
					'Messages per minute (per visitor)',
					'dify-chatbot'
				) }
				type="number"
				min={ 0 }
				value={ draft.visitorMinute }
				onChange={ ( value: string ) =>
					set( { visitorMinute: value } )
				}
				help={ off }
			/>
			<TextControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				label={ __( 'Messages per day (per visitor)', 'dify-chatbot' ) }
				type="number"
				min={ 0 }
				value={ draft.visitorDay }
				onChange={ ( value: string ) => set( { visitorDay: value } ) }
				help={ off }
			/>
			<TextControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				label={ __(
					'Messages per minute (per IP address)',
					'dify-chatbot'
				) }
				type="number"
				min={ 0 }
				value={ draft.ipMinute }
				onChange={ ( value: string ) => set( { ipMinute: value } ) }
				help={ off }
			/>
			<TextareaControl
				__nextHasNoMarginBottom
				label={ __( 'Trusted proxies', 'dify-chatbot' ) }
				value={ draft.proxies }
				rows={ 3 }
				onChange={ ( value: string ) => set( { proxies: value } ) }
				help={ __(
					'Only if your site is behind a reverse proxy or CDN: its IP addresses or ranges (like 10.0.0.0/8), one per line. Only then is the visitor’s address taken from X-Forwarded-For.',
					'dify-chatbot'
				) }
			/>
			<TextControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				label={ __( 'Daily token budget', 'dify-chatbot' ) }
				type="number"
				min={ 0 }
				value={ draft.budget }
				onChange={ ( value: string ) => set( { budget: value } ) }
				help={ __(
					'Tokens the whole site may use per day (site time zone); 0 means no budget.',
					'dify-chatbot'
				) }
			/>
			<p className="dify-chatbot-settings__text dify-chatbot-settings__usage">
				{ sprintf(
					/* translators: %s: a number of tokens. */
					__( 'Tokens used today: %s', 'dify-chatbot' ),
					tokensToday.toLocaleString()
				) }
			</p>
			<RadioControl
				label={ __( 'Who may chat', 'dify-chatbot' ) }
				selected={ draft.who }
				options={ [
					{
						label: __( 'Everyone', 'dify-chatbot' ),
						value: 'everyone',
					},
					{
						label: __( 'Logged-in users', 'dify-chatbot' ),
						value: 'logged_in',
					},
					{
						label: __( 'Users with a capability', 'dify-chatbot' ),
						value: 'capability',
					},
				] }
				onChange={ ( value: string ) =>
					set( {
						who:
							value === 'logged_in' || value === 'capability'
								? value
								: 'everyone',
					} )
				}
			/>
			{ draft.who === 'capability' && (
				<TextControl
					__next40pxDefaultSize
					__nextHasNoMarginBottom
					label={ __( 'Capability', 'dify-chatbot' ) }
					value={ draft.capability }
					placeholder="read"
					onChange={ ( value: string ) =>
						set( { capability: value } )
					}
					help={ __(
						'A capability name, like read or edit_posts.',
						'dify-chatbot'
					) }
				/>
			) }
		</fieldset>
	);
}
