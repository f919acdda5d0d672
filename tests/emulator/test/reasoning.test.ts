/** `#reasoning`: inline `<think>` (tagged) and `reasoning_chunk` events (separated). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { REASONING_MARKER } from '../reasoning';
import type { RunningEmulator } from '../server';
import {
	KEY,
	call,
	chatBody,
	names,
	obj,
	start,
	streamBody,
	streamEvents,
} from './helpers';

let emu: RunningEmulator;
before( async () => {
	emu = await start();
} );
after( () => emu.close() );

/**
 * The text deltas of any mode, in order.
 * @param events
 */
function deltas( events: Array< Record< string, any > > ): string[] {
	return events
		.filter( ( e ) =>
			[ 'message', 'agent_message', 'text_chunk' ].includes( e.event )
		)
		.map( ( e ) => ( e.event === 'text_chunk' ? e.data.text : e.answer ) );
}

function assertTagged( parts: string[] ): void {
	const text = parts.join( '' );
	assert.ok( text.startsWith( '<think>\n' ), text.slice( 0, 40 ) );
	assert.ok( text.includes( '\n</think>\n\n' ) );
	assert.ok( text.includes( REASONING_MARKER ) );
	// The tags never arrive whole: a relay must strip them across deltas.
	assert.ok( parts.every( ( p ) => ! p.includes( '<think>' ) ) );
	assert.ok( parts.every( ( p ) => ! p.includes( '</think>' ) ) );
	assert.ok( parts.includes( '<' ) );
	assert.ok( parts.includes( '</th' ) );
}

describe( 'tagged reasoning (inline <think>)', () => {
	it( 'chat: split mid-tag across deltas; the stored and blocking answers keep it', async () => {
		const events = await streamEvents( emu, '/v1/chat-messages', {
			json: streamBody( 'Why is the sky blue? #reasoning' ),
		} );
		assertTagged( deltas( events ) );
		const blocking = obj(
			await call( emu, 'POST', 'chat-messages', {
				json: chatBody( 'Why is the sky blue? #reasoning' ),
			} )
		);
		assert.equal( blocking.answer, deltas( events ).join( '' ) );
	} );

	it( 'every mode with an LLM: completion, agent-chat, New Agent, chatflow, workflow', async () => {
		const runs: Array< [ string, string, Record< string, unknown > ] > = [
			[
				KEY.completion,
				'/v1/completion-messages',
				{
					inputs: { query: 'Think first #reasoning' },
					user: 'alice',
					response_mode: 'streaming',
				},
			],
			[
				KEY.agent,
				'/v1/chat-messages',
				streamBody( 'Think first #reasoning' ),
			],
			[
				KEY.newAgent,
				'/v1/chat-messages',
				streamBody( 'Think first #reasoning' ),
			],
			[
				KEY.chatflow,
				'/v1/chat-messages',
				streamBody( 'Think first #reasoning' ),
			],
			[
				KEY.workflow,
				'/v1/workflows/run',
				{
					inputs: { query: 'Think first #reasoning' },
					user: 'alice',
					response_mode: 'streaming',
				},
			],
		];
		for ( const [ key, path, json ] of runs ) {
			const events = await streamEvents( emu, path, { key, json } );
			const parts = deltas( events );
			if ( key === KEY.agent ) {
				// agent-chat: the tool round's preface streams first.
				const at = parts.indexOf( '<' );
				assert.ok( at > 0, key );
				assertTagged( parts.slice( at ) );
			} else if ( key === KEY.newAgent ) {
				// Without the closing message, which repeats the whole answer.
				const own = parts.slice( 0, -1 );
				assertTagged( own.slice( own.indexOf( '<' ) ) );
				const closing = events.find( ( e ) => e.event === 'message' );
				assert.ok( closing?.answer.includes( '</think>' ) );
			} else {
				assertTagged( parts );
			}
			assert.ok(
				! names( events ).includes( 'reasoning_chunk' ),
				`${ key }: tagged means no reasoning_chunk`
			);
		}
	} );
} );

describe( 'separated reasoning (reasoning_chunk)', () => {
	it( 'chatflow: reasoning_chunk inside the LLM node with data.message_id, closing is_final; the answer has no tags', async () => {
		const events = await streamEvents( emu, '/v1/chat-messages', {
			key: KEY.chatflow,
			json: streamBody( 'Plan it #reasoning:separated' ),
		} );
		const chunks = events.filter( ( e ) => e.event === 'reasoning_chunk' );
		assert.ok( chunks.length > 2 );
		const message = events[ 0 ]?.message_id;
		for ( const c of chunks ) {
			assert.deepEqual( Object.keys( c ), [
				'event',
				'conversation_id',
				'message_id',
				'created_at',
				'task_id',
				'data',
			] );
			assert.deepEqual( Object.keys( c.data ), [
				'message_id',
				'reasoning',
				'node_id',
				'is_final',
			] );
			assert.equal( c.data.message_id, message );
			assert.equal( c.data.node_id, '1733000000002' );
		}
		const last = chunks.at( -1 ) ?? {};
		assert.equal( last.data.is_final, true );
		assert.equal( last.data.reasoning, '' );
		assert.ok( chunks.slice( 0, -1 ).every( ( c ) => ! c.data.is_final ) );
		const thinking = chunks.map( ( c ) => c.data.reasoning ).join( '' );
		assert.ok( thinking.includes( REASONING_MARKER ) );
		const n = names( events );
		const llmStart = events.findIndex(
			( e ) => e.event === 'node_started' && e.data.node_type === 'llm'
		);
		assert.ok( llmStart < n.indexOf( 'reasoning_chunk' ) );
		assert.ok(
			n.lastIndexOf( 'reasoning_chunk' ) < n.indexOf( 'message' ),
			'reasoning before the answer'
		);
		assert.ok( ! deltas( events ).join( '' ).includes( '<think>' ) );
		const llm = events.find(
			( e ) => e.event === 'node_finished' && e.data.node_type === 'llm'
		);
		assert.ok(
			llm?.data.outputs.reasoning_content.includes( 'system prompt' )
		);
	} );

	it( 'workflow: workflow envelope, data.message_id null', async () => {
		const events = await streamEvents( emu, '/v1/workflows/run', {
			key: KEY.workflow,
			json: {
				inputs: { query: 'Plan it #reasoning:separated' },
				user: 'alice',
				response_mode: 'streaming',
			},
		} );
		const c = events.find( ( e ) => e.event === 'reasoning_chunk' ) ?? {};
		assert.deepEqual( Object.keys( c ), [
			'event',
			'workflow_run_id',
			'task_id',
			'data',
		] );
		assert.equal( c.data.message_id, null );
		assert.ok( ! deltas( events ).join( '' ).includes( '<think>' ) );
	} );

	it( 'basic chat apps have no reasoning format: separated still comes inline', async () => {
		const events = await streamEvents( emu, '/v1/chat-messages', {
			json: streamBody( 'Plan it #reasoning:separated' ),
		} );
		assert.ok( ! names( events ).includes( 'reasoning_chunk' ) );
		assertTagged( deltas( events ) );
	} );
} );

describe( 'separated reasoning in a run’s outputs', () => {
	it( 'a workflow’s End node outputs reasoning_content (streamed and blocking); a blocking chatflow body has no outputs', async () => {
		const query = 'Think apart #reasoning:separated #delay:0';
		const blocking = obj(
			await call( emu, 'POST', 'workflows/run', {
				key: KEY.workflow,
				json: {
					inputs: { query },
					user: 'alice',
					response_mode: 'blocking',
				},
			} )
		);
		assert.equal( blocking.data.status, 'succeeded' );
		assert.ok(
			blocking.data.outputs.reasoning_content.includes( REASONING_MARKER )
		);
		assert.ok( ! blocking.data.outputs.text.includes( REASONING_MARKER ) );
		const events = await streamEvents( emu, '/v1/workflows/run', {
			key: KEY.workflow,
			json: {
				inputs: { query },
				user: 'alice',
				response_mode: 'streaming',
			},
		} );
		const finished = events.find(
			( e ) => e.event === 'workflow_finished'
		);
		assert.ok(
			finished?.data.outputs.reasoning_content.includes(
				REASONING_MARKER
			)
		);
		const chatflow = obj(
			await call( emu, 'POST', 'chat-messages', {
				key: KEY.chatflow,
				json: chatBody( query ),
			} )
		);
		assert.equal( chatflow.outputs, undefined );
		assert.ok( ! chatflow.answer.includes( REASONING_MARKER ) );
	} );
} );
