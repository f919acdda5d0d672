<?php
/**
 * The app's cached, browser-safe parameters.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\App;

use Dify_Chatbot\Dify\App\App_Parameters;
use Dify_Chatbot\Dify\App\Failed_Lookup;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\TestCase;

require_once dirname( __DIR__, 2 ) . '/Support/Emulator.php';

final class App_ParametersTest extends TestCase {

	use Emulator;

	public function test_the_upload_settings_are_allow_listed_in_the_modern_shape(): void {
		$safe = App_Parameters::safe(
			array(
				'file_upload' => array(
					'enabled'                     => true,
					'allowed_file_types'          => array( 'image', 3, 'custom' ),
					'allowed_file_extensions'     => array( '.log' ),
					'allowed_file_upload_methods' => array( 'local_file' ),
					'number_limits'               => 2,
					'fileUploadConfig'            => array( 'internal' => 'x' ),
					'image'                       => array( 'detail' => 'high' ),
				),
			)
		);
		$this->assertSame(
			array(
				'enabled'                     => true,
				'allowed_file_types'          => array( 'image', 'custom' ),
				'allowed_file_extensions'     => array( '.log' ),
				'allowed_file_upload_methods' => array( 'local_file' ),
				'number_limits'               => 2,
			),
			$safe['file_upload']
		);
	}

	public function test_the_legacy_image_setting_means_images_only(): void {
		$safe = App_Parameters::safe(
			array(
				'file_upload' => array(
					'image' => array(
						'enabled'          => true,
						'number_limits'    => 4,
						'transfer_methods' => array( 'remote_url', 'local_file' ),
					),
				),
			)
		);
		$this->assertSame( array( 'image' ), $safe['file_upload']['allowed_file_types'] );
		$this->assertSame( array( 'remote_url', 'local_file' ), $safe['file_upload']['allowed_file_upload_methods'] );
		$this->assertSame( 4, $safe['file_upload']['number_limits'] );

		$off = App_Parameters::safe( array( 'file_upload' => array( 'image' => array( 'enabled' => false ) ) ) );
		$this->assertSame( array( 'enabled' => false ), $off['file_upload'] );
	}

	public function test_voice_flags_and_limits_pass_numbers_only(): void {
		$safe = App_Parameters::safe(
			array(
				'speech_to_text'    => array( 'enabled' => true ),
				'text_to_speech'    => array(
					'enabled'  => true,
					'voice'    => 'alloy',
					'autoPlay' => 'enabled',
				),
				'system_parameters' => array(
					'image_file_size_limit' => 10,
					'secret'                => 'x',
				),
			)
		);
		$this->assertSame( array( 'enabled' => true ), $safe['speech_to_text'] );
		$this->assertSame(
			array(
				'enabled'  => true,
				'autoPlay' => 'enabled',
			),
			$safe['text_to_speech']
		);
		$this->assertSame( array( 'image_file_size_limit' => 10 ), $safe['system_parameters'] );
	}

	public function test_one_upstream_call_is_cached_and_shared(): void {
		$this->require_emulator();
		$client     = new Client( self::emulator_url(), 'app-emulator' );
		$parameters = new App_Parameters( new Error_Mapper() );
		$since      = $this->emulator_last_seq();
		$first      = $parameters->get( $client );
		$this->assertIsArray( $first );
		$this->assertSame( $first, ( new App_Parameters( new Error_Mapper() ) )->get( $client ) );
		$this->assertCount( 1, $this->emulator_requests( $since, '/parameters' ) );
	}

	public function test_a_failure_is_an_error_remembered_only_briefly(): void {
		$this->require_emulator();
		$client     = new Client( self::emulator_url(), 'app-emulator-disabled' );
		$parameters = new App_Parameters( new Error_Mapper() );
		$since      = $this->emulator_last_seq();
		$this->assertInstanceOf( \WP_Error::class, $parameters->get( $client ) );
		$this->assertInstanceOf( \WP_Error::class, $parameters->get( $client ) );
		$this->assertCount( 1, $this->emulator_requests( $since, '/parameters' ), 'Remembered for half a minute (Failed_Lookup).' );
		$this->assertFalse( get_transient( 'dify_chatbot_params_' . $client->fingerprint() ), 'Not cached like an answer.' );
		Failed_Lookup::forget( 'parameters', $client );
		$this->assertInstanceOf( \WP_Error::class, $parameters->get( $client ) );
		$this->assertCount( 2, $this->emulator_requests( $since, '/parameters' ) );
	}
}
