/**
 * The relay's benchmark, measured side by side in one run against the emulator:
 * - time to first event (request sent → first `data:` event read), relay vs direct;
 * - per-event forwarding delay: when each data event reached the client minus when the emulator
 *   wrote it (the emulator keeps those times: GET /__emulator/emits), relay vs direct;
 * - PHP peak memory of the relay for a 1 KB and a 1 MB answer (recorded by the bench site's
 *   mu-plugin, bin/bench-mu-plugin.php);
 * - the front end's weight (gzipped).
 * It prints numbers; it asserts nothing.
 */
/* eslint-disable no-console -- a command-line report: printing is its job. */
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import os from 'node:os';

const WP = process.env.BENCH_WP_URL ?? 'http://127.0.0.1:8895';
const EMU = process.env.BENCH_EMU_URL ?? 'http://127.0.0.1:8796/v1';
const MEMORY_FILE =
	process.env.BENCH_MEMORY_FILE ?? '.wp/bench/run/memory.jsonl';
const CHATS = Number( process.env.BENCH_CHATS ?? 60 );
const KEY = 'app-emulator';

const now = (): number => performance.timeOrigin + performance.now();

interface Run {
	bytes: number;
	ttfe: number;
	arrivals: number[];
	taskId: string;
}

async function readStream( response: Response, start: number ): Promise< Run > {
	if ( ! response.ok || ! response.body ) {
		throw new Error(
			`HTTP ${ response.status }: ${ await response.text() }`
		);
	}
	const reader = response.body.getReader();
	const decoder = new TextDecoder();
	let buffer = '';
	const arrivals: number[] = [];
	let taskId = '';
	let bytes = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if ( done ) {
			break;
		}
		bytes += value.length;
		const at = now();
		buffer += decoder.decode( value, { stream: true } );
		let end: number;
		while ( ( end = buffer.indexOf( '\n\n' ) ) >= 0 ) {
			const frame = buffer.slice( 0, end );
			buffer = buffer.slice( end + 2 );
			const data = frame
				.split( '\n' )
				.find( ( l ) => l.startsWith( 'data: ' ) );
			if ( ! data ) {
				continue; // A ping.
			}
			arrivals.push( at );
			if ( ! taskId ) {
				const event = JSON.parse( data.slice( 6 ) ) as {
					task_id?: string;
				};
				taskId = event.task_id ?? '';
			}
		}
	}
	return { bytes, ttfe: ( arrivals[ 0 ] ?? NaN ) - start, arrivals, taskId };
}

async function direct( query: string ): Promise< Run > {
	const start = now();
	const response = await fetch( `${ EMU }/chat-messages`, {
		method: 'POST',
		headers: {
			Authorization: `Bearer ${ KEY }`,
			'Content-Type': 'application/json',
		},
		body: JSON.stringify( {
			inputs: {},
			query,
			user: 'bench-direct',
			response_mode: 'streaming',
		} ),
	} );
	return readStream( response, start );
}

let cookie = '';
async function relay( query: string, benchId = '' ): Promise< Run > {
	const headers: Record< string, string > = {
		'Content-Type': 'application/json',
		Accept: 'text/event-stream',
	};
	if ( cookie ) {
		headers.Cookie = cookie;
	}
	if ( benchId ) {
		headers[ 'X-Bench-Id' ] = benchId;
	}
	const start = now();
	const response = await fetch( `${ WP }/wp-json/dify-chatbot/v1/chat`, {
		method: 'POST',
		headers,
		body: JSON.stringify( { query } ),
	} );
	const set = response.headers.getSetCookie();
	if ( set.length ) {
		cookie = set.map( ( c ) => c.split( ';' )[ 0 ] ).join( '; ' );
	}
	return readStream( response, start );
}

async function forwardingDelays( run: Run ): Promise< number[] > {
	const response = await fetch(
		`${ EMU.replace( /\/v1$/, '' ) }/__emulator/emits?task_id=${ encodeURIComponent( run.taskId ) }`
	);
	const { times } = ( await response.json() ) as { times: number[] };
	const n = Math.min( times.length, run.arrivals.length );
	const delays: number[] = [];
	for ( let i = 0; i < n; i++ ) {
		delays.push(
			( run.arrivals[ i ] as number ) - ( times[ i ] as number )
		);
	}
	return delays;
}

function quantile( values: number[], q: number ): number {
	const sorted = [ ...values ].sort( ( a, b ) => a - b );
	if ( ! sorted.length ) {
		return NaN;
	}
	const i = Math.min( sorted.length - 1, Math.ceil( q * sorted.length ) - 1 );
	return sorted[ Math.max( 0, i ) ] as number;
}

const ms = ( v: number ): string => `${ v.toFixed( 1 ) } ms`;
const kb = ( bytes: number ): string => `${ ( bytes / 1024 ).toFixed( 1 ) } KB`;

async function main(): Promise< void > {
	// Warm up both paths (opcache, first cookie, the app-info cache).
	await relay( 'warm up #delay:0' );
	await direct( 'warm up #delay:0' );

	const ttfe = { relay: [] as number[], direct: [] as number[] };
	const delay = { relay: [] as number[], direct: [] as number[] };
	let events = 0;
	for ( let i = 0; i < CHATS; i++ ) {
		// Interleaved, so both see the same machine load.
		const r = await relay( `bench question ${ i } #delay:10` );
		const d = await direct( `bench question ${ i } #delay:10` );
		ttfe.relay.push( r.ttfe );
		ttfe.direct.push( d.ttfe );
		delay.relay.push( ...( await forwardingDelays( r ) ) );
		delay.direct.push( ...( await forwardingDelays( d ) ) );
		events += r.arrivals.length;
	}

	const memory: Record< string, number[] > = { '1 KB': [], '1 MB': [] };
	const relayed: Record< string, number > = {};
	for ( const [ label, size ] of [
		[ '1 KB', 1 ],
		[ '1 MB', 1024 ],
	] as const ) {
		for ( let i = 0; i < 3; i++ ) {
			const id = `${ label }-${ i }`;
			const run = await relay( `memory #long:${ size } #delay:0`, id );
			if ( ! run.arrivals.length ) {
				throw new Error( `no events for the ${ label } answer` );
			}
			relayed[ label ] = run.bytes;
		}
	}
	await new Promise( ( resolve ) => setTimeout( resolve, 300 ) );
	if ( existsSync( MEMORY_FILE ) ) {
		for ( const line of readFileSync( MEMORY_FILE, 'utf8' )
			.trim()
			.split( '\n' ) ) {
			const { id, peak } = JSON.parse( line ) as {
				id: string;
				peak: number;
			};
			const label = id.replace( /-\d+$/, '' );
			memory[ label ]?.push( peak );
		}
	}

	const cpu = os.cpus()[ 0 ]?.model ?? 'unknown CPU';
	console.log(
		`Dify Chatbot relay benchmark — ${ os.cpus().length } × ${ cpu }, ${ ( os.totalmem() / 2 ** 30 ).toFixed( 0 ) } GiB, Node ${ process.version }`
	);
	console.log(
		`WordPress ${ WP } (php -S, MariaDB) vs the emulator ${ EMU } directly; ${ CHATS } chats each, ${ events } relayed events`
	);
	console.log( '' );
	console.log(
		'metric                                   relay         direct'
	);
	console.log(
		`time to first event, median          ${ ms( quantile( ttfe.relay, 0.5 ) ).padStart( 10 ) }   ${ ms( quantile( ttfe.direct, 0.5 ) ).padStart( 10 ) }`
	);
	console.log(
		`time to first event, p95             ${ ms( quantile( ttfe.relay, 0.95 ) ).padStart( 10 ) }   ${ ms( quantile( ttfe.direct, 0.95 ) ).padStart( 10 ) }`
	);
	console.log(
		`per-event forwarding delay, median   ${ ms( quantile( delay.relay, 0.5 ) ).padStart( 10 ) }   ${ ms( quantile( delay.direct, 0.5 ) ).padStart( 10 ) }`
	);
	console.log(
		`per-event forwarding delay, p95      ${ ms( quantile( delay.relay, 0.95 ) ).padStart( 10 ) }   ${ ms( quantile( delay.direct, 0.95 ) ).padStart( 10 ) }`
	);
	for ( const label of [ '1 KB', '1 MB' ] ) {
		const peaks = memory[ label ] ?? [];
		const peak = peaks.length ? Math.max( ...peaks ) : NaN;
		console.log(
			`PHP peak memory, ${ label } answer           ${ ( peaks.length ? `${ ( peak / 2 ** 20 ).toFixed( 2 ) } MB` : 'n/a' ).padStart( 10 ) }   (${ kb( relayed[ label ] ?? 0 ) } relayed)`
		);
	}
	console.log( '' );
	// The front end: what a chat page costs before the chat is used, and what each part adds
	// once it is (each part's script and stylesheet, gzip -9).
	const weights: Array< [ string, string[] ] > = [
		[ 'with every chat page', [ 'loader.js', 'app.css' ] ],
		[ 'on first use (the app)', [ 'app.js', 'ui.css', 'ui.js' ] ],
		[ 'apps with a form', [ 'inputs.js', 'inputs.css' ] ],
		[
			'the conversations list',
			[ 'conversations.js', 'conversations.css' ],
		],
		[
			'files or voice on',
			[ 'media.js', 'media-styles.css', 'media-styles.js' ],
		],
		[ 'first code block', [ 'highlight.js', 'highlight.css' ] ],
		[ 'no Sanitizer API only', [ 'purify.js' ] ],
	];
	console.log( 'front end (gzip -9, build/chat/)' );
	for ( const [ label, files ] of weights ) {
		const sizes = files.map( ( file ) =>
			existsSync( `build/chat/${ file }` )
				? gzipSync( readFileSync( `build/chat/${ file }` ), {
						level: 9,
					} ).length
				: NaN
		);
		const total = sizes.reduce( ( sum, size ) => sum + size, 0 );
		console.log(
			`  ${ label.padEnd( 24 ) } ${ ( Number.isNaN( total )
				? 'not built'
				: kb( total )
			).padStart( 9 ) }   ${ files
				.map( ( file, i ) => `${ file } ${ sizes[ i ] } B` )
				.join( ' + ' ) }`
		);
	}
	console.log(
		'  for comparison: AI Engine’s chat script ~94 KB (the figure the project brief gives)'
	);
}

main().catch( ( error ) => {
	console.error( error );
	process.exit( 1 );
} );
