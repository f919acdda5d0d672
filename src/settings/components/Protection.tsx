/**
 * The abuse protection part of the settings screen: rate limits, trusted proxies, the daily
 * token budget (with today's usage), who may chat, and the worker and wallet caps (answers at
 * once, shown next to how many are running; per-IP messages a day; the site's daily cap). The values are edited as text and sent
 * as numbers; what is not a whole number is sent as typed, so the server's message explains it.
 */
import {
	RadioControl,
	TextControl,
	TextareaControl,
} from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';

import type { Settings, SettingsUpdate } from '../api';
import LimitFields, { whole } from './LimitFields';

export type Audience = 'everyone' | 'logged_in' | 'capability';

export interface ProtectionDraft {
	visitorMinute: string;
	visitorDay: string;
	ipMinute: string;
	proxies: string;
	budget: string;
	who: Audience;
	capability: string;
	ipDay: string;
	dailyCap: string;
	streamsVisitor: string;
	streamsIp: string;
	streamsSite: string;
}

/** The caps edited as whole numbers, and the setting each one is. */
const CAPS = {
	ipDay: 'limit_ip_day',
	dailyCap: 'daily_message_cap',
	streamsVisitor: 'streams_visitor',
	streamsIp: 'streams_ip',
	streamsSite: 'streams_site',
} as const;

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
		ipDay: String( settings.limit_ip_day ?? 300 ),
		dailyCap: String( settings.daily_message_cap ?? 1000 ),
		streamsVisitor: String( settings.streams_visitor ?? 2 ),
		streamsIp: String( settings.streams_ip ?? 2 ),
		streamsSite: String( settings.streams_site ?? 3 ),
	};
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
	for ( const [ field, name ] of Object.entries( CAPS ) as Array<
		[ keyof typeof CAPS, ( typeof CAPS )[ keyof typeof CAPS ] ]
	> ) {
		if ( draft[ field ].trim() !== initial[ field ] ) {
			update[ name ] = whole( draft[ field ] );
		}
	}
	return update;
}

export default function Protection( {
	draft,
	onChange,
	tokensToday,
	streamsRunning = 0,
	callsToday = 0,
}: {
	draft: ProtectionDraft;
	onChange: ( next: ProtectionDraft ) => void;
	tokensToday: number;
	streamsRunning?: number;
	callsToday?: number;
} ) {
	const set = ( patch: Partial< ProtectionDraft > ) =>
		onChange( { ...draft, ...patch } );
	const off = __( '0 turns this limit off.', 'dify-chatbot' );

	return (
		<fieldset className="dify-chatbot-settings__group">
			<legend className="dify-chatbot-settings__legend">
				{ __( 'Abuse protection', 'dify-chatbot' ) }
			</legend>

			<LimitFields
				values={ draft }
				onChange={ set }
				budgetHelp={ __(
					'Tokens the whole site may use per day (site time zone); 0 means no budget.',
					'dify-chatbot'
				) }
			>
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
			</LimitFields>
			<p className="dify-chatbot-settings__text dify-chatbot-settings__usage">
				{ sprintf(
					/* translators: %s: a number of tokens. */
					__( 'Tokens used today: %s', 'dify-chatbot' ),
					tokensToday.toLocaleString()
				) }
			</p>
			<TextControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				label={ __(
					'Messages per day (per IP address)',
					'dify-chatbot'
				) }
				type="number"
				min={ 0 }
				value={ draft.ipDay }
				onChange={ ( value: string ) => set( { ipDay: value } ) }
				help={ __(
					'Bounds what one address can spend, also when it drops its cookie to look like a new visitor each time. 0 turns this limit off.',
					'dify-chatbot'
				) }
			/>
			<TextControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				label={ __( 'Daily cap (whole site)', 'dify-chatbot' ) }
				type="number"
				min={ 0 }
				value={ draft.dailyCap }
				onChange={ ( value: string ) => set( { dailyCap: value } ) }
				help={ __(
					'Messages, file uploads, voice and suggested questions the whole site may send to Dify per day. With this and the token budget both 0, nothing bounds the spend.',
					'dify-chatbot'
				) }
			/>
			<p className="dify-chatbot-settings__text dify-chatbot-settings__usage">
				{ sprintf(
					/* translators: %s: a number of calls. */
					__( 'Counted today: %s', 'dify-chatbot' ),
					callsToday.toLocaleString()
				) }
			</p>
			<TextControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				label={ __(
					'Answers at the same time (whole site)',
					'dify-chatbot'
				) }
				type="number"
				min={ 0 }
				value={ draft.streamsSite }
				onChange={ ( value: string ) => set( { streamsSite: value } ) }
				help={ __(
					'Each answer holds one PHP worker until it ends. Keep this below your PHP worker count so pages still load (PHP-FPM’s default pool has 5). 0 turns this cap off.',
					'dify-chatbot'
				) }
			/>
			<p className="dify-chatbot-settings__text dify-chatbot-settings__usage">
				{ sprintf(
					/* translators: 1: answers being given now, 2: the cap. */
					__( 'Answers running now: %1$s of %2$s', 'dify-chatbot' ),
					streamsRunning.toLocaleString(),
					draft.streamsSite
				) }
			</p>
			<TextControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				label={ __(
					'Answers at the same time (per IP address)',
					'dify-chatbot'
				) }
				type="number"
				min={ 0 }
				value={ draft.streamsIp }
				onChange={ ( value: string ) => set( { streamsIp: value } ) }
				help={ off }
			/>
			<TextControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				label={ __(
					'Answers at the same time (per visitor)',
					'dify-chatbot'
				) }
				type="number"
				min={ 0 }
				value={ draft.streamsVisitor }
				onChange={ ( value: string ) =>
					set( { streamsVisitor: value } )
				}
				help={ off }
			/>
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
