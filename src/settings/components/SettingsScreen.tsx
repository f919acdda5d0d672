/**
 * Settings → Dify Chatbot: the API base URL, the write-only API key, the response mode, and a
 * connection test that explains what is wrong in plain words.
 */
import { Button, Notice, Spinner, TextControl } from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

import {
	errorMessage,
	getSettings,
	originOf,
	overrideNote,
	saveSettings,
	testConnection,
	type ResponseMode,
	type Settings,
	type SettingsUpdate,
} from '../api';
import ApiKey from './ApiKey';
import Advanced from './Advanced';
import Bots from './Bots';
import NetworkNotice from './NetworkNotice';
import Protection, {
	protectionDraft,
	protectionUpdate,
	type ProtectionDraft,
} from './Protection';
import ReasoningControl from './ReasoningControl';
import ResponseModeControl from './ResponseModeControl';
import Result, { testResult, type Message } from './Result';
import StreamTest from './StreamTest';

export default function SettingsScreen() {
	const [ settings, setSettings ] = useState< Settings | null >( null );
	const [ loadError, setLoadError ] = useState< string | null >( null );
	const [ baseUrl, setBaseUrl ] = useState( '' );
	const [ caBundle, setCaBundle ] = useState( '' );
	const [ remoteFiles, setRemoteFiles ] = useState( false );
	const [ mode, setMode ] = useState< ResponseMode >( 'streaming' );
	const [ reasoning, setReasoning ] = useState( false );
	const [ apiKey, setApiKey ] = useState( '' );
	const [ replacing, setReplacing ] = useState( false );
	const [ protection, setProtection ] = useState< ProtectionDraft | null >(
		null
	);
	const [ busy, setBusy ] = useState< null | 'save' | 'remove' | 'test' >(
		null
	);
	const [ saved, setSaved ] = useState< Message | null >( null );
	const [ tested, setTested ] = useState< Message | null >( null );

	/**
	 * Shows what the server has; the typed key is dropped, it never comes back.
	 * @param next
	 */
	const applyAll = ( next: Settings ) => {
		setSettings( next );
		setBaseUrl( next.base_url ?? '' );
		setCaBundle( next.ca_bundle ?? '' );
		setRemoteFiles( next.allow_remote_files === true );
		setMode( next.response_mode === 'blocking' ? 'blocking' : 'streaming' );
		setReasoning( next.show_reasoning === true );
		setApiKey( '' );
		setReplacing( false );
		setProtection( protectionDraft( next ) );
	};

	useEffect( () => {
		getSettings()
			.then( applyAll )
			.catch( ( error: unknown ) =>
				setLoadError(
					errorMessage(
						error,
						__(
							'The settings could not be loaded.',
							'dify-chatbot'
						)
					)
				)
			);
	}, [] );

	if ( loadError ) {
		return (
			<Notice status="error" isDismissible={ false }>
				{ loadError }
			</Notice>
		);
	}
	if ( ! settings ) {
		return (
			<p className="dify-chatbot-settings__loading">
				<Spinner />
				{ __( 'Loading settings…', 'dify-chatbot' ) }
			</p>
		);
	}

	const { overrides } = settings;
	const baseUrlLock = overrides.base_url
		? null
		: ( settings.locks?.base_url ?? null );
	// The server the saved key goes to ('' when none is readable): a key saved before keys were
	// bound goes to the stored base URL's.
	const keyOrigin =
		! overrides.api_key &&
		settings.api_key.saved &&
		! settings.api_key.unreadable
			? settings.api_key.origin || originOf( settings.base_url )
			: '';
	const typedOrigin = originOf(
		baseUrl.trim() || settings.defaults.base_url
	);
	// Saving this base URL would take the key away: said before saving, and the field for the
	// new server's key is open.
	const moving =
		! overrides.base_url &&
		! baseUrlLock &&
		keyOrigin !== '' &&
		typedOrigin !== '' &&
		typedOrigin !== keyOrigin;
	const keyEditable =
		! overrides.api_key &&
		( ! settings.api_key.saved ||
			settings.api_key.unreadable ||
			replacing ||
			moving );

	const save = async () => {
		const update: SettingsUpdate = {
			response_mode: mode,
			...( protection
				? protectionUpdate( protection, protectionDraft( settings ) )
				: {} ),
		};
		if ( ! overrides.base_url && ! baseUrlLock ) {
			update.base_url = baseUrl.trim();
		}
		// Sent only when changed: the server reads the file on every save of it.
		if (
			! overrides.ca_bundle &&
			caBundle.trim() !== ( settings.ca_bundle ?? '' )
		) {
			update.ca_bundle = caBundle.trim();
		}
		if ( remoteFiles !== ( settings.allow_remote_files === true ) ) {
			update.allow_remote_files = remoteFiles;
		}
		// Like the protection settings, sent only when changed.
		if ( reasoning !== ( settings.show_reasoning === true ) ) {
			update.show_reasoning = reasoning;
		}
		if ( keyEditable && apiKey.trim() !== '' ) {
			update.api_key = apiKey.trim();
		}
		setBusy( 'save' );
		setSaved( null );
		try {
			const next = await saveSettings( update );
			applyAll( next );
			setSaved(
				next.key_removed
					? {
							status: 'warning',
							text: __(
								'Settings saved. The saved API key was removed: the base URL now points to another server, and a key is only sent to the server it was entered for. Enter the key for the new server.',
								'dify-chatbot'
							),
						}
					: {
							status: 'success',
							text: __( 'Settings saved.', 'dify-chatbot' ),
						}
			);
		} catch ( error ) {
			setSaved( {
				status: 'error',
				text: errorMessage(
					error,
					__( 'The settings could not be saved.', 'dify-chatbot' )
				),
			} );
		} finally {
			setBusy( null );
		}
	};

	const remove = async () => {
		setBusy( 'remove' );
		setSaved( null );
		try {
			// Only the key changes: unsaved edits of the other fields stay as typed.
			setSettings( await saveSettings( { remove_api_key: true } ) );
			setApiKey( '' );
			setReplacing( false );
			setSaved( {
				status: 'success',
				text: __(
					'The API key was removed. Visitors cannot chat until a new key is saved.',
					'dify-chatbot'
				),
			} );
		} catch ( error ) {
			setSaved( {
				status: 'error',
				text: errorMessage(
					error,
					__( 'The key could not be removed.', 'dify-chatbot' )
				),
			} );
		} finally {
			setBusy( null );
		}
	};

	const test = async () => {
		setBusy( 'test' );
		setTested( null );
		try {
			setTested( testResult( await testConnection() ) );
		} catch ( error ) {
			setTested( {
				status: 'error',
				text: errorMessage(
					error,
					__( 'The connection could not be tested.', 'dify-chatbot' )
				),
			} );
		} finally {
			setBusy( null );
		}
	};

	return (
		<>
			<form
				className="dify-chatbot-settings"
				noValidate // The server explains a wrong URL better than the browser.
				onSubmit={ ( event ) => {
					event.preventDefault();
					if ( ! busy ) {
						save();
					}
				} }
			>
				<NetworkNotice sources={ settings.sources } />
				<TextControl
					__next40pxDefaultSize
					__nextHasNoMarginBottom
					label={ __( 'API base URL', 'dify-chatbot' ) }
					type="url"
					value={
						overrides.base_url
							? ( settings.effective?.base_url ?? baseUrl )
							: baseUrl
					}
					placeholder={ settings.defaults.base_url }
					readOnly={ !! overrides.base_url || !! baseUrlLock }
					onChange={ ( value: string ) => setBaseUrl( value ) }
					help={
						( overrides.base_url &&
							overrideNote(
								'DIFY_CHATBOT_BASE_URL',
								overrides.base_url
							) ) ||
						baseUrlLock ||
						__(
							'Dify Cloud: https://api.dify.ai/v1. Self-hosted Dify: your server’s address followed by /v1.',
							'dify-chatbot'
						)
					}
				/>
				{ moving && (
					<Notice
						status="warning"
						isDismissible={ false }
						className="dify-chatbot-settings__moving"
					>
						{ sprintf(
							/* translators: 1: the server the key was entered for, 2: the server of the new base URL. */
							__(
								'The saved API key was entered for %1$s. Saving this base URL removes it, because a key is only ever sent to the server it was entered for: enter the key for %2$s below.',
								'dify-chatbot'
							),
							keyOrigin,
							typedOrigin
						) }
					</Notice>
				) }

				<ApiKey
					settings={ settings }
					value={ apiKey }
					onChange={ setApiKey }
					replacing={ replacing }
					moving={ moving }
					onReplace={ setReplacing }
					onRemove={ remove }
					busy={ busy !== null }
				/>

				<ResponseModeControl value={ mode } onChange={ setMode } />
				<StreamTest />

				<ReasoningControl
					value={ reasoning }
					onChange={ setReasoning }
				/>

				{ protection && (
					<Protection
						draft={ protection }
						onChange={ setProtection }
						tokensToday={ settings.usage?.tokens_today ?? 0 }
						streamsRunning={ settings.usage?.streams_running ?? 0 }
						callsToday={ settings.usage?.calls_today ?? 0 }
					/>
				) }

				<Advanced
					value={ caBundle }
					onChange={ setCaBundle }
					override={ overrides.ca_bundle ?? null }
					effective={ settings.effective?.ca_bundle ?? '' }
					remoteFiles={ remoteFiles }
					onRemoteFilesChange={ setRemoteFiles }
				/>

				<div className="dify-chatbot-settings__actions">
					<div className="dify-chatbot-settings__buttons">
						<Button
							__next40pxDefaultSize
							variant="primary"
							type="submit"
							isBusy={ busy === 'save' }
							disabled={ busy !== null }
							accessibleWhenDisabled
						>
							{ __( 'Save settings', 'dify-chatbot' ) }
						</Button>
						<Button
							__next40pxDefaultSize
							variant="secondary"
							onClick={ test }
							isBusy={ busy === 'test' }
							disabled={ busy !== null }
							accessibleWhenDisabled
							aria-describedby="dify-chatbot-settings-test-help"
						>
							{ __( 'Test connection', 'dify-chatbot' ) }
						</Button>
					</div>
					<p
						id="dify-chatbot-settings-test-help"
						className="dify-chatbot-settings__help"
					>
						{ __(
							'The test uses the saved settings.',
							'dify-chatbot'
						) }
					</p>

					<Result
						message={ saved }
						onClose={ () => setSaved( null ) }
					/>
					<Result
						message={ tested }
						onClose={ () => setTested( null ) }
					/>
				</div>
			</form>
			{ settings.bots && <Bots initial={ settings.bots } /> }
		</>
	);
}
