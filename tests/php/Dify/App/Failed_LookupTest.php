<?php
/**
 * Failed app lookups are remembered briefly, so an outage cannot hold a worker per request.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\App;

use Dify_Chatbot\Dify\App\App_Info;
use Dify_Chatbot\Dify\App\App_Parameters;
use Dify_Chatbot\Dify\App\Failed_Lookup;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\TestCase;
use WP_Error;

require_once dirname( __DIR__, 2 ) . '/Support/Emulator.php';

final class Failed_LookupTest extends TestCase {

	use Emulator;

	protected function set_up() {
		parent::set_up();
		$this->require_emulator();
	}

	/**
	 * Outgoing requests of this test to a URL (WordPress's own HTTP API hook, nothing replaced).
	 *
	 * @var string[]
	 */
	private array $sent = array();

	private function count_requests(): void {
		add_action(
			'http_api_debug',
			function ( $response, $context, $class, $args, $url ) {
				$this->sent[] = (string) $url;
			},
			10,
			5
		);
	}

	public function test_a_failed_info_is_answered_from_memory_for_half_a_minute(): void {
		$info   = new App_Info( new Error_Mapper() );
		$key    = 'app-wrong-' . strtolower( wp_generate_password( 8, false ) );
		$client = new Client( self::emulator_url(), $key );
		$since  = $this->emulator_last_seq();
		$first  = $info->mode( $client );
		$second = $info->mode( $client );
		$this->assertInstanceOf( WP_Error::class, $first );
		$this->assertInstanceOf( WP_Error::class, $second );
		$this->assertSame( $first->get_error_code(), $second->get_error_code() );
		$this->assertSame( $first->get_error_message(), $second->get_error_message() );
		$this->assertSame( $first->get_error_data(), $second->get_error_data() );
		$mine = array_filter(
			$this->emulator_requests( $since, '/info' ),
			static function ( $r ) use ( $key ) {
				return false !== strpos( (string) ( $r['headers']['authorization'] ?? '' ), $key );
			}
		);
		$this->assertCount( 1, $mine, 'One upstream call for both.' );

		$this->assertSame( 'chat', $info->mode( new Client( self::emulator_url(), 'app-emulator' ) )->name(), 'Another key is asked at once.' );
	}

	public function test_an_unreachable_dify_is_tried_once_per_half_minute(): void {
		$this->count_requests();
		// Port 9 (discard) on the loopback: nothing listens, the connection is refused at once.
		$client = new Client( 'http://127.0.0.1:9/v1', 'app-emulator' );
		$params = new App_Parameters( new Error_Mapper() );
		$this->assertInstanceOf( WP_Error::class, $params->get( $client ) );
		$this->assertInstanceOf( WP_Error::class, $params->get( $client ) );
		$this->assertInstanceOf( WP_Error::class, ( new App_Info( new Error_Mapper() ) )->mode( $client ) );
		$this->assertInstanceOf( WP_Error::class, ( new App_Info( new Error_Mapper() ) )->mode( $client ) );
		$this->assertSame( array( 'http://127.0.0.1:9/v1/parameters', 'http://127.0.0.1:9/v1/info' ), $this->sent );

		$timeout = get_option( '_transient_timeout_dify_chatbot_failed_info_' . $client->fingerprint() );
		if ( false !== $timeout ) {
			$this->assertLessThanOrEqual( time() + Failed_Lookup::FOR_SECONDS, (int) $timeout );
		}
		Failed_Lookup::forget( 'info', $client );
		$this->assertInstanceOf( WP_Error::class, ( new App_Info( new Error_Mapper() ) )->mode( $client ) );
		$this->assertCount( 3, $this->sent, 'Forgotten: asked again.' );
	}
}
