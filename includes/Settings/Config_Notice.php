<?php
/**
 * Tells the administrator when DIFY_CHATBOT_BOTS was ignored.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Settings;

use Dify_Chatbot\Registrable;

/**
 * Bots defined in wp-config.php with invalid JSON or entries are ignored rather than failing the
 * site; this notice says so to whoever may fix it.
 */
final class Config_Notice implements Registrable {

	/**
	 * The bots.
	 *
	 * @var Bots
	 */
	private Bots $bots;

	/**
	 * Keeps the bots.
	 *
	 * @param Bots $bots The bots.
	 */
	public function __construct( Bots $bots ) {
		$this->bots = $bots;
	}

	/**
	 * Adds the notice.
	 */
	public function register(): void {
		add_action( 'admin_notices', array( $this, 'notice' ) );
	}

	/**
	 * Prints the notice for administrators when there is something to say.
	 */
	public function notice(): void {
		if ( ! current_user_can( 'manage_options' ) ) {
			return;
		}
		foreach ( $this->bots->config_errors() as $error ) {
			printf( '<div class="notice notice-error"><p>%s</p></div>', esc_html( 'Dify Chatbot: ' . $error ) );
		}
	}
}
