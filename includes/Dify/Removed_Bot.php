<?php
/**
 * What the plugin keeps about a bot's app, dropped when the bot is removed.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify;

use Dify_Chatbot\Dify\App\App_Info;
use Dify_Chatbot\Dify\App\App_Parameters;
use Dify_Chatbot\Dify\Forms\Form_Store;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Settings\Settings;

/**
 * A removed bot's cached `/info` and `/parameters` (with `/site`) and its visitors' open Human
 * Input forms go with it, so nothing of its app lingers — nor comes back if a bot of the same
 * slug is added later. Called by the settings route and `wp dify-chatbot bots remove` before
 * Settings\Bots removes the bot and its key (Settings knows nothing of Dify).
 */
final class Removed_Bot {

	/**
	 * Drops what is kept about a bot's app (call before its key is removed).
	 *
	 * @param Settings $bot The bot.
	 */
	public static function clean( Settings $bot ): void {
		( new Form_Store() )->forget_bot( $bot->slug() );
		$key = $bot->api_key();
		if ( null === $key || ! $bot->is_configured() ) {
			return;
		}
		$client = new Client( $bot->base_url(), $key, null, $bot->slug() );
		App_Info::forget( $client );
		App_Parameters::forget( $client );
	}
}
