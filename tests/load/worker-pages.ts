/**
 * What the stream caps buy a small PHP-FPM pool: how fast the site's home page answers while
 * visitors' chats are streaming. A measurement, not a test (it prints numbers and asserts none).
 *
 * Start a site on Debian's nginx + PHP-FPM (default pool: 5 workers), then:
 *
 *   WP_SITE=workers WP_DB=mariadb WP_SERVER=nginx WP_PORT=8975 DIFY_EMULATOR_PORT=8976 npm start
 *   WORKERS_WP_URL=http://127.0.0.1:8975 node_modules/.bin/tsx tests/load/worker-pages.ts
 *
 * Two rounds, each with WORKERS_STREAMS (5) chats started at once, from different visitors and
 * addresses (X-Forwarded-For, with 127.0.0.1 as the trusted proxy for the round), each a slow
 * answer of about 20 s; 2 s later, GET / is timed WORKERS_SAMPLES (5) times (after a round
 * without chats, for comparison):
 * - caps off (the plugin before the caps): every chat holds a worker;
 * - the default caps (3 answers site-wide): the chats over the cap are refused at once.
 * The settings are restored afterwards.
 */
/* eslint-disable no-console -- a command-line script: it reports on the console. */
import {
	adminSession,
	chat,
	restoreProtection,
	settings,
	sleep,
	type AdminSession,
} from './site';

const WP = process.env.WORKERS_WP_URL ?? 'http://127.0.0.1:8975';
const STREAMS = Number( process.env.WORKERS_STREAMS ?? 5 );
const SAMPLES = Number( process.env.WORKERS_SAMPLES ?? 5 );

type Json = Record< string, unknown >;

/**
 * One chat from its own address: the status once the answer has ended.
 * @param i The visitor's number.
 */
async function slowChat( i: number ): Promise< number > {
	const result = await chat(
		WP,
		'',
		{ query: `Worker ${ i } #long:4 #delay:300` },
		true,
		{ 'X-Forwarded-For': `198.51.100.${ i + 1 }` }
	);
	return result.status;
}

/**
 * Milliseconds GET / took, each sample.
 */
async function pageTimes(): Promise< number[] > {
	const times: number[] = [];
	for ( let i = 0; i < SAMPLES; i++ ) {
		const start = performance.now();
		const response = await fetch( `${ WP }/`, { redirect: 'manual' } );
		await response.arrayBuffer();
		times.push( performance.now() - start );
		await sleep( 300 );
	}
	return times;
}

/**
 * One round: the chats, and the page times while they stream.
 * @param session
 * @param name    What the round is.
 * @param caps    The caps for the round.
 * @param streams How many chats stream meanwhile.
 */
async function round(
	session: AdminSession,
	name: string,
	caps: Json,
	streams = STREAMS
): Promise< void > {
	await settings( session, caps );
	const chats = Array.from( { length: streams }, ( _, i ) => slowChat( i ) );
	await sleep( 2000 );
	const times = await pageTimes();
	const statuses = await Promise.all( chats );
	const sorted = [ ...times ].sort( ( a, b ) => a - b );
	console.log(
		`${ name }: ${ streams } chats (${ statuses.filter( ( s ) => s === 200 ).length } streamed, ${
			statuses.filter( ( s ) => s === 429 ).length
		} refused with 429); GET / median ${ Math.round(
			sorted[ Math.floor( sorted.length / 2 ) ] ?? NaN
		) } ms, max ${ Math.round( sorted[ sorted.length - 1 ] ?? NaN ) } ms (${ times
			.map( ( t ) => Math.round( t ) )
			.join( ', ' ) })`
	);
}

async function main(): Promise< void > {
	const session = await adminSession( WP );
	const before = await settings( session );
	const open: Json = {
		limit_visitor_minute: 0,
		limit_visitor_day: 0,
		limit_ip_minute: 0,
		limit_ip_day: 0,
		daily_message_cap: 0,
		trusted_proxies: [ '127.0.0.1' ],
	};
	const defaults = ( before.defaults ?? {} ) as Json;
	try {
		await round( session, 'no chats', open, 0 );
		await round( session, 'caps off', {
			...open,
			streams_visitor: 0,
			streams_ip: 0,
			streams_site: 0,
		} );
		await round( session, 'default caps', {
			...open,
			streams_visitor: defaults.streams_visitor,
			streams_ip: defaults.streams_ip,
			streams_site: defaults.streams_site,
		} );
	} finally {
		await restoreProtection( session, before );
		await settings( session, { trusted_proxies: before.trusted_proxies } );
	}
}

main().catch( ( error: unknown ) => {
	console.error( error );
	process.exit( 1 );
} );
