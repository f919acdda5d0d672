/** Fault and feature directives in the query text (README "Directives"). */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { parseDirectives } from '../directives';
import type { RunningEmulator } from '../server';
import {
	KEY,
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

const DEFAULTS: Record< string, string > = {
	app_unavailable: 'App unavailable, please check your app configurations.',
	not_chat_app: 'Please check if your app mode matches the right API route.',
	conversation_completed:
		'The conversation has ended. Please start a new conversation.',
	provider_not_initialize:
		'No valid model provider credentials found. Please go to Settings -> Model Provider to complete your provider credentials.',
	provider_quota_exceeded:
		'Your quota for Dify Hosted OpenAI has been exhausted. Please go to Settings -> Model Provider to complete your own provider credentials.',
	model_currently_not_support:
		'Dify Hosted OpenAI trial currently not support the GPT-4 model.',
	completion_request_error: 'Completion request failed.',
	bad_request:
		'The browser (or proxy) sent a request that this server could not understand.',
};

describe( 'directive parsing', () => {
	it( 'is case-insensitive, found anywhere, removed from the text', () => {
		const { directives, cleaned } = parseDirectives(
			'Hello #ECHO world #Fault:400:Provider_Quota_Exceeded  #delay:5 end'
		);
		assert.equal( cleaned, 'Hello world end' );
		assert.equal( directives.echo, true );
		assert.deepEqual( directives.httpFault, {
			kind: 'status',
			status: 400,
			code: 'provider_quota_exceeded',
		} );
		assert.equal( directives.delayMs, 5 );
	} );

	it( 'leaves lookalikes alone', () => {
		const { directives, cleaned } = parseDirectives(
			'C# is fine, #echoes too, and #1 item'
		);
		assert.equal( cleaned, 'C# is fine, #echoes too, and #1 item' );
		assert.equal( directives.echo, false );
		assert.deepEqual( directives.seen, [] );
	} );

	it( 'parses arguments and defaults', () => {
		const d = parseDirectives(
			'#fault:stall #fault:pings:2 #ping:250 #long:8 #files:relative #fault:429:3'
		).directives;
		assert.equal( d.stallSeconds, 30 );
		assert.equal( d.pingsSeconds, 2 );
		assert.equal( d.pingMs, 250 );
		assert.equal( d.longKb, 8 );
		assert.equal( d.files, 'relative' );
		assert.deepEqual( d.httpFault, { kind: 'rate-limit', retryAfter: 3 } );
		assert.equal(
			parseDirectives( '#fault:429' ).directives.httpFault?.kind,
			'rate-limit'
		);
	} );
} );

describe( 'HTTP faults', () => {
	for ( const [ code, message ] of Object.entries( DEFAULTS ) ) {
		it( `#fault:400:${ code }`, async () => {
			for ( const responseMode of [ 'blocking', 'streaming' ] ) {
				const r = await call( emu, 'POST', 'chat-messages', {
					json: chatBody( `hello #fault:400:${ code }`, {
						response_mode: responseMode,
					} ),
				} );
				assert.equal( r.status, 400 );
				assert.equal( r.headers[ 'content-type' ], 'application/json' );
				assert.deepEqual( obj( r ), { code, message, status: 400 } );
			}
		} );
	}

	it( '#fault:400:invalid_param and too-many (concurrency quirk)', async () => {
		const r = obj(
			await call( emu, 'POST', 'chat-messages', {
				json: chatBody( '#fault:400:invalid_param' ),
			} )
		);
		assert.equal( r.code, 'invalid_param' );
		const t = obj(
			await call( emu, 'POST', 'chat-messages', {
				json: chatBody( '#fault:too-many' ),
			} )
		);
		assert.equal( t.code, 'invalid_param' );
		assert.match(
			t.message,
			/^Too many requests\. Please try again later\. The current maximum concurrent requests allowed for e0000000-0000-4000-8000-000000000001 is \d+\.$/
		);
	} );

	it( '#fault:401 / 403 / 415 / 500', async () => {
		const u = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( '#fault:401' ),
		} );
		assert.equal( u.status, 401 );
		assert.equal( u.headers[ 'www-authenticate' ], 'Bearer realm="api"' );
		assert.equal( obj( u ).message, 'Access token is invalid' );
		assert.equal(
			obj(
				await call( emu, 'POST', 'chat-messages', {
					json: chatBody( '#fault:403' ),
				} )
			).code,
			'forbidden'
		);
		assert.equal(
			obj(
				await call( emu, 'POST', 'chat-messages', {
					json: chatBody( '#fault:415' ),
				} )
			).code,
			'unsupported_media_type'
		);
		const s = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( '#fault:500' ),
		} );
		assert.equal( s.status, 500 );
		assert.equal( obj( s ).code, 'internal_server_error' );
	} );

	it( '#fault:404 carries the did-you-mean suffix', async () => {
		const r = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( '#fault:404' ),
		} );
		assert.equal( r.status, 404 );
		assert.equal(
			obj( r ).message,
			'Conversation Not Exists. You have requested this URI [/v1/chat-messages] but did you mean /v1/chat-messages or /api/chat-messages or /v1/chat-messages/<string:task_id>/stop ?'
		);
	} );

	it( '#fault:429 with Retry-After (default 7, or chosen)', async () => {
		const r = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( '#fault:429' ),
		} );
		assert.equal( r.status, 429 );
		assert.equal( r.headers[ 'retry-after' ], '7' );
		assert.deepEqual( obj( r ), {
			code: 'rate_limit_error',
			message: 'Rate Limit Error',
			status: 429,
		} );
		const r3 = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( '#fault:429:3' ),
		} );
		assert.equal( r3.headers[ 'retry-after' ], '3' );
	} );

	for ( const [ status, title ] of [
		[ 413, '413 Request Entity Too Large' ],
		[ 502, '502 Bad Gateway' ],
		[ 504, '504 Gateway Time-out' ],
	] as const ) {
		it( `#fault:${ status } is an nginx HTML page`, async () => {
			const r = await call( emu, 'POST', 'chat-messages', {
				json: streamBody( `#fault:${ status }` ),
			} );
			assert.equal( r.status, status );
			assert.equal(
				r.headers[ 'content-type' ],
				'text/html; charset=utf-8'
			);
			assert.ok( r.text.includes( `<title>${ title }</title>` ) );
			assert.ok( r.text.includes( '<center>nginx</center>' ) );
			assert.equal(
				r.headers[ 'x-version' ],
				undefined,
				'produced by the proxy, not Dify'
			);
		} );
	}

	it( 'faults work on completion (inputs.query) and workflow runs', async () => {
		const c = await call( emu, 'POST', 'completion-messages', {
			key: KEY.completion,
			json: { inputs: { query: '#fault:500' }, user: 'a' },
		} );
		assert.equal( c.status, 500 );
		const w = await call( emu, 'POST', 'workflows/run', {
			key: KEY.workflow,
			json: { inputs: { query: '#fault:502' }, user: 'a' },
		} );
		assert.equal( w.status, 502 );
	} );

	it( 'a real oversized body gets the nginx 413 page', async () => {
		const small = await start( { maxBodyBytes: 1000 } );
		try {
			const r = await call( small, 'POST', 'chat-messages', {
				json: chatBody( 'x'.repeat( 2000 ) ),
			} );
			assert.equal( r.status, 413 );
			assert.ok( r.text.includes( '413 Request Entity Too Large' ) );
		} finally {
			await small.close();
		}
	} );

	it( '#fault:stall:1 sends no headers, then closes the connection', async () => {
		const t0 = Date.now();
		const outcome = await new Promise< string >( ( resolve ) => {
			const body = JSON.stringify( streamBody( '#fault:stall:1' ) );
			const req = request(
				{
					host: '127.0.0.1',
					port: emu.port,
					method: 'POST',
					path: '/v1/chat-messages',
					agent: false,
					headers: {
						Authorization: `Bearer ${ KEY.chat }`,
						'Content-Type': 'application/json',
						'Content-Length': Buffer.byteLength( body ),
					},
				},
				( res ) => resolve( `response ${ res.statusCode }` )
			);
			req.on( 'error', ( e: NodeJS.ErrnoException ) =>
				resolve( e.code ?? e.message )
			);
			req.end( body );
		} );
		const elapsed = Date.now() - t0;
		assert.equal( outcome, 'ECONNRESET' );
		assert.ok( elapsed >= 950, `elapsed ${ elapsed }` );
		assert.ok( elapsed < 5000 );
	} );
} );

describe( 'stream faults', () => {
	it( '#fault:error-event: a few deltas, then an error event without task_id, then close', async () => {
		const { text, aborted } = await openStream( emu, '/v1/chat-messages', {
			json: streamBody( 'explode #fault:error-event' ),
		} ).done;
		assert.equal( aborted, false );
		const events = dataEvents( text );
		assert.ok(
			events.filter( ( e ) => e.event === 'message' ).length >= 1
		);
		const err = events.at( -1 ) ?? {};
		assert.deepEqual( Object.keys( err ), [
			'event',
			'conversation_id',
			'message_id',
			'created_at',
			'code',
			'status',
			'message',
		] );
		assert.equal( err.code, 'completion_request_error' );
		assert.equal( err.status, 400 );
		assert.ok( ! events.some( ( e ) => e.event === 'message_end' ) );
		const h = obj(
			await call(
				emu,
				'GET',
				`messages?user=alice&conversation_id=${ err.conversation_id }`
			)
		);
		assert.equal( h.data[ 0 ].status, 'error' );
		assert.equal( h.data[ 0 ].error, err.message );
		const blocking = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( 'explode #fault:error-event' ),
		} );
		assert.equal( blocking.status, 400 );
		assert.equal( obj( blocking ).code, 'completion_request_error' );
		const wf = dataEvents(
			(
				await openStream( emu, '/v1/workflows/run', {
					key: KEY.workflow,
					json: {
						inputs: { query: '#fault:error-event' },
						user: 'a',
						response_mode: 'streaming',
					},
				} ).done
			).text
		).at( -1 );
		assert.deepEqual( Object.keys( wf ?? {} ), [
			'event',
			'workflow_run_id',
			'code',
			'status',
			'message',
		] );
	} );

	it( '#fault:drop cuts the stream without a terminal event', async () => {
		const { text, aborted } = await openStream( emu, '/v1/chat-messages', {
			json: streamBody( 'cut #fault:drop' ),
		} ).done;
		assert.equal( aborted, true );
		const events = dataEvents( text );
		assert.ok( events.length >= 1 );
		assert.ok(
			! events.some(
				( e ) => e.event === 'message_end' || e.event === 'error'
			)
		);
	} );

	it( '#fault:malformed mixes broken frames among good ones and finishes normally', async () => {
		const { text } = await openStream( emu, '/v1/chat-messages', {
			json: streamBody( '#fault:malformed broken frames' ),
		} ).done;
		assert.ok( text.includes( '\n\ndata: {not json\n\n' ) );
		const others = parseFrames( text ).filter(
			( f ) => f.kind === 'other'
		);
		assert.equal( others.length, 2 );
		assert.ok(
			others.some(
				( f ) => f.kind === 'other' && ! f.text.startsWith( 'data:' )
			)
		);
		assert.equal( dataEvents( text ).at( -1 )?.event, 'message_end' );
	} );

	it( '#fault:big sends one 64 KB message event', async () => {
		const events = dataEvents(
			(
				await openStream( emu, '/v1/chat-messages', {
					json: streamBody( '#fault:big huge' ),
				} ).done
			).text
		);
		const big = events.filter(
			( e ) => e.event === 'message' && e.answer.length === 65536
		);
		assert.equal( big.length, 1 );
		assert.equal( events.at( -1 )?.event, 'message_end' );
	} );

	it( '#fault:pings:1 with #ping:100 sends only pings first, then the answer', async () => {
		const t0 = Date.now();
		const { text } = await openStream( emu, '/v1/chat-messages', {
			json: streamBody( '#fault:pings:1 #ping:100 #echo after pings' ),
		} ).done;
		assert.ok( Date.now() - t0 >= 950 );
		const frames = parseFrames( text );
		const firstData = frames.findIndex( ( f ) => f.kind === 'data' );
		assert.ok( firstData >= 5, `pings before data: ${ firstData }` );
		assert.ok(
			frames.slice( 0, firstData ).every( ( f ) => f.kind === 'ping' )
		);
		assert.equal(
			dataEvents( text )
				.filter( ( e ) => e.event === 'message' )
				.map( ( e ) => e.answer )
				.join( '' ),
			'after pings'
		);
	} );

	it( '#fault:pings defaults to one ping per second when no interval is configured', async () => {
		const saved = process.env.DIFY_EMULATOR_PING_MS;
		delete process.env.DIFY_EMULATOR_PING_MS;
		const def = await start( { pingMs: undefined } );
		if ( saved !== undefined ) {
			process.env.DIFY_EMULATOR_PING_MS = saved;
		}
		try {
			const { text } = await openStream( def, '/v1/chat-messages', {
				json: streamBody( '#fault:pings:2.5 #echo x' ),
			} ).done;
			const pings = parseFrames( text ).filter(
				( f ) => f.kind === 'ping'
			).length;
			// one per second for 2.5 s (not the 60 s pingMs of the helper, not 10 s)
			assert.ok( pings >= 2 && pings <= 3, `pings: ${ pings }` );
		} finally {
			await def.close();
		}
	} );

	it( '#fault:slow paces events at 500 ms', async () => {
		const t0 = Date.now();
		await openStream( emu, '/v1/chat-messages', {
			json: streamBody( '#fault:slow #echo one two' ),
		} ).done;
		assert.ok( Date.now() - t0 >= 950 );
	} );

	it( '#fault:run-failed: chatflow ends with workflow_finished failed + error; workflow without error event', async () => {
		const cf = dataEvents(
			(
				await openStream( emu, '/v1/chat-messages', {
					key: KEY.chatflow,
					json: streamBody( '#fault:run-failed' ),
				} ).done
			).text
		);
		assert.deepEqual(
			cf.slice( -2 ).map( ( e ) => e.event ),
			[ 'workflow_finished', 'error' ]
		);
		assert.equal( cf.at( -2 )?.data.status, 'failed' );
		assert.equal( cf.at( -1 )?.code, 'invalid_param' );
		assert.match( cf.at( -1 )?.message, /^Run failed: / );
		assert.ok(
			cf.some(
				( e ) =>
					e.event === 'node_finished' && e.data.status === 'failed'
			)
		);
		const blockingCf = await call( emu, 'POST', 'chat-messages', {
			key: KEY.chatflow,
			json: chatBody( '#fault:run-failed' ),
		} );
		assert.equal( blockingCf.status, 400 );
		assert.match( obj( blockingCf ).message, /^Run failed: / );
		const wf = dataEvents(
			(
				await openStream( emu, '/v1/workflows/run', {
					key: KEY.workflow,
					json: {
						inputs: { query: '#fault:run-failed' },
						user: 'a',
						response_mode: 'streaming',
					},
				} ).done
			).text
		);
		assert.equal( wf.at( -1 )?.event, 'workflow_finished' );
		assert.equal( wf.at( -1 )?.data.status, 'failed' );
		assert.ok( ! wf.some( ( e ) => e.event === 'error' ) );
		const blockingWf = await call( emu, 'POST', 'workflows/run', {
			key: KEY.workflow,
			json: { inputs: { query: '#fault:run-failed' }, user: 'a' },
		} );
		assert.equal( blockingWf.status, 200 );
		assert.equal( obj( blockingWf ).data.status, 'failed' );
		assert.equal( typeof obj( blockingWf ).data.error, 'string' );
	} );
} );

describe( 'feature directives', () => {
	it( '#echo answers exactly the query minus directives', async () => {
		const r = obj(
			await call( emu, 'POST', 'chat-messages', {
				json: chatBody( '  Echo  #ECHO this back, please  ' ),
			} )
		);
		assert.equal( r.answer, 'Echo this back, please' );
	} );

	it( '#replace sends message_replace (output_moderation) before message_end', async () => {
		const events = dataEvents(
			(
				await openStream( emu, '/v1/chat-messages', {
					json: streamBody( '#replace moderated' ),
				} ).done
			).text
		);
		const names = events.map( ( e ) => e.event );
		assert.deepEqual( names.slice( -2 ), [
			'message_replace',
			'message_end',
		] );
		const rep = events.at( -2 ) ?? {};
		assert.deepEqual( Object.keys( rep ).slice( 4 ), [
			'task_id',
			'answer',
			'reason',
		] );
		assert.equal( rep.reason, 'output_moderation' );
		const blocking = obj(
			await call( emu, 'POST', 'chat-messages', {
				json: chatBody( '#replace moderated' ),
			} )
		);
		assert.equal( blocking.answer, rep.answer );
	} );

	it( '#files adds a message_file image served by the emulator; #files:relative gives a relative link', async () => {
		const events = dataEvents(
			(
				await openStream( emu, '/v1/chat-messages', {
					json: streamBody( '#files picture' ),
				} ).done
			).text
		);
		const f =
			events.find( ( e ) => e.event === 'message_file' && e.url ) ?? {};
		assert.equal( f.type, 'image' );
		assert.ok(
			f.url.startsWith( `http://127.0.0.1:${ emu.port }/files/tools/` ),
			f.url
		);
		assert.match( f.url, /\.png\?timestamp=\d+&nonce=[0-9a-f]{32}&sign=/ );
		const img = await fetch( f.url );
		assert.equal( img.status, 200 );
		assert.equal( img.headers.get( 'content-type' ), 'image/png' );
		const rel = dataEvents(
			(
				await openStream( emu, '/v1/chat-messages', {
					json: streamBody( '#files:relative picture' ),
				} ).done
			).text
		);
		const rf =
			rel.find( ( e ) => e.event === 'message_file' && e.url ) ?? {};
		assert.ok( rf.url.startsWith( '/files/tools/' ) );
		const cf = dataEvents(
			(
				await openStream( emu, '/v1/chat-messages', {
					key: KEY.chatflow,
					json: streamBody( '#files picture' ),
				} ).done
			).text
		);
		const cfEnd = cf.find( ( e ) => e.event === 'message_end' ) ?? {};
		assert.equal(
			cfEnd.files.length,
			1,
			'chatflow message_end lists the file'
		);
		assert.equal( cfEnd.files[ 0 ].dify_model_identity, '__dify__file__' );
	} );

	it( '#tts adds tts_message chunks and tts_message_end after message_end', async () => {
		const events = dataEvents(
			(
				await openStream( emu, '/v1/chat-messages', {
					json: streamBody( '#tts speak #echo hi' ),
				} ).done
			).text
		);
		const names = events.map( ( e ) => e.event );
		const end = names.indexOf( 'message_end' );
		assert.ok( end > 0 );
		assert.ok(
			names.slice( end + 1, -1 ).every( ( n ) => n === 'tts_message' )
		);
		assert.ok( names.slice( end + 1, -1 ).length >= 1 );
		assert.equal( names.at( -1 ), 'tts_message_end' );
		assert.equal( events.at( -1 )?.audio, '' );
		const audio = Buffer.from(
			events
				.filter( ( e ) => e.event === 'tts_message' )
				.map( ( e ) => e.audio )
				.join( '' ),
			'base64'
		);
		assert.deepEqual( [ ...audio.subarray( 0, 2 ) ], [ 0xff, 0xfb ] );
	} );

	it( '#long:KB streams an answer of KB kilobytes in many events', async () => {
		const events = dataEvents(
			(
				await openStream( emu, '/v1/chat-messages', {
					json: streamBody( '#long:64' ),
				} ).done
			).text
		);
		const answer = events
			.filter( ( e ) => e.event === 'message' )
			.map( ( e ) => e.answer )
			.join( '' );
		assert.equal( answer.length, 64 * 1024 );
		assert.ok( events.length > 500 );
	} );

	it( '#xss answers with the XSS corpus and an unterminated fence', async () => {
		const r = obj(
			await call( emu, 'POST', 'chat-messages', {
				json: chatBody( '#xss' ),
			} )
		);
		for ( const needle of [
			'<script>alert(1)</script>',
			'<img src=x onerror=alert(1)>',
			'[x](javascript:alert(1))',
			'[d](data:text/html,<script>alert(1)</script>)',
			'<svg onload=alert(1)>',
			'<iframe src=javascript:alert(1)>',
		] ) {
			assert.ok( r.answer.includes( needle ), needle );
		}
		assert.equal(
			( r.answer.match( /```/g ) ?? [] ).length % 2,
			1,
			'an open fence'
		);
	} );

	it( '#markdown is a no-op alias of the default answer', async () => {
		const a = obj(
			await call( emu, 'POST', 'chat-messages', {
				json: chatBody( 'same question #markdown' ),
			} )
		);
		const b = obj(
			await call( emu, 'POST', 'chat-messages', {
				json: chatBody( 'same question' ),
			} )
		);
		assert.equal( a.answer, b.answer );
	} );

	it( 'input moderation: a configured keyword replays the preset answer one character per event', async () => {
		const events = dataEvents(
			(
				await openStream( emu, '/v1/chat-messages', {
					json: streamBody( 'tell me about emulator-blocked-word' ),
				} ).done
			).text
		);
		const deltas = events.filter( ( e ) => e.event === 'message' );
		assert.ok( deltas.every( ( e ) => [ ...e.answer ].length === 1 ) );
		assert.equal(
			deltas.map( ( e ) => e.answer ).join( '' ),
			'Sorry, I cannot talk about that. (emulated input moderation)'
		);
	} );
} );
