/**
 * The API key: write-only. The screen only ever knows whether a key is saved and its last four
 * characters; a new key is typed, sent once, and the field is emptied.
 */
import { Button, Notice, TextControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';

import { overrideNote, type Settings } from '../api';

interface ApiKeyProps {
	settings: Settings;
	/** The new key being typed. */
	value: string;
	onChange: ( value: string ) => void;
	/** The visitor chose "Replace key". */
	replacing: boolean;
	onReplace: ( replacing: boolean ) => void;
	/** The base URL being typed points to another server: the saved key goes on saving. */
	moving: boolean;
	onRemove: () => void;
	busy: boolean;
}

export default function ApiKey( {
	settings,
	value,
	onChange,
	replacing,
	onReplace,
	moving,
	onRemove,
	busy,
}: ApiKeyProps ) {
	const { api_key: key, overrides } = settings;
	const last4 = key.last4 || '';

	if ( overrides.api_key ) {
		const effective = settings.effective?.api_key_last4 || '';
		return (
			<div className="dify-chatbot-settings__field">
				<span className="dify-chatbot-settings__label">
					{ __( 'API key', 'dify-chatbot' ) }
				</span>
				<p className="dify-chatbot-settings__text">
					{ overrideNote(
						'DIFY_CHATBOT_API_KEY',
						overrides.api_key
					) }
					{ effective &&
						' ' +
							sprintf(
								/* translators: %s: the key's last four characters. */
								__( '(ends in …%s)', 'dify-chatbot' ),
								effective
							) }
				</p>
			</div>
		);
	}

	// No key can be saved without a secret of the site to encrypt it with (the server refuses).
	const noSecret = settings.encryption && ! settings.encryption.ready && (
		<Notice status="error" isDismissible={ false } spokenMessage="">
			{ settings.encryption.message }
		</Notice>
	);

	const field = (
		<TextControl
			__next40pxDefaultSize
			__nextHasNoMarginBottom
			label={ __( 'API key', 'dify-chatbot' ) }
			type="password"
			// Not the admin's password: browsers must not fill it in.
			autoComplete="new-password"
			spellCheck={ false }
			value={ value }
			onChange={ ( next: string ) => onChange( next ) }
			help={ __(
				'The key of your Dify app (API Access → API Key). It is stored encrypted and never shown again.',
				'dify-chatbot'
			) }
		/>
	);

	if ( key.saved && key.unreadable ) {
		return (
			<div className="dify-chatbot-settings__field">
				{ noSecret }
				<Notice
					status="warning"
					isDismissible={ false }
					spokenMessage=""
				>
					{ __(
						'The saved API key cannot be read any more: the site’s security keys (salts) have changed. Please enter the key again.',
						'dify-chatbot'
					) }
				</Notice>
				{ field }
				<div className="dify-chatbot-settings__buttons">
					<Button
						__next40pxDefaultSize
						variant="tertiary"
						isDestructive
						onClick={ onRemove }
						disabled={ busy }
						accessibleWhenDisabled
					>
						{ __( 'Remove key', 'dify-chatbot' ) }
					</Button>
				</div>
			</div>
		);
	}

	if ( key.saved && ! replacing && ! moving ) {
		return (
			<div className="dify-chatbot-settings__field">
				{ settings.effective?.key_elsewhere && (
					<Notice
						status="warning"
						isDismissible={ false }
						spokenMessage=""
					>
						{ sprintf(
							/* translators: %s: the server the key was entered for. */
							__(
								'The saved key was entered for %s, not for the server of the base URL in force, so it is not used. Enter the key for this server.',
								'dify-chatbot'
							),
							key.origin ?? ''
						) }
					</Notice>
				) }
				<span className="dify-chatbot-settings__label">
					{ __( 'API key', 'dify-chatbot' ) }
				</span>
				<p className="dify-chatbot-settings__text">
					{ last4
						? sprintf(
								/* translators: %s: the key's last four characters. */
								__(
									'A key is saved (ends in …%s)',
									'dify-chatbot'
								),
								last4
							)
						: __( 'A key is saved', 'dify-chatbot' ) }
				</p>
				<div className="dify-chatbot-settings__buttons">
					<Button
						__next40pxDefaultSize
						variant="secondary"
						onClick={ () => onReplace( true ) }
						disabled={ busy }
						accessibleWhenDisabled
					>
						{ __( 'Replace key', 'dify-chatbot' ) }
					</Button>
					<Button
						__next40pxDefaultSize
						variant="tertiary"
						isDestructive
						onClick={ onRemove }
						disabled={ busy }
						accessibleWhenDisabled
					>
						{ __( 'Remove key', 'dify-chatbot' ) }
					</Button>
				</div>
			</div>
		);
	}

	return (
		<div className="dify-chatbot-settings__field">
			{ noSecret }
			{ field }
			{ key.saved && ! moving && (
				<div className="dify-chatbot-settings__buttons">
					<Button
						__next40pxDefaultSize
						variant="tertiary"
						onClick={ () => {
							onChange( '' );
							onReplace( false );
						} }
					>
						{ __( 'Keep the saved key', 'dify-chatbot' ) }
					</Button>
				</div>
			) }
		</div>
	);
}
