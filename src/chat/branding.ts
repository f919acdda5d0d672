/**
 * The Dify app's own branding (its web app's title, icon, colour, question hint, disclaimer,
 * privacy policy and copyright), sent by the server with the parameters under `site`. Each is
 * the chat's default only where the block or shortcode sets nothing; every value is checked
 * again here before it is shown.
 */
import { record } from './api/json';
import { isSafeUrl } from './url';

export type SiteIcon =
	| { type: 'emoji'; emoji: string; background: string }
	| { type: 'image'; url: string };

export interface SiteBranding {
	title: string;
	icon: SiteIcon | null;
	/** A hex colour, or ''. */
	color: string;
	placeholder: string;
	disclaimer: string;
	/** An http(s) link, or ''. */
	privacyPolicy: string;
	copyright: string;
}

const HEX = /^#(?:[0-9a-f]{3}){1,2}$/i;

function text( value: unknown ): string {
	return typeof value === 'string' ? value.trim() : '';
}

function icon( value: unknown ): SiteIcon | null {
	const data = record( value );
	if ( data?.type === 'image' && isSafeUrl( data.url ) ) {
		return { type: 'image', url: data.url };
	}
	const emoji = text( data?.emoji );
	if ( data?.type === 'emoji' && emoji !== '' && emoji.length <= 16 ) {
		const background = text( data.background );
		return {
			type: 'emoji',
			emoji,
			background: HEX.test( background ) ? background : '',
		};
	}
	return null;
}

/**
 * The branding of a `GET parameters` answer's `site`.
 *
 * @param value Its `site`.
 */
export function parseSite( value: unknown ): SiteBranding {
	const site = record( value );
	const color = text( site?.chat_color_theme );
	const privacy = text( site?.privacy_policy );
	return {
		title: text( site?.title ),
		icon: icon( site?.icon ),
		color: HEX.test( color ) ? color : '',
		placeholder: text( site?.input_placeholder ),
		disclaimer: text( site?.custom_disclaimer ),
		privacyPolicy: isSafeUrl( privacy ) ? privacy : '',
		copyright: text( site?.copyright ),
	};
}

/**
 * Black or white, whichever reads better on a colour.
 *
 * @param hex A hex colour.
 */
export function textOn( hex: string ): string {
	const full =
		hex.length === 4
			? hex
					.slice( 1 )
					.split( '' )
					.map( ( c ) => c + c )
					.join( '' )
			: hex.slice( 1 );
	const [ r, g, b ] = [ 0, 2, 4 ].map(
		( at ) => parseInt( full.slice( at, at + 2 ), 16 ) / 255
	) as [ number, number, number ];
	// Relative luminance (sRGB weights); the threshold where both contrasts meet.
	const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
	return luminance > 0.5 ? '#000000' : '#ffffff';
}

/**
 * Gives the chat the app's colour as its accent, unless the block or shortcode set one.
 *
 * @param root  The chat's root element.
 * @param color The app's colour ('' for none).
 */
export function applyAccent( root: HTMLElement, color: string ): void {
	if ( color === '' || root.classList.contains( 'has-accent' ) ) {
		return;
	}
	root.style.setProperty( '--dify-chatbot-accent', color );
	root.style.setProperty( '--dify-chatbot-accent-text', textOn( color ) );
	root.classList.add( 'has-accent' );
}
