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
		foreach ( array( 'inputs', 'process_data', 'outputs', 'execution_metadata', 'error' ) as $key ) {
			$this->assertArrayNotHasKey( $key, $node['data'] );
		}
		$this->assertSame( 'succeeded', $node['data']['status'] );

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

	public function test_unknown_events_pass_by_name_with_their_envelope_only(): void {
		$this->assertSame(
			array(
				'event'   => 'workflow_paused',
				'task_id' => 't1',
			),
			$this->filter(
				array(
					'event'   => 'workflow_paused',
					'task_id' => 't1',
					'data'    => array( 'form' => 'x' ),
				)
			)
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
