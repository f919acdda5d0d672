<?php
/**
 * A part of the plugin that adds its hooks when asked to.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot;

/**
 * Constructors stay free of side effects; hooks are added in register().
 */
interface Registrable {

	/**
	 * Adds the part's hooks.
	 */
	public function register(): void;
}
