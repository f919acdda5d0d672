/**
 * Rate-limit race: proves the per-visitor limit holds when one visitor's messages arrive at the
 * same moment on two web servers that share one database.
 *
 *   WP_SITE=test WP_DB=mariadb WP_PORT=8889 DIFY_EMULATOR_PORT=8788 bash bin/env.sh start
 *   node_modules/.bin/tsx tests/load/rate-limit-race.ts
 *
 * It starts a second `php -S` on the same test site (its own process group, stopped at the end),
 * logs in as admin and sets "Messages per minute (per visitor)" to N through the settings REST
 * route (the other limits off), then fires REQUESTS concurrent chat messages with ONE visitor
 * cookie, alternating between the two servers, and counts at the Dify emulator how many reached
 * Dify. It fails (exit 1) when more than N did. The settings are restored afterwards.
 *
 * Environment: RACE_LIMIT (5), RACE_REQUESTS (50), WP_TEST_PORT (8889), RACE_SECOND_PORT (8899),
 * DIFY_TEST_EMULATOR_PORT (8788).
 */
/* eslint-disable no-console -- a command-line script: it reports on the console. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve( __dirname, '../..' );
const LIMIT = Number( process.env.RACE_LIMIT ?? 5 );
const REQUESTS = Number( process.env.RACE_REQUESTS ?? 50 );
const FIRST = `http://127.0.0.1:${ process.env.WP_TEST_PORT ?? 8889 }`;
const SECOND_PORT = Number( process.env.RACE_SECOND_PORT ?? 8899 );
const SECOND = `http://127.0.0.1:${ SECOND_PORT }`;
const EMULATOR = `http://127.0.0.1:${
	process.env.DIFY_TEST_EMULATOR_PORT ?? 8788
}`;
const WP_DIR = path.join( ROOT, '.wp/test/wordpress' );
const PROTECTION = [
	'limit_visitor_minute',
	'limit_visitor_day',
	'limit_ip_minute',
	'daily_token_budget',
	'who_may_chat',
] as const;

type Json = Record< string, unknown >;

const sleep = ( ms: number ) =>
	new Promise( ( resolve ) => setTimeout( resolve, ms ) );

async function answers( url: string ): Promise< boolean > {
	try {
		const response = await fetch( url, { redirect: 'manual' } );
		return response.status < 500;
	} catch {
		return false;
	}
}

/**
 * The second web server, in its own session and process group (detached: Node calls setsid(),
 * like `setsid php -S` without the extra fork), so the whole group can be stopped at the end.
 */
function startSecondServer(): ChildProcess {
	const env: Record< string, string | undefined > = {
		...process.env,
		PHP_CLI_SERVER_WORKERS: '8',
	};
	delete env.DIFY_CHATBOT_BASE_URL;
	delete env.DIFY_CHATBOT_API_KEY;
	return spawn(
		'php8.2',
		[
			'-d',
			'display_errors=0',
			'-S',
			`127.0.0.1:${ SECOND_PORT }`,
			'-t',
			'.',
			'../run/router.php',
		],
		{ cwd: WP_DIR, env, detached: true, stdio: 'ignore' }
	);
}

async function stopGroup( child: ChildProcess ) {
	if ( ! child.pid ) {
		return;
	}
	const exited = new Promise( ( resolve ) => child.once( 'exit', resolve ) );
	try {
		// The group: the server and its PHP_CLI_SERVER_WORKERS children.
		process.kill( -child.pid, 'SIGTERM' );
	} catch {
		return; // Already gone.
	}
	await Promise.race( [ exited, sleep( 5000 ) ] );
}

/**
 * Cookie header value from Set-Cookie headers, merged over what was there.
 * @param jar
 * @param response
 */
function mergeCookies( jar: Map< string, string >, response: Response ) {
	for ( const line of response.headers.getSetCookie() ) {
		const pair = line.split( ';' )[ 0 ] ?? '';
		const at = pair.indexOf( '=' );
		jar.set( pair.slice( 0, at ).trim(), pair.slice( at + 1 ).trim() );
	}
}

function cookieHeader( jar: Map< string, string > ) {
	return [ ...jar ].map( ( [ k, v ] ) => `${ k }=${ v }` ).join( '; ' );
}

/** Logs in as admin; returns the cookie jar and a REST nonce. */
async function adminSession() {
	const jar = new Map< string, string >( [
		[ 'wordpress_test_cookie', 'WP%20Cookie%20check' ],
	] );
	const login = await fetch( `${ FIRST }/wp-login.php`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			'Content-Type': 'application/x-www-form-urlencoded',
			Cookie: cookieHeader( jar ),
		},
		body: new URLSearchParams( {
			log: 'admin',
			pwd: 'password',
			testcookie: '1',
			redirect_to: `${ FIRST }/wp-admin/`,
		} ),
	} );
	mergeCookies( jar, login );
	const nonce = await (
		await fetch( `${ FIRST }/wp-admin/admin-ajax.php?action=rest-nonce`, {
			headers: { Cookie: cookieHeader( jar ) },
		} )
	).text();
	if ( ! /^[0-9a-f]{10}$/.test( nonce.trim() ) ) {
		throw new Error( `Admin login failed (nonce answer: ${ nonce } )` );
	}
	return { jar, nonce: nonce.trim() };
}

async function settings(
	session: { jar: Map< string, string >; nonce: string },
	update?: Json
): Promise< Json > {
	const response = await fetch(
		`${ FIRST }/?rest_route=/dify-chatbot/v1/settings`,
		{
			method: update ? 'POST' : 'GET',
			headers: {
				'Content-Type': 'application/json',
				'X-WP-Nonce': session.nonce,
				Cookie: cookieHeader( session.jar ),
			},
			body: update ? JSON.stringify( update ) : undefined,
		}
	);
	const body = ( await response.json() ) as Json;
	if ( response.status !== 200 ) {
		throw new Error(
			`settings: HTTP ${ response.status } ${ JSON.stringify( body ) }`
		);
	}
	return body;
}

async function chat( base: string, cookie: string, query: string ) {
	const response = await fetch(
		`${ base }/?rest_route=/dify-chatbot/v1/chat`,
		{
			method: 'POST',
			headers: {
				'Content-Type': 'application/json',
				Accept: 'application/json',
				...( cookie ? { Cookie: cookie } : {} ),
			},
			body: JSON.stringify( { query } ),
		}
	);
	const body = await response.text();
	return {
		status: response.status,
		retryAfter: response.headers.get( 'retry-after' ),
		setCookie: response.headers.getSetCookie(),
		body,
	};
}

async function emulatorRequests( since: number ) {
	const response = await fetch(
		`${ EMULATOR }/__emulator/requests?path=/chat-messages&since=${ since }`
	);
	return ( await response.json() ) as {
		lastSeq: number;
		requests: Array< { method: string; path: string; user?: string } >;
	};
}

async function main() {
	if ( ! ( await answers( `${ FIRST }/wp-json/` ) ) ) {
		throw new Error(
			`No WordPress at ${ FIRST }. Start it: WP_SITE=test WP_DB=mariadb WP_PORT=8889 DIFY_EMULATOR_PORT=8788 bash bin/env.sh start`
		);
	}
	if ( ! ( await answers( `${ EMULATOR }/__emulator/health` ) ) ) {
		throw new Error( `No Dify emulator at ${ EMULATOR }.` );
	}
	if ( await answers( `${ SECOND }/wp-json/` ) ) {
		throw new Error(
			`Port ${ SECOND_PORT } is in use; set RACE_SECOND_PORT.`
		);
	}

	const second = startSecondServer();
	let exitCode = 1;
	const session = await adminSession();
	const before = await settings( session );
	try {
		for ( let i = 0; i < 100; i++ ) {
			if ( await answers( `${ SECOND }/wp-json/` ) ) {
				break;
			}
			await sleep( 100 );
		}
		if ( ! ( await answers( `${ SECOND }/wp-json/` ) ) ) {
			throw new Error(
				`The second server did not answer on ${ SECOND }.`
			);
		}

		const effective = before.effective as { configured?: boolean };
		if ( ! effective?.configured ) {
			// The site as bin/env.sh sets it up: the emulator's chat app.
			await settings( session, {
				base_url: `${ EMULATOR }/v1`,
				api_key: 'app-emulator',
			} );
		}
		// Limits off while the visitor gets a cookie (uncounted), then N per minute.
		await settings( session, {
			limit_visitor_minute: 0,
			limit_visitor_day: 0,
			limit_ip_minute: 0,
			daily_token_budget: 0,
			who_may_chat: 'everyone',
		} );
		const first = await chat( FIRST, '', 'hello #delay:1' );
		const visitor = first.setCookie
			.map( ( line ) => line.split( ';' )[ 0 ] ?? '' )
			.find( ( pair ) => pair.startsWith( 'dify_chatbot_visitor=' ) );
		if ( first.status !== 200 || ! visitor ) {
			throw new Error(
				`The first chat failed: HTTP ${ first.status } ${ first.body }`
			);
		}
		await settings( session, { limit_visitor_minute: LIMIT } );

		// A fixed one-minute window: start early in a minute so the burst stays inside it.
		while ( new Date().getSeconds() > 40 ) {
			await sleep( 250 );
		}
		const since = ( await emulatorRequests( 1e12 ) ).lastSeq;
		const started = Date.now();
		const results = await Promise.all(
			Array.from( { length: REQUESTS }, ( _, i ) =>
				chat(
					i % 2 === 0 ? FIRST : SECOND,
					visitor,
					`race ${ i } #delay:1`
				).then( ( result ) => ( {
					...result,
					server: i % 2 === 0 ? FIRST : SECOND,
				} ) )
			)
		);
		const elapsed = Date.now() - started;
		const user = ( await emulatorRequests( since ) ).requests;
		const visitorUsers = new Set(
			user.filter( ( r ) => r.method === 'POST' ).map( ( r ) => r.user )
		);
		const reached = user.filter(
			( r ) => r.method === 'POST' && r.path.endsWith( '/chat-messages' )
		).length;
		const count = ( status: number, server?: string ) =>
			results.filter(
				( r ) =>
					r.status === status && ( ! server || r.server === server )
			).length;
		const other = results.filter(
			( r ) => r.status !== 200 && r.status !== 429
		);
		const retry = results.find( ( r ) => r.status === 429 );

		console.log(
			`rate-limit race: ${ REQUESTS } concurrent messages from one visitor, limit ${ LIMIT }/min`
		);
		console.log(
			`  server ${ FIRST }: 200 × ${ count( 200, FIRST ) }, 429 × ${ count( 429, FIRST ) }`
		);
		console.log(
			`  server ${ SECOND }: 200 × ${ count( 200, SECOND ) }, 429 × ${ count( 429, SECOND ) }`
		);
		console.log(
			`  other statuses: ${ other.length ? other.map( ( r ) => `${ r.status } ${ r.body.slice( 0, 120 ) }` ).join( ' | ' ) : 'none' }`
		);
		console.log(
			`  Retry-After of a 429: ${ retry?.retryAfter ?? '-' }; a 429 body: ${ retry?.body ?? '-' }`
		);
		console.log(
			`  Dify users seen: ${ [ ...visitorUsers ].join( ', ' ) }`
		);
		console.log(
			`  allowed N = ${ LIMIT }, reached Dify M = ${ reached } (in ${ elapsed } ms)`
		);

		if ( reached > LIMIT ) {
			console.log(
				'FAIL: more messages reached Dify than the limit allows.'
			);
		} else if ( reached !== count( 200 ) || other.length > 0 ) {
			console.log( 'FAIL: the answers do not match what reached Dify.' );
		} else {
			console.log( 'OK: the limit held across both servers.' );
			exitCode = 0;
		}
	} finally {
		const restore: Json = {};
		for ( const name of PROTECTION ) {
			restore[ name ] = before[ name ];
		}
		await settings( session, restore ).catch( ( error ) =>
			console.error( `Could not restore the settings: ${ error }` )
		);
		await stopGroup( second );
	}
	process.exitCode = exitCode;
}

main().catch( ( error ) => {
	console.error( error instanceof Error ? error.message : error );
	process.exitCode = 1;
} );
