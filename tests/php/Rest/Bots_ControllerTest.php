<?php
/**
 * The administrators' bot routes and the editors' list.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Rest;

use Dify_Chatbot\Settings\Bots;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\TestCase;
use WP_REST_Request;
use WP_REST_Response;

require_once dirname( __DIR__ ) . '/Support/Emulator.php';
require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';

final class Bots_ControllerTest extends TestCase {

	use Emulator;
	use Clean_Environment;

	private const KEY = 'app-emulator-plain';

	private const CONFIG_KEY = 'app-config-secret-key-4321';

	protected function set_up() {
		parent::set_up();
		$this->clean_environment();
		delete_option( Bots::OPTION );
		Settings::create()->keys()->remove();
	}

	protected function tear_down() {
		$this->restore_environment();
		parent::tear_down();
	}

	private function dispatch( string $method, string $route, array $body = array() ): WP_REST_Response {
		$request = new WP_REST_Request( $method, '/dify-chatbot/v1' . $route );
		if ( array() !== $body ) {
			$request->set_header( 'Content-Type', 'application/json' );
			$request->set_body( (string) wp_json_encode( $body ) );
		}
		return rest_get_server()->dispatch( $request );
	}

	private function as_admin(): void {
		wp_set_current_user( $this->make_user( 'administrator' ) );
	}

	private function assertNoKey( WP_REST_Response $response ): void {
		$json = (string) wp_json_encode( $response->get_data() ) . (string) wp_json_encode( $response->get_headers() );
		foreach ( array( self::KEY, self::CONFIG_KEY, 'app-emulator' ) as $key ) {
			$this->assertStringNotContainsString( $key, $json );
		}
	}

	private function add_sales( array $more = array() ): WP_REST_Response {
		return $this->dispatch(
			'POST',
			'/settings/bots',
			$more + array(
				'slug'     => 'sales',
				'name'     => 'Sales',
				'base_url' => self::emulator_url(),
			)
		);
	}

	private function configure_read_only_bot(): void {
		$this->set_environment(
			Bots::CONFIG_NAME,
			(string) wp_json_encode(
				array(
					array(
						'slug'     => 'docs',
						'name'     => 'Docs',
						'base_url' => 'https://docs.example.org/v1',
						'api_key'  => self::CONFIG_KEY,
					),
				)
			)
		);
	}

	public function routes(): array {
		return array(
			'add'    => array( 'POST', '/settings/bots' ),
			'change' => array( 'POST', '/settings/bots/default' ),
			'remove' => array( 'DELETE', '/settings/bots/sales' ),
			'test'   => array( 'POST', '/settings/bots/default/test' ),
		);
	}

	/**
	 * @dataProvider routes
	 */
	public function test_only_administrators_reach_the_admin_routes( string $method, string $route ): void {
		// A valid body: WordPress checks the schema before the permission.
		$body = '/settings/bots' === $route ? array(
			'slug'     => 'sales',
			'name'     => 'Sales',
			'base_url' => 'https://sales.example.org/v1',
		) : array();
		$this->assertSame( 401, $this->dispatch( $method, $route, $body )->get_status() );
		foreach ( array( 'subscriber', 'editor' ) as $role ) {
			wp_set_current_user( $this->make_user( $role ) );
			$this->assertSame( 403, $this->dispatch( $method, $route, $body )->get_status(), $role );
		}
		$this->assertFalse( Bots::create()->exists( 'sales' ) );
	}

	public function test_an_administrator_adds_a_bot_with_its_key_and_gets_201_without_the_key(): void {
		$this->as_admin();
		$response = $this->add_sales(
			array(
				'api_key'            => self::KEY,
				'response_mode'      => 'blocking',
				'show_reasoning'     => true,
				'limit_ip_minute'    => 9,
				'daily_token_budget' => 1234,
			)
		);
		$this->assertSame( 201, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$this->assertSame(
			array(
				'slug'                 => 'sales',
				'name'                 => 'Sales',
				'default'              => false,
				'read_only'            => false,
				'base_url'             => self::emulator_url(),
				'response_mode'        => 'blocking',
				'show_reasoning'       => true,
				'limit_visitor_minute' => 10,
				'limit_visitor_day'    => 200,
				'limit_ip_minute'      => 9,
				'daily_token_budget'   => 1234,
				'configured'           => true,
				'api_key_last4'        => 'lain',
				'sources'              => array(
					'base_url' => null,
					'api_key'  => null,
				),
			),
			$response->get_data()
		);
		$this->assertNoKey( $response );
		$this->assertSame( self::KEY, Bots::create()->get( 'sales' )->api_key() );
	}

	public function test_what_adding_refuses_is_a_readable_400(): void {
		$this->as_admin();
		$this->assertSame( 201, $this->add_sales()->get_status() );
		$cases = array(
			'taken'     => array( array(), 'is taken' ),
			'default'   => array( array( 'slug' => 'default' ), 'is taken' ),
			'bad slug'  => array( array( 'slug' => 'Bad Slug' ), 'slug' ),
			'no name'   => array(
				array(
					'slug' => 'x',
					'name' => '',
				),
				'name',
			),
			'bad url'   => array(
				array(
					'slug'     => 'x',
					'base_url' => 'ftp://x',
				),
				'http',
			),
			'bad limit' => array(
				array(
					'slug'            => 'x',
					'limit_ip_minute' => -1,
				),
				'limit_ip_minute',
			),
			'bad key'   => array(
				array(
					'slug'    => 'x',
					'api_key' => 'has space',
				),
				'API key',
			),
		);
		foreach ( $cases as $name => list( $fields, $words ) ) {
			$response = $this->add_sales( $fields );
			$this->assertSame( 400, $response->get_status(), $name );
			$data = $response->get_data();
			$text = $data['message'] . ' ' . (string) wp_json_encode( $data['data']['params'] ?? array() );
			$this->assertStringContainsString( $words, $text, $name );
		}
		$missing = $this->dispatch( 'POST', '/settings/bots', array( 'slug' => 'y' ) );
		$this->assertSame( 400, $missing->get_status() );
		$this->assertSame( 'rest_missing_callback_param', $missing->get_data()['code'] );
	}

	public function test_get_settings_lists_every_bot_default_first_never_a_key(): void {
		$this->as_admin();
		$this->configure_read_only_bot();
		$settings = Settings::create();
		$settings->option()->update( array( 'base_url' => self::emulator_url() ) );
		$settings->save_key( 'app-emulator' );
		$this->assertSame( 201, $this->add_sales( array( 'api_key' => self::KEY ) )->get_status() );

		$response = $this->dispatch( 'GET', '/settings' );
		$this->assertSame( 200, $response->get_status() );
		$data = $response->get_data();
		$this->assertArrayHasKey( 'base_url', $data, 'today\'s fields stay' );
		$this->assertArrayHasKey( 'api_key', $data );
		$this->assertSame( array( 'default', 'docs', 'sales' ), array_column( $data['bots'], 'slug' ) );
		$this->assertSame( array( true, false, false ), array_column( $data['bots'], 'default' ) );
		$this->assertSame( array( false, true, false ), array_column( $data['bots'], 'read_only' ) );
		$this->assertSame( 'Default', $data['bots'][0]['name'] );
		$this->assertSame(
			array(
				'base_url' => 'config',
				'api_key'  => 'config',
			),
			$data['bots'][1]['sources']
		);
		$this->assertSame( '4321', $data['bots'][1]['api_key_last4'] );
		$this->assertTrue( $data['bots'][1]['configured'] );
		$this->assertNoKey( $response );
	}

	public function test_a_bot_is_changed_its_key_replaced_or_removed(): void {
		$this->as_admin();
		$this->add_sales( array( 'api_key' => self::KEY ) );
		$response = $this->dispatch(
			'POST',
			'/settings/bots/sales',
			array(
				'name'              => 'Sales team',
				'limit_visitor_day' => 5,
			)
		);
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( 'Sales team', $response->get_data()['name'] );
		$this->assertSame( 5, $response->get_data()['limit_visitor_day'] );
		$this->assertTrue( $response->get_data()['configured'], 'the key stays' );

		$response = $this->dispatch( 'POST', '/settings/bots/sales', array( 'api_key' => 'app-emulator-agent' ) );
		$this->assertSame( 'gent', $response->get_data()['api_key_last4'] );
		$this->assertNoKey( $response );
		$this->assertStringNotContainsString( 'app-emulator-agent', (string) wp_json_encode( $response->get_data() ) );

		$both = $this->dispatch(
			'POST',
			'/settings/bots/sales',
			array(
				'api_key'        => self::KEY,
				'remove_api_key' => true,
			)
		);
		$this->assertSame( 400, $both->get_status() );

		$response = $this->dispatch( 'POST', '/settings/bots/sales', array( 'remove_api_key' => true ) );
		$this->assertFalse( $response->get_data()['configured'] );
		$this->assertSame( '', $response->get_data()['api_key_last4'] );

		// Another server removes the key, as for the default bot.
		$this->dispatch( 'POST', '/settings/bots/sales', array( 'api_key' => self::KEY ) );
		$moved = $this->dispatch( 'POST', '/settings/bots/sales', array( 'base_url' => 'https://elsewhere.example.org/v1' ) );
		$this->assertFalse( $moved->get_data()['configured'] );
		$this->assertFalse( get_option( 'dify_chatbot_api_key_sales' ) );
	}

	public function test_the_default_bot_is_changed_through_the_same_route(): void {
		$this->as_admin();
		$response = $this->dispatch(
			'POST',
			'/settings/bots/default',
			array(
				'name'           => 'Support',
				'base_url'       => self::emulator_url(),
				'api_key'        => 'app-emulator',
				'response_mode'  => 'blocking',
				'show_reasoning' => true,
			)
		);
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $response->get_data() ) );
		$data = $response->get_data();
		$this->assertSame( 'Support', $data['name'] );
		$this->assertTrue( $data['default'] );
		$this->assertTrue( $data['configured'] );
		$settings = $this->dispatch( 'GET', '/settings' )->get_data();
		$this->assertSame( 'blocking', $settings['response_mode'], 'today\'s option holds it' );
		$this->assertTrue( $settings['show_reasoning'] );
		$this->assertSame( 'Support', $settings['bots'][0]['name'] );
		$this->assertSame( 'app-emulator', Settings::create()->api_key() );
	}

	public function test_deleting_removes_the_bot_and_its_key_but_never_the_default(): void {
		$this->as_admin();
		$this->require_emulator();
		$this->add_sales( array( 'api_key' => self::KEY ) );
		$client = new \Dify_Chatbot\Dify\Http\Client( self::emulator_url(), self::KEY );
		$errors = new \Dify_Chatbot\Dify\Error_Mapper();
		$this->assertIsArray( ( new \Dify_Chatbot\Dify\App\App_Parameters( $errors ) )->get( $client ) );
		$this->assertFalse( is_wp_error( ( new \Dify_Chatbot\Dify\App\App_Info( $errors ) )->mode( $client ) ) );
		$this->assertNotFalse( get_transient( 'dify_chatbot_params_' . $client->fingerprint() ) );
		$this->assertNotFalse( get_transient( 'dify_chatbot_info_' . $client->fingerprint() ) );
		$form     = ( new \Dify_Chatbot\Dify\Forms\Form_Store() )->mint( new \Dify_Chatbot\Dify\Forms\Form_Owner( 'sales', $client->fingerprint(), 'visitor-a' ), 'run-1', 'token-1', array( 'expiration_time' => null ) );
		$response = $this->dispatch( 'DELETE', '/settings/bots/sales' );
		$this->assertSame( 200, $response->get_status() );
		$this->assertNull( ( new \Dify_Chatbot\Dify\Forms\Form_Store() )->find( $form, new \Dify_Chatbot\Dify\Forms\Form_Owner( 'sales', $client->fingerprint(), 'visitor-a' ) ), 'its open forms went with it' );
		$this->assertSame(
			array(
				'deleted' => true,
				'slug'    => 'sales',
			),
			$response->get_data()
		);
		$this->assertFalse( Bots::create()->exists( 'sales' ) );
		$this->assertFalse( get_option( 'dify_chatbot_api_key_sales' ) );
		$this->assertFalse( get_transient( 'dify_chatbot_params_' . $client->fingerprint() ), 'its cached app data went with it' );
		$this->assertFalse( get_transient( 'dify_chatbot_info_' . $client->fingerprint() ) );
		$this->assertSame( 404, $this->dispatch( 'DELETE', '/settings/bots/sales' )->get_status() );
		$default = $this->dispatch( 'DELETE', '/settings/bots/default' );
		$this->assertSame( 400, $default->get_status() );
		$this->assertStringContainsString( 'cannot be removed', $default->get_data()['message'] );
	}

	public function test_unknown_slugs_are_404_and_read_only_bots_403(): void {
		$this->as_admin();
		$this->configure_read_only_bot();
		foreach ( array( array( 'POST', '/settings/bots/nope' ), array( 'DELETE', '/settings/bots/nope' ), array( 'POST', '/settings/bots/nope/test' ) ) as list( $method, $route ) ) {
			$response = $this->dispatch( $method, $route );
			$this->assertSame( 404, $response->get_status(), "$method $route" );
			$this->assertStringContainsString( 'There is no bot “nope”', $response->get_data()['message'] );
		}
		foreach ( array( array( 'POST', '/settings/bots/docs', array( 'name' => 'Mine' ) ), array( 'POST', '/settings/bots/docs', array( 'remove_api_key' => true ) ), array( 'DELETE', '/settings/bots/docs', array() ) ) as list( $method, $route, $body ) ) {
			$response = $this->dispatch( $method, $route, $body );
			$this->assertSame( 403, $response->get_status(), "$method $route" );
			$this->assertSame( 'dify_chatbot_bot_read_only', $response->get_data()['code'] );
			$this->assertStringContainsString( 'DIFY_CHATBOT_BOTS', $response->get_data()['message'] );
			$this->assertNoKey( $response );
		}
		$this->assertSame( 'Docs', Bots::create()->get( 'docs' )->name() );
	}

	public function test_each_bot_has_its_connection_test(): void {
		$this->as_admin();
		$this->require_emulator();
		$this->add_sales( array( 'api_key' => self::KEY ) );
		$since    = $this->emulator_last_seq();
		$response = $this->dispatch( 'POST', '/settings/bots/sales/test' );
		$this->assertSame( 200, $response->get_status() );
		$this->assertTrue( $response->get_data()['ok'], (string) wp_json_encode( $response->get_data() ) );
		$this->assertSame( 'Emulator Plain Chat', $response->get_data()['app']['name'] );
		$this->assertSame( self::KEY, $this->emulator_requests( $since, '/info' )[0]['appKey'] );
		$this->assertNoKey( $response );

		$default = $this->dispatch( 'POST', '/settings/bots/default/test' )->get_data();
		$this->assertFalse( $default['ok'], 'the default bot has no key' );
		$this->assertSame( array_keys( $default ), array_keys( $this->dispatch( 'POST', '/settings/test' )->get_data() ), 'the same answer shape' );
	}

	public function test_editors_list_the_bots_by_name_without_urls_or_keys(): void {
		$this->configure_read_only_bot();
		Bots::create()->add(
			array(
				'slug'     => 'sales',
				'name'     => 'Sales',
				'base_url' => 'https://sales.example.org/v1',
			)
		);
		$this->assertSame( 401, $this->dispatch( 'GET', '/bots' )->get_status() );
		wp_set_current_user( $this->make_user( 'subscriber' ) );
		$this->assertSame( 403, $this->dispatch( 'GET', '/bots' )->get_status() );
		wp_set_current_user( $this->make_user( 'editor' ) );
		$response = $this->dispatch( 'GET', '/bots' );
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame(
			array(
				array(
					'slug' => 'default',
					'name' => 'Default',
				),
				array(
					'slug' => 'docs',
					'name' => 'Docs',
				),
				array(
					'slug' => 'sales',
					'name' => 'Sales',
				),
			),
			$response->get_data()
		);
		$this->assertStringNotContainsString( 'example.org', (string) wp_json_encode( $response->get_data() ) );
		$this->assertNoKey( $response );
	}
}
