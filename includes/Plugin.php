<?php
/**
 * Wires the plugin's parts to WordPress.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot;

/**
 * The one place where parts are created and their hooks added.
 */
final class Plugin {

	/**
	 * Creates every part and lets each add its hooks.
	 */
	public function register(): void {
		foreach ( $this->parts() as $part ) {
			$part->register();
		}
	}

	/**
	 * The parts, built without side effects.
	 *
	 * @return Registrable[]
	 */
	private function parts(): array {
		$renderer = new Frontend\Renderer();
		$settings = Settings\Settings::create();
		$errors   = new Dify\Error_Mapper();
		$counters = new Security\Counter_Store();
		$budget   = new Security\Budget( $counters, $settings->option() );
		$identity = new Security\Visitor_Identity();
		$capacity = new Security\Capacity(
			new Security\Stream_Slots( $counters, $settings->option(), new Security\Client_Ip() ),
			new Security\Daily_Cap( $counters, $settings->option() )
		);
		$cross    = new Security\Cross_Site( Rest\Api::NAMESPACE );
		$guard    = new Security\Visitor_Guard(
			$cross,
			new Security\Chat_Policy( $settings->option() ),
			$budget,
			new Security\Rate_Limiter( $counters, $settings->option(), new Security\Client_Ip() ),
			$identity,
			$capacity
		);
		$visitor  = new Rest\Visitor_Api( $settings, $guard, $identity, $errors );
		$info     = new Dify\App\App_Info( $errors );
		$params   = new Dify\App\App_Parameters( $errors );
		return array(
			new Frontend\Assets(),
			new Frontend\Block( $renderer ),
			new Frontend\Shortcode( $renderer ),
			$settings->option(),
			new Settings\Key_Binding( $settings ),
			new Settings\Settings_Page( $settings ),
			$counters,
			$budget,
			$capacity->slots(),
			$capacity->daily_cap(),
			$guard,
			new Security\Privacy(),
			new Security\Personal_Data( $settings ),
			new Security\Body_Limit( Rest\Api::NAMESPACE ),
			new Security\Cache_Headers( Rest\Api::NAMESPACE ),
			$cross,
			new Rest\Settings_Controller( $settings, $budget, $capacity ),
			new Rest\Stream_Test_Controller(),
			new Rest\Chat_Controller( $visitor, $info, $params ),
			new Rest\Form_Controller( $visitor, $info ),
			new Rest\Parameters_Controller( $visitor, $params, $info ),
			new Rest\Site_Controller( $visitor, $params ),
			new Rest\Message_Controller( $visitor ),
			new Rest\Conversation_Controller( $visitor ),
			new Rest\File_Controller( $visitor, $params ),
			new Rest\Audio_Controller( $visitor, $params ),
			// Settings → Connectors, where WordPress has them (7.0 and newer).
			new Connectors\Dify_Connector( $settings ),
			// `wp dify-chatbot …`: added only inside WP-CLI.
			new Cli\Commands( new Cli\Command( $settings, $budget, $capacity, $info ) ),
		);
	}
}
