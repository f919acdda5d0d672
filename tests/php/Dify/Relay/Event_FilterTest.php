<?php
/**
 * What the browser may see of Dify's events.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\Relay;

use Dify_Chatbot\Dify\Relay\Event_Filter;
use Dify_Chatbot\Tests\TestCase;

final class Event_FilterTest extends TestCase {

	private function filter( array $event ): array {
		return ( new Event_Filter( 'http://dify.local:8080' ) )->filter( $event );
	}

	public function test_message_keeps_its_envelope_and_text(): void {
		$event = array(
			'event'                  => 'message',
			'conversation_id'        => 'c1',
			'message_id'             => 'm1',
			'created_at'             => 1717000000,
			'task_id'                => 't1',
			'id'                     => 'm1',
			'answer'                 => 'Hel',
			'from_variable_selector' => null,
		);
		$this->assertSame( $event, $this->filter( $event ) );
	}

	public function test_workflow_events_lose_inputs_outputs_process_data_metadata_and_creator(): void {
		$started = $this->filter(
			array(
				'event'           => 'workflow_started',
				'task_id'         => 't1',
				'workflow_run_id' => 'r1',
				'data'            => array(
					'id'          => 'r1',
					'workflow_id' => 'w1',
					'inputs'      => array( 'sys.user_id' => 'visitor-abc' ),
					'created_at'  => 1,
				),
			)
		);
		$this->assertSame(
			array(
				'id'          => 'r1',
				'workflow_id' => 'w1',
				'created_at'  => 1,
			),
			$started['data']
		);

		$node = $this->filter(
			array(
				'event'   => 'node_finished',
				'task_id' => 't1',
				'data'    => array(
					'id'                 => 'n1',
					'node_type'          => 'llm',
					'title'              => 'LLM',
					'inputs'             => array( 'secret' => 1 ),
					'process_data'       => array( 'prompts' => 'system prompt' ),
					'outputs'            => array( 'text' => 'x' ),
					'execution_metadata' => array( 'total_price' => '1' ),
					'status'             => 'succeeded',
					'error'              => 'internal detail',
				),
			)
		);
		foreach ( array( 'inputs', 'process_data', 'outputs', 'execution_metadata' ) as $key ) {
			$this->assertArrayNotHasKey( $key, $node['data'] );
		}
		$this->assertSame( 'succeeded', $node['data']['status'] );
		$this->assertSame( 'This step did not succeed.', $node['data']['error'], 'Dify\'s error text stays on the server.' );

		$finished = $this->filter(
			array(
				'event' => 'workflow_finished',
				'data'  => array(
					'id'         => 'r1',
					'status'     => 'succeeded',
					'outputs'    => array( 'answer' => 'x' ),
					'created_by' => array(
						'id'   => 'eu1',
						'user' => 'visitor-abc',
					),
				),
			)
		);
		$this->assertArrayNotHasKey( 'outputs', $finished['data'] );
		$this->assertArrayNotHasKey( 'created_by', $finished['data'] );
		$this->assertStringNotContainsString( 'visitor-abc', (string) wp_json_encode( $finished ) );
	}

	public function test_agent_thoughts_lose_tool_input_and_observation(): void {
		$thought = $this->filter(
			array(
				'event'       => 'agent_thought',
				'id'          => 'th1',
				'position'    => 1,
				'thought'     => 'Searching',
				'tool'        => 'search',
				'tool_input'  => '{"q":"internal"}',
				'observation' => 'internal tool result',
			)
		);
		$this->assertSame( 'Searching', $thought['thought'] );
		$this->assertArrayNotHasKey( 'tool_input', $thought );
		$this->assertArrayNotHasKey( 'observation', $thought );
	}

	public function test_only_known_events_are_forwarded(): void {
		$filter = new Event_Filter( 'https://dify.example' );
		foreach ( array( 'message', 'message_end', 'agent_thought', 'workflow_started', 'node_started', 'node_finished', 'node_retry', 'iteration_next', 'loop_completed', 'workflow_finished', 'workflow_paused', 'human_input_required', 'text_chunk' ) as $name ) {
			$this->assertTrue( $filter->forwards( $name ), $name );
		}
		foreach ( array( 'agent_log', 'warning', 'ping', 'error', 'some_event_of_a_later_release', '' ) as $name ) {
			$this->assertFalse( $filter->forwards( $name ), $name );
		}
	}

	public function test_a_paused_run_keeps_its_status_only(): void {
		$this->assertSame(
			array(
				'event'   => 'workflow_paused',
				'task_id' => 't1',
				'data'    => array( 'status' => 'paused' ),
			),
			$this->filter(
				array(
					'event'   => 'workflow_paused',
					'task_id' => 't1',
					'data'    => array(
						'status'  => 'paused',
						'reasons' => array( array( 'form_token' => 'secret-token' ) ),
						'outputs' => array( 'x' => 1 ),
					),
				)
			)
		);
	}

	public function test_step_events_keep_what_a_steps_list_shows_and_nothing_else(): void {
		$step = $this->filter(
			array(
				'event'   => 'iteration_completed',
				'task_id' => 't1',
				'data'    => array(
					'id'                 => 'i1',
					'node_id'            => 'n1',
					'node_type'          => 'iteration',
					'title'              => 'Each item',
					'index'              => 3,
					'status'             => 'failed',
					'elapsed_time'       => 0.5,
					'created_at'         => 1,
					'finished_at'        => 2,
					'steps'              => 2,
					'iteration_id'       => null,
					'loop_id'            => null,
					'inputs'             => array( 'sys.user_id' => 'visitor-abc' ),
					'outputs'            => array( 'x' => 'EMULATOR-PRIVATE-CONTEXT' ),
					'process_data'       => array( 'prompt' => 'system' ),
					'execution_metadata' => array( 'total_price' => '0.1' ),
					'error'              => 'Connection refused 10.0.3.7:6333',
					'extras'             => array( 'icon' => 'x' ),
				),
			)
		);
		$this->assertSame( array( 'node_id', 'node_type', 'title', 'index', 'status', 'elapsed_time', 'created_at', 'finished_at', 'iteration_id', 'loop_id', 'error', 'steps' ), array_keys( $step['data'] ) );
		$this->assertSame( 'This step did not succeed.', $step['data']['error'] );
		$this->assertNull(
			$this->filter(
				array(
					'event' => 'node_finished',
					'data'  => array( 'error' => null ),
				)
			)['data']['error']
		);
	}

	public function test_agent_thoughts_are_cut_short(): void {
		$thought = $this->filter(
			array(
				'event'   => 'agent_thought',
				'thought' => str_repeat( 'é', 500 ),
			)
		);
		$this->assertSame( 200, mb_strlen( $thought['thought'], 'UTF-8' ) );
		$this->assertStringEndsWith( '…', $thought['thought'] );
	}

	public function test_usage_keeps_counts_not_prices(): void {
		$end = $this->filter(
			array(
				'event'    => 'message_end',
				'metadata' => array(
					'usage' => array(
						'prompt_tokens'     => 1,
						'completion_tokens' => 2,
						'total_tokens'      => 3,
						'total_price'       => '0.01',
						'prompt_unit_price' => '0.001',
						'currency'          => 'USD',
						'latency'           => 0.5,
					),
				),
			)
		);
		$this->assertSame(
			array(
				'prompt_tokens'     => 1,
				'completion_tokens' => 2,
				'total_tokens'      => 3,
				'latency'           => 0.5,
			),
			$end['metadata']['usage']
		);
	}

	public function test_relative_file_links_get_difys_origin_and_other_schemes_are_dropped(): void {
		$file = $this->filter(
			array(
				'event' => 'message_file',
				'type'  => 'image',
				'url'   => '/files/tools/abc.png?sign=x',
			)
		);
		$this->assertSame( 'http://dify.local:8080/files/tools/abc.png?sign=x', $file['url'] );
		$bad = $this->filter(
			array(
				'event' => 'message_file',
				'url'   => 'javascript:alert(1)',
			)
		);
		$this->assertNull( $bad['url'] );
	}

	public function test_message_end_keeps_citations_and_usage_but_not_internal_fields(): void {
		$end = $this->filter(
			array(
				'event'    => 'message_end',
				'id'       => 'm1',
				'metadata' => array(
					'annotation_reply'    => array(
						'id'      => 'a1',
						'account' => array( 'name' => 'Site Owner' ),
					),
					'retriever_resources' => array(
						array(
							'position'        => 1,
							'document_name'   => 'faq.pdf',
							'content'         => 'text',
							'index_node_hash' => 'abc',
							'doc_metadata'    => array( 'internal' => true ),
						),
					),
					'usage'               => array( 'total_tokens' => 3 ),
				),
				'files'    => array(
					array(
						'type'       => 'image',
						'url'        => '/files/x.png',
						'tenant_id'  => 'tenant',
						'related_id' => 'r',
					),
				),
			)
		);
		$this->assertSame(
			array(
				'retriever_resources' => array(
					array(
						'position'      => 1,
						'document_name' => 'faq.pdf',
						'content'       => 'text',
					),
				),
				'usage'               => array( 'total_tokens' => 3 ),
			),
			$end['metadata']
		);
		$this->assertSame(
			array(
				array(
					'type' => 'image',
					'url'  => 'http://dify.local:8080/files/x.png',
				),
			),
			$end['files']
		);
	}
}
