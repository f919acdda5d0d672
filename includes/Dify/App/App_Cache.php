<?php
/**
 * What is cached about a bot's app.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\App;

use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Settings\Settings;

/**
 * A removed bot's cached `/info` and `/parameters` (with `/site`) go with it, so nothing of its app
 * lingers for the cache's lifetime.
 */
final class App_Cache {

	/**
	 * Forgets what is cached for a bot's app (call before its key is removed).
	 *
	 * @param Settings $bot The bot.
	 */
	public static function forget( Settings $bot ): void {
		$key = $bot->api_key();
		if ( null === $key || ! $bot->is_configured() ) {
			return;
		}
		$client = new Client( $bot->base_url(), $key, null, $bot->slug() );
		App_Info::forget( $client );
		App_Parameters::forget( $client );
	}
}
