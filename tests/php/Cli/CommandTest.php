<?php
/**
 * `wp dify-chatbot status|test|set-key`: each command's success and failure, through WP-CLI's own
 * classes (its logger captures what a terminal would show; its error() throws instead of exiting),
 * and once through the real `wp` binary on the test site.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Cli;

use Dify_Chatbot\Cli\Command;
use Dify_Chatbot\Cli\Commands;
use Dify_Chatbot\Dify\App\App_Info;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Security\Budget;
use Dify_Chatbot\Security\Capacity;
use Dify_Chatbot\Security\Client_Ip;
use Dify_Chatbot\Security\Counter_Store;
use Dify_Chatbot\Security\Daily_Cap;
use Dify_Chatbot\Security\Stream_Slots;
use Dify_Chatbot\Settings\Encryption;
use Dify_Chatbot\Settings\Key_Entry;
use Dify_Chatbot\Settings\Key_Store;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\TestCase;
use Dify_Chatbot\Usage\Usage_Store;
use ReflectionProperty;
use WP_CLI;
use WP_CLI\ExitException;
use WP_CLI\Loggers\Execution;

require_once dirname( __DIR__ ) . '/Support/Emulator.php';
require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';

final class CommandTest extends TestCase {

	use Emulator;
	use Clean_Environment;

	private const KEY = 'app-secret-key-do-not-leak-7788';

	/**
	 * What WP-CLI printed.
	 *
	 * @var Execution
	 */
	private $logger;

	/**
	 * Times the key reader was asked.
	 *
	 * @var int
	 */
	private $reads = 0;

	protected function set_up() {
		parent::set_up();
		$this->clean_environment();
		self::capture_exit( true );
	}

	protected function tear_down() {
		self::capture_exit( false );
		$this->restore_environment();
		parent::tear_down();
	}

	/**
	 * WP-CLI's switch that makes error() throw (WP_CLI::runcommand() flips it the same way).
	 */
	private static function capture_exit( bool $on ): void {
		$property = new ReflectionProperty( WP_CLI::class, 'capture_exit' );
		$property->setAccessible( true );
		$property->setValue( null, $on );
	}

	private function command( ?string $key_on_stdin = null, ?Settings $settings = null ): Command {
		$settings = null !== $settings ? $settings : Settings::create();
		$counters = new Counter_Store();
		return new Command(
			$settings,
			new Budget( new Usage_Store(), $settings->option() ),
			new Capacity( new Stream_Slots( $counters, $settings->option(), new Client_Ip() ), new Daily_Cap( $counters, $settings->option() ) ),
			new App_Info( new Error_Mapper() ),
			function () use ( $key_on_stdin ): string {
				++$this->reads;
				return (string) $key_on_stdin;
			}
		);
	}

	/**
	 * Runs a subcommand; returns its exit code (0, or what error() exits with) and its output.
	 *
	 * @return array{code: int, stdout: string, stderr: string}
	 */
	private function run_command( Command $command, string $method, array $args = array(), array $assoc_args = array() ): array {
		$code         = 0;
		$this->logger = new Execution();
		WP_CLI::set_logger( $this->logger );
		ob_start();
		try {
			$command->$method( $args, $assoc_args );
		} catch ( ExitException $exit ) {
			$code = $exit->getCode();
		}
		$echoed = (string) ob_get_clean();
		return array(
			'code'   => $code,
			'stdout' => $echoed . $this->logger->stdout,
			'stderr' => $this->logger->stderr,
		);
	}

	private function configure( string $key ): void {
		( new Option() )->update( array( 'base_url' => self::emulator_url() ) );
		$this->assertTrue( Settings::create()->save_key( $key ) );
	}

	private function assertNoKey( array $output, string $key ): void {
		$all = $output['stdout'] . $output['stderr'];
		$this->assertStringNotContainsString( $key, $all );
		$this->assertStringNotContainsString( substr( $key, 0, -4 ), $all );
	}

	public function test_status_shows_the_connection_its_sources_the_app_the_limits_and_todays_usage(): void {
		$this->require_emulator();
		$this->configure( 'app-emulator' );
		( new Option() )->update( array( 'daily_message_cap' => 50 ) );
		( new Daily_Cap( new Counter_Store(), new Option() ) )->hit();
		( new Daily_Cap( new Counter_Store(), new Option() ) )->hit();

		// Today's usage of this bot (another bot's and yesterday's rows do not count).
		global $wpdb;
		$wpdb->query( 'DELETE FROM ' . Usage_Store::table() ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.NotPrepared -- the plugin's own table, no input.
		$usage = new Usage_Store();
		$usage->message( 'default', 120, false );
		$usage->message( 'default', 30, true );
		$usage->refusal( 'default', 'rate_limit' );
		$usage->message( 'sales', 999, true );
		$usage->message( 'default', 500, true, 1, time() - 2 * DAY_IN_SECONDS );

		$text = $this->run_command( $this->command(), 'status' );
		$this->assertSame( 0, $text['code'] );
		$this->assertStringContainsString( "  messages: 2\n  tokens: 150\n  answers that ended in an error: 1\n  messages refused (limits, budget, who may chat, caps): 1\n", $text['stdout'] );
		$this->assertStringContainsString( 'Configured: yes', $text['stdout'] );
		$this->assertStringContainsString( 'Base URL: ' . self::emulator_url() . ' (saved in the settings)', $text['stdout'] );
		$this->assertStringContainsString( 'API key: ending in ator (saved in the settings)', $text['stdout'] );
		$this->assertStringContainsString( 'Dify app: “Emulator Chat” (chat)', $text['stdout'] );
		$this->assertStringContainsString( '  daily_message_cap: 50', $text['stdout'] );
		$this->assertMatchesRegularExpression( '/paid calls to Dify [^\n]*: 2\n/', $text['stdout'] );
		$this->assertNoKey( $text, 'app-emulator' );

		$json = $this->run_command( $this->command(), 'status', array(), array( 'format' => 'json' ) );
		$data = json_decode( $json['stdout'], true );
		$this->assertIsArray( $data, $json['stdout'] );
		$this->assertTrue( $data['configured'] );
		$this->assertSame(
			array(
				'value'  => self::emulator_url(),
				'source' => 'option',
			),
			$data['base_url']
		);
		$this->assertSame(
			array(
				'last4'  => 'ator',
				'source' => 'option',
				'usable' => true,
			),
			$data['api_key']
		);
		$this->assertSame( 'chat', $data['app']['mode'] );
		$this->assertSame( 'Emulator Chat', $data['app']['name'] );
		$this->assertSame( 2, $data['usage']['calls_today'] );
		$this->assertSame( 2, $data['usage']['messages_today'] );
		$this->assertSame( 150, $data['usage']['tokens_today'] );
		// The budget reads the usage rows: what it holds against the bot is the day's tokens.
		$this->assertSame( 150, $data['usage']['budget_used'] );
		$this->assertStringNotContainsString( 'daily token budget:', $text['stdout'], 'No budget set.' );
		$this->assertSame( 50, $data['limits']['daily_message_cap'] );
		$this->assertNoKey( $json, 'app-emulator' );

		// With a budget, what it holds against the bot.
		( new Option() )->update( array( 'daily_token_budget' => 1000 ) );
		$budgeted = $this->run_command( $this->command(), 'status' );
		$this->assertStringContainsString( '  daily token budget: 150 of 1000 used', $budgeted['stdout'] );
	}

	public function test_status_names_a_constant_or_environment_source_and_an_unconfigured_site(): void {
		// Port 9 (discard) has no server here: the connection is refused.
		$this->set_environment( 'DIFY_CHATBOT_BASE_URL', 'http://127.0.0.1:9/v1' );
		$this->set_environment( 'DIFY_CHATBOT_API_KEY', self::KEY );
		$data = json_decode( $this->run_command( $this->command(), 'status', array(), array( 'format' => 'json' ) )['stdout'], true );
		$this->assertSame( 'environment', $data['base_url']['source'] );
		$this->assertSame( 'environment', $data['api_key']['source'] );
		$this->assertSame( '7788', $data['api_key']['last4'] );
		// The app is not reached, and status says why in the connection test's words.
		$this->assertNull( $data['app'] );
		$this->assertSame( 'refused', $data['connection']['code'] );
		$this->assertStringContainsString( 'The connection to 127.0.0.1 was refused', $data['connection']['message'] );

		$this->clean_environment();
		$text = $this->run_command( $this->command(), 'status' );
		$this->assertSame( 0, $text['code'], 'status describes a site without a key; it does not fail' );
		$this->assertStringContainsString( 'Configured: no', $text['stdout'] );
		$this->assertStringContainsString( 'API key: none', $text['stdout'] );
		$this->assertStringContainsString( 'Dify app: not reached', $text['stdout'] );
		$this->assertStringContainsString( 'No API key is saved yet.', $text['stdout'] );
	}

	public function test_test_succeeds_with_the_settings_screens_words(): void {
		$this->require_emulator();
		$this->configure( 'app-emulator' );
		$output = $this->run_command( $this->command(), 'test' );
		$this->assertSame( 0, $output['code'] );
		$this->assertSame( "Success: Connected to “Emulator Chat” (chat). Visitors can chat with it.\n", $output['stdout'] );
		$this->assertSame( '', $output['stderr'] );
	}

	public function test_test_fails_with_exit_code_1_and_the_same_diagnosis(): void {
		$this->require_emulator();
		$this->configure( self::KEY );
		$output = $this->run_command( $this->command(), 'test' );
		$this->assertSame( 1, $output['code'] );
		$this->assertStringStartsWith( 'Error: Dify rejected the API key: it is wrong or no longer valid.', $output['stderr'] );
		$this->assertNoKey( $output, self::KEY );

		$this->clean_environment();
		delete_option( Key_Store::OPTION );
		$none = $this->run_command( $this->command(), 'test' );
		$this->assertSame( 1, $none['code'] );
		$this->assertStringContainsString( 'No API key is saved yet.', $none['stderr'] );
	}

	public function test_set_key_saves_the_key_from_standard_input_encrypted_and_bound_to_the_server(): void {
		( new Option() )->update( array( 'base_url' => 'https://dify.example/v1' ) );
		$output = $this->run_command( $this->command( self::KEY . "\n" ), 'set_key' );
		$this->assertSame( 0, $output['code'], $output['stderr'] );
		$this->assertSame( "Success: The API key ending in 7788 is saved, encrypted, for https://dify.example.\n", $output['stdout'] );
		$this->assertNoKey( $output, self::KEY );
		$settings = Settings::create();
		$this->assertSame( self::KEY, $settings->api_key() );
		$this->assertSame( 'https://dify.example', $settings->keys()->origin() );
		$this->assertStringNotContainsString( self::KEY, (string) wp_json_encode( get_option( Key_Store::OPTION ) ) );
		// The binding of the settings screen: another server takes the key away.
		( new Option() )->update( array( 'base_url' => 'https://elsewhere.example/v1' ) );
		$this->assertFalse( Settings::create()->keys()->status()['saved'] );
	}

	public function test_set_key_never_takes_the_key_from_an_argument(): void {
		$output = $this->run_command( $this->command( self::KEY ), 'set_key', array( 'app-typed-on-the-command-line' ) );
		$this->assertSame( 1, $output['code'] );
		$this->assertStringContainsString( 'read from standard input only', $output['stderr'] );
		$this->assertSame( 0, $this->reads, 'nothing is read' );
		$this->assertFalse( get_option( Key_Store::OPTION ) );
	}

	public function test_set_key_refuses_while_the_key_comes_from_a_constant_or_the_environment(): void {
		$this->set_environment( 'DIFY_CHATBOT_API_KEY', 'app-from-the-environment' );
		$output = $this->run_command( $this->command( self::KEY ), 'set_key' );
		$this->assertSame( 1, $output['code'] );
		$this->assertStringContainsString( 'The API key is set by DIFY_CHATBOT_API_KEY (the environment)', $output['stderr'] );
		$this->assertSame( 0, $this->reads );
		$this->assertFalse( get_option( Key_Store::OPTION ) );
	}

	public function test_set_key_refuses_what_the_settings_route_refuses(): void {
		$empty = $this->run_command( $this->command( " \n" ), 'set_key' );
		$this->assertSame( 1, $empty['code'] );
		$this->assertStringContainsString( 'No API key on standard input', $empty['stderr'] );

		$spaced = $this->run_command( $this->command( "app-two words\n" ), 'set_key' );
		$this->assertSame( 1, $spaced['code'] );
		$this->assertSame( 'Error: ' . Key_Entry::check( 'two words' )->get_error_message() . "\n", $spaced['stderr'] );

		$long = $this->run_command( $this->command( str_repeat( 'k', Key_Entry::MAX_LENGTH + 1 ) ), 'set_key' );
		$this->assertSame( 1, $long['code'] );
		$this->assertStringContainsString( 'longer than 512 characters', $long['stderr'] );
		$this->assertFalse( get_option( Key_Store::OPTION ) );

		// A site without a secret of its own (missing or placeholder salts).
		$no_secret = new Settings( new Option(), new Key_Store( new Encryption( '' ) ) );
		$refused   = $this->run_command( $this->command( self::KEY, $no_secret ), 'set_key' );
		$this->assertSame( 1, $refused['code'] );
		$this->assertSame( 'Error: ' . Key_Entry::no_secret_message() . "\n", $refused['stderr'] );
		$this->assertFalse( get_option( Key_Store::OPTION ) );
	}

	public function test_no_command_is_added_outside_wp_cli(): void {
		$this->assertFalse( defined( 'WP_CLI' ), 'PHPUnit is not WP-CLI' );
		$this->assertFalse( Commands::in_wp_cli() );
	}

	public function test_the_real_wp_binary_lists_the_commands_and_refuses_a_key_given_as_an_argument(): void {
		$root = dirname( __DIR__, 3 );
		$wp   = array( PHP_BINARY, $root . '/vendor/wp-cli/wp-cli/php/boot-fs.php', '--path=' . ABSPATH, '--require=' . $root . '/bin/wp-cli-mustache.php', '--allow-root' );

		$usage = self::run_wp( array_merge( $wp, array( 'dify-chatbot' ) ) );
		$this->assertStringContainsString( 'wp dify-chatbot set-key', $usage['out'], $usage['err'] );
		$this->assertStringContainsString( 'wp dify-chatbot status [--format=<format>]', $usage['out'] );
		$this->assertStringContainsString( 'wp dify-chatbot test', $usage['out'] );
		$this->assertStringContainsString( 'wp dify-chatbot usage [--days=<days>] [--bot=<slug>] [--format=<format>]', $usage['out'] );

		$usage_json = self::run_wp( array_merge( $wp, array( 'dify-chatbot', 'usage', '--days=1', '--format=json' ) ) );
		$this->assertSame( 0, $usage_json['code'], $usage_json['err'] );
		$this->assertIsArray( json_decode( $usage_json['out'], true ), $usage_json['out'] );
		$usage_table = self::run_wp( array_merge( $wp, array( 'dify-chatbot', 'usage', '--days=30' ) ) );
		$this->assertSame( 0, $usage_table['code'], $usage_table['err'] );

		$refused = self::run_wp( array_merge( $wp, array( 'dify-chatbot', 'set-key', 'app-typed-on-the-command-line' ) ) );
		$this->assertSame( 1, $refused['code'] );
		$this->assertStringContainsString( 'read from standard input only', $refused['err'] );

		$this->assertStringContainsString( 'wp dify-chatbot bots', $usage['out'] );
		$no_bot = self::run_wp( array_merge( $wp, array( 'dify-chatbot', 'status', '--bot=support' ) ) );
		$this->assertSame( 1, $no_bot['code'] );
		$this->assertStringContainsString( 'There is no bot “support”', $no_bot['err'] );
		$list = self::run_wp( array_merge( $wp, array( 'dify-chatbot', 'bots', 'list', '--format=json' ) ) );
		$this->assertSame( 0, $list['code'], $list['err'] );
		$this->assertSame( 'default', json_decode( $list['out'], true )[0]['slug'] );
	}

	/**
	 * Runs the real `wp` and returns its exit code and output.
	 *
	 * @param string[] $command The command line.
	 * @return array{code: int, out: string, err: string}
	 */
	private static function run_wp( array $command ): array {
		$pipes   = array();
		$process = proc_open( $command, array( array( 'file', '/dev/null', 'r' ), array( 'pipe', 'w' ), array( 'pipe', 'w' ) ), $pipes ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.system_calls_proc_open -- the real binary is what is tested.
		$out     = (string) stream_get_contents( $pipes[1] );
		$err     = (string) stream_get_contents( $pipes[2] );
		fclose( $pipes[1] ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fclose
		fclose( $pipes[2] ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fclose
		return array(
			'code' => proc_close( $process ),
			'out'  => $out,
			'err'  => $err,
		);
	}

	private function add_sales(): Settings {
		delete_option( \Dify_Chatbot\Settings\Bots::OPTION );
		$bot = \Dify_Chatbot\Settings\Bots::create()->add(
			array(
				'slug'               => 'sales',
				'name'               => 'Sales',
				'base_url'           => self::emulator_url(),
				'daily_token_budget' => 77,
			)
		);
		$this->assertInstanceOf( Settings::class, $bot );
		return $bot;
	}

	public function test_bot_chooses_the_bot_of_status_test_and_set_key(): void {
		$this->require_emulator();
		$this->configure( 'app-emulator' );
		$this->add_sales();

		$saved = $this->run_command( $this->command( "app-emulator-plain\n" ), 'set_key', array(), array( 'bot' => 'sales' ) );
		$this->assertSame( 0, $saved['code'], $saved['stderr'] );
		$this->assertStringContainsString( 'The API key ending in lain is saved, encrypted, for ' . self::emulator_origin(), $saved['stdout'] );
		$this->assertSame( 'app-emulator', Settings::create()->api_key(), 'the default bot keeps its key' );
		$this->assertSame( 'app-emulator-plain', \Dify_Chatbot\Settings\Bots::create()->get( 'sales' )->api_key() );

		$test = $this->run_command( $this->command(), 'test', array(), array( 'bot' => 'sales' ) );
		$this->assertSame( "Success: Connected to “Emulator Plain Chat” (chat). Visitors can chat with it.\n", $test['stdout'] );

		$json = $this->run_command(
			$this->command(),
			'status',
			array(),
			array(
				'format' => 'json',
				'bot'    => 'sales',
			)
		);
		$data = json_decode( $json['stdout'], true );
		$this->assertSame(
			array(
				'slug' => 'sales',
				'name' => 'Sales',
			),
			$data['bot']
		);
		$this->assertSame( 'lain', $data['api_key']['last4'] );
		$this->assertSame( 'Emulator Plain Chat', $data['app']['name'] );
		$this->assertSame( 77, $data['limits']['daily_token_budget'], 'the bot\'s own budget' );
		$this->assertNoKey( $json, 'app-emulator-plain' );
		$text = $this->run_command( $this->command(), 'status' );
		$this->assertStringContainsString( 'Bot: Default (default)', $text['stdout'] );
		$this->assertStringContainsString( "Other bots (wp dify-chatbot status --bot=<slug> for one):\n  sales (Sales): configured: yes\n", $text['stdout'] );
		$this->assertArrayNotHasKey( 'other_bots', $data, 'with --bot, that bot alone' );
		$all = json_decode( $this->run_command( $this->command(), 'status', array(), array( 'format' => 'json' ) )['stdout'], true );
		$this->assertSame(
			array(
				array(
					'slug'       => 'sales',
					'name'       => 'Sales',
					'configured' => true,
				),
			),
			$all['other_bots']
		);
		$this->assertStringContainsString( 'Dify app: “Emulator Chat” (chat)', $text['stdout'] );
	}

	public function test_an_unknown_or_read_only_bot_is_refused(): void {
		foreach ( array( 'status', 'test', 'set_key' ) as $method ) {
			$output = $this->run_command( $this->command( self::KEY ), $method, array(), array( 'bot' => 'nope' ) );
			$this->assertSame( 1, $output['code'], $method );
			$this->assertStringContainsString( 'There is no bot “nope”', $output['stderr'], $method );
		}
		$this->set_environment( 'DIFY_CHATBOT_BOTS', '[{"slug":"docs","name":"Docs","base_url":"https://docs.example.org/v1"}]' );
		$output = $this->run_command( $this->command( self::KEY ), 'set_key', array(), array( 'bot' => 'docs' ) );
		$this->assertSame( 1, $output['code'] );
		$this->assertStringContainsString( 'DIFY_CHATBOT_BOTS', $output['stderr'] );
		$this->assertSame( 0, $this->reads, 'nothing is read' );
		$this->assertFalse( get_option( 'dify_chatbot_api_key_docs' ) );
	}
}
