/**
 * Rate-limit race: proves the per-visitor limit holds when one visitor's messages arrive at the
 * same moment on several web servers that share one database (and, with one, an object cache).
 *
 *   WP_SITE=test WP_DB=mariadb WP_PORT=8889 DIFY_EMULATOR_PORT=8788 bash bin/env.sh start
 *   node_modules/.bin/tsx tests/load/rate-limit-race.ts
 *
 * By default it starts a second `php -S` on the same test site (its own process group, stopped at
 * the end); with RACE_SERVERS it uses the servers there instead (bin/stacks/test-nodes.sh: one nginx
 * whose upstream spreads the messages over two php-fpm nodes). It logs in as admin and sets
 * "Messages per minute (per visitor)" to N through the settings REST route (the other limits off),
 * then fires REQUESTS concurrent chat messages with ONE visitor cookie, alternating between the
 * servers, and counts at the Dify emulator how many reached Dify. It fails (exit 1) unless exactly
 * N did, each answered 200 and every other one 429. The settings are restored afterwards.
 *
 * Environment: RACE_LIMIT (5), RACE_REQUESTS (50), WP_TEST_PORT (8889), RACE_SECOND_PORT (8899),
 * RACE_SERVERS (comma-separated base URLs; the first one is also where the admin logs in),
 * DIFY_TEST_EMULATOR_PORT (8788).
 */
/* eslint-disable no-console -- a command-line script: it reports on the console. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

import {
	adminSession,
	answers,
	chat,
	emulatorChats,
	restoreProtection,
	settings,
	UNLIMITED,
	sleep,
	visitorCookie,
} from './site';

const ROOT = path.resolve( __dirname, '../..' );
const LIMIT = Number( process.env.RACE_LIMIT ?? 5 );
const REQUESTS = Number( process.env.RACE_REQUESTS ?? 50 );
const GIVEN = ( process.env.RACE_SERVERS ?? '' ).split( ',' ).filter( Boolean );
const FIRST =
	GIVEN[ 0 ] ?? `http://127.0.0.1:${ process.env.WP_TEST_PORT ?? 8889 }`;
const SECOND_PORT = Number( process.env.RACE_SECOND_PORT ?? 8899 );
const SERVERS = GIVEN.length
	? GIVEN
	: [ FIRST, `http://127.0.0.1:${ SECOND_PORT }` ];
const EMULATOR = `http://127.0.0.1:${
	process.env.DIFY_TEST_EMULATOR_PORT ?? 8788
}`;
const WP_DIR = path.join( ROOT, '.wp/test/wordpress' );

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

async function main() {
	if ( ! ( await answers( `${ FIRST }/wp-json/` ) ) ) {
		throw new Error(
			`No WordPress at ${ FIRST }. Start it: WP_SITE=test WP_DB=mariadb WP_PORT=8889 DIFY_EMULATOR_PORT=8788 bash bin/env.sh start`
		);
	}
	if ( ! ( await answers( `${ EMULATOR }/__emulator/health` ) ) ) {
		throw new Error( `No Dify emulator at ${ EMULATOR }.` );
	}
	let second: ChildProcess | null = null;
	if ( ! GIVEN.length ) {
		const url = SERVERS[ 1 ] as string;
		if ( await answers( `${ url }/wp-json/` ) ) {
			throw new Error(
				`Port ${ SECOND_PORT } is in use; set RACE_SECOND_PORT.`
			);
		}
		second = startSecondServer();
	}

	let exitCode = 1;
	const session = await adminSession( FIRST );
	const before = await settings( session );
	try {
		for ( const url of SERVERS ) {
			for ( let i = 0; i < 100; i++ ) {
				if ( await answers( `${ url }/wp-json/` ) ) {
					break;
				}
				await sleep( 100 );
			}
			if ( ! ( await answers( `${ url }/wp-json/` ) ) ) {
				throw new Error( `The server did not answer on ${ url }.` );
			}
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
		await settings( session, UNLIMITED );
		const first = await chat( FIRST, '', { query: 'hello #delay:1' } );
		const visitor = visitorCookie( first );
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
		const since = ( await emulatorChats( EMULATOR, 1e12 ) ).lastSeq;
		const started = Date.now();
		const results = await Promise.all(
			Array.from( { length: REQUESTS }, ( _, i ) => {
				const server = SERVERS[ i % SERVERS.length ] as string;
				return chat( server, visitor, {
					query: `race ${ i } #delay:1`,
				} ).then( ( result ) => ( { ...result, server } ) );
			} )
		);
		const elapsed = Date.now() - started;
		const user = ( await emulatorChats( EMULATOR, since ) ).requests;
		const visitorUsers = new Set(
			user.filter( ( r ) => r.method === 'POST' ).map( ( r ) => r.user )
		);
		const reached = user.filter(
			( r ) => r.method === 'POST' && r.path.endsWith( '/chat-messages' )
		).length;
		const other = results.filter(
			( r ) => r.status !== 200 && r.status !== 429
		);
		const retry = results.find( ( r ) => r.status === 429 );

		console.log(
			`rate-limit race: ${ REQUESTS } concurrent messages from one visitor, limit ${ LIMIT }/min`
		);
		// Per web server, and per php-fpm node where nginx names the one that answered.
		const where = new Map< string, { ok: number; limited: number } >();
		for ( const r of results ) {
			const key = r.node ? `${ r.server } ${ r.node }` : r.server;
			const tally = where.get( key ) ?? { ok: 0, limited: 0 };
			if ( r.status === 200 ) {
				tally.ok++;
			} else if ( r.status === 429 ) {
				tally.limited++;
			}
			where.set( key, tally );
		}
		for ( const [ key, tally ] of [ ...where ].sort() ) {
			console.log(
				`  ${ key }: 200 × ${ tally.ok }, 429 × ${ tally.limited }`
			);
		}
		console.log(
			`  other statuses: ${ other.length ? other.map( ( r ) => `${ r.status } ${ r.body.slice( 0, 120 ) }` ).join( ' | ' ) : 'none' }`
		);
		console.log(
			`  Retry-After of a 429: ${ retry?.retryAfter ?? '-' }; a 429 body: ${ retry?.body ?? '-' }`
		);
		console.log(
			`  refusal codes: ${ [
				...new Set(
					results
						.filter( ( r ) => r.status === 429 )
						.map( ( r ) =>
							r.body.replace( /^.*"code":"([^"]+)".*$/s, '$1' )
						)
				),
			].join( ', ' ) }`
		);
		console.log(
			`  Dify users seen: ${ [ ...visitorUsers ].join( ', ' ) }`
		);
		console.log(
			`  allowed N = ${ LIMIT }, reached Dify M = ${ reached } (in ${ elapsed } ms)`
		);

		const ok = results.filter( ( r ) => r.status === 200 ).length;
		if ( reached > LIMIT ) {
			console.log(
				'FAIL: more messages reached Dify than the limit allows.'
			);
		} else if ( reached < LIMIT ) {
			console.log(
				'FAIL: fewer messages reached Dify than the limit allows.'
			);
		} else if ( reached !== ok || other.length > 0 ) {
			console.log( 'FAIL: the answers do not match what reached Dify.' );
		} else if ( where.size < SERVERS.length ) {
			console.log( 'FAIL: not every server answered.' );
		} else {
			console.log(
				`OK: the limit held across ${ where.size } servers/nodes.`
			);
			exitCode = 0;
		}
	} finally {
		await restoreProtection( session, before ).catch( ( error ) =>
			console.error( `Could not restore the settings: ${ error }` )
		);
		if ( second ) {
			await stopGroup( second );
		}
	}
	process.exitCode = exitCode;
}

main().catch( ( error ) => {
	console.error( error instanceof Error ? error.message : error );
	process.exitCode = 1;
} );
