/**
 * The block's editor view: options in the inspector and a non-interactive preview.
 */
import { __ } from '@wordpress/i18n';
import { InspectorControls, useBlockProps } from '@wordpress/block-editor';
import {
	PanelBody,
	SelectControl,
	TextControl,
} from '@wordpress/components';

export interface ChatAttributes {
	bot: string;
	layout: 'inline' | 'bubble';
	title: string;
	placeholder: string;
	height: string;
	position: 'left' | 'right';
}

interface EditProps {
	attributes: ChatAttributes;
	setAttributes: ( attributes: Partial< ChatAttributes > ) => void;
}

export default function Edit( { attributes, setAttributes }: EditProps ) {
	const blockProps = useBlockProps( {
		className: `dify-chatbot dify-chatbot--${ attributes.layout } is-preview`,
	} );
	const title = attributes.title || __( 'Chat', 'dify-chatbot' );
	const placeholder =
		attributes.placeholder || __( 'Ask a question…', 'dify-chatbot' );
	return (
		<>
			<InspectorControls>
				<PanelBody title={ __( 'Chat', 'dify-chatbot' ) }>
					<TextControl
						__next40pxDefaultSize
						label={ __( 'Title', 'dify-chatbot' ) }
						value={ attributes.title }
						onChange={ ( value ) => setAttributes( { title: value } ) }
					/>
					<TextControl
						__next40pxDefaultSize
						label={ __( 'Placeholder', 'dify-chatbot' ) }
						value={ attributes.placeholder }
						onChange={ ( value ) =>
							setAttributes( { placeholder: value } )
						}
					/>
					<SelectControl
						__next40pxDefaultSize
						label={ __( 'Layout', 'dify-chatbot' ) }
						value={ attributes.layout }
						options={ [
							{ label: __( 'Inline', 'dify-chatbot' ), value: 'inline' },
							{
								label: __( 'Floating bubble', 'dify-chatbot' ),
								value: 'bubble',
							},
						] }
						onChange={ ( value ) =>
							setAttributes( {
								layout: value as ChatAttributes[ 'layout' ],
							} )
						}
					/>
					<TextControl
						__next40pxDefaultSize
						label={ __( 'Height', 'dify-chatbot' ) }
						help={ __( 'For example 480px or 60vh.', 'dify-chatbot' ) }
						value={ attributes.height }
						onChange={ ( value ) => setAttributes( { height: value } ) }
					/>
				</PanelBody>
			</InspectorControls>
			<div { ...blockProps }>
				<div
					className="dify-chatbot__preview"
					style={ { height: attributes.height } }
					aria-hidden="true"
				>
					<div className="dify-chatbot__header">{ title }</div>
					<div className="dify-chatbot__messages">
						<p className="dify-chatbot__message is-assistant">
							{ __( 'Hello! How can I help you?', 'dify-chatbot' ) }
						</p>
					</div>
					<div className="dify-chatbot__composer">
						<span className="dify-chatbot__input">{ placeholder }</span>
						<span className="dify-chatbot__send">
							{ __( 'Send', 'dify-chatbot' ) }
						</span>
					</div>
				</div>
			</div>
		</>
	);
}
