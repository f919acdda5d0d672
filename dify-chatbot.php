<?php
/**
 * Plugin Name:       Dify Chatbot
 * Plugin URI:        https://github.com/dify-chatbot/dify-chatbot
 * Description:       Chat with your Dify app on any page. The browser talks only to this site; the API key stays on the server.
 * Version:           0.1.0
 * Requires at least: 6.2
 * Requires PHP:      7.4
 * Author:            Dify Chatbot contributors
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       dify-chatbot
 * Domain Path:       /languages
 *
 * @package Dify_Chatbot
 */

// This file must parse on any PHP, so that an old PHP gets a notice instead of a fatal error:
// everything that needs PHP 7.4 lives under includes/.
if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

define( 'DIFY_CHATBOT_VERSION', '0.1.0' );
define( 'DIFY_CHATBOT_FILE', __FILE__ );
define( 'DIFY_CHATBOT_DIR', __DIR__ );

// WordPress 6.2 is the oldest whose wp-element has createRoot, which the chat, the block and the
// settings screen render with. is_wp_version_compatible() is core's own check: it ignores a
// pre-release suffix, so 6.6-RC3 counts as 6.6 (version_compare() puts it below 6.6).
if ( version_compare( PHP_VERSION, '7.4', '<' ) || ! function_exists( 'is_wp_version_compatible' ) || ! is_wp_version_compatible( '6.2' ) ) {
	add_action(
		'admin_notices',
		function () {
			echo '<div class="notice notice-error"><p>' . esc_html__( 'Dify Chatbot needs PHP 7.4 and WordPress 6.2 or newer. It is installed but does nothing until they are updated.', 'dify-chatbot' ) . '</p></div>';
		}
	);
	return;
}

// Classes live in includes/ by namespace: Dify_Chatbot\Dify\Http\Client -> includes/Dify/Http/Client.php.
// A file OPcache holds is there without asking the file system: is_readable() is a system call per
// class, and a chat message loads some 80 of them (0.7 ms of its time measured on the dev server,
// against 0.05 ms for the OPcache lookups). Without OPcache, or where its API is restricted, the
// file system is asked.
spl_autoload_register(
	function ( $class_name ) {
		static $opcache = null;
		$prefix         = 'Dify_Chatbot\\';
		if ( 0 !== strpos( $class_name, $prefix ) ) {
			return;
		}
		$opcache ??= function_exists( 'opcache_is_script_cached' ) && '' === (string) ini_get( 'opcache.restrict_api' );
		$file      = __DIR__ . '/includes/' . str_replace( '\\', '/', substr( $class_name, strlen( $prefix ) ) ) . '.php';
		if ( ( $opcache && opcache_is_script_cached( $file ) ) || is_readable( $file ) ) {
			require $file;
		}
	}
);

// The rate-limit counters table; also created on a schema version change (Counter_Store::maybe_install).
register_activation_hook( __FILE__, array( 'Dify_Chatbot\\Security\\Counter_Store', 'install' ) );

add_action(
	'plugins_loaded',
	function () {
		( new Dify_Chatbot\Plugin() )->register();
	}
);
