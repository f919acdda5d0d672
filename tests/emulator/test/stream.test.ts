/** SSE framing (§8.1), envelopes (§8.2), usage types (§9.4) and blocking shapes (§6). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningEmulator } from '../server';
import {
	KEY,
	UUID_RE,
	call,
	chatBody,
	dataEvents,
	obj,
	openStream,
	parseFrames,
	start,
	streamBody,
} from './helpers';

let emu: RunningEmulator;
before( async () => {
	emu = await start();
} );
after( () => emu.close() );

const CHAT_ENVELOPE = [
	'event',
	'conversation_id',
	'message_id',
	'created_at',
];

function assertUsage( usage: Record< string, unknown > ): void {
	assert.deepEqual( Object.keys( usage ), [
		'prompt_tokens',
		'prompt_unit_price',
		'prompt_price_unit',
		'prompt_price',
		'completion_tokens',
		'completion_unit_price',
		'completion_price_unit',
		'completion_price',
		'total_tokens',
		'total_price',
		'currency',
		'latency',
		'time_to_first_token',
		'time_to_generate',
	] );
	for ( const k of [
		'prompt_tokens',
		'completion_tokens',
		'total_tokens',
	] ) {
		assert.ok( Number.isInteger( usage[ k ] ), k );
	}
	for ( const k of [
		'prompt_unit_price',
		'prompt_price_unit',
		'prompt_price',
		'completion_unit_price',
		'completion_price_unit',
		'completion_price',
		'total_price',
	] ) {
		assert.equal( typeof usage[ k ], 'string', k );
		assert.match( usage[ k ] as string, /^\d+\.\d+$/, k );
	}
	assert.equal(
		usage.total_tokens,
		( usage.prompt_tokens as number ) +
			( usage.completion_tokens as number )
	);
	assert.equal(
		Math.round( Number( usage.total_price ) * 1e7 ),
		Math.round( Number( usage.prompt_price ) * 1e7 ) +
			Math.round( Number( usage.completion_price ) * 1e7 )
	);
	assert.equal( typeof usage.latency, 'number' );
	assert.ok( ! Number.isInteger( usage.latency ), 'latency is a float' );
}

describe( 'SSE framing, byte level', () => {
	it( 'streams data frames only, compact JSON, blank-line separated, no [DONE], then closes', async () => {
		const s = openStream( emu, '/v1/chat-messages', {
			json: streamBody( 'Tell me about café streaming / SSE' ),
		} );
		assert.equal( await s.status, 200 );
		const headers = await s.headers;
		assert.equal(
			headers[ 'content-type' ],
			'text/event-stream; charset=utf-8'
		);
		assert.equal( headers[ 'transfer-encoding' ], 'chunked' );
		assert.equal( headers[ 'content-length' ], undefined );
		assert.equal( headers[ 'x-version' ], '1.16.0' );
		const { text, aborted } = await s.done;
		assert.equal( aborted, false );
		assert.ok( text.endsWith( '\n\n' ) );
		assert.ok( ! text.includes( '[DONE]' ) );
		const blocks = text.split( '\n\n' );
		assert.equal( blocks.pop(), '' );
		for ( const block of blocks ) {
			assert.ok( block.startsWith( 'data: {' ), block );
			assert.ok( ! block.includes( '\n' ), 'one line per event' );
			const payload = block.slice( 6 );
			assert.equal(
				payload,
				JSON.stringify( JSON.parse( payload ) ),
				'compact JSON'
			);
		}
		// raw UTF-8 and unescaped slashes (orjson), unlike ordinary bodies
		assert.ok( ! text.includes( '\\/' ) );
		assert.ok( ! /\\u00e9/.test( text ) );
		const events = dataEvents( text );
		assert.equal( events.at( -1 )?.event, 'message_end' );
		assert.ok(
			events.filter( ( e ) => e.event === 'message' ).length > 10,
			'small deltas'
		);
	} );

	it( 'puts the envelope first and task_id first of the own fields; ids are constant', async () => {
		const s = openStream( emu, '/v1/chat-messages', {
			json: streamBody( 'envelope check' ),
		} );
		const events = dataEvents( ( await s.done ).text );
		const first = events[ 0 ];
		assert.ok( first );
		assert.match( first.conversation_id, UUID_RE );
		assert.match( first.message_id, UUID_RE );
		assert.match( first.task_id, UUID_RE );
		for ( const e of events ) {
			const keys = Object.keys( e );
			assert.deepEqual( keys.slice( 0, 5 ), [
				...CHAT_ENVELOPE,
				'task_id',
			] );
			assert.equal( e.conversation_id, first.conversation_id );
			assert.equal( e.message_id, first.message_id );
			assert.equal( e.created_at, first.created_at );
			assert.equal( e.task_id, first.task_id );
		}
		const msg = events.find( ( e ) => e.event === 'message' );
		assert.deepEqual( Object.keys( msg ?? {} ), [
			...CHAT_ENVELOPE,
			'task_id',
			'id',
			'answer',
			'from_variable_selector',
		] );
		assert.equal( msg?.id, first.message_id );
		assert.equal( msg?.from_variable_selector, null );
		const end = events.at( -1 ) ?? {};
		assert.deepEqual( Object.keys( end ), [
			...CHAT_ENVELOPE,
			'task_id',
			'id',
			'metadata',
			'files',
		] );
		assert.equal( end.files, null );
		assert.deepEqual( Object.keys( end.metadata ), [
			'annotation_reply',
			'retriever_resources',
			'usage',
		] );
		assert.equal( end.metadata.annotation_reply, null );
		assertUsage( end.metadata.usage );
		assert.equal( Number.isInteger( first.created_at ), true );
		assert.ok(
			Math.abs( first.created_at - Date.now() / 1000 ) < 60,
			'created_at is in seconds'
		);
	} );

	it( 'fills citations when the app enables them, empty otherwise', async () => {
		const withCitations = dataEvents(
			(
				await openStream( emu, '/v1/chat-messages', {
					json: streamBody( 'cite' ),
				} ).done
			).text
		).at( -1 );
		const resources = withCitations?.metadata.retriever_resources;
		assert.equal( resources.length, 2 );
		assert.deepEqual(
			resources.map( ( r: Record< string, unknown > ) => r.position ),
			[ 1, 2 ]
		);
		for ( const r of resources ) {
			assert.equal( typeof r.document_name, 'string' );
			assert.equal( typeof r.content, 'string' );
			assert.equal( typeof r.score, 'number' );
		}
		const plain = dataEvents(
			(
				await openStream( emu, '/v1/chat-messages', {
					key: KEY.plain,
					json: streamBody( 'cite' ),
				} ).done
			).text
		).at( -1 );
		assert.deepEqual( plain?.metadata.retriever_resources, [] );
	} );

	it( 'the streamed deltas add up to the blocking answer (deterministic answers)', async () => {
		const events = dataEvents(
			(
				await openStream( emu, '/v1/chat-messages', {
					json: streamBody( 'determinism please' ),
				} ).done
			).text
		);
		const streamed = events
			.filter( ( e ) => e.event === 'message' )
			.map( ( e ) => e.answer )
			.join( '' );
		const blocking = obj(
			await call( emu, 'POST', 'chat-messages', {
				json: chatBody( 'determinism please' ),
			} )
		);
		assert.equal( blocking.answer, streamed );
		for ( const needle of [
			'## ',
			'\n- ',
			'\n1. ',
			'`',
			'```',
			'](https://',
			'| --- |',
		] ) {
			assert.ok(
				streamed.includes( needle ),
				`markdown variety: ${ needle }`
			);
		}
		const other = obj(
			await call( emu, 'POST', 'chat-messages', {
				json: chatBody( 'a different question' ),
			} )
		);
		assert.notEqual( other.answer, blocking.answer );
	} );

	it( 'sends event: ping frames at the configured interval, even between events', async () => {
		const fast = await start( { delayMs: 120, pingMs: 50 } );
		try {
			const s = openStream( fast, '/v1/chat-messages', {
				json: streamBody( 'ping me #echo one two three four' ),
			} );
			const { text } = await s.done;
			const frames = parseFrames( text );
			const pings = frames.filter( ( f ) => f.kind === 'ping' ).length;
			assert.ok( pings >= 4, `expected several pings, got ${ pings }` );
			assert.ok(
				text.includes( '\n\nevent: ping\n\n' ) ||
					text.startsWith( 'event: ping\n\n' )
			);
			assert.ok(
				! /event: (?!ping)/.test( text ),
				'no other event: lines'
			);
			assert.equal(
				frames.filter( ( f ) => f.kind === 'other' ).length,
				0
			);
		} finally {
			await fast.close();
		}
	} );

	it( 'honours #delay and the delay option (slower stream)', async () => {
		const t0 = Date.now();
		await openStream( emu, '/v1/chat-messages', {
			json: streamBody( '#echo a b c d #delay:60' ),
		} ).done;
		const elapsed = Date.now() - t0;
		// 4 deltas + message_end: at least 4 × 60 ms
		assert.ok( elapsed >= 240, `elapsed ${ elapsed }` );
	} );
} );

describe( 'blocking chat (§6.1)', () => {
	it( 'uses json.dumps spacing, no trailing newline, the documented key order', async () => {
		const r = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( 'blocking shape / test' ),
		} );
		assert.equal( r.status, 200 );
		assert.equal(
			r.headers[ 'content-type' ],
			'application/json; charset=utf-8'
		);
		assert.ok( r.text.startsWith( '{"event": "message", "task_id": "' ) );
		assert.ok( ! r.text.endsWith( '\n' ) );
		const b = obj( r );
		assert.deepEqual( Object.keys( b ), [
			'event',
			'task_id',
			'id',
			'message_id',
			'conversation_id',
			'mode',
			'answer',
			'metadata',
			'created_at',
		] );
		assert.equal( b.id, b.message_id );
		assert.equal( b.mode, 'chat' );
		assertUsage( b.metadata.usage );
		assert.equal( b.metadata.usage.time_to_first_token, null );
	} );

	it( 'treats a missing or null response_mode as blocking', async () => {
		const r = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( 'x', { response_mode: null } ),
		} );
		assert.equal(
			r.headers[ 'content-type' ],
			'application/json; charset=utf-8'
		);
		const bad = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( 'x', { response_mode: 'stream' } ),
		} );
		assert.equal( bad.status, 400 );
		assert.equal( obj( bad ).code, 'invalid_param' );
		assert.match(
			obj( bad ).message,
			/^1 validation error for ChatRequestPayload\nresponse_mode\n {2}Input should be 'blocking' or 'streaming'/
		);
	} );

	it( 'escapes non-ASCII in blocking bodies (json.dumps ensure_ascii)', async () => {
		const r = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( '#echo héllo 🙂' ),
		} );
		assert.ok(
			r.text.includes( '"answer": "h\\u00e9llo \\ud83d\\ude42"' )
		);
		assert.equal( obj( r ).answer, 'héllo 🙂' );
	} );
} );
