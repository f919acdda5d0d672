<?php
/**
 * The app's cached mode and parameters, read in one query.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\App;

use Dify_Chatbot\Dify\App\App_Cache;
use Dify_Chatbot\Dify\App\App_Info;
use Dify_Chatbot\Dify\App\App_Parameters;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\TestCase;

require_once dirname( __DIR__, 2 ) . '/Support/Emulator.php';

final class App_CacheTest extends TestCase {

	use Emulator;

	protected function set_up() {
		parent::set_up();
		$this->require_emulator();
	}

	/**
	 * Both lookups as a chat message makes them, with their entries cached in the options table
	 * but not yet in memory (as at the start of a request).
	 *
	 * @param bool $prime Whether App_Cache::prime() runs first.
	 * @return string[] The queries of the options table the lookups sent.
	 */
	private function lookups( bool $prime ): array {
		$client = new Client( self::emulator_url(), 'app-emulator' );
		$info   = new App_Info( new Error_Mapper() );
		$params = new App_Parameters( new Error_Mapper() );
		$this->assertSame( 'chat', $info->mode( $client )->name() );
		$this->assertIsArray( $params->get( $client ) );
		wp_cache_flush();

		$since   = $this->emulator_last_seq();
		$queries = array();
		$record  = static function ( $query ) use ( &$queries ) {
			if ( false !== strpos( (string) $query, 'dify_chatbot_' ) ) {
				$queries[] = (string) $query;
			}
			return $query;
		};
		add_filter( 'query', $record );
		try {
			if ( $prime ) {
				App_Cache::prime( $client );
			}
			$this->assertSame( 'chat', $info->mode( $client )->name() );
			$this->assertIsArray( $params->get( $client ) );
		} finally {
			remove_filter( 'query', $record );
		}
		$this->assertSame( array(), $this->emulator_requests( $since, '' ), 'Both came from the cache.' );
		return $queries;
	}

	public function test_without_priming_each_lookup_is_a_query_of_its_own(): void {
		$this->assertCount( 2, $this->lookups( false ) );
	}

	public function test_primed_both_lookups_are_one_query(): void {
		$queries = $this->lookups( true );
		$this->assertCount( 1, $queries );
		$client = new Client( self::emulator_url(), 'app-emulator' );
		foreach ( array_merge( App_Info::cache_options( $client ), App_Parameters::cache_options( $client ) ) as $option ) {
			$this->assertStringContainsString( "'{$option}'", $queries[0] );
		}
	}
}
