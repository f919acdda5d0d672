/** Chatflow/workflow runs in 1.16: node shapes with secrets, #steps, #leak, #warning, runs outliving their client. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WARNING_TEXT } from '../flows';
import {
	LEAKY_PROVIDER_ERROR,
	LEAKY_VECTOR_ERROR,
	SYSTEM_PROMPT_MARKER,
} from '../nodes';
import type { RunningEmulator } from '../server';
import {
	KEY,
	call,
	dataEvents,
	names,
	obj,
	openStream,
	start,
	streamBody,
	streamEvents,
} from './helpers';

let emu: RunningEmulator;
before( async () => {
	emu = await start();
} );
after( () => emu.close() );

function workflowBody( query: string ): Record< string, unknown > {
	return {
		inputs: { query },
		user: 'alice',
		response_mode: 'streaming',
	};
}

async function waitForRun(
	run: string,
	key: string,
	status: string
): Promise< Record< string, any > > {
	for ( let i = 0; i < 100; i++ ) {
		const r = obj(
			await call( emu, 'GET', `workflows/run/${ run }`, { key } )
		);
		if ( r.status === status ) {
			return r;
		}
		await new Promise( ( res ) => setTimeout( res, 50 ) );
	}
	throw new Error( `run ${ run } never reached ${ status }` );
}

describe( 'node events carry what a relay must not forward', () => {
	it( 'LLM node_finished: sys.* inputs, the system prompt, prices and outputs', async () => {
		const events = await streamEvents( emu, '/v1/chat-messages', {
			key: KEY.chatflow,
			json: streamBody( 'Secrets inside', { user: 'visitor-7f' } ),
		} );
		const llm = events.find(
			( e ) => e.event === 'node_finished' && e.data.node_type === 'llm'
		);
		const d = llm?.data ?? {};
		assert.equal( d.inputs[ 'sys.user_id' ], 'visitor-7f' );
		assert.equal(
			d.inputs[ 'sys.app_id' ],
			'e0000000-0000-4000-8000-000000000003'
		);
		assert.ok( d.inputs[ '#context#' ].includes( 'Internal handbook' ) );
		assert.equal( d.process_data.prompts[ 0 ].role, 'system' );
		assert.ok(
			d.process_data.prompts[ 0 ].text.includes( SYSTEM_PROMPT_MARKER )
		);
		assert.match( d.execution_metadata.total_price, /^\d+\.\d+$/ );
		assert.equal( d.execution_metadata.currency, 'USD' );
		assert.equal( typeof d.outputs.text, 'string' );
		const started = events[ 0 ] ?? {};
		assert.equal( started.data.inputs[ 'sys.user_id' ], 'visitor-7f' );
	} );

	it( '#steps: iteration, loop, a retried node and an agent node with agent_log', async () => {
		const events = await streamEvents( emu, '/v1/chat-messages', {
			key: KEY.chatflow,
			json: streamBody( 'All the steps #steps' ),
		} );
		const n = names( events );
		for ( const name of [
			'iteration_started',
			'iteration_next',
			'iteration_completed',
			'loop_started',
			'loop_next',
			'loop_completed',
			'node_retry',
			'agent_log',
		] ) {
			assert.ok( n.includes( name ), name );
		}
		const retry = events.find( ( e ) => e.event === 'node_retry' ) ?? {};
		assert.equal( retry.data.status, 'retry' );
		assert.equal( retry.data.retry_index, 0 );
		assert.ok( retry.data.error.includes( '10.0.3.12' ) );
		const inner = events.filter(
			( e ) => e.event === 'node_started' && e.data.iteration_id
		);
		assert.equal( inner.length, 2 );
		const loopNext = events.filter( ( e ) => e.event === 'loop_next' );
		assert.ok( 'pre_loop_output' in ( loopNext[ 1 ]?.data ?? {} ) );
		const completed =
			events.find( ( e ) => e.event === 'iteration_completed' ) ?? {};
		assert.deepEqual( Object.keys( completed.data ), [
			'id',
			'node_id',
			'node_type',
			'title',
			'outputs',
			'outputs_truncated',
			'created_at',
			'extras',
			'inputs',
			'inputs_truncated',
			'status',
			'error',
			'elapsed_time',
			'total_tokens',
			'execution_metadata',
			'finished_at',
			'steps',
		] );
		const log = events.find( ( e ) => e.event === 'agent_log' ) ?? {};
		assert.ok(
			! ( 'workflow_run_id' in log ),
			'no run id in chat streams'
		);
		assert.deepEqual( Object.keys( log.data ), [
			'node_execution_id',
			'id',
			'label',
			'parent_id',
			'error',
			'status',
			'data',
			'metadata',
			'node_id',
		] );
		const agent = events.find(
			( e ) => e.event === 'node_started' && e.data.node_type === 'agent'
		);
		assert.equal( agent?.data.agent_strategy.name, 'function_calling' );
		assert.deepEqual( n.slice( -2 ), [
			'message_end',
			'workflow_finished',
		] );
	} );
} );

describe( 'internal details in errors (#leak) and the warning event', () => {
	it( '#leak: chatflow/workflow fail with the vector store text, chat apps with a provider text', async () => {
		const flow = await streamEvents( emu, '/v1/chat-messages', {
			key: KEY.chatflow,
			json: streamBody( 'Leaky #leak' ),
		} );
		const fin = flow.find( ( e ) => e.event === 'workflow_finished' );
		assert.equal( fin?.data.error, LEAKY_VECTOR_ERROR );
		assert.equal(
			flow.at( -1 )?.message,
			`Run failed: ${ LEAKY_VECTOR_ERROR }`
		);
		const wf = await streamEvents( emu, '/v1/workflows/run', {
			key: KEY.workflow,
			json: workflowBody( 'Leaky #leak' ),
		} );
		assert.equal( wf.at( -1 )?.data.error, LEAKY_VECTOR_ERROR );
		const chat = await streamEvents( emu, '/v1/chat-messages', {
			json: streamBody( 'Leaky #leak' ),
		} );
		assert.equal( chat.at( -1 )?.event, 'error' );
		assert.equal( chat.at( -1 )?.message, LEAKY_PROVIDER_ERROR );
	} );

	it( '#warning: the unreleased warning event first, in stdlib JSON', async () => {
		const { text } = await openStream( emu, '/v1/workflows/run', {
			key: KEY.workflow,
			json: workflowBody( 'Old files #warning' ),
		} ).done;
		assert.ok(
			text.startsWith(
				`data: {"event": "warning", "warning": ${ JSON.stringify( WARNING_TEXT ) }}\n\n`
			)
		);
	} );
} );

describe( 'runs outlive their client (Dify 1.13+ workers)', () => {
	it( 'a dropped chatflow stream goes on; re-attaching replays the run so far, then follows it', async () => {
		const s = openStream( emu, '/v1/chat-messages', {
			key: KEY.chatflow,
			json: streamBody( 'Keep going #delay:15', { user: 'dropper' } ),
		} );
		const started = await s.waitFor(
			( e ) => e.event === 'workflow_started'
		);
		await s.waitFor( ( e ) => e.event === 'message' );
		s.abort();
		await s.done;
		const again = dataEvents(
			(
				await openStream(
					emu,
					`/v1/workflow/${ started.workflow_run_id }/events?user=dropper`,
					{ key: KEY.chatflow, method: 'GET' }
				).done
			).text
		);
		assert.equal( again[ 0 ]?.event, 'workflow_started', 'replayed' );
		const ids = new Set( again.map( ( e ) => e.message_id ) );
		assert.equal( ids.size, 1 );
		assert.equal( again.at( -1 )?.event, 'workflow_finished' );
		assert.equal( again.at( -1 )?.data.status, 'succeeded' );
	} );

	it( '#fault:drop cuts the connection, the run still succeeds; with detached_runs:stop it stops', async () => {
		const dropped = await openStream( emu, '/v1/chat-messages', {
			key: KEY.chatflow,
			json: streamBody( 'Cut me #fault:drop' ),
		} ).done;
		assert.equal( dropped.aborted, true );
		const run = dataEvents( dropped.text )[ 0 ]?.workflow_run_id;
		const done = await waitForRun( run, KEY.chatflow, 'succeeded' );
		assert.ok( done.outputs.answer.length > 100 );
		const old = await openStream( emu, '/v1/chat-messages', {
			key: KEY.chatflow,
			json: streamBody(
				'Cut me #fault:drop #variant:detached_runs:stop'
			),
		} ).done;
		const oldRun = dataEvents( old.text )[ 0 ]?.workflow_run_id;
		await waitForRun( oldRun, KEY.chatflow, 'stopped' );
	} );
} );
