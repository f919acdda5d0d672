/**
 * The limits every bot has of its own, as the settings screen edits them for the default bot
 * (Protection.tsx) and for each other bot (Bots.tsx): messages per minute and per day per
 * visitor, messages per minute per IP address, and the daily token budget. The values are edited
 * as text and sent as numbers (whole()).
 */
import { TextControl } from '@wordpress/components';
import { __ } from '@wordpress/i18n';
import type { ReactNode } from 'react';

/** The limits as typed. */
export interface LimitValues {
	visitorMinute: string;
	visitorDay: string;
	ipMinute: string;
	budget: string;
}

/**
 * A whole number when the text is one, else the text (trimmed), so the server's message
 * explains what is wrong with it.
 *
 * @param text As typed.
 */
export function whole( text: string ): number | string {
	const trimmed = text.trim();
	return /^\d+$/.test( trimmed ) ? Number( trimmed ) : trimmed;
}

export default function LimitFields( {
	values,
	onChange,
	budgetHelp,
	children,
}: {
	values: LimitValues;
	onChange: ( patch: Partial< LimitValues > ) => void;
	/** Whose tokens the budget holds (the whole site's, or one bot's). */
	budgetHelp: string;
	/** Shown between the message limits and the budget (the site's trusted proxies). */
	children?: ReactNode;
} ) {
	const off = __( '0 turns this limit off.', 'dify-chatbot' );
	return (
		<>
			<TextControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				label={ __(
					'Messages per minute (per visitor)',
					'dify-chatbot'
				) }
				type="number"
				min={ 0 }
				value={ values.visitorMinute }
				onChange={ ( value: string ) =>
					onChange( { visitorMinute: value } )
				}
				help={ off }
			/>
			<TextControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				label={ __( 'Messages per day (per visitor)', 'dify-chatbot' ) }
				type="number"
				min={ 0 }
				value={ values.visitorDay }
				onChange={ ( value: string ) =>
					onChange( { visitorDay: value } )
				}
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
				value={ values.ipMinute }
				onChange={ ( value: string ) =>
					onChange( { ipMinute: value } )
				}
				help={ off }
			/>
			{ children }
			<TextControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				label={ __( 'Daily token budget', 'dify-chatbot' ) }
				type="number"
				min={ 0 }
				value={ values.budget }
				onChange={ ( value: string ) => onChange( { budget: value } ) }
				help={ budgetHelp }
			/>
		</>
	);
}
