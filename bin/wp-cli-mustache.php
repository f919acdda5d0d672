<?php
/**
 * Loaded by bin/wp.sh before WP-CLI runs a command (--require); never shipped.
 *
 * WP-CLI 2.11 asks for mustache/mustache 2.14.1, which made it quiet on PHP 8.1+; the Packagist
 * mirror these machines reach serves 2.13.0 only (composer.json aliases it), whose tokenizer
 * passes null to trim() each time WP-CLI renders a command's help, which it does for every
 * command. That one deprecation, from that one library, is dropped, so the site's debug log keeps
 * only real messages (npm test fails on any); every other message goes on to PHP as before.
 *
 * @package Dify_Chatbot
 */

set_error_handler( // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_set_error_handler -- see above.
	static function ( int $errno, string $errstr, string $errfile ): bool {
		return E_DEPRECATED === $errno && false !== strpos( str_replace( '\\', '/', $errfile ), '/vendor/mustache/mustache/' );
	}
);
