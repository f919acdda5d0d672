/**
 * The advanced part of the settings screen: the certificate authority bundle for a self-hosted
 * Dify whose HTTPS certificate is signed by its own (or a self-signed) authority. There is no
 * switch to turn certificate checks off, on purpose: the API key travels on this connection.
 * And whether visitors may attach files by web address (off by default: Dify fetches them from
 * its own network).
 */
import { CheckboxControl, TextControl } from '@wordpress/components';
import { __ } from '@wordpress/i18n';

import { overrideNote, type OverrideSource } from '../api';

interface Props {
	value: string;
	onChange: ( value: string ) => void;
	/** Where an override comes from, and its value (shown read-only). */
	override: OverrideSource;
	effective: string;
	/** Visitors may attach files by web address. */
	remoteFiles: boolean;
	onRemoteFilesChange: ( allowed: boolean ) => void;
}

export default function Advanced( {
	value,
	onChange,
	override,
	effective,
	remoteFiles,
	onRemoteFilesChange,
}: Props ) {
	return (
		<fieldset className="dify-chatbot-settings__group">
			<legend className="dify-chatbot-settings__legend">
				{ __( 'Advanced', 'dify-chatbot' ) }
			</legend>
			<TextControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				label={ __( 'CA bundle (certificate file)', 'dify-chatbot' ) }
				value={ override ? effective : value }
				readOnly={ !! override }
				placeholder="/etc/ssl/certs/my-dify-ca.pem"
				onChange={ onChange }
				help={
					override
						? overrideNote( 'DIFY_CHATBOT_CA_BUNDLE', override )
						: __(
								'Only for a self-hosted Dify whose HTTPS certificate is not from a public certificate authority: the full path, on this web server, of a PEM file with the certificate of the authority that signed it (or the self-signed certificate itself). Leave empty to use the usual trusted certificates. Certificates are always checked.',
								'dify-chatbot'
							)
				}
			/>
			<CheckboxControl
				__nextHasNoMarginBottom
				label={ __(
					'Let visitors attach files by web address',
					'dify-chatbot'
				) }
				checked={ remoteFiles }
				onChange={ onRemoteFilesChange }
				help={ __(
					'Dify then downloads the file from its own server, so only public addresses are passed on (never this server’s own, a private network’s or the cloud metadata service’s). Off unless you need it: the chat itself only offers uploads from the visitor’s device.',
					'dify-chatbot'
				) }
			/>
		</fieldset>
	);
}
