<?php
/**
 * Builds the visitor routes' shared parts the way the plugin does, for tests that call a
 * controller directly (a stream written to memory, a recorded cookie).
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Support;

use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Rest\Api;
use Dify_Chatbot\Rest\Visitor_Api;
use Dify_Chatbot\Security\Budget;
use Dify_Chatbot\Security\Capacity;
use Dify_Chatbot\Security\Chat_Policy;
use Dify_Chatbot\Security\Client_Ip;
use Dify_Chatbot\Security\Cross_Site;
use Dify_Chatbot\Security\Counter_Store;
use Dify_Chatbot\Security\Daily_Cap;
use Dify_Chatbot\Security\Rate_Limiter;
use Dify_Chatbot\Security\Stream_Slots;
use Dify_Chatbot\Security\Visitor_Guard;
use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Usage\Usage_Store;

/**
 * The same wiring as Dify_Chatbot\Plugin: real settings, guard, identity and error mapper.
 */
trait Visitor_Routes {

	/**
	 * The visitor routes' shared parts.
	 *
	 * @param Visitor_Identity|null $identity The identity (by default one that sends no cookie).
	 */
	protected static function visitor_api( ?Visitor_Identity $identity = null ): Visitor_Api {
		$settings = Settings::create();
		$identity = null !== $identity ? $identity : new Visitor_Identity( static function () {} );
		$counters = new Counter_Store();
		$guard    = new Visitor_Guard(
			new Cross_Site( Api::NAMESPACE ),
			new Chat_Policy( $settings->option() ),
			new Budget( new Usage_Store(), $settings->option() ),
			new Rate_Limiter( $counters, $settings->option(), new Client_Ip() ),
			$identity,
			new Capacity( new Stream_Slots( $counters, $settings->option(), new Client_Ip() ), new Daily_Cap( $counters, $settings->option() ) )
		);
		return new Visitor_Api( $settings, $guard, $identity, new Error_Mapper() );
	}
}
