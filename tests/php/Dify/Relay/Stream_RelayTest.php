<?php
/**
 * The relay's framing and failure events, against the project's Dify emulator.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Dify\Relay;

use Dify_Chatbot\Dify\App\App_Mode;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Dify\Relay\Answer_View;
use Dify_Chatbot\Dify\Relay\Stream_Relay;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\Support\Memory_Writer;
use Dify_Chatbot\Tests\TestCase;

require_once dirname( __DIR__, 2 ) . '/Support/Emulator.php';
require_once dirname( __DIR__, 2 ) . '/Support/Memory_Writer.php';

final class Stream_RelayTest extends TestCase {

	use Emulator;

	/**
	 * The Dify user of these tests.
	 *
	 * @var string
	 */
	private $user;

	protected function set_up() {
		parent::set_up();
		$this->require_emulator();
		$this->user = 'visitor-' . bin2hex( random_bytes( 16 ) );
	}

	protected function tear_down() {
		remove_all_filters( 'dify_chatbot_read_timeout' );
		remove_all_filters( 'dify_chatbot_idle_timeout' );
		remove_all_actions( 'dify_chatbot_upstream_warning' );
		remove_all_filters( 'dify_chatbot_stream_event' );
		parent::tear_down();
	}

	/**
	 * Relays one chat question and returns the writer.
	 */
	private function relay( string $query, ?Memory_Writer $writer = null, string $key = 'app-emulator', string $mode = 'chat', ?Answer_View $view = null ): Memory_Writer {
		$writer = $writer ? $writer : new Memory_Writer();
		$mode   = App_Mode::from( $mode );
		$body   = array(
			'inputs' => new \stdClass(),
			'user'   => $this->user,
		);
		if ( $mode->is_chat() ) {
			$body['query'] = $query;
		} else {
			$body['inputs'] = (object) array( 'query' => $query );
		}
		( new Stream_Relay( $writer, new Error_Mapper(), null, $view ) )->relay( new Client( self::emulator_url(), $key ), $mode, $body );
		return $writer;
	}

	private function assertFraming( Memory_Writer $writer ): void {
		foreach ( $writer->frames as $frame ) {
			if ( "event: ping\n\n" === $frame ) {
				continue;
			}
			$this->assertMatchesRegularExpression( '/^data: \{[^\n]*\}\n\n$/', $frame, 'Each event is one compact JSON data line and a blank line.' );
			$this->assertIsArray( json_decode( substr( $frame, 6 ), true ) );
		}
	}

	private function assertNoSecrets( Memory_Writer $writer ): void {
		$all = implode( '', $writer->frames );
		$this->assertStringNotContainsString( 'app-emulator', $all, 'The API key never reaches the browser.' );
		$this->assertStringNotContainsString( $this->user, $all, 'The Dify user is not echoed to the browser.' );
	}

	public function test_a_chat_answer_streams_in_order_with_pings(): void {
		$writer = $this->relay( 'Hello relay #ping:10 #delay:8' );

		$this->assertSame( 1, $writer->starts );
		$this->assertSame( 'text/event-stream; charset=utf-8', $writer->headers['Content-Type'] );
		$this->assertSame( 'private, no-store, no-transform', $writer->headers['Cache-Control'] );
		$this->assertSame( 'no', $writer->headers['X-Accel-Buffering'] );
		$this->assertFraming( $writer );
		$this->assertNoSecrets( $writer );

		$names = $writer->names();
		$this->assertContains( 'ping', $names, 'Pings are forwarded as keep-alives.' );
		$data = array_values( array_diff( $names, array( 'ping' ) ) );
		$this->assertSame( 'message_end', end( $data ) );
		$this->assertSame( array( 'message' ), array_values( array_unique( array_slice( $data, 0, -1 ) ) ) );
		$this->assertGreaterThan( 3, count( $data ) );

		$events = array_values(
			array_filter(
				$writer->events(),
				static function ( $e ) {
					return 'ping' !== $e['event'];
				}
			)
		);
		$this->assertCount( 1, array_unique( array_column( $events, 'task_id' ) ) );
		$this->assertCount( 1, array_unique( array_column( $events, 'conversation_id' ) ) );
		$answer = implode( '', array_column( array_slice( $events, 0, -1 ), 'answer' ) );
		$this->assertNotSame( '', trim( $answer ) );
		$this->assertArrayHasKey( 'usage', $events[ count( $events ) - 1 ]['metadata'] );
	}

	public function test_a_dropped_stream_ends_with_one_interrupted_error_event(): void {
		$writer = $this->relay( 'Please drop #fault:drop' );
		$this->assertFraming( $writer );
		$names = $writer->names();
		$this->assertNotContains( 'message_end', $names );
		$this->assertSame( 'error', end( $names ) );
		$this->assertCount( 1, array_keys( $names, 'error', true ) );
		$error = $writer->events()[ count( $names ) - 1 ];
		$this->assertSame( 'dify_chatbot_interrupted', $error['code'] );
		$this->assertSame( 502, $error['status'] );
		$this->assertSame( 'The answer was interrupted. Please try again.', $error['message'] );
		$this->assertNotEmpty( $error['conversation_id'], 'The error keeps the stream envelope.' );
	}

	public function test_difys_error_event_is_mapped_to_the_visitor_message(): void {
		$writer = $this->relay( 'Fail please #fault:error-event' );
		$names  = $writer->names();
		$this->assertSame( 'error', end( $names ) );
		$this->assertCount( 1, array_keys( $names, 'error', true ) );
		$error = $writer->events()[ count( $names ) - 1 ];
		$this->assertSame( 'dify_chatbot_answer_failed', $error['code'] );
		$this->assertSame( 502, $error['status'] );
		$this->assertStringNotContainsString( 'emulator', $error['message'], 'The provider text is not passed on.' );
		$this->assertStringNotContainsString( 'Model provider', implode( '', $writer->frames ) );
	}

	public function test_an_html_502_becomes_one_error_event(): void {
		$writer = $this->relay( 'Gateway #fault:502' );
		$this->assertSame( 1, $writer->starts );
		$this->assertCount( 1, $writer->frames );
		$error = $writer->events()[0];
		$this->assertSame( 'error', $error['event'] );
		$this->assertSame( 'dify_chatbot_unreachable', $error['code'] );
		$this->assertSame( 503, $error['status'] );
		$this->assertStringNotContainsString( 'nginx', $writer->frames[0] );
	}

	public function test_a_rate_limit_carries_retry_after(): void {
		$writer = $this->relay( 'Slow down #fault:429:12' );
		$error  = $writer->events()[0];
		$this->assertSame( 'dify_chatbot_rate_limited', $error['code'] );
		$this->assertSame( 429, $error['status'] );
		$this->assertSame( 12, $error['retry_after'] );
	}

	public function test_a_wrong_key_tells_the_visitor_only_that_the_chat_is_unavailable(): void {
		$writer = $this->relay( 'Hello', null, 'app-not-a-real-key' );
		$error  = $writer->events()[0];
		$this->assertSame( 'dify_chatbot_not_configured', $error['code'] );
		$this->assertSame( 'The chat is not available right now.', $error['message'] );
	}

	public function test_malformed_frames_are_skipped_and_the_answer_completes(): void {
		$writer = $this->relay( 'Broken frames #fault:malformed #delay:1' );
		$this->assertFraming( $writer );
		$names = $writer->names();
		$this->assertSame( 'message_end', end( $names ) );
		$this->assertNotContains( 'error', $names );
	}

	public function test_a_64_kb_event_arrives_whole(): void {
		$writer = $this->relay( 'Big one #fault:big #delay:1' );
		$sizes  = array_map( 'strlen', array_column( $writer->events(), 'answer' ) );
		$this->assertContains( 65536, $sizes );
		$names = $writer->names();
		$this->assertSame( 'message_end', end( $names ) );
	}

	public function test_a_silent_upstream_is_given_up_after_the_read_timeout(): void {
		add_filter(
			'dify_chatbot_read_timeout',
			static function () {
				return 1;
			}
		);
		$writer = $this->relay( 'Stall #fault:stall:20' );
		$this->assertCount( 1, $writer->frames );
		$error = $writer->events()[0];
		$this->assertSame( 'dify_chatbot_timeout', $error['code'] );
		$this->assertSame( 504, $error['status'] );
	}

	public function test_a_gone_visitor_stops_reading_and_stops_the_task_at_dify(): void {
		$since  = $this->emulator_last_seq();
		$writer = new Memory_Writer( 2 );
		$relay  = new Stream_Relay( $writer, new Error_Mapper() );
		$relay->relay(
			new Client( self::emulator_url(), 'app-emulator' ),
			App_Mode::chat(),
			array(
				'inputs' => new \stdClass(),
				'query'  => 'A long answer please #delay:300',
				'user'   => $this->user,
			)
		);

		$this->assertCount( 2, $writer->frames, 'Nothing is written after the visitor left.' );
		$this->assertNotSame( '', $relay->task_id() );

		$stops = $this->emulator_requests( $since, 'stop' );
		$this->assertCount( 1, $stops );
		$this->assertSame( 'POST', $stops[0]['method'] );
		$this->assertSame( '/v1/chat-messages/' . $relay->task_id() . '/stop', $stops[0]['path'] );
		$this->assertSame( array( 'user' => $this->user ), $stops[0]['body'] );
		$this->assertSame( $this->user, $stops[0]['user'] );
		$this->assertStringContainsString( 'application/json', $stops[0]['headers']['content-type'] );

		// The aborted request was not sent again (a retry would be a second, unstopped answer).
		$chats = array_filter(
			$this->emulator_requests( $since, '/chat-messages' ),
			static function ( $r ) {
				return 'POST' === $r['method'] && '/v1/chat-messages' === $r['path'];
			}
		);
		$this->assertCount( 1, $chats );
	}

	public function test_a_visitor_gone_during_pings_is_noticed_and_the_task_stopped(): void {
		$since  = $this->emulator_last_seq();
		$writer = new Memory_Writer( 3 );
		$this->relay( 'Thinking hard #fault:pings:2 #ping:50 #delay:300', $writer );
		$this->assertCount( 3, $writer->frames );
		$this->assertCount( 1, $this->emulator_requests( $since, 'stop' ) );
	}

	public function test_a_finished_answer_needs_no_stop(): void {
		$since = $this->emulator_last_seq();
		$this->relay( 'Short #delay:1' );
		$this->assertCount( 0, $this->emulator_requests( $since, 'stop' ) );
	}

	public function test_workflow_events_reach_the_browser_without_inputs_and_outputs(): void {
		$writer = $this->relay( 'Summarize this #delay:1', null, 'app-emulator-workflow', 'workflow' );
		$this->assertFraming( $writer );
		$this->assertNoSecrets( $writer );
		$names = array_values( array_diff( $writer->names(), array( 'ping' ) ) );
		$this->assertSame( 'workflow_started', $names[0] );
		$this->assertContains( 'text_chunk', $names );
		$this->assertContains( 'workflow_finished', $names );
		$this->assertNotContains( 'error', $names );
		foreach ( $writer->events() as $event ) {
			if ( isset( $event['data'] ) && 'text_chunk' !== $event['event'] ) {
				$this->assertArrayNotHasKey( 'inputs', $event['data'] );
				$this->assertArrayNotHasKey( 'outputs', $event['data'] );
				$this->assertArrayNotHasKey( 'process_data', $event['data'] );
				$this->assertArrayNotHasKey( 'created_by', $event['data'] );
			}
		}
	}

	/**
	 * A chatflow ends with two events whose order changed in Dify 1.13.1 (message_end first since
	 * then): the relay reads the stream to its end and forwards both, in either order.
	 */
	public function test_chatflow_streams_to_its_end_whatever_the_order_of_its_last_two_events(): void {
		$orders = array(
			'' => array( 'message_end', 'workflow_finished' ),
			' #variant:chatflow_order:workflow_finished_first' => array( 'workflow_finished', 'message_end' ),
		);
		foreach ( $orders as $directive => $last_two ) {
			$writer = $this->relay( 'Hello flow #delay:1' . $directive, null, 'app-emulator-chatflow', 'advanced-chat', new Answer_View( false, true ) );
			$this->assertFraming( $writer );
			$this->assertNoSecrets( $writer );
			$names = array_values( array_diff( $writer->names(), array( 'ping' ) ) );
			$this->assertSame( 'workflow_started', $names[0] );
			$this->assertContains( 'node_finished', $names );
			$this->assertContains( 'message', $names );
			$this->assertSame( $last_two, array_slice( $names, -2 ), $directive );
		}
	}

	/**
	 * What the emulator puts in a chatflow's steps (every `sys.*` value, a private document, an
	 * internal address and token, prices, a sandbox's output) and what no browser may see.
	 */
	private const STEP_SECRETS = array( 'sys.user_id', 'sys.app_id', 'sys.query', 'EMULATOR-PRIVATE-CONTEXT', '10.0.3.', 'emu-internal-token', 'total_price', 'process_data', 'execution_metadata', 'EMULATOR-SANDBOX-SECRET', 'agent_log', 'sys.files is deprecated' );

	/**
	 * The keys a step event's `data` may have.
	 */
	private const STEP_KEYS = array( 'node_id', 'node_type', 'title', 'index', 'status', 'elapsed_time', 'created_at', 'finished_at', 'iteration_id', 'loop_id', 'error', 'retry_index', 'steps' );

	public function test_a_chatflows_steps_reach_the_browser_without_inputs_outputs_or_internals(): void {
		$warnings = array();
		add_action(
			'dify_chatbot_upstream_warning',
			static function ( $text ) use ( &$warnings ) {
				$warnings[] = $text;
			}
		);
		// Steps reach the browser only for an app whose web app shows them.
		$writer = $this->relay( 'Steps please #steps #warning #delay:1', null, 'app-emulator-chatflow', 'advanced-chat', new Answer_View( false, true ) );
		$this->assertFraming( $writer );
		$this->assertNoSecrets( $writer );
		$all = implode( '', $writer->frames );
		foreach ( self::STEP_SECRETS as $secret ) {
			$this->assertStringNotContainsString( $secret, $all );
		}
		$names = $writer->names();
		foreach ( array( 'node_retry', 'iteration_next', 'loop_completed', 'message_end', 'workflow_finished' ) as $name ) {
			$this->assertContains( $name, $names );
		}
		$this->assertNotContains( 'agent_log', $names, 'An Agent node\'s log stays on the server.' );
		$this->assertNotContains( 'warning', $names, 'Dify\'s warning is for the site owner.' );
		$this->assertNotContains( 'error', $names );
		$this->assertCount( 1, $warnings );
		$this->assertStringContainsString( 'sys.files is deprecated', $warnings[0] );

		foreach ( $writer->events() as $event ) {
			if ( 1 === preg_match( '/^(node|iteration|loop)_/', $event['event'] ) ) {
				$this->assertSame( array(), array_diff( array_keys( $event['data'] ), self::STEP_KEYS ), $event['event'] );
			}
			if ( 'node_retry' === $event['event'] ) {
				$this->assertSame( 'This step did not succeed.', $event['data']['error'] );
			}
			if ( 'workflow_started' === $event['event'] ) {
				$this->assertArrayNotHasKey( 'inputs', $event['data'] );
			}
		}
	}

	public function test_a_failed_runs_internal_error_texts_stay_on_the_server(): void {
		$writer = $this->relay( 'Break #leak #delay:1', null, 'app-emulator-chatflow', 'advanced-chat' );
		$all    = implode( '', $writer->frames );
		foreach ( array( '10.0.3.', 'Vector store', '6333', 'Errno' ) as $secret ) {
			$this->assertStringNotContainsString( $secret, $all );
		}
		$events = $writer->events();
		$error  = end( $events );
		$this->assertSame( 'error', $error['event'] );
		$this->assertIsString( $error['code'] );
		$this->assertIsInt( $error['status'] );
	}

	public function test_a_provider_error_naming_a_key_and_a_proxy_stays_on_the_server(): void {
		$writer = $this->relay( 'Break #leak #fault:error #delay:1' );
		$all    = implode( '', $writer->frames );
		foreach ( array( 'sk-emu', '10.0.3.', 'openai', 'proxy' ) as $secret ) {
			$this->assertStringNotContainsString( $secret, $all );
		}
		$this->assertSame( 'error', $writer->events()[ count( $writer->events() ) - 1 ]['event'] );
	}

	public function test_a_new_agents_tool_input_and_observation_stay_on_the_server(): void {
		$writer = $this->relay( 'Look around #delay:1', null, 'app-emulator-new-agent', 'agent' );
		$all    = implode( '', $writer->frames );
		$this->assertStringNotContainsString( 'EMULATOR-SANDBOX-SECRET', $all );
		$this->assertStringNotContainsString( 'cat /workspace', $all );
		$thoughts = array_values(
			array_filter(
				$writer->events(),
				static function ( $e ) {
					return 'agent_thought' === $e['event'];
				}
			)
		);
		$this->assertNotEmpty( $thoughts );
		foreach ( $thoughts as $thought ) {
			$this->assertArrayNotHasKey( 'tool_input', $thought );
			$this->assertArrayNotHasKey( 'observation', $thought );
			$this->assertLessThanOrEqual( 200, mb_strlen( (string) ( $thought['thought'] ?? '' ), 'UTF-8' ) );
		}
		$this->assertNotEmpty( array_filter( array_column( $thoughts, 'tool' ) ), 'The tool names stay.' );
	}

	/**
	 * A run that sends nothing but pings (one Dify's worker never picked up) is given up after the
	 * idle limit: the pings keep the connection alive but do not count as progress.
	 */
	public function test_a_run_that_only_pings_is_given_up_after_the_idle_limit(): void {
		add_filter(
			'dify_chatbot_idle_timeout',
			static function () {
				return 2;
			}
		);
		$writer = $this->relay( 'Waiting #fault:pings:60 #ping:300', null, 'app-emulator-chatflow', 'advanced-chat' );
		$names  = $writer->names();
		$this->assertContains( 'ping', $names );
		$events = $writer->events();
		$error  = end( $events );
		$this->assertSame( 'dify_chatbot_timeout', $error['code'], 'A silent run is a timeout, not a stream that ended early.' );
		$this->assertSame( 504, $error['status'] );
		$this->assertCount( 1, array_keys( $names, 'error', true ) );
	}

	public function test_a_plain_chat_is_not_held_to_the_idle_limit(): void {
		add_filter(
			'dify_chatbot_idle_timeout',
			static function () {
				return 1;
			}
		);
		$writer = $this->relay( 'Slowly #fault:pings:3 #ping:300' );
		$this->assertNotContains( 'dify_chatbot_timeout', array_column( $writer->events(), 'code' ) );
	}

	public function test_the_event_filter_can_drop_events(): void {
		add_filter(
			'dify_chatbot_stream_event',
			static function ( $safe ) {
				return 'message' === $safe['event'] ? null : $safe;
			}
		);
		$writer = $this->relay( 'Filtered #delay:1' );
		$this->assertNotContains( 'message', $writer->names() );
		$this->assertContains( 'message_end', $writer->names() );
	}

	/**
	 * The text of an answer as the browser would put it together, and the reasoning it got.
	 *
	 * @return array{answer: string, reasoning: string, reasoning_events: int}
	 */
	private function received( Memory_Writer $writer ): array {
		$got   = array(
			'answer'           => '',
			'reasoning'        => '',
			'reasoning_events' => 0,
		);
		$agent = false;
		foreach ( $writer->events() as $event ) {
			$agent = $agent || 'agent_message' === $event['event'];
			if ( 'reasoning_chunk' === $event['event'] ) {
				$got['reasoning'] .= $event['data']['reasoning'];
				++$got['reasoning_events'];
			} elseif ( 'text_chunk' === $event['event'] ) {
				$got['answer'] .= $event['data']['text'];
			} elseif ( 'message_replace' === $event['event'] || ( 'message' === $event['event'] && $agent ) ) {
				// After `agent_message` deltas, a `message` is the whole answer.
				$got['answer'] = $event['answer'];
			} elseif ( isset( $event['answer'] ) && is_string( $event['answer'] ) && ! isset( $event['url'] ) ) {
				$got['answer'] .= $event['answer'];
			}
		}
		return $got;
	}

	/**
	 * Inline `<think>` (cut mid-tag by the emulator) and separated `reasoning_chunk` events alike
	 * never leave the server while reasoning is hidden, in every mode that has a model.
	 *
	 * @dataProvider reasoning_apps
	 */
	public function test_hidden_reasoning_never_reaches_the_browser( string $key, string $mode, string $directive ): void {
		$writer = $this->relay( 'Think first #delay:0 ' . $directive, null, $key, $mode );
		$this->assertFraming( $writer );
		$all = implode( '', $writer->frames );
		$this->assertStringNotContainsString( 'EMULATOR-REASONING', $all );
		$this->assertStringNotContainsString( 'think>', $all );
		$this->assertNotContains( 'reasoning_chunk', $writer->names() );
		$this->assertNotContains( 'error', $writer->names() );
		$got = $this->received( $writer );
		$this->assertSame( 0, $got['reasoning_events'] );
		$this->assertMatchesRegularExpression( '/(^|\n\n)## /', $got['answer'], 'The answer goes on right after the thinking.' );
	}

	/**
	 * Shown, the reasoning travels as `reasoning_chunk` events of its own, never in the answer.
	 *
	 * @dataProvider reasoning_apps
	 */
	public function test_shown_reasoning_comes_as_its_own_events( string $key, string $mode, string $directive ): void {
		$writer = $this->relay( 'Think first #delay:0 ' . $directive, null, $key, $mode, new Answer_View( true ) );
		$this->assertFraming( $writer );
		$this->assertNoSecrets( $writer );
		$got = $this->received( $writer );
		$this->assertGreaterThan( 0, $got['reasoning_events'] );
		$this->assertStringContainsString( 'EMULATOR-REASONING', $got['reasoning'] );
		$this->assertStringNotContainsString( 'think>', $got['reasoning'] );
		$this->assertMatchesRegularExpression( '/(^|\n\n)## /', $got['answer'] );
		$this->assertStringNotContainsString( 'EMULATOR-REASONING', $got['answer'] );
		$this->assertStringNotContainsString( 'think>', $got['answer'] );
		// The browser learns where a block of thinking ended.
		$finals = array_filter(
			$writer->events(),
			static function ( $event ) {
				return 'reasoning_chunk' === $event['event'] && true === $event['data']['is_final'];
			}
		);
		$this->assertNotEmpty( $finals );
	}

	public function reasoning_apps(): array {
		return array(
			'chat, inline'              => array( 'app-emulator', 'chat', '#reasoning' ),
			'classic agent, inline'     => array( 'app-emulator-agent', 'agent-chat', '#reasoning' ),
			'New Agent, inline'         => array( 'app-emulator-new-agent', 'agent', '#reasoning' ),
			'completion, inline'        => array( 'app-emulator-completion', 'completion', '#reasoning' ),
			'chatflow, inline'          => array( 'app-emulator-chatflow', 'advanced-chat', '#reasoning' ),
			'workflow, inline'          => array( 'app-emulator-workflow', 'workflow', '#reasoning' ),
			'chatflow, reasoning_chunk' => array( 'app-emulator-chatflow', 'advanced-chat', '#reasoning:separated' ),
			'workflow, reasoning_chunk' => array( 'app-emulator-workflow', 'workflow', '#reasoning:separated' ),
		);
	}

	public function test_steps_reach_the_browser_only_when_shown(): void {
		$hidden = $this->relay( 'Steps #delay:0 #steps', null, 'app-emulator-chatflow', 'advanced-chat' );
		$this->assertSame( array(), array_values( array_filter( $hidden->names(), array( $this, 'is_step' ) ) ) );
		$this->assertContains( 'workflow_started', $hidden->names() );
		$this->assertContains( 'message_end', $hidden->names() );

		$shown = $this->relay( 'Steps #delay:0 #steps', null, 'app-emulator-chatflow', 'advanced-chat', new Answer_View( false, true ) );
		$names = $shown->names();
		$this->assertContains( 'node_started', $names );
		$this->assertContains( 'node_finished', $names );
		$this->assertContains( 'iteration_started', $names );
		$this->assertContains( 'loop_started', $names );
	}

	/**
	 * Whether an event name is a workflow step's.
	 */
	public function is_step( string $name ): bool {
		return 0 === strpos( $name, 'node_' ) || 0 === strpos( $name, 'iteration_' ) || 0 === strpos( $name, 'loop_' );
	}

	/**
	 * A New Agent streams `agent_message` deltas and ends with one `message` that is the whole
	 * answer: the browser gets it as the replacing text, without the thinking.
	 */
	public function test_a_new_agents_closing_message_is_the_whole_answer_without_reasoning(): void {
		$writer   = $this->relay( 'Agent #delay:0 #reasoning', null, 'app-emulator-new-agent', 'agent' );
		$messages = array_values(
			array_filter(
				$writer->events(),
				static function ( $event ) {
					return 'message' === $event['event'];
				}
			)
		);
		$this->assertCount( 1, $messages );
		$this->assertStringStartsWith( "I will look at the workspace notes about agent first.\n\n## New Agent answer", $messages[0]['answer'] );
		$this->assertStringNotContainsString( 'EMULATOR-REASONING', implode( '', $writer->frames ) );
		$this->assertStringNotContainsString( 'EMULATOR-SANDBOX-SECRET', implode( '', $writer->frames ) );
	}
}
