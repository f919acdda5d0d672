/*
 * @jest-environment node
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { describe, expect, it } from '@jest/globals';

import { difyEvents, sseFrames } from '../sse';
import { bytesOf, collect, streamOf } from './utils/streams';

const TRANSCRIPT =
	'data: {"event":"message","conversation_id":"c1","task_id":"t1","answer":"Hél"}\n\n' +
	'event: ping\n\n' +
	'data: {"event":"message","conversation_id":"c1","task_id":"t1","answer":"lo 👋 世界"}\n\n' +
	'data: {"event":"message_end","conversation_id":"c1","task_id":"t1","id":"m1"}\n\n';

describe( 'sseFrames', () => {
	it( 'reads data frames and keep-alive pings', async () => {
		const frames = await collect( sseFrames( streamOf( [ TRANSCRIPT ] ) ) );
		expect( frames.map( ( f ) => f.event ) ).toEqual( [
			'message',
			'ping',
			'message',
			'message',
		] );
		expect( frames[ 1 ]?.data ).toBe( '' );
		expect( JSON.parse( frames[ 2 ]?.data ?? '' ).answer ).toBe(
			'lo 👋 世界'
		);
	} );

	it( 'gives the same frames however the bytes are cut, even inside a character', async () => {
		const whole = await collect( sseFrames( streamOf( [ TRANSCRIPT ] ) ) );
		for ( const size of [ 1, 2, 3, 5, 7, 64 ] ) {
			const cut = await collect(
				sseFrames( streamOf( bytesOf( TRANSCRIPT, size ) ) )
			);
			expect( cut ).toEqual( whole );
		}
	} );

	it( 'accepts \\r\\n and \\r line endings, also split between chunks', async () => {
		const crlf = TRANSCRIPT.replace( /\n/g, '\r\n' );
		const cr = TRANSCRIPT.replace( /\n/g, '\r' );
		const whole = await collect( sseFrames( streamOf( [ TRANSCRIPT ] ) ) );
		expect( await collect( sseFrames( streamOf( [ crlf ] ) ) ) ).toEqual(
			whole
		);
		expect( await collect( sseFrames( streamOf( [ cr ] ) ) ) ).toEqual(
			whole
		);
		expect(
			await collect( sseFrames( streamOf( bytesOf( crlf, 1 ) ) ) )
		).toEqual( whole );
		// "\r" at the end of one chunk and "\n" at the start of the next are one line end.
		expect(
			await collect(
				sseFrames(
					streamOf( [ 'data: a\r', '\n\r', '\ndata: b\r\n\r\n' ] )
				)
			)
		).toEqual( [
			{ event: 'message', data: 'a' },
			{ event: 'message', data: 'b' },
		] );
	} );

	it( 'follows the SSE field rules', async () => {
		const frames = await collect(
			sseFrames(
				streamOf( [
					'\uFEFF: a comment\n',
					'data:no space\n\n',
					'data:  two spaces\n\n',
					'event: custom\ndata: one\ndata: two\nid: 7\nretry: 10\n\n',
					'data\n\n',
				] )
			)
		);
		expect( frames ).toEqual( [
			{ event: 'message', data: 'no space' },
			{ event: 'message', data: ' two spaces' },
			{ event: 'custom', data: 'one\ntwo' },
			{ event: 'message', data: '' },
		] );
	} );

	it( 'drops an event the stream did not finish', async () => {
		const frames = await collect(
			sseFrames(
				streamOf( [
					'data: {"event":"message"}\n\n',
					'data: {"event":"mess',
				] )
			)
		);
		expect( frames ).toHaveLength( 1 );
	} );

	it( 'cancels the stream when the reader stops early', async () => {
		let cancelled = false;
		const stream = new ReadableStream< Uint8Array >( {
			pull( controller ) {
				controller.enqueue( new TextEncoder().encode( 'data: x\n\n' ) );
			},
			cancel() {
				cancelled = true;
			},
		} );
		for await ( const f of sseFrames( stream ) ) {
			expect( f.data ).toBe( 'x' );
			break;
		}
		expect( cancelled ).toBe( true );
	} );
} );

describe( 'difyEvents', () => {
	it( 'yields JSON events and skips pings', async () => {
		const events = await collect(
			difyEvents( streamOf( bytesOf( TRANSCRIPT, 3 ) ) )
		);
		expect( events.map( ( e ) => e.event ) ).toEqual( [
			'message',
			'message',
			'message_end',
		] );
	} );

	it( 'skips malformed data instead of throwing', async () => {
		const events = await collect(
			difyEvents(
				streamOf( [
					'data: {not json\n\n',
					'data: [1,2]\n\n',
					'data: "text"\n\n',
					'data: {"no":"event"}\n\n',
					'data: {"event":42}\n\n',
					'data: {"event":"message","answer":"ok"}\n\n',
				] )
			)
		);
		expect( events ).toEqual( [ { event: 'message', answer: 'ok' } ] );
	} );
} );
