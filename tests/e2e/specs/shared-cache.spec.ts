/**
 * A shared cache in front of the site: Debian's nginx as a caching reverse proxy that keeps
 * every answer for ten minutes unless the answer says otherwise (`proxy_cache_valid any 10m`,
 * the cache key without the cookie, as a CDN set to cache `/wp-json` would). Visitor A chats and
 * reads their list through it; visitor B asking the same URLs never gets A's data, and no answer
 * of the plugin is ever served from the cache. A plain HTTP client (Node's fetch) is each
 * visitor: the cookie is the only thing that tells them apart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';

import { test, expect } from '../utils/test';

const SITE = new URL( process.env.WP_BASE_URL ?? 'http://127.0.0.1:8889' );
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let nginx: ChildProcess | undefined;
let dir = '';
let proxy = '';

/** A free TCP port on 127.0.0.1 (CACHE_PROXY_PORT when set). */
async function freePort(): Promise< number > {
	if ( process.env.CACHE_PROXY_PORT ) {
		return Number( process.env.CACHE_PROXY_PORT );
	}
	return new Promise( ( resolve, reject ) => {
		const server = net.createServer();
		server.once( 'error', reject );
		server.listen( 0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close( () => resolve( port ) );
		} );
	} );
}

test.beforeAll( async () => {
	dir = mkdtempSync( path.join( tmpdir(), 'dify-chatbot-cache-' ) );
	const port = await freePort();
	proxy = `http://127.0.0.1:${ port }`;
	const conf = path.join( dir, 'nginx.conf' );
	writeFileSync(
		conf,
		`# A CDN-like shared cache in front of the test site (written by shared-cache.spec.ts).
user ${ userInfo().username };
worker_processes 1;
pid ${ dir }/nginx.pid;
error_log ${ dir }/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path ${ dir }/body;
	proxy_temp_path ${ dir }/proxy;
	fastcgi_temp_path ${ dir }/fastcgi;
	uwsgi_temp_path ${ dir }/uwsgi;
	scgi_temp_path ${ dir }/scgi;
	proxy_cache_path ${ dir }/cache levels=1:2 keys_zone=cdn:1m max_size=16m inactive=10m use_temp_path=off;
	server {
		listen 127.0.0.1:${ port };
		location / {
			proxy_pass ${ SITE.origin };
			proxy_http_version 1.1;
			proxy_cache cdn;
			proxy_cache_key $scheme$proxy_host$request_uri;
			proxy_cache_valid any 10m;
			add_header X-Cache-Status $upstream_cache_status always;
		}
	}
}
`
	);
	nginx = spawn(
		'nginx',
		[ '-e', `${ dir }/error.log`, '-c', conf, '-g', 'daemon off;' ],
		{
			stdio: 'ignore',
		}
	);
	const exited = new Promise< never >( ( _resolve, reject ) =>
		nginx?.once( 'exit', ( code ) =>
			reject(
				new Error( `nginx exited (${ code }); see ${ dir }/error.log` )
			)
		)
	);
	// Up when it proxies the site's REST index.
	await Promise.race( [
		exited,
		expect
			.poll(
				async () =>
					( await fetch( `${ proxy }/wp-json/` ).catch( () => null ) )
						?.status,
				{ timeout: 15_000 }
			)
			.toBe( 200 ),
	] );
} );

test.afterAll( async () => {
	if ( nginx && nginx.exitCode === null ) {
		const gone = new Promise( ( resolve ) =>
			nginx?.once( 'exit', resolve )
		);
		nginx.kill( 'SIGQUIT' );
		await gone;
	}
	rmSync( dir, { recursive: true, force: true } );
} );

interface Answer {
	status: number;
	cache: string | null;
	cacheControl: string | null;
	vary: string;
	cookie: string | null;
	body: string;
}

/**
 * One request through the proxy as a visitor (`cookie` is their visitor cookie, or none).
 *
 * @param route  The route below the namespace, with its query.
 * @param cookie The visitor's cookie.
 * @param init   Method, headers and body.
 */
async function through(
	route: string,
	cookie: string | null,
	init: RequestInit = {}
): Promise< Answer > {
	const headers = new Headers( init.headers );
	if ( cookie ) {
		headers.set( 'Cookie', cookie );
	}
	const response = await fetch(
		`${ proxy }/wp-json/dify-chatbot/v1${ route }`,
		{ ...init, headers }
	);
	const setCookie = response.headers.get( 'set-cookie' );
	return {
		status: response.status,
		cache: response.headers.get( 'x-cache-status' ),
		cacheControl: response.headers.get( 'cache-control' ),
		vary: response.headers.get( 'vary' ) ?? '',
		cookie: setCookie ? ( setCookie.split( ';' )[ 0 ] ?? null ) : null,
		body: await response.text(),
	};
}

/**
 * A chat message through the proxy; streamed when `stream`.
 *
 * @param cookie The visitor's cookie (null for a new visitor).
 * @param query  The message.
 * @param stream Whether to ask for the event stream.
 */
function chat(
	cookie: string | null,
	query: string,
	stream = false
): Promise< Answer > {
	return through( '/chat', cookie, {
		method: 'POST',
		headers: {
			'Content-Type': 'application/json',
			Accept: stream ? 'text/event-stream' : 'application/json',
		},
		body: JSON.stringify( { query } ),
	} );
}

function expectPrivate( answer: Answer, what: string ): void {
	// (A stream adds no-transform: no proxy may re-encode it.)
	expect( answer.cacheControl, what ).toMatch(
		/^private, no-store(, no-transform)?$/
	);
	expect( answer.vary, what ).toMatch( /\bCookie\b/ );
	expect( answer.cache, what ).not.toBe( 'HIT' );
}

test( 'visitor B never gets visitor A’s conversations from a shared cache', async () => {
	const answers: [ string, Answer ][] = [];
	// A starts a conversation: a new visitor gets their cookie with the answer.
	const started = await chat( null, 'The secret of A #delay:0' );
	answers.push( [ 'chat answer', started ] );
	expect( started.status ).toBe( 200 );
	const a = started.cookie;
	expect( a ).toMatch( /^dify_chatbot_visitor=/ );
	const conversation = String(
		( JSON.parse( started.body ) as { conversation_id: string } )
			.conversation_id
	);
	expect( conversation ).toMatch( UUID );

	// A reads the list twice: a cache that may keep it would serve the second from memory.
	for ( const time of [ 'first', 'second' ] ) {
		const list = await through( '/conversations', a );
		answers.push( [ `A's list, ${ time } time`, list ] );
		expect( list.status, time ).toBe( 200 );
		expect( list.body, time ).toContain( conversation );
	}

	// B, a new visitor, and C, a visitor with a conversation of their own, ask the same URL.
	const b = await through( '/conversations', null );
	answers.push( [ "B's list", b ] );
	expect( b.status ).toBe( 200 );
	expect( b.body, "B's list" ).not.toContain( conversation );
	const c = ( await chat( null, 'Hello from C #delay:0' ) ).cookie;
	const cList = await through( '/conversations', c );
	answers.push( [ "C's list", cList ] );
	expect( cList.body, "C's list" ).not.toContain( conversation );

	// A's messages of that conversation, asked for by B: Dify's 404, not A's messages from the cache.
	const route = `/conversations/${ conversation }/messages`;
	answers.push( [ "A's messages", await through( route, a ) ] );
	const theirs = await through( route, b.cookie );
	answers.push( [ "B asking for A's messages", theirs ] );
	expect( theirs.body ).not.toContain( 'The secret of A' );
	expect( theirs.status ).toBe( 404 );

	for ( const [ what, answer ] of answers ) {
		expectPrivate( answer, what );
	}
} );

test( 'streams, errors and refusals are private too', async () => {
	const stream = await chat( null, 'Stream this #delay:0', true );
	expect( stream.status ).toBe( 200 );
	expect( stream.body ).toContain( 'data: ' );
	expectPrivate( stream, 'stream' );

	const bad = await chat( null, '' );
	expect( bad.status ).toBe( 400 );
	expectPrivate( bad, 'bad input' );

	for ( const time of [ 'first', 'second' ] ) {
		const refused = await through( '/parameters', null, {
			headers: { Origin: 'https://evil.example' },
		} );
		expect( refused.status ).toBe( 403 );
		expectPrivate( refused, `refusal, ${ time } time` );
		const params = await through( '/parameters', null );
		expect( params.status ).toBe( 200 );
		expectPrivate( params, `parameters, ${ time } time` );
	}
} );
