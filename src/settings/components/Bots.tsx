/**
 * The settings screen's "Bots" section: every bot the site has (the default one is the one set
 * above), with adding one, changing it, testing its connection and removing it (after a
 * confirmation). A bot defined in wp-config.php is shown, not changed. The key is write-only as
 * for the default bot: the screen only ever sees its last four characters.
 *
 * The section is its own part of the page, outside the default bot's form (forms do not nest):
 * each bot's form saves that bot alone.
 */
import { Button, CheckboxControl, TextControl } from '@wordpress/components';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';

import {
	addBot,
	errorMessage,
	removeBot,
	testBot,
	updateBot,
	type Bot,
	type BotUpdate,
	type ResponseMode,
} from '../api';
import LimitFields, { whole } from './LimitFields';
import ReasoningControl from './ReasoningControl';
import ResponseModeControl from './ResponseModeControl';
import Result, { testResult, type Message } from './Result';

/** A bot's fields as edited (numbers as typed). */
export interface BotDraft {
	slug: string;
	name: string;
	baseUrl: string;
	apiKey: string;
	removeKey: boolean;
	mode: ResponseMode;
	reasoning: boolean;
	visitorMinute: string;
	visitorDay: string;
	ipMinute: string;
	budget: string;
}

/** The limits, and the field each one is. */
const LIMITS = {
	visitorMinute: 'limit_visitor_minute',
	visitorDay: 'limit_visitor_day',
	ipMinute: 'limit_ip_minute',
	budget: 'daily_token_budget',
} as const;

/**
 * The draft of a bot (a new one when none is given: the plugin's default limits).
 *
 * @param bot The bot as the server has it.
 */
export function botDraft( bot?: Bot ): BotDraft {
	return {
		slug: bot?.slug ?? '',
		name: bot?.name ?? '',
		baseUrl: bot?.base_url ?? '',
		apiKey: '',
		removeKey: false,
		mode: bot?.response_mode === 'blocking' ? 'blocking' : 'streaming',
		reasoning: bot?.show_reasoning === true,
		visitorMinute: String( bot?.limit_visitor_minute ?? 10 ),
		visitorDay: String( bot?.limit_visitor_day ?? 200 ),
		ipMinute: String( bot?.limit_ip_minute ?? 30 ),
		budget: String( bot?.daily_token_budget ?? 0 ),
	};
}

/**
 * What a draft sends: everything for a new bot; for a bot being changed only what differs from
 * the server's values (so a save does not overwrite what someone else changed meanwhile). An
 * empty key field keeps the saved key.
 *
 * @param draft The edited values.
 * @param bot   The bot as loaded; none when it is being added.
 */
export function botUpdate( draft: BotDraft, bot?: Bot ): BotUpdate {
	const initial = botDraft( bot );
	const update: BotUpdate = {};
	if ( ! bot ) {
		update.slug = draft.slug.trim();
	}
	if ( ! bot || draft.name.trim() !== initial.name ) {
		update.name = draft.name.trim();
	}
	if ( ! bot || draft.baseUrl.trim() !== initial.baseUrl ) {
		update.base_url = draft.baseUrl.trim();
	}
	if ( draft.apiKey.trim() !== '' ) {
		update.api_key = draft.apiKey.trim();
	} else if ( bot && draft.removeKey ) {
		update.remove_api_key = true;
	}
	if ( ! bot || draft.mode !== initial.mode ) {
		update.response_mode = draft.mode;
	}
	if ( ! bot || draft.reasoning !== initial.reasoning ) {
		update.show_reasoning = draft.reasoning;
	}
	for ( const [ field, name ] of Object.entries( LIMITS ) as Array<
		[ keyof typeof LIMITS, ( typeof LIMITS )[ keyof typeof LIMITS ] ]
	> ) {
		if ( ! bot || draft[ field ].trim() !== initial[ field ] ) {
			update[ name ] = whole( draft[ field ] );
		}
	}
	return update;
}

/**
 * What the screen says of a bot's key.
 *
 * @param bot The bot.
 */
function keyNote( bot: Bot ): string {
	if ( ! bot.api_key_last4 ) {
		return __( 'No API key', 'dify-chatbot' );
	}
	return sprintf(
		/* translators: %s: the last four characters of an API key. */
		__( 'API key ending in %s', 'dify-chatbot' ),
		bot.api_key_last4
	);
}

/**
 * The id of a bot's heading (focused after it was added or changed).
 * @param slug
 */
function headingId( slug: string ): string {
	return `dify-chatbot-bot-${ slug }`;
}

function BotForm( {
	bot,
	busy,
	onSubmit,
	onCancel,
}: {
	/** The bot being changed; none when one is added. */
	bot?: Bot;
	busy: boolean;
	onSubmit: ( update: BotUpdate ) => void;
	onCancel: () => void;
} ) {
	const [ draft, setDraft ] = useState( () => botDraft( bot ) );
	const first = useRef< HTMLDivElement >( null );
	const set = ( patch: Partial< BotDraft > ) =>
		setDraft( ( current ) => ( { ...current, ...patch } ) );

	// The form opened: the keyboard goes to its first field.
	useEffect( () => {
		first.current?.querySelector( 'input' )?.focus();
	}, [] );

	const title = bot
		? sprintf(
				/* translators: %s: a bot's name. */
				__( 'Change “%s”', 'dify-chatbot' ),
				bot.name
			)
		: __( 'New bot', 'dify-chatbot' );

	return (
		<form
			className="dify-chatbot-settings__bot-form"
			aria-label={ title }
			noValidate // The server explains a wrong value better than the browser.
			onSubmit={ ( event ) => {
				event.preventDefault();
				if ( ! busy ) {
					onSubmit( botUpdate( draft, bot ) );
				}
			} }
		>
			<fieldset className="dify-chatbot-settings__group">
				<legend className="dify-chatbot-settings__legend">
					{ title }
				</legend>
				<div ref={ first }>
					<TextControl
						__next40pxDefaultSize
						__nextHasNoMarginBottom
						label={ __( 'Name', 'dify-chatbot' ) }
						value={ draft.name }
						onChange={ ( value: string ) => set( { name: value } ) }
						help={ __(
							'Shown to editors when they pick the bot of a chat.',
							'dify-chatbot'
						) }
					/>
				</div>
				{ ! bot && (
					<TextControl
						__next40pxDefaultSize
						__nextHasNoMarginBottom
						label={ __( 'Slug', 'dify-chatbot' ) }
						value={ draft.slug }
						onChange={ ( value: string ) => set( { slug: value } ) }
						help={ __(
							'Lower-case letters, digits, hyphens and underscores; it cannot be changed later. The shortcode names the bot with it: [dify_chatbot bot="support"].',
							'dify-chatbot'
						) }
					/>
				) }
				<TextControl
					__next40pxDefaultSize
					__nextHasNoMarginBottom
					label={ __( 'API base URL', 'dify-chatbot' ) }
					type="url"
					value={ draft.baseUrl }
					placeholder="https://api.dify.ai/v1"
					onChange={ ( value: string ) => set( { baseUrl: value } ) }
					help={ __(
						'Dify Cloud: https://api.dify.ai/v1. Self-hosted Dify: your server’s address followed by /v1.',
						'dify-chatbot'
					) }
				/>
				<TextControl
					__next40pxDefaultSize
					__nextHasNoMarginBottom
					label={ __( 'API key', 'dify-chatbot' ) }
					type="password"
					autoComplete="off"
					value={ draft.apiKey }
					onChange={ ( value: string ) => set( { apiKey: value } ) }
					help={
						bot?.api_key_last4
							? sprintf(
									/* translators: %s: the last four characters of the saved API key. */
									__(
										'The saved key ends in %s and is never shown. Leave this empty to keep it.',
										'dify-chatbot'
									),
									bot.api_key_last4
								)
							: __(
									'The key of the bot’s Dify app (app-…). It is stored encrypted and never shown again.',
									'dify-chatbot'
								)
					}
				/>
				{ bot?.api_key_last4 && (
					<CheckboxControl
						__nextHasNoMarginBottom
						label={ __( 'Remove the saved key', 'dify-chatbot' ) }
						checked={ draft.removeKey }
						onChange={ ( removeKey: boolean ) =>
							set( { removeKey } )
						}
					/>
				) }
				<ResponseModeControl
					value={ draft.mode }
					onChange={ ( mode ) => set( { mode } ) }
				/>
				<ReasoningControl
					value={ draft.reasoning }
					onChange={ ( reasoning ) => set( { reasoning } ) }
				/>
				<LimitFields
					values={ draft }
					onChange={ set }
					budgetHelp={ __(
						'Tokens this bot may use per day (site time zone); 0 means no budget.',
						'dify-chatbot'
					) }
				/>
				<div className="dify-chatbot-settings__buttons">
					<Button
						__next40pxDefaultSize
						variant="primary"
						type="submit"
						isBusy={ busy }
						disabled={ busy }
						accessibleWhenDisabled
					>
						{ bot
							? __( 'Save bot', 'dify-chatbot' )
							: __( 'Add bot', 'dify-chatbot' ) }
					</Button>
					<Button
						__next40pxDefaultSize
						variant="tertiary"
						onClick={ onCancel }
						disabled={ busy }
						accessibleWhenDisabled
					>
						{ __( 'Cancel', 'dify-chatbot' ) }
					</Button>
				</div>
			</fieldset>
		</form>
	);
}

export default function Bots( { initial }: { initial: Bot[] } ) {
	const [ bots, setBots ] = useState( initial );
	// What is open: the form of a new bot, of a bot being changed, or a removal to confirm.
	const [ open, setOpen ] = useState<
		| null
		| { kind: 'add' }
		| { kind: 'edit'; slug: string }
		| { kind: 'remove'; slug: string }
	>( null );
	const [ busy, setBusy ] = useState< string | null >( null );
	const [ message, setMessage ] = useState< Message | null >( null );
	const [ tests, setTests ] = useState< Record< string, Message > >( {} );
	// Where the keyboard goes once the list changed: a bot's heading, the section's, a button.
	const [ focus, setFocus ] = useState< string | null >( null );
	const section = useRef< HTMLElement >( null );

	useEffect( () => {
		if ( focus ) {
			section.current
				?.querySelector< HTMLElement >( `[data-focus="${ focus }"]` )
				?.focus();
			setFocus( null );
		}
	}, [ focus ] );

	const failed = ( error: unknown, fallback: string ) =>
		setMessage( {
			status: 'error',
			text: errorMessage( error, fallback ),
		} );

	const add = async ( update: BotUpdate ) => {
		setBusy( 'add' );
		setMessage( null );
		try {
			const bot = await addBot( update );
			setBots( ( list ) => [ ...list, bot ] );
			setOpen( null );
			setMessage( {
				status: 'success',
				text: sprintf(
					/* translators: %s: a bot's name. */
					__( 'Bot “%s” added.', 'dify-chatbot' ),
					bot.name
				),
			} );
			setFocus( headingId( bot.slug ) );
		} catch ( error ) {
			failed(
				error,
				__( 'The bot could not be added.', 'dify-chatbot' )
			);
		} finally {
			setBusy( null );
		}
	};

	const save = async ( slug: string, update: BotUpdate ) => {
		setBusy( slug );
		setMessage( null );
		try {
			const bot = await updateBot( slug, update );
			setBots( ( list ) =>
				list.map( ( item ) => ( item.slug === slug ? bot : item ) )
			);
			setOpen( null );
			setMessage( {
				status: 'success',
				text: sprintf(
					/* translators: %s: a bot's name. */
					__( 'Bot “%s” saved.', 'dify-chatbot' ),
					bot.name
				),
			} );
			setFocus( headingId( slug ) );
		} catch ( error ) {
			failed(
				error,
				__( 'The bot could not be saved.', 'dify-chatbot' )
			);
		} finally {
			setBusy( null );
		}
	};

	const remove = async ( bot: Bot ) => {
		setBusy( bot.slug );
		setMessage( null );
		try {
			await removeBot( bot.slug );
			setBots( ( list ) =>
				list.filter( ( item ) => item.slug !== bot.slug )
			);
			setOpen( null );
			setMessage( {
				status: 'success',
				text: sprintf(
					/* translators: %s: a bot's name. */
					__( 'Bot “%s” removed.', 'dify-chatbot' ),
					bot.name
				),
			} );
			setFocus( 'bots' );
		} catch ( error ) {
			failed(
				error,
				__( 'The bot could not be removed.', 'dify-chatbot' )
			);
		} finally {
			setBusy( null );
		}
	};

	const test = async ( slug: string ) => {
		setBusy( slug );
		setTests( ( all ) => {
			const { [ slug ]: _, ...rest } = all;
			return rest;
		} );
		let result: Message;
		try {
			result = testResult( await testBot( slug ) );
		} catch ( error ) {
			result = {
				status: 'error',
				text: errorMessage(
					error,
					__( 'The connection could not be tested.', 'dify-chatbot' )
				),
			};
		}
		setTests( ( all ) => ( { ...all, [ slug ]: result } ) );
		setBusy( null );
	};

	return (
		<section
			ref={ section }
			className="dify-chatbot-settings dify-chatbot-settings__bots"
			aria-labelledby="dify-chatbot-bots-title"
		>
			<h2 id="dify-chatbot-bots-title" tabIndex={ -1 } data-focus="bots">
				{ __( 'Bots', 'dify-chatbot' ) }
			</h2>
			<p className="dify-chatbot-settings__help">
				{ __(
					'Each bot is a Dify app with its own key, response mode, limits and budget. A chat block picks its bot in the block’s settings; the shortcode names it with bot="slug". Chats that name no bot use the default bot, set above.',
					'dify-chatbot'
				) }
			</p>
			<ul className="dify-chatbot-settings__bot-list">
				{ bots.map( ( bot ) => {
					const id = headingId( bot.slug );
					const mine = busy === bot.slug;
					return (
						<li
							key={ bot.slug }
							className="dify-chatbot-settings__bot"
							aria-labelledby={ id }
						>
							<h3
								id={ id }
								tabIndex={ -1 }
								data-focus={ id }
								className="dify-chatbot-settings__bot-name"
							>
								{ bot.name }
							</h3>
							<p className="dify-chatbot-settings__text">
								{ sprintf(
									/* translators: 1: a bot's slug, 2: its API base URL, 3: what is known of its key. */
									__(
										'Slug: %1$s · %2$s · %3$s',
										'dify-chatbot'
									),
									bot.slug,
									bot.base_url ||
										__( 'No base URL', 'dify-chatbot' ),
									keyNote( bot )
								) }
							</p>
							{ bot.default && (
								<p className="dify-chatbot-settings__help">
									{ __(
										'The default bot: its settings are the ones above. It cannot be removed.',
										'dify-chatbot'
									) }
								</p>
							) }
							{ bot.read_only && (
								<p className="dify-chatbot-settings__help">
									{ __(
										'Defined in wp-config.php (DIFY_CHATBOT_BOTS), so it cannot be changed or removed here. Change it there.',
										'dify-chatbot'
									) }
								</p>
							) }
							{ ! bot.default && (
								<div className="dify-chatbot-settings__buttons">
									{ ! bot.read_only && (
										<Button
											__next40pxDefaultSize
											variant="secondary"
											onClick={ () =>
												setOpen( {
													kind: 'edit',
													slug: bot.slug,
												} )
											}
											disabled={ busy !== null }
											accessibleWhenDisabled
											aria-describedby={ id }
										>
											{ __( 'Change', 'dify-chatbot' ) }
										</Button>
									) }
									<Button
										__next40pxDefaultSize
										variant="secondary"
										onClick={ () => test( bot.slug ) }
										isBusy={ mine && open === null }
										disabled={ busy !== null }
										accessibleWhenDisabled
										aria-describedby={ id }
									>
										{ __(
											'Test connection',
											'dify-chatbot'
										) }
									</Button>
									{ ! bot.read_only && (
										<Button
											__next40pxDefaultSize
											variant="secondary"
											isDestructive
											onClick={ () => {
												setOpen( {
													kind: 'remove',
													slug: bot.slug,
												} );
												// The safe choice has the keyboard.
												setFocus( `${ id }-cancel` );
											} }
											disabled={ busy !== null }
											accessibleWhenDisabled
											aria-describedby={ id }
										>
											{ __( 'Remove', 'dify-chatbot' ) }
										</Button>
									) }
								</div>
							) }
							{ open?.kind === 'remove' &&
								open.slug === bot.slug && (
									<div
										className="dify-chatbot-settings__confirm"
										role="group"
										aria-labelledby={ `${ id }-confirm` }
									>
										<p
											id={ `${ id }-confirm` }
											className="dify-chatbot-settings__text"
										>
											{ sprintf(
												/* translators: %s: a bot's name. */
												__(
													'Remove “%s”? Its key goes too, and chats that name it stop working.',
													'dify-chatbot'
												),
												bot.name
											) }
										</p>
										<div className="dify-chatbot-settings__buttons">
											<Button
												__next40pxDefaultSize
												variant="primary"
												isDestructive
												isBusy={ mine }
												disabled={ busy !== null }
												accessibleWhenDisabled
												onClick={ () => remove( bot ) }
											>
												{ __(
													'Yes, remove it',
													'dify-chatbot'
												) }
											</Button>
											<Button
												__next40pxDefaultSize
												variant="tertiary"
												disabled={ busy !== null }
												accessibleWhenDisabled
												onClick={ () => {
													setOpen( null );
													setFocus( id );
												} }
												data-focus={ `${ id }-cancel` }
											>
												{ __(
													'Cancel',
													'dify-chatbot'
												) }
											</Button>
										</div>
									</div>
								) }
							{ open?.kind === 'edit' &&
								open.slug === bot.slug && (
									<BotForm
										bot={ bot }
										busy={ mine }
										onSubmit={ ( update ) =>
											save( bot.slug, update )
										}
										onCancel={ () => {
											setOpen( null );
											setFocus( id );
										} }
									/>
								) }
							<Result
								message={ tests[ bot.slug ] ?? null }
								onClose={ () =>
									setTests( ( all ) => {
										const { [ bot.slug ]: _, ...rest } =
											all;
										return rest;
									} )
								}
							/>
						</li>
					);
				} ) }
			</ul>
			{ open?.kind === 'add' ? (
				<BotForm
					busy={ busy === 'add' }
					onSubmit={ add }
					onCancel={ () => {
						setOpen( null );
						setFocus( 'add' );
					} }
				/>
			) : (
				<div className="dify-chatbot-settings__buttons">
					<Button
						__next40pxDefaultSize
						variant="secondary"
						onClick={ () => {
							setMessage( null );
							setOpen( { kind: 'add' } );
						} }
						disabled={ busy !== null }
						accessibleWhenDisabled
						data-focus="add"
					>
						{ __( 'Add a bot', 'dify-chatbot' ) }
					</Button>
				</div>
			) }
			<Result message={ message } onClose={ () => setMessage( null ) } />
		</section>
	);
}
