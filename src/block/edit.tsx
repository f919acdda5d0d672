/**
 * The block's editor view: options in the inspector and a preview drawn with the chat's own
 * markup and styles, so it looks like the chat visitors get, without being a live one.
 */
import apiFetch from '@wordpress/api-fetch';
import { useEffect, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import {
	InspectorControls,
	PanelColorSettings,
	useBlockProps,
} from '@wordpress/block-editor';
import { PanelBody, SelectControl, TextControl } from '@wordpress/components';

import { botOptions, loadBots, type BotChoice } from './bots';

// A type alias (not an interface) so it satisfies registerBlockType's Record constraint.
export type ChatAttributes = {
	bot: string;
	layout: 'inline' | 'bubble';
	title: string;
	placeholder: string;
	height: string;
	position: 'left' | 'right';
	/** Hex color of the send button, launcher and the visitor's bubbles; '' for the theme's. */
	accent: string;
};

interface EditProps {
	attributes: ChatAttributes;
	setAttributes: ( attributes: Partial< ChatAttributes > ) => void;
}

/** The heights the server accepts (includes/Frontend/Renderer.php); others fall back to 480px. */
const HEIGHT = /^\d{2,4}(px|vh|em|rem)$/;

/**
 * Black or white, whichever reads better on a hex color (as the server picks it, WCAG luminance).
 *
 * @param hex `#rgb` or `#rrggbb`.
 */
export function textOn( hex: string ): string {
	let digits = hex.replace( '#', '' );
	if ( digits.length === 3 ) {
		digits = digits.replace( /./g, '$&$&' );
	}
	const [ r, g, b ] = [ 0, 2, 4 ].map( ( i ) => {
		const value = parseInt( digits.slice( i, i + 2 ), 16 ) / 255;
		return value <= 0.03928
			? value / 12.92
			: ( ( value + 0.055 ) / 1.055 ) ** 2.4;
	} ) as [ number, number, number ];
	return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.179 ? '#000000' : '#ffffff';
}

/** What of the Dify app's own branding the inspector shows where the block sets nothing. */
export interface AppBranding {
	title: string;
	input_placeholder: string;
	chat_color_theme: string;
}

// One request per bot and editor session, shared by every chat block of the post.
const branding = new Map< string, Promise< AppBranding | null > >();

/**
 * The Dify app's branding (the editor-only `GET site` route: never the key), or null until it
 * arrives or when it cannot be read (no key yet, Dify unreachable): then the plugin's defaults.
 *
 * @param bot The block's bot ('' for the default one).
 */
export function useAppBranding( bot: string ): AppBranding | null {
	const [ site, setSite ] = useState< AppBranding | null >( null );
	useEffect( () => {
		let live = true;
		let loading = branding.get( bot );
		if ( ! loading ) {
			loading = apiFetch< AppBranding >( {
				path:
					'/dify-chatbot/v1/site' +
					( bot ? `?bot=${ encodeURIComponent( bot ) }` : '' ),
			} ).catch( () => null );
			branding.set( bot, loading );
		}
		setSite( null );
		loading.then( ( value ) => live && setSite( value ) );
		return () => {
			live = false;
		};
	}, [ bot ] );
	return site;
}

/** The bots the block can talk to besides the default one (none until they arrive). */
export function useBots(): BotChoice[] {
	const [ bots, setBots ] = useState< BotChoice[] >( [] );
	useEffect( () => {
		let live = true;
		loadBots().then( ( value ) => live && setBots( value ) );
		return () => {
			live = false;
		};
	}, [] );
	return bots;
}

export default function Edit( { attributes, setAttributes }: EditProps ) {
	const site = useAppBranding( attributes.bot );
	const bots = useBots();
	const { layout, position } = attributes;
	const validHeight = HEIGHT.test( attributes.height.trim() );
	const height = validHeight ? attributes.height.trim() : '480px';
	const hex = /^#([0-9a-f]{3}){1,2}$/i;
	// The app's colour stands in for an accent the block does not set, as in the chat itself.
	const accent = hex.test( attributes.accent )
		? attributes.accent
		: ( ( site?.chat_color_theme ?? '' ).match( hex )?.[ 0 ] ?? '' );
	const blockProps = useBlockProps( {
		className: `dify-chatbot dify-chatbot--${ layout } is-preview is-${ position }${
			accent ? ' has-accent' : ''
		}`,
		style: {
			'--dify-chatbot-height': height,
			...( accent
				? {
						'--dify-chatbot-accent': accent,
						'--dify-chatbot-accent-text': textOn( accent ),
					}
				: {} ),
		},
	} );
	const title =
		attributes.title || site?.title || __( 'Chat', 'dify-chatbot' );
	const label =
		attributes.placeholder ||
		site?.input_placeholder ||
		__( 'Message', 'dify-chatbot' );

	return (
		<>
			<InspectorControls>
				<PanelBody title={ __( 'Chat', 'dify-chatbot' ) }>
					<SelectControl
						__next40pxDefaultSize
						__nextHasNoMarginBottom
						label={ __( 'Bot', 'dify-chatbot' ) }
						help={ __(
							'The Dify app this chat talks to. Bots are set up under Settings → Dify Chatbot.',
							'dify-chatbot'
						) }
						value={ attributes.bot }
						options={ botOptions( bots, attributes.bot ) }
						onChange={ ( value: string ) =>
							setAttributes( { bot: value } )
						}
					/>
					<TextControl
						__next40pxDefaultSize
						__nextHasNoMarginBottom
						label={ __( 'Title', 'dify-chatbot' ) }
						help={ __(
							'Shown at the top of the chat. Empty: the Dify app’s own title.',
							'dify-chatbot'
						) }
						placeholder={ site?.title || undefined }
						value={ attributes.title }
						onChange={ ( value: string ) =>
							setAttributes( { title: value } )
						}
					/>
					<TextControl
						__next40pxDefaultSize
						__nextHasNoMarginBottom
						label={ __( 'Placeholder', 'dify-chatbot' ) }
						help={ __(
							'The hint in the message box, also its label for screen readers. Default: “Message”.',
							'dify-chatbot'
						) }
						placeholder={ site?.input_placeholder || undefined }
						value={ attributes.placeholder }
						onChange={ ( value: string ) =>
							setAttributes( { placeholder: value } )
						}
					/>
					<SelectControl
						__next40pxDefaultSize
						__nextHasNoMarginBottom
						label={ __( 'Layout', 'dify-chatbot' ) }
						help={
							layout === 'bubble'
								? __(
										'Visitors see a chat button in a bottom corner of the screen; the chat opens above it.',
										'dify-chatbot'
									)
								: __(
										'The chat is shown where the block is.',
										'dify-chatbot'
									)
						}
						value={ layout }
						options={ [
							{
								label: __( 'Inline', 'dify-chatbot' ),
								value: 'inline',
							},
							{
								label: __( 'Floating bubble', 'dify-chatbot' ),
								value: 'bubble',
							},
						] }
						onChange={ ( value: string ) =>
							setAttributes( {
								layout:
									value === 'bubble' ? 'bubble' : 'inline',
							} )
						}
					/>
					{ layout === 'bubble' && (
						<SelectControl
							__next40pxDefaultSize
							__nextHasNoMarginBottom
							label={ __( 'Position', 'dify-chatbot' ) }
							value={ position }
							options={ [
								{
									label: __( 'Bottom right', 'dify-chatbot' ),
									value: 'right',
								},
								{
									label: __( 'Bottom left', 'dify-chatbot' ),
									value: 'left',
								},
							] }
							onChange={ ( value: string ) =>
								setAttributes( {
									position:
										value === 'left' ? 'left' : 'right',
								} )
							}
						/>
					) }
					<TextControl
						__next40pxDefaultSize
						__nextHasNoMarginBottom
						label={ __( 'Height', 'dify-chatbot' ) }
						help={
							validHeight
								? __(
										'For example 480px or 60vh.',
										'dify-chatbot'
									)
								: __(
										'Use a number with px, vh, em or rem, for example 480px. Until then the chat is 480px high.',
										'dify-chatbot'
									)
						}
						value={ attributes.height }
						onChange={ ( value: string ) =>
							setAttributes( { height: value } )
						}
					/>
				</PanelBody>
				<PanelColorSettings
					title={ __( 'Chat colors', 'dify-chatbot' ) }
					colorSettings={ [
						{
							value: accent || undefined,
							onChange: ( value?: string ) =>
								setAttributes( { accent: value ?? '' } ),
							label: __( 'Accent', 'dify-chatbot' ),
						},
					] }
				/>
			</InspectorControls>
			<div { ...blockProps }>
				{ /* A picture of the chat, with nothing focusable in it: hidden from assistive technology. */ }
				<div className="dify-chatbot__app" aria-hidden="true">
					<div className="dify-chatbot__header">
						<span className="dify-chatbot__title">{ title }</span>
						{ layout === 'bubble' && (
							<span className="dify-chatbot__close">
								<svg
									viewBox="0 0 24 24"
									aria-hidden="true"
									focusable="false"
								>
									<path d="M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z" />
								</svg>
							</span>
						) }
					</div>
					<div className="dify-chatbot__messages">
						<div className="dify-chatbot__turn dify-chatbot__turn--user">
							<div className="dify-chatbot__message is-user">
								{ __(
									'What can you help me with?',
									'dify-chatbot'
								) }
							</div>
						</div>
						<div className="dify-chatbot__turn dify-chatbot__turn--assistant">
							<div className="dify-chatbot__message is-assistant">
								{ __(
									'Answers from your Dify app appear here, word by word.',
									'dify-chatbot'
								) }
							</div>
						</div>
					</div>
					<div className="dify-chatbot__composer">
						<span className="dify-chatbot__input">{ label }</span>
						<span className="dify-chatbot__send wp-element-button">
							{ __( 'Send', 'dify-chatbot' ) }
						</span>
					</div>
				</div>
			</div>
		</>
	);
}
