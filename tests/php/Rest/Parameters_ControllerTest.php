<?php
/**
 * The visitor's parameters route.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Rest;

use Dify_Chatbot\Dify\App\App_Parameters;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\TestCase;
use WP_REST_Request;
use WP_REST_Response;

require_once dirname( __DIR__ ) . '/Support/Emulator.php';
require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';

final class Parameters_ControllerTest extends TestCase {

	use Emulator;
	use Clean_Environment;

	protected function set_up() {
		parent::set_up();
		$this->clean_environment();
		Settings::create()->keys()->remove();
	}

	protected function tear_down() {
		$this->restore_environment();
		parent::tear_down();
	}

	private function configure( string $key = 'app-emulator', string $base_url = '' ): void {
		$this->require_emulator();
		$settings = Settings::create();
		$settings->option()->update( array( 'base_url' => '' !== $base_url ? $base_url : self::emulator_url() ) );
		$settings->keys()->save( $key );
	}

	private function get(): WP_REST_Response {
		return rest_get_server()->dispatch( new WP_REST_Request( 'GET', '/dify-chatbot/v1/parameters' ) );
	}

	/**
	 * The number of GET /parameters the emulator received after $since.
	 */
	private function upstream_calls( int $since ): int {
		return count(
			array_filter(
				$this->emulator_requests( $since, '/parameters' ),
				static function ( $r ) {
					return 'GET' === $r['method'];
				}
			)
		);
	}

	public function test_no_key_is_503_not_configured(): void {
		$response = $this->get();
		$this->assertSame( 503, $response->get_status() );
		$this->assertSame( 'dify_chatbot_not_configured', $response->get_data()['code'] );
	}

	public function test_a_visitor_gets_the_safe_subset_and_never_the_moderation_settings(): void {
		$this->configure();
		$response = $this->get();
		$this->assertSame( 200, $response->get_status() );
		$data = $response->get_data();

		$this->assertSame(
			array( 'opening_statement', 'suggested_questions', 'suggested_questions_after_answer', 'speech_to_text', 'retriever_resource', 'text_to_speech', 'file_upload', 'user_input_form', 'system_parameters', 'site', 'upload_limit' ),
			array_keys( $data )
		);
		$this->assertSame( wp_max_upload_size(), $data['upload_limit'] );
		$this->assertStringStartsWith( 'Hello! I am the Dify emulator.', $data['opening_statement'] );
		$this->assertSame( array( 'What can you do?', 'Show me a table', 'Write some code' ), $data['suggested_questions'] );
		$this->assertSame( array( 'enabled' => true ), $data['suggested_questions_after_answer'] );
		$this->assertSame( array( 'enabled' => true ), $data['speech_to_text'] );
		$this->assertSame( array( 'enabled' => true ), $data['retriever_resource'] );
		$this->assertSame(
			array(
				'enabled'  => true,
				'autoPlay' => 'disabled',
			),
			$data['text_to_speech']
		);
		$this->assertTrue( $data['file_upload']['enabled'] );
		$this->assertSame( 3, $data['file_upload']['number_limits'] );
		$this->assertSame( 10, $data['system_parameters']['image_file_size_limit'] );
		$this->assertSame( array( 'text-input', 'paragraph', 'select', 'number', 'checkbox', 'file' ), array_map( 'key', $data['user_input_form'] ) );
		$this->assertSame( array( 'friendly', 'formal', 'pirate' ), $data['user_input_form'][2]['select']['options'] );

		$json = (string) wp_json_encode( $data );
		$this->assertArrayNotHasKey( 'sensitive_word_avoidance', $data );
		$this->assertArrayNotHasKey( 'annotation_reply', $data );
		$this->assertStringNotContainsString( 'EMULATOR-MODERATION-SECRET', $json );
		$this->assertStringNotContainsString( 'emulator-secret-extension-id-0001', $json );
		$this->assertStringNotContainsString( 'emulator-blocked-word', $json );
		$this->assertStringNotContainsString( 'app-emulator', $json );
		// The voice and language are Dify's business, not the browser's.
		$this->assertStringNotContainsString( 'alloy', $json );
	}

	public function test_an_app_without_features_gets_empty_values(): void {
		$this->configure( 'app-emulator-plain' );
		$data = $this->get()->get_data();
		$this->assertSame( '', $data['opening_statement'] );
		$this->assertSame( array(), $data['suggested_questions'] );
		$this->assertFalse( $data['suggested_questions_after_answer']['enabled'] );
		$this->assertFalse( $data['speech_to_text']['enabled'] );
		$this->assertFalse( $data['text_to_speech']['enabled'] );
		$this->assertFalse( $data['retriever_resource']['enabled'] );
		$this->assertSame( array(), $data['user_input_form'] );
	}

	public function test_the_answer_is_cached_per_base_url_and_key(): void {
		$this->configure();
		$since = $this->emulator_last_seq();
		$first = $this->get()->get_data();
		$this->assertSame( $first, $this->get()->get_data() );
		$this->assertSame( 1, $this->upstream_calls( $since ), 'The second visitor is answered from the cache.' );

		// Another key is another app: asked afresh.
		Settings::create()->keys()->save( 'app-emulator-plain' );
		$since = $this->emulator_last_seq();
		$this->assertSame( '', $this->get()->get_data()['opening_statement'] );
		$this->assertSame( 1, $this->upstream_calls( $since ) );
	}

	public function test_dify_errors_are_mapped_and_remembered_only_briefly(): void {
		$this->configure( 'app-emulator-disabled' );
		$since    = $this->emulator_last_seq();
		$response = $this->get();
		$this->assertSame( 503, $response->get_status() );
		$data = $response->get_data();
		$this->assertStringStartsWith( 'dify_chatbot_', $data['code'] );
		$this->assertStringNotContainsString( 'API service', $data['message'] );
		$this->get();
		$this->assertSame( 1, $this->upstream_calls( $since ), 'A failure is remembered for half a minute, so an outage costs one call, not one per visitor.' );
	}

	public function test_an_unreachable_service_is_a_readable_error(): void {
		$this->configure( 'app-emulator', 'http://127.0.0.1:9/v1' );
		$response = $this->get();
		$this->assertSame( 'dify_chatbot_unreachable', $response->get_data()['code'] );
		$this->assertSame( 503, $response->get_status() );
	}

	public function test_unknown_keys_and_visitor_unfillable_controls_are_dropped(): void {
		$safe = App_Parameters::safe(
			array(
				'opening_statement'        => null,
				'suggested_questions'      => array( 'a', 3, null, 'b' ),
				'sensitive_word_avoidance' => array( 'configs' => array( 'secret' ) ),
				'some_future_feature'      => array( 'token' => 'x' ),
				'text_to_speech'           => array(
					'enabled'  => true,
					'autoPlay' => 'enabled',
					'voice'    => 'v',
				),
				'user_input_form'          => array(
					array(
						'external_data_tool' => array(
							'variable'               => 'ext',
							'api_based_extension_id' => 'secret-id',
						),
					),
					array(
						'text-input' => array(
							'variable' => 'name',
							'label'    => 'Name',
							'config'   => array( 'secret' => 1 ),
						),
					),
					'garbage',
				),
			)
		);
		$this->assertSame( '', $safe['opening_statement'] );
		$this->assertSame( array( 'a', 'b' ), $safe['suggested_questions'] );
		$this->assertArrayNotHasKey( 'sensitive_word_avoidance', $safe );
		$this->assertArrayNotHasKey( 'some_future_feature', $safe );
		$this->assertSame(
			array(
				'enabled'  => true,
				'autoPlay' => 'enabled',
			),
			$safe['text_to_speech']
		);
		$this->assertSame(
			array(
				array(
					'text-input' => array(
						'variable' => 'name',
						'label'    => 'Name',
					),
				),
			),
			$safe['user_input_form']
		);
		$this->assertSame( array( 'enabled' => false ), $safe['file_upload'] );
	}

	/**
	 * The form's controls by variable.
	 *
	 * @param WP_REST_Response $response The route's answer.
	 * @return array<string, array<string, mixed>>
	 */
	private function controls( WP_REST_Response $response ): array {
		$controls = array();
		foreach ( $response->get_data()['user_input_form'] as $item ) {
			$control                          = reset( $item );
			$controls[ $control['variable'] ] = $control;
		}
		return $controls;
	}

	public function test_fields_the_site_fills_in_are_hidden_and_their_values_stay_on_the_server(): void {
		$this->configure( 'app-emulator-form' );
		add_filter(
			'dify_chatbot_inputs',
			static function ( $inputs ) {
				return $inputs + array( 'page_title' => 'Secret-ish page title' );
			}
		);
		$response = $this->get();
		remove_all_filters( 'dify_chatbot_inputs' );
		$this->assertSame( 200, $response->get_status() );
		$controls = $this->controls( $response );
		$this->assertTrue( $controls['page_title']['hide'] );
		$this->assertFalse( $controls['name']['hide'] ?? false );
		$this->assertTrue( $controls['name']['required'] );
		$this->assertStringNotContainsString( 'Secret-ish', (string) wp_json_encode( $response->get_data() ) );

		// The cached subset was not changed for the next visitor.
		$this->assertFalse( $this->controls( $this->get() )['page_title']['hide'] ?? false );
	}

	public function test_a_completion_app_s_query_field_is_hidden_it_is_the_chat_message(): void {
		$this->configure( 'app-emulator-completion' );
		$this->assertTrue( $this->controls( $this->get() )['query']['hide'] );
		Settings::create()->keys()->save( 'app-emulator' );
		$this->assertFalse( $this->controls( $this->get() )['name']['hide'] ?? false );
	}

	public function test_post_id_must_be_a_number(): void {
		$this->configure();
		$request = new WP_REST_Request( 'GET', '/dify-chatbot/v1/parameters' );
		$request->set_param( 'post_id', 'home' );
		$response = rest_get_server()->dispatch( $request );
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'rest_invalid_param', $response->get_data()['code'] );
	}

	public function test_the_app_s_branding_comes_with_the_parameters(): void {
		$this->configure();
		$since = $this->emulator_last_seq();
		$this->assertSame(
			array(
				'title'               => 'Emulator Chat',
				'icon'                => array(
					'type'       => 'emoji',
					'emoji'      => '🤖',
					'background' => '#FFEAD5',
				),
				'chat_color_theme'    => '#1C64F2',
				'input_placeholder'   => 'Ask the emulator anything…',
				'custom_disclaimer'   => 'Answers are canned by the Dify emulator. <b>Markup</b> here is text, not HTML.',
				'privacy_policy'      => 'https://example.com/privacy',
				'copyright'           => '© 2026 Dify Emulator',
				'show_workflow_steps' => false,
			),
			$this->get()->get_data()['site']
		);
		$this->get();
		$sites = array_filter(
			$this->emulator_requests( $since, '/site' ),
			static function ( $r ) {
				return 'GET' === $r['method'] && '/v1/site' === $r['path'];
			}
		);
		$this->assertCount( 1, $sites, 'The branding is cached with the parameters: one trip per refresh.' );
	}

	public function test_an_image_icon_from_dify_s_origin_and_the_steps_switch(): void {
		$this->configure( 'app-emulator-chatflow' );
		$site = $this->get()->get_data()['site'];
		$this->assertSame( 'image', $site['icon']['type'] );
		$this->assertStringStartsWith( preg_replace( '#/v1$#', '', self::emulator_url() ) . '/files/', $site['icon']['url'] );
		$this->assertTrue( $site['show_workflow_steps'] );
	}

	public function test_an_app_without_branding_gets_empty_values(): void {
		$this->configure( 'app-emulator-plain' );
		$site = $this->get()->get_data()['site'];
		$this->assertSame( 'Emulator Plain Chat', $site['title'] );
		$this->assertSame( '', $site['chat_color_theme'] );
		$this->assertSame( '', $site['input_placeholder'] );
		$this->assertSame( '', $site['custom_disclaimer'] );
		$this->assertSame( '', $site['privacy_policy'] );
		$this->assertSame( '', $site['copyright'] );
	}

	public function test_the_editor_route_gives_the_branding_to_editors_only(): void {
		$this->configure();
		$request = new WP_REST_Request( 'GET', '/dify-chatbot/v1/site' );
		$this->assertSame( 401, rest_get_server()->dispatch( $request )->get_status() );
		wp_set_current_user( $this->make_user( 'subscriber' ) );
		$this->assertSame( 403, rest_get_server()->dispatch( $request )->get_status() );
		wp_set_current_user( $this->make_user( 'editor' ) );
		$response = rest_get_server()->dispatch( $request );
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( 'Emulator Chat', $response->get_data()['title'] );
		$this->assertStringNotContainsString( 'app-emulator', (string) wp_json_encode( $response->get_data() ) );
	}
}
