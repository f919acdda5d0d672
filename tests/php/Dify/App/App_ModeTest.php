<?php
/**
 * What each app mode means for the calls the plugin makes.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\App;

use Dify_Chatbot\Dify\App\App_Mode;
use Dify_Chatbot\Tests\TestCase;

final class App_ModeTest extends TestCase {

	/**
	 * @dataProvider modes
	 */
	public function test_each_mode( string $name, bool $chat, bool $streams_only, string $generation, string $stop, string $final ): void {
		$mode = App_Mode::from( $name );
		$this->assertNotNull( $mode );
		$this->assertSame( $name, $mode->name() );
		$this->assertSame( $chat, $mode->is_chat() );
		$this->assertSame( $streams_only, $mode->streams_only() );
		$this->assertSame( 'workflow' === $name, $mode->is_workflow() );
		$this->assertSame( $generation, $mode->generation_path() );
		$this->assertSame( $stop, $mode->stop_path( 'task-1' ) );
		$this->assertSame( $final, $mode->final_event() );
	}

	public function modes(): array {
		return array(
			'chat'          => array( 'chat', true, false, '/chat-messages', '/chat-messages/task-1/stop', 'message_end' ),
			'agent-chat'    => array( 'agent-chat', true, true, '/chat-messages', '/chat-messages/task-1/stop', 'message_end' ),
			'advanced-chat' => array( 'advanced-chat', true, false, '/chat-messages', '/chat-messages/task-1/stop', 'message_end' ),
			'agent'         => array( 'agent', true, true, '/chat-messages', '/chat-messages/task-1/stop', 'message_end' ),
			'completion'    => array( 'completion', false, false, '/completion-messages', '/completion-messages/task-1/stop', 'message_end' ),
			'workflow'      => array( 'workflow', false, false, '/workflows/run', '/workflows/tasks/task-1/stop', 'workflow_finished' ),
		);
	}

	public function test_modes_the_plugin_cannot_relay_are_none(): void {
		foreach ( array( 'channel', 'rag-pipeline', '', 'Chat', 'agent-chat ' ) as $name ) {
			$this->assertNull( App_Mode::from( $name ), $name );
		}
	}

	public function test_a_task_id_cannot_leave_its_path_segment(): void {
		$this->assertSame( '/chat-messages/..%2Finfo/stop', App_Mode::chat()->stop_path( '../info' ) );
	}
}
