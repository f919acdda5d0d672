<?php
/**
 * Keeps DIFY_CHATBOT_* environment overrides out of a test (and puts them back afterwards).
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Support;

/**
 * The tests decide the effective settings themselves; a developer's shell must not.
 */
trait Clean_Environment {

	/**
	 * Environment values before the test.
	 *
	 * @var array<string, string|false>
	 */
	private $saved_environment = array();

	/**
	 * Removes the overrides.
	 */
	protected function clean_environment(): void {
		foreach ( array( 'DIFY_CHATBOT_API_KEY', 'DIFY_CHATBOT_BASE_URL', 'DIFY_CHATBOT_CA_BUNDLE', 'DIFY_CHATBOT_BOTS' ) as $name ) {
			$this->saved_environment[ $name ] = getenv( $name );
			putenv( $name ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.runtime_configuration_putenv -- the overrides under test are environment variables.
		}
	}

	/**
	 * Sets an environment override for this test.
	 *
	 * @param string $name  Variable name.
	 * @param string $value Value.
	 */
	protected function set_environment( string $name, string $value ): void {
		putenv( $name . '=' . $value ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.runtime_configuration_putenv
	}

	/**
	 * Restores the overrides.
	 */
	protected function restore_environment(): void {
		foreach ( $this->saved_environment as $name => $value ) {
			putenv( false === $value ? $name : $name . '=' . $value ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.runtime_configuration_putenv
		}
		$this->saved_environment = array();
	}
}
