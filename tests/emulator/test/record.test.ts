/** The request record and the loopback-only /__emulator endpoints. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningEmulator } from '../server';
import {
	KEY,
	call,
	chatBody,
	dataEvents,
	multipart,
	obj,
	start,
	streamBody,
} from './helpers';

let emu: RunningEmulator;
before( async () => {
	emu = await start();
} );
after( () => emu.close() );

describe( 'request record', () => {
	it( 'records method, path, query, headers (with authorization), app, user and body', async () => {
		await call( emu, 'POST', 'chat-messages?trace_id=abc', {
			json: chatBody( 'recorded', {
				user: 'rec-user',
				inputs: { name: 'Ann' },
			} ),
			headers: { 'X-Custom': 'yes' },
		} );
		const rec = emu.requests( { path: '/v1/chat-messages' } ).at( -1 );
		assert.ok( rec );
		assert.equal( rec.method, 'POST' );
		assert.equal( rec.path, '/v1/chat-messages' );
		assert.deepEqual( rec.query, { trace_id: 'abc' } );
		assert.equal( rec.headers.authorization, 'Bearer app-emulator' );
		assert.equal( rec.headers[ 'x-custom' ], 'yes' );
		assert.equal( rec.app, 'e0000000-0000-4000-8000-000000000001' );
		assert.equal( rec.appKey, KEY.chat );
		assert.equal( rec.user, 'rec-user' );
		assert.deepEqual( ( rec.body as Record< string, unknown > ).inputs, {
			name: 'Ann',
		} );
		assert.equal( rec.status, 200 );
		assert.equal( typeof rec.time, 'number' );
	} );

	it( 'records failed requests with null app/user and multipart summaries', async () => {
		await call( emu, 'GET', 'info', { key: 'app-wrong' } );
		const rec = emu.requests( { path: '/v1/info' } ).at( -1 );
		assert.equal( rec?.status, 401 );
		assert.equal( rec?.app, null );
		assert.equal( rec?.user, null );
		const mp = multipart( [
			{ name: 'user', data: 'mp-user' },
			{
				name: 'file',
				filename: 'a.txt',
				contentType: 'text/plain',
				data: 'hello',
			},
		] );
		await call( emu, 'POST', 'files/upload', {
			body: mp.body,
			contentType: mp.contentType,
		} );
		const up = emu.requests( { path: '/files/upload' } ).at( -1 );
		assert.deepEqual( up?.body, {
			fields: { user: 'mp-user' },
			files: [
				{
					field: 'file',
					filename: 'a.txt',
					size: 5,
					type: 'text/plain',
				},
			],
		} );
	} );

	it( 'serves the record over HTTP with since/path filters, and clears it', async () => {
		const base = `http://127.0.0.1:${ emu.port }/__emulator`;
		const health = await fetch( `${ base }/health` );
		assert.equal( health.status, 200 );
		assert.equal(
			( ( await health.json() ) as Record< string, unknown > ).status,
			'ok'
		);
		const first = ( await (
			await fetch( `${ base }/requests` )
		).json() ) as { lastSeq: number; requests: unknown[] };
		await call( emu, 'GET', 'parameters' );
		await call( emu, 'GET', 'meta' );
		const since = ( await (
			await fetch( `${ base }/requests?since=${ first.lastSeq }` )
		).json() ) as { requests: Array< { path: string } > };
		assert.deepEqual(
			since.requests.map( ( r ) => r.path ),
			[ '/v1/parameters', '/v1/meta' ]
		);
		const filtered = ( await (
			await fetch( `${ base }/requests?path=meta` )
		).json() ) as { requests: Array< { path: string } > };
		assert.ok( filtered.requests.length >= 1 );
		assert.ok(
			filtered.requests.every( ( r ) => r.path.includes( 'meta' ) )
		);
		assert.ok(
			! since.requests.some( ( r ) =>
				r.path.startsWith( '/__emulator' )
			),
			'record endpoints are not recorded'
		);
		const stats = ( await (
			await fetch( `${ base }/stats` )
		).json() ) as Record< string, unknown >;
		assert.deepEqual( Object.keys( stats ), [
			'activeStreams',
			'totalStreams',
			'stops',
		] );
		const del = await fetch( `${ base }/requests`, { method: 'DELETE' } );
		assert.equal( del.status, 200 );
		assert.equal( emu.requests().length, 0 );
	} );

	it( 'tells when each data event of a stream left (for the benchmark)', async () => {
		const reply = await call( emu, 'POST', 'chat-messages', {
			json: streamBody( 'timed #delay:5' ),
		} );
		const events = dataEvents( reply.text );
		const taskId = String( events[ 0 ]?.task_id );
		const emits = ( await (
			await fetch(
				`http://127.0.0.1:${ emu.port }/__emulator/emits?task_id=${ taskId }`
			)
		).json() ) as { times: number[] };
		assert.equal( emits.times.length, events.length );
		assert.ok(
			emits.times.every(
				( t, i ) => i === 0 || t >= ( emits.times[ i - 1 ] ?? 0 )
			)
		);
	} );

	it( 'keeps at most maxRecords entries', async () => {
		const small = await start( { maxRecords: 3 } );
		try {
			for ( let i = 0; i < 5; i++ ) {
				await call( small, 'GET', `/v1/?i=${ i }`, { key: null } );
			}
			const list = small.requests();
			assert.equal( list.length, 3 );
			assert.deepEqual(
				list.map( ( r ) => r.query.i ),
				[ '2', '3', '4' ]
			);
		} finally {
			await small.close();
		}
	} );

	it( 'answers /__emulator only to loopback clients', async () => {
		let remote = '203.0.113.7';
		const guarded = await start( { resolveRemoteAddress: () => remote } );
		try {
			const denied = await call( guarded, 'GET', '/__emulator/requests', {
				key: null,
				headers: { 'X-Forwarded-For': '127.0.0.1' },
			} );
			assert.equal( denied.status, 403 );
			assert.equal( obj( denied ).code, 'forbidden' );
			assert.equal(
				(
					await call( guarded, 'GET', '/__emulator/health', {
						key: null,
					} )
				).status,
				403
			);
			assert.equal(
				(
					await call( guarded, 'DELETE', '/__emulator/requests', {
						key: null,
					} )
				).status,
				403
			);
			// the API itself still answers
			assert.equal(
				( await call( guarded, 'GET', '/v1/', { key: null } ) ).status,
				200
			);
			for ( const addr of [
				'127.0.0.1',
				'127.8.9.10',
				'::1',
				'::ffff:127.0.0.1',
			] ) {
				remote = addr;
				assert.equal(
					(
						await call( guarded, 'GET', '/__emulator/health', {
							key: null,
						} )
					).status,
					200,
					addr
				);
			}
			for ( const addr of [
				'10.0.0.1',
				'::ffff:10.0.0.1',
				'128.0.0.1',
				'',
			] ) {
				remote = addr;
				assert.equal(
					(
						await call( guarded, 'GET', '/__emulator/health', {
							key: null,
						} )
					).status,
					403,
					addr
				);
			}
		} finally {
			await guarded.close();
		}
	} );
} );
