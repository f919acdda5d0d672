<?php
/**
 * `wp dify-chatbot bots list|add|remove`.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Cli;

use Dify_Chatbot\Cli\Bots_Command;
use Dify_Chatbot\Settings\Bots;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\TestCase;
use ReflectionProperty;
use WP_CLI;
use WP_CLI\ExitException;
use WP_CLI\Loggers\Execution;

require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';

final class Bots_CommandTest extends TestCase {

	use Clean_Environment;

	protected function set_up() {
		parent::set_up();
		$this->clean_environment();
		delete_option( Bots::OPTION );
		Settings::create()->keys()->remove();
		self::capture_exit( true );
	}

	protected function tear_down() {
		self::capture_exit( false );
		$this->restore_environment();
		parent::tear_down();
	}

	private static function capture_exit( bool $on ): void {
		$property = new ReflectionProperty( WP_CLI::class, 'capture_exit' );
		$property->setAccessible( true );
		$property->setValue( null, $on );
	}

	/**
	 * Runs a subcommand; returns its exit code and output.
	 *
	 * @return array{code: int, stdout: string, stderr: string}
	 */
	private function run_command( string $method, array $args = array(), array $assoc_args = array() ): array {
		$code   = 0;
		$logger = new Execution();
		WP_CLI::set_logger( $logger );
		ob_start();
		try {
			( new Bots_Command( Bots::create() ) )->$method( $args, $assoc_args );
		} catch ( ExitException $exit ) {
			$code = $exit->getCode();
		}
		$echoed = (string) ob_get_clean();
		return array(
			'code'   => $code,
			'stdout' => $echoed . $logger->stdout,
			'stderr' => $logger->stderr,
		);
	}

	public function test_add_list_and_remove_a_bot(): void {
		$added = $this->run_command(
			'add',
			array(),
			array(
				'slug'          => 'sales',
				'name'          => 'Sales',
				'base-url'      => 'https://sales.example.org/v1',
				'response-mode' => 'blocking',
			)
		);
		$this->assertSame( 0, $added['code'], $added['stderr'] );
		$this->assertStringContainsString( 'Success: The bot “Sales” is added. Set its key: wp dify-chatbot set-key --bot=sales', $added['stdout'] );
		$this->assertSame( 'blocking', Bots::create()->get( 'sales' )->response_mode() );
		$this->assertTrue( Bots::create()->get( 'sales' )->save_key( 'app-sales-secret-key-1234' ) );

		$list = $this->run_command( 'list_', array(), array( 'format' => 'json' ) );
		$this->assertSame( 0, $list['code'], $list['stderr'] );
		$rows = json_decode( $list['stdout'], true );
		$this->assertSame( array( 'default', 'sales' ), array_column( $rows, 'slug' ) );
		$this->assertSame( 'yes', $rows[1]['configured'] );
		$this->assertSame( '1234', $rows[1]['api_key_last4'] );
		$this->assertStringNotContainsString( 'app-sales-secret', $list['stdout'] );
		$table = $this->run_command( 'list_' );
		$this->assertStringContainsString( 'https://sales.example.org/v1', $table['stdout'] );

		$removed = $this->run_command( 'remove', array( 'sales' ) );
		$this->assertSame( 0, $removed['code'] );
		$this->assertStringContainsString( 'The bot “sales” and its key are removed.', $removed['stdout'] );
		$this->assertFalse( Bots::create()->exists( 'sales' ) );
		$this->assertFalse( get_option( 'dify_chatbot_api_key_sales' ) );
	}

	public function test_what_the_settings_screen_refuses_the_commands_refuse(): void {
		$bad = $this->run_command(
			'add',
			array(),
			array(
				'slug'     => 'Bad!',
				'name'     => 'Bad',
				'base-url' => 'https://x.example.org/v1',
			)
		);
		$this->assertSame( 1, $bad['code'] );
		$this->assertStringContainsString( 'lower-case letters', $bad['stderr'] );
		$default = $this->run_command( 'remove', array( 'default' ) );
		$this->assertSame( 1, $default['code'] );
		$this->assertStringContainsString( 'The default bot cannot be removed.', $default['stderr'] );
		$unknown = $this->run_command( 'remove', array( 'nope' ) );
		$this->assertSame( 1, $unknown['code'] );
		$this->assertStringContainsString( 'There is no bot “nope”', $unknown['stderr'] );
		$this->set_environment( 'DIFY_CHATBOT_BOTS', '[{"slug":"docs","name":"Docs","base_url":"https://docs.example.org/v1"}]' );
		$read_only = $this->run_command( 'remove', array( 'docs' ) );
		$this->assertSame( 1, $read_only['code'] );
		$this->assertStringContainsString( 'cannot be changed or removed here', $read_only['stderr'] );
	}
}
