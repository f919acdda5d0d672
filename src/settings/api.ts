/**
 * The settings routes, through @wordpress/api-fetch (it adds the REST nonce and refreshes it).
 */
import apiFetch from '@wordpress/api-fetch';
import { __, sprintf } from '@wordpress/i18n';

export type ResponseMode = 'streaming' | 'blocking';
/** Where an overridden value comes from; null when the screen's value applies. */
export type OverrideSource = null | 'constant' | 'environment';

export interface Settings {
	base_url: string;
	response_mode: ResponseMode;
	api_key: {
		saved: boolean;
		last4: string | null;
		/** Saved but cannot be decrypted any more (the site's salts changed). */
		unreadable: boolean;
		/**
		 * The server (scheme://host[:port]) the key was entered for and is only ever sent to;
		 * '' when unknown (none saved, or saved before keys were bound: then the stored base URL's).
		 */
		origin?: string;
	};
	/** Why a field cannot be changed here (null: it can). */
	locks?: { base_url: string | null };
	/** Whether the site has a secret to encrypt a key with (real salts or its own constant). */
	encryption?: { ready: boolean; message: string };
	/** In the answer to a save: that save removed the key (the base URL moved to another server). */
	key_removed?: boolean;
	/**
	 * Where the default bot's values come from on a multisite network: `network` for a value of
	 * the network's defaults, an override's source for the base URL and key, else null.
	 */
	sources?: Record< string, string | null >;
	overrides: {
		base_url: OverrideSource;
		api_key: OverrideSource;
		ca_bundle?: OverrideSource;
	};
	/** Absolute path of a PEM CA bundle for a self-hosted Dify; '' = default certificates. */
	ca_bundle?: string;
	defaults: { base_url: string };
	/** Abuse protection (0 = off); sent by the server since the rate limits came. */
	limit_visitor_minute?: number;
	limit_visitor_day?: number;
	limit_ip_minute?: number;
	trusted_proxies?: string[];
	daily_token_budget?: number;
	/** `everyone`, `logged_in` or a capability name. */
	who_may_chat?: string;
	/** Visitors may attach files by web address (off by default). */
	allow_remote_files?: boolean;
	/** Whether answers show the model's reasoning (off by default). */
	show_reasoning?: boolean;
	/** Answers at once per visitor, per IP and site-wide; per-IP messages a day; the site's daily cap. */
	streams_visitor?: number;
	streams_ip?: number;
	streams_site?: number;
	limit_ip_day?: number;
	daily_message_cap?: number;
	usage?: {
		tokens_today: number;
		/** Answers being given right now, site-wide. */
		streams_running?: number;
		/** Messages and paid calls counted against today's cap. */
		calls_today?: number;
	};
	/** Every bot, the default one first (sent by the server since there are several). */
	bots?: Bot[];
	/** What is in force, overrides included (sent by the server; optional for the screen). */
	effective?: {
		base_url?: string;
		ca_bundle?: string;
		api_key_last4?: string | null;
		configured?: boolean;
		/** The saved key was entered for another server than the base URL in force. */
		key_elsewhere?: boolean;
	};
}

export interface SettingsUpdate {
	base_url?: string;
	ca_bundle?: string;
	response_mode?: ResponseMode;
	/** A new key; replaces the saved one. */
	api_key?: string;
	remove_api_key?: true;
	/** Numbers, or the text as typed when it is not one (the server explains). */
	limit_visitor_minute?: number | string;
	limit_visitor_day?: number | string;
	limit_ip_minute?: number | string;
	trusted_proxies?: string[];
	daily_token_budget?: number | string;
	who_may_chat?: string;
	streams_visitor?: number | string;
	streams_ip?: number | string;
	streams_site?: number | string;
	limit_ip_day?: number | string;
	daily_message_cap?: number | string;
	allow_remote_files?: boolean;
	show_reasoning?: boolean;
}

export interface ConnectionTest {
	ok: boolean;
	code: string;
	message: string;
	app: { name: string; mode: string; can_chat: boolean } | null;
}

/** Where a bot's value comes from: the screen (null), wp-config.php or the environment. */
export type BotSource = null | 'constant' | 'environment' | 'config';

/** A bot as the settings routes describe it. Never its key: the last four characters only. */
export interface Bot {
	slug: string;
	name: string;
	/** The site's default bot (today's single configuration; cannot be removed). */
	default: boolean;
	/** Defined in wp-config.php (DIFY_CHATBOT_BOTS): shown, not changed here. */
	read_only: boolean;
	base_url: string;
	response_mode: ResponseMode;
	show_reasoning: boolean;
	limit_visitor_minute: number;
	limit_visitor_day: number;
	limit_ip_minute: number;
	daily_token_budget: number;
	/** Whether it has a base URL and a key it can use. */
	configured: boolean;
	/** '' when there is no key. */
	api_key_last4: string;
	sources: { base_url: BotSource; api_key: BotSource };
}

/** What adding or changing a bot sends; numbers, or the text as typed (the server explains). */
export interface BotUpdate {
	slug?: string;
	name?: string;
	base_url?: string;
	api_key?: string;
	remove_api_key?: true;
	response_mode?: ResponseMode;
	show_reasoning?: boolean;
	limit_visitor_minute?: number | string;
	limit_visitor_day?: number | string;
	limit_ip_minute?: number | string;
	daily_token_budget?: number | string;
}

const PATH = '/dify-chatbot/v1/settings';

export function getSettings(): Promise< Settings > {
	return apiFetch< Settings >( { path: PATH } );
}

export function saveSettings( update: SettingsUpdate ): Promise< Settings > {
	return apiFetch< Settings >( { path: PATH, method: 'POST', data: update } );
}

export function testConnection(): Promise< ConnectionTest > {
	return apiFetch< ConnectionTest >( {
		path: `${ PATH }/test`,
		method: 'POST',
		data: {},
	} );
}

/**
 * A bot's route.
 *
 * @param slug The bot's slug.
 */
function botPath( slug: string ): string {
	return `${ PATH }/bots/${ encodeURIComponent( slug ) }`;
}

export function addBot( bot: BotUpdate ): Promise< Bot > {
	return apiFetch< Bot >( {
		path: `${ PATH }/bots`,
		method: 'POST',
		data: bot,
	} );
}

export function updateBot( slug: string, update: BotUpdate ): Promise< Bot > {
	return apiFetch< Bot >( {
		path: botPath( slug ),
		method: 'POST',
		data: update,
	} );
}

export function removeBot( slug: string ): Promise< unknown > {
	return apiFetch( { path: botPath( slug ), method: 'DELETE' } );
}

export function testBot( slug: string ): Promise< ConnectionTest > {
	return apiFetch< ConnectionTest >( {
		path: `${ botPath( slug ) }/test`,
		method: 'POST',
		data: {},
	} );
}

/**
 * A readable message from what apiFetch rejects with: a WP_Error body `{code, message, data}`.
 * For invalid parameters WordPress says only "Invalid parameter(s): base_url"; the useful
 * sentence is in `data.params`, so that is preferred.
 *
 * @param error    The rejection.
 * @param fallback Said when nothing better is known.
 */
export function errorMessage( error: unknown, fallback: string ): string {
	if ( ! error || typeof error !== 'object' ) {
		return fallback;
	}
	const { message, data } = error as { message?: unknown; data?: unknown };
	const params =
		data && typeof data === 'object'
			? ( data as { params?: unknown } ).params
			: undefined;
	if ( params && typeof params === 'object' ) {
		const details = Object.values(
			params as Record< string, unknown >
		).filter(
			( value ): value is string =>
				typeof value === 'string' && value !== ''
		);
		if ( details.length > 0 ) {
			return details.join( ' ' );
		}
	}
	return typeof message === 'string' && message !== '' ? message : fallback;
}

/**
 * The origin (scheme, host, non-default port) of a URL the way the server writes it, '' when the
 * text is not an absolute http(s) URL: a saved key only ever goes to the origin it was entered for.
 *
 * @param url The URL.
 */
export function originOf( url: string ): string {
	try {
		const parsed = new URL( url.trim() );
		return parsed.protocol === 'http:' || parsed.protocol === 'https:'
			? parsed.origin
			: '';
	} catch {
		return '';
	}
}

/**
 * The note for a value set outside the screen.
 *
 * @param name   The constant's / variable's name.
 * @param source Where it is set.
 */
export function overrideNote( name: string, source: OverrideSource ): string {
	if ( source === 'environment' ) {
		return sprintf(
			/* translators: %s: an environment variable's name. */
			__( 'Set by the %s environment variable', 'dify-chatbot' ),
			name
		);
	}
	return sprintf(
		/* translators: %s: a PHP constant's name. */
		__( 'Set by the %s constant', 'dify-chatbot' ),
		name
	);
}
