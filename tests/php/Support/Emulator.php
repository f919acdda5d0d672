<?php
/**
 * Access to the project's Dify emulator for the tests that talk to it.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Support;

/**
 * The emulator runs for the test suite (bin/test.sh starts it) at DIFY_EMULATOR_URL, default
 * http://127.0.0.1:8788/v1. When it does not answer, the test fails and says so: these tests
 * are the proof that the relay works against Dify's wire format, so skipping would hide a gap.
 */
trait Emulator {

	/**
	 * The emulator's API base URL.
	 */
	protected static function emulator_url(): string {
		$url = getenv( 'DIFY_EMULATOR_URL' );
		return rtrim( is_string( $url ) && '' !== $url ? $url : 'http://127.0.0.1:8788/v1', '/' );
	}

	/**
	 * The emulator's origin (its /__emulator endpoints live there).
	 */
	protected static function emulator_origin(): string {
		$parts = wp_parse_url( self::emulator_url() );
		return $parts['scheme'] . '://' . $parts['host'] . ( isset( $parts['port'] ) ? ':' . $parts['port'] : '' );
	}

	/**
	 * Fails the test with a clear message when the emulator does not answer.
	 */
	protected function require_emulator(): void {
		$response = wp_remote_get( self::emulator_origin() . '/__emulator/health', array( 'timeout' => 3 ) );
		if ( is_wp_error( $response ) || 200 !== wp_remote_retrieve_response_code( $response ) ) {
			$this->fail(
				'The Dify emulator does not answer at ' . self::emulator_url() . ' (' . ( is_wp_error( $response ) ? $response->get_error_message() : 'HTTP ' . wp_remote_retrieve_response_code( $response ) ) . '). '
				. 'Start it with `DIFY_EMULATOR_PORT=8788 node_modules/.bin/tsx tests/emulator/main.ts &` or run the suites with `npm test`.'
			);
		}
	}

	/**
	 * The emulator's last request number (to look only at later requests).
	 */
	protected function emulator_last_seq(): int {
		$data = $this->emulator_get( '/__emulator/requests?path=__none__' );
		return (int) $data['lastSeq'];
	}

	/**
	 * Requests the emulator received after $since whose path contains $path.
	 *
	 * @param int    $since Request number.
	 * @param string $path  Path fragment.
	 * @return array<int, array<string, mixed>>
	 */
	protected function emulator_requests( int $since, string $path ): array {
		$data = $this->emulator_get( '/__emulator/requests?since=' . $since . '&path=' . rawurlencode( $path ) );
		return $data['requests'];
	}

	/**
	 * GETs one of the emulator's own endpoints.
	 *
	 * @param string $path Path with query.
	 * @return array<string, mixed>
	 */
	private function emulator_get( string $path ): array {
		$response = wp_remote_get( self::emulator_origin() . $path, array( 'timeout' => 5 ) );
		$this->assert_not_wp_error( $response );
		$data = json_decode( wp_remote_retrieve_body( $response ), true );
		$this->assertIsArray( $data, 'The emulator record answered: ' . wp_remote_retrieve_body( $response ) );
		return $data;
	}

	/**
	 * Asserts a value is not a WP_Error (with its message when it is).
	 *
	 * @param mixed $value The value.
	 */
	protected function assert_not_wp_error( $value ): void {
		$this->assertFalse( is_wp_error( $value ), is_wp_error( $value ) ? $value->get_error_message() : '' );
	}
}
