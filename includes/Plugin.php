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
		$policy   = new Security\Chat_Policy( $settings->option() );
		$limiter  = new Security\Rate_Limiter( $counters, $settings->option(), new Security\Client_Ip() );
		$info     = new Dify\App\App_Info( $errors );
		$params   = new Dify\App\App_Parameters( $errors );
		return array(
			new Frontend\Assets(),
			new Frontend\Block( $renderer ),
			new Frontend\Shortcode( $renderer ),
			$settings->option(),
			new Settings\Settings_Page( $settings ),
			$counters,
			$budget,
			new Security\Chat_Guard( $policy, $budget, $limiter ),
			new Security\Visitor_Guard( $policy, $limiter, new Security\Visitor_Identity() ),
			new Security\Privacy(),
			new Security\Body_Limit(),
			new Rest\Settings_Route( $settings, $budget ),
			new Rest\Chat_Route( $settings, new Security\Visitor_Identity(), $errors, $info, $params ),
			new Rest\Parameters_Route( $settings, $errors, $params, $info ),
			new Rest\Message_Route( $settings, new Security\Visitor_Identity(), $errors ),
			new Rest\Conversation_Route( $settings, new Security\Visitor_Identity(), $errors ),
			new Rest\File_Route( $settings, new Security\Visitor_Identity(), $errors, $params ),
			new Rest\Audio_Route( $settings, new Security\Visitor_Identity(), $errors, $params ),
		);
	}
}
