<?php
/**
 * The cached app mode.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\App;

use Dify_Chatbot\Dify\App\App_Cache;
use Dify_Chatbot\Dify\App\App_Info;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\TestCase;

require_once dirname( __DIR__, 2 ) . '/Support/Emulator.php';

final class App_InfoTest extends TestCase {

	use Emulator;

	protected function set_up() {
		parent::set_up();
		$this->require_emulator();
	}

	public function test_the_mode_is_asked_once_and_cached_per_base_url_and_key(): void {
		$info  = new App_Info( new Error_Mapper() );
		$since = $this->emulator_last_seq();

		$this->assertSame( 'agent-chat', $info->mode( new Client( self::emulator_url(), 'app-emulator-agent' ) )->name() );
		$this->assertSame( 'agent-chat', $info->mode( new Client( self::emulator_url(), 'app-emulator-agent' ) )->name() );
		$this->assertSame( 'workflow', $info->mode( new Client( self::emulator_url(), 'app-emulator-workflow' ) )->name() );
		$this->assertCount( 2, $this->emulator_requests( $since, '/info' ) );

		$client = new Client( self::emulator_url(), 'app-emulator-agent' );
		$this->assertIsArray( get_transient( 'dify_chatbot_info_' . $client->fingerprint() ) );
		$this->assertStringNotContainsString( 'app-emulator', $client->fingerprint() );
	}

	public function test_a_wrong_key_is_an_error_and_not_cached(): void {
		$info   = new App_Info( new Error_Mapper() );
		$client = new Client( self::emulator_url(), 'app-wrong' );
		$mode   = $info->mode( $client );
		$this->assertInstanceOf( \WP_Error::class, $mode );
		$this->assertSame( Error_Mapper::NOT_CONFIGURED, $mode->get_error_code() );
		$this->assertFalse( get_transient( 'dify_chatbot_info_' . $client->fingerprint() ) );
	}

	public function test_a_service_without_info_is_taken_for_a_chat_app(): void {
		// The emulator answers unknown routes with an HTML 404, as Flask does.
		$this->assertSame( 'chat', ( new App_Info( new Error_Mapper() ) )->mode( new Client( self::emulator_url() . '/compat', 'app-emulator' ) )->name() );
	}

	public function test_a_cached_mode_the_plugin_cannot_relay_is_asked_again(): void {
		$client = new Client( self::emulator_url(), 'app-emulator-workflow' );
		App_Cache::set(
			App_Info::PREFIX . $client->fingerprint(),
			array(
				'name' => 'Pipeline',
				'mode' => 'rag-pipeline',
			),
			600
		);
		$since = $this->emulator_last_seq();
		$this->assertSame( 'workflow', ( new App_Info( new Error_Mapper() ) )->mode( $client )->name() );
		$this->assertCount( 1, $this->emulator_requests( $since, '/info' ) );
	}
}
