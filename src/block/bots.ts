/**
 * The bots a chat block can talk to, for the inspector's "Bot" choice: the editor-only
 * `GET bots` route (slugs and names, never a URL or key). The site's default bot is the empty
 * value, the block attribute's default; when the list cannot be had (an older plugin without
 * the route, a failure) the choice offers the default bot only and the block keeps working.
 */
import apiFetch from '@wordpress/api-fetch';
import { __, sprintf } from '@wordpress/i18n';

/** A bot as the inspector lists it. */
export interface BotChoice {
	slug: string;
	name: string;
}

/** The slug the server gives the default bot; the block stores '' for it. */
export const DEFAULT_BOT = 'default';

/**
 * The other bots of a `GET bots` answer (the default one is the empty choice), or none.
 *
 * @param value The answer.
 */
export function parseBots( value: unknown ): BotChoice[] {
	if ( ! Array.isArray( value ) ) {
		return [];
	}
	return value.flatMap( ( item ): BotChoice[] => {
		const slug: unknown = item?.slug;
		const name: unknown = item?.name;
		return typeof slug === 'string' &&
			slug !== '' &&
			slug !== DEFAULT_BOT &&
			typeof name === 'string'
			? [ { slug, name: name.trim() || slug } ]
			: [];
	} );
}

// One request per editor session, shared by every chat block of the post.
let bots: Promise< BotChoice[] > | null = null;

/** The bots to choose from (none besides the default when the route is missing or fails). */
export function loadBots(): Promise< BotChoice[] > {
	bots ??= apiFetch( { path: '/dify-chatbot/v1/bots' } ).then(
		parseBots,
		() => []
	);
	return bots;
}

/** Forgets the loaded list (tests). */
export function resetBots(): void {
	bots = null;
}

/**
 * The SelectControl's options: the default bot first, then the others by the server's order.
 * A bot the block names that is not (or no longer) listed stays choosable as it is, marked, so
 * opening the inspector never changes the block.
 *
 * @param choices The listed bots.
 * @param current The block's `bot`.
 */
export function botOptions(
	choices: BotChoice[],
	current: string
): { label: string; value: string }[] {
	const options = [
		{ label: __( 'Default', 'dify-chatbot' ), value: '' },
		...choices.map( ( bot ) => ( { label: bot.name, value: bot.slug } ) ),
	];
	if ( current && ! choices.some( ( bot ) => bot.slug === current ) ) {
		options.push( {
			/* translators: %s: a bot's slug. */
			label: sprintf( __( '%s (not found)', 'dify-chatbot' ), current ),
			value: current,
		} );
	}
	return options;
}
