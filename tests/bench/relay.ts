/**
 * The relay's benchmark, measured side by side in one run on each benchmark site (MariaDB, SQLite),
 * every kind of request interleaved with the others round by round, so all see the same load:
 * - (a) an empty REST request (the bench mu-plugin's empty route): WordPress and its REST API alone;
 * - (b) the upstream's time to first event: the emulator asked directly, its per-event delay set
 *   to FIRST_EVENT_DELAY_MS by the `#delay:` directive (its default is 25 ms);
 * - (c) the relay's time to first event for the same question through WordPress;
 * - (d) = c − b − a: what the relay itself adds to a REST request and the upstream;
 * - the plugin active vs inactive (header X-Bench-Plugin: off, see bin/bench-mu-plugin.php) on the
 *   empty REST request and on a page without a chat, and the time spent in the plugin's own code
 *   in those requests (header X-Bench-Own: 1), which the difference cannot resolve below ~1 ms;
 * - per-event forwarding delay: when each data event reached the client minus when the emulator
 *   wrote it (the emulator keeps those times: GET /__emulator/emits), relay vs direct;
 * - PHP peak memory of the relay for a 1 KB and a 1 MB answer (recorded by the mu-plugin);
 * - the front end's weight (gzipped), from build/.
 * It prints numbers; it asserts nothing.
 */
/* eslint-disable no-console -- a command-line report: printing is its job. */
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import os from 'node:os';

interface Site {
	name: string;
	wp: string;
	emu: string;
	memoryFile: string;
	cookie: string;
}

// name|WordPress URL|emulator URL|memory file, comma-separated (bin/bench.sh sets it).
const SITES: Site[] = (
	process.env.BENCH_SITES ??
	'MariaDB|http://127.0.0.1:8895|http://127.0.0.1:8796/v1|.wp/bench/run/memory.jsonl'
)
	.split( ',' )
	.map( ( spec ) => {
		const [ name = '', wp = '', emu = '', memoryFile = '' ] =
			spec.split( '|' );
		return { name, wp, emu, memoryFile, cookie: '' };
	} );
const ROUNDS = Number( process.env.BENCH_ROUNDS ?? 48 );
// The emulator's delay before each event (its directive `#delay:`), set here so the upstream's
// first event is as early as it can be and the relay's cost is not hidden behind a wait.
const FIRST_EVENT_DELAY_MS = 0;
const KEY = 'app-emulator';
// A page without a chat (the blog's home: the demo chats live on their own pages).
const PLAIN_PAGE = '/';

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

async function direct( site: Site, query: string ): Promise< Run > {
	const start = now();
	const response = await fetch( `${ site.emu }/chat-messages`, {
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

async function relay(
	site: Site,
	query: string,
	benchId = ''
): Promise< Run > {
	const headers: Record< string, string > = {
		'Content-Type': 'application/json',
		Accept: 'text/event-stream',
	};
	if ( site.cookie ) {
		headers.Cookie = site.cookie;
	}
	if ( benchId ) {
		headers[ 'X-Bench-Id' ] = benchId;
	}
	const start = now();
	const response = await fetch( `${ site.wp }/wp-json/dify-chatbot/v1/chat`, {
		method: 'POST',
		headers,
		body: JSON.stringify( { query } ),
	} );
	const set = response.headers.getSetCookie();
	if ( set.length ) {
		site.cookie = set.map( ( c ) => c.split( ';' )[ 0 ] ).join( '; ' );
	}
	return readStream( response, start );
}

/**
 * Time of one whole GET (request sent → body read), with the plugin active or not.
 *
 * @param url     The address.
 * @param plugin  Whether Dify Chatbot is active for this request.
 * @param benchId The id the bench site's mu-plugin records the request's server times under.
 * @param own
 */
async function timedGet(
	url: string,
	plugin: boolean,
	benchId: string,
	own = false
): Promise< number > {
	const headers: Record< string, string > = { 'X-Bench-Id': benchId };
	if ( ! plugin ) {
		headers[ 'X-Bench-Plugin' ] = 'off';
	}
	if ( own ) {
		// The plugin's own code timed in the request (slower: measured apart).
		headers[ 'X-Bench-Own' ] = '1';
	}
	const start = now();
	const response = await fetch( url, { headers } );
	const body = await response.text();
	const time = now() - start;
	if ( ! response.ok ) {
		throw new Error( `GET ${ url }: HTTP ${ response.status }` );
	}
	if ( url.endsWith( PLAIN_PAGE ) && body.includes( 'difyChatbotConfig' ) ) {
		throw new Error( `${ url } is not a page without a chat` );
	}
	return time;
}

async function forwardingDelays( site: Site, run: Run ): Promise< number[] > {
	const response = await fetch(
		`${ site.emu.replace( /\/v1$/, '' ) }/__emulator/emits?task_id=${ encodeURIComponent( run.taskId ) }`
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

const median = ( values: number[] ): number => quantile( values, 0.5 );
const ms = ( v: number, digits = 1 ): string =>
	Number.isNaN( v ) ? 'n/a' : `${ v.toFixed( digits ) } ms`;
const kb = ( bytes: number ): string => `${ ( bytes / 1024 ).toFixed( 1 ) } KB`;

interface OnOff {
	on: number[];
	off: number[];
	// Server-side, per request: CPU ms, peak memory bytes, registered scripts, queries.
	cpu: { on: number[]; off: number[] };
	peak: { on: number[]; off: number[] };
	scripts: { on: number[]; off: number[] };
	queries: { on: number[]; off: number[] };
	// ms in the plugin's own code (its main file and its callbacks), per X-Bench-Own request.
	own: number[];
}

const onOff = (): OnOff => ( {
	on: [],
	off: [],
	cpu: { on: [], off: [] },
	peak: { on: [], off: [] },
	scripts: { on: [], off: [] },
	queries: { on: [], off: [] },
	own: [],
} );

interface Result {
	rest: OnOff;
	page: OnOff;
	ttfe: { relay: number[]; direct: number[] };
	// Server-side, per relayed chat (the whole request, a short answer): CPU ms and queries.
	relayServer: { cpu: number[]; queries: number[] };
	delay: { relay: number[]; direct: number[] };
	memory: Record< string, number[] >;
	relayed: Record< string, number >;
	events: number;
}

const urls = ( site: Site ): { empty: string; page: string } => ( {
	empty: `${ site.wp }/wp-json/dify-chatbot-bench/v1/empty`,
	page: `${ site.wp }${ PLAIN_PAGE }`,
} );
const DELAY = `#delay:${ FIRST_EVENT_DELAY_MS }`;

// Warms up every path of a site (opcache, first cookie, the app-info cache).
async function warmUp( site: Site ): Promise< void > {
	const { empty, page } = urls( site );
	for ( let i = 0; i < 3; i++ ) {
		await relay( site, `warm up ${ DELAY }` );
		await direct( site, `warm up ${ DELAY }` );
		await timedGet( empty, true, 'warm-up' );
		await timedGet( empty, false, 'warm-up' );
		await timedGet( page, true, 'warm-up' );
		await timedGet( page, false, 'warm-up' );
	}
}

const newResult = (): Result => ( {
	rest: onOff(),
	page: onOff(),
	ttfe: { relay: [], direct: [] },
	delay: { relay: [], direct: [] },
	memory: { '1 KB': [], '1 MB': [] },
	relayServer: { cpu: [], queries: [] },
	relayed: {},
	events: 0,
} );

// One round on one site: every kind of request once, interleaved, so every kind sees the same
// machine load; the order within a pair alternates, so neither side is always first.
async function round( site: Site, r: Result, i: number ): Promise< void > {
	const { empty, page } = urls( site );
	const delay = DELAY;
	const steps: Array< () => Promise< void > > = [
		async () => {
			r.rest.on.push( await timedGet( empty, true, `rest-on-${ i }` ) );
		},
		async () => {
			r.rest.off.push(
				await timedGet( empty, false, `rest-off-${ i }` )
			);
		},
		async () => {
			r.page.on.push( await timedGet( page, true, `page-on-${ i }` ) );
		},
		async () => {
			r.page.off.push( await timedGet( page, false, `page-off-${ i }` ) );
		},
		async () => {
			await timedGet( empty, true, `own-rest-${ i }`, true );
			await timedGet( page, true, `own-page-${ i }`, true );
		},
		async () => {
			const d = await direct( site, `bench question ${ i } ${ delay }` );
			r.ttfe.direct.push( d.ttfe );
			r.delay.direct.push( ...( await forwardingDelays( site, d ) ) );
		},
		async () => {
			const c = await relay(
				site,
				`bench question ${ i } ${ delay }`,
				`relay-${ i }`
			);
			r.ttfe.relay.push( c.ttfe );
			r.delay.relay.push( ...( await forwardingDelays( site, c ) ) );
			r.events += c.arrivals.length;
		},
	];
	const order = i % 2 ? [ 1, 0, 3, 2, 6, 5, 4 ] : [ 0, 1, 2, 3, 4, 5, 6 ];
	for ( const step of order ) {
		await ( steps[ step ] as () => Promise< void > )();
	}
}

// After the rounds: the memory runs, then the server-side records of the must-use plugin.
async function finish( site: Site, r: Result ): Promise< void > {
	for ( const [ label, size ] of [
		[ '1 KB', 1 ],
		[ '1 MB', 1024 ],
	] as const ) {
		for ( let i = 0; i < 3; i++ ) {
			const id = `${ label }-${ i }`;
			const run = await relay(
				site,
				`memory #long:${ size } #delay:0`,
				id
			);
			if ( ! run.arrivals.length ) {
				throw new Error( `no events for the ${ label } answer` );
			}
			r.relayed[ label ] = run.bytes;
		}
	}
	await new Promise( ( resolve ) => setTimeout( resolve, 300 ) );
	if ( existsSync( site.memoryFile ) ) {
		for ( const line of readFileSync( site.memoryFile, 'utf8' )
			.trim()
			.split( '\n' ) ) {
			const { id, peak, cpu, scripts, queries, own } = JSON.parse(
				line
			) as {
				id: string;
				peak: number;
				cpu: number;
				scripts: number;
				queries: number;
				own: number | null;
			};
			const label = id.replace( /-\d+$/, '' );
			if (
				( label === 'own-rest' || label === 'own-page' ) &&
				own !== null
			) {
				r[ label === 'own-rest' ? 'rest' : 'page' ].own.push( own );
				continue;
			}
			r.memory[ label ]?.push( peak );
			if ( label === 'relay' ) {
				r.relayServer.cpu.push( cpu );
				r.relayServer.queries.push( queries );
			}
			const [ kind, state ] = label.split( '-' );
			if (
				( kind === 'rest' || kind === 'page' ) &&
				( state === 'on' || state === 'off' )
			) {
				r[ kind ].cpu[ state ].push( cpu );
				r[ kind ].peak[ state ].push( peak );
				r[ kind ].scripts[ state ].push( scripts );
				r[ kind ].queries[ state ].push( queries );
			}
		}
	}
}

async function main(): Promise< void > {
	// Every site in every round (the order of the sites rotating), so sites compared side by
	// side — MariaDB and SQLite, or the code before and after a change — see the same load.
	const results: Result[] = SITES.map( newResult );
	for ( const site of SITES ) {
		await warmUp( site );
	}
	for ( let i = 0; i < ROUNDS; i++ ) {
		for ( let k = 0; k < SITES.length; k++ ) {
			const at = ( i + k ) % SITES.length;
			await round( SITES[ at ] as Site, results[ at ] as Result, i );
		}
	}
	for ( let k = 0; k < SITES.length; k++ ) {
		await finish( SITES[ k ] as Site, results[ k ] as Result );
	}
	const [ load1, load5 ] = os.loadavg();

	const cpu = os.cpus()[ 0 ]?.model ?? 'unknown CPU';
	console.log(
		`Dify Chatbot relay benchmark — ${ os.cpus().length } × ${ cpu }, ${ ( os.totalmem() / 2 ** 30 ).toFixed( 0 ) } GiB, Node ${ process.version }; load average at the end ${ ( load1 ?? 0 ).toFixed( 2 ) } (1 min), ${ ( load5 ?? 0 ).toFixed( 2 ) } (5 min)`
	);
	console.log(
		`WordPress (php -S) on ${ SITES.map( ( s ) => `${ s.name } ${ s.wp }` ).join( ', ' ) }; ${ ROUNDS } interleaved rounds per site;`
	);
	console.log(
		`the emulator's first-event delay ${ FIRST_EVENT_DELAY_MS } ms (#delay:${ FIRST_EVENT_DELAY_MS }); rate limits, stream slots and the daily cap on (8 counters per message), token budget off`
	);
	console.log( '' );
	const row = ( label: string, cells: string[] ): void => {
		console.log(
			`${ label.padEnd( 56 ) }${ cells.map( ( c ) => c.padStart( 20 ) ).join( '' ) }`
		);
	};
	const each = ( f: ( r: Result ) => string ): string[] => results.map( f );
	row(
		'',
		SITES.map( ( s ) => s.name )
	);
	row(
		'(a) empty REST request, median',
		each( ( r ) => ms( median( r.rest.on ), 2 ) )
	);
	row(
		'(b) upstream first event (emulator directly), median',
		each( ( r ) => ms( median( r.ttfe.direct ), 2 ) )
	);
	row(
		'(c) relay first event, median',
		each( ( r ) => ms( median( r.ttfe.relay ), 2 ) )
	);
	row(
		'(d) relay’s own cost = c − b − a (goal ≤ 2 ms)',
		each( ( r ) =>
			ms(
				median( r.ttfe.relay ) -
					median( r.ttfe.direct ) -
					median( r.rest.on ),
				2
			)
		)
	);
	row(
		'    relay request, server CPU (whole short answer), median',
		each( ( r ) => ms( median( r.relayServer.cpu ), 2 ) )
	);
	row(
		'    relay CPU − empty REST CPU (load-robust cost)',
		each( ( r ) =>
			ms( median( r.relayServer.cpu ) - median( r.rest.cpu.on ), 2 )
		)
	);
	row(
		'    relay request, DB queries, median',
		each( ( r ) => String( median( r.relayServer.queries ) ) )
	);
	row(
		'    relay first event, p95',
		each( ( r ) => ms( quantile( r.ttfe.relay, 0.95 ) ) )
	);
	row(
		'    upstream first event, p95',
		each( ( r ) => ms( quantile( r.ttfe.direct, 0.95 ) ) )
	);
	row(
		'per-event forwarding delay, relay, median',
		each( ( r ) => ms( median( r.delay.relay ), 2 ) )
	);
	row(
		'per-event forwarding delay, relay, p95',
		each( ( r ) => ms( quantile( r.delay.relay, 0.95 ), 2 ) )
	);
	row(
		'per-event forwarding delay, direct, median',
		each( ( r ) => ms( median( r.delay.direct ), 2 ) )
	);
	console.log( '' );
	console.log(
		'the plugin active vs inactive, medians (goal: ≤ 0.5 ms more): client wall time, then the'
	);
	console.log(
		'server’s CPU time from the must-use plugins to the end of the request (little disturbed by load),'
	);
	console.log(
		'then the time in the plugin’s own code: its main file (with WordPress’s reading of its header)'
	);
	console.log(
		'and every callback it hooked, timed inside the request (X-Bench-Own, separate requests)'
	);
	for ( const [ label, pick ] of [
		[ 'empty REST request', ( r: Result ) => r.rest ],
		[ 'page without a chat', ( r: Result ) => r.page ],
	] as const ) {
		row(
			`  ${ label }, active`,
			each( ( r ) => ms( median( pick( r ).on ), 2 ) )
		);
		row(
			`  ${ label }, inactive`,
			each( ( r ) => ms( median( pick( r ).off ), 2 ) )
		);
		row(
			`  ${ label }, plugin’s share`,
			each( ( r ) =>
				ms( median( pick( r ).on ) - median( pick( r ).off ), 2 )
			)
		);
		row(
			`  ${ label }, server CPU, active`,
			each( ( r ) => ms( median( pick( r ).cpu.on ), 2 ) )
		);
		row(
			`  ${ label }, server CPU, inactive`,
			each( ( r ) => ms( median( pick( r ).cpu.off ), 2 ) )
		);
		row(
			`  ${ label }, server CPU, plugin’s share`,
			each( ( r ) =>
				ms(
					median( pick( r ).cpu.on ) - median( pick( r ).cpu.off ),
					2
				)
			)
		);
		row(
			`  ${ label }, plugin’s own code, median / p95`,
			each(
				( r ) =>
					`${ ms( median( pick( r ).own ), 2 ) } / ${ ms( quantile( pick( r ).own, 0.95 ), 2 ) }`
			)
		);
		const mb = ( bytes: number ): string =>
			`${ ( bytes / 2 ** 20 ).toFixed( 2 ) } MB`;
		row(
			`  ${ label }, PHP peak memory, active / inactive`,
			each(
				( r ) =>
					`${ mb( median( pick( r ).peak.on ) ) } / ${ mb( median( pick( r ).peak.off ) ) }`
			)
		);
		row(
			`  ${ label }, scripts registered, active / inactive`,
			each(
				( r ) =>
					`${ median( pick( r ).scripts.on ) } / ${ median( pick( r ).scripts.off ) }`
			)
		);
		row(
			`  ${ label }, DB queries, active / inactive`,
			each(
				( r ) =>
					`${ median( pick( r ).queries.on ) } / ${ median( pick( r ).queries.off ) }`
			)
		);
	}
	console.log( '' );
	for ( const label of [ '1 KB', '1 MB' ] ) {
		row(
			`PHP peak memory, ${ label } answer`,
			each( ( r ) => {
				const peaks = r.memory[ label ] ?? [];
				return peaks.length
					? `${ ( Math.max( ...peaks ) / 2 ** 20 ).toFixed( 2 ) } MB`
					: 'n/a';
			} )
		);
	}
	row(
		'relayed events (rounds), bytes (1 MB)',
		each( ( r ) => `${ r.events } / ${ kb( r.relayed[ '1 MB' ] ?? 0 ) }` )
	);
	console.log( '' );
	// The front end: what a chat page costs before the chat is used, and what each part adds
	// once it is (each part's script and stylesheet, gzip -9).
	const weights: Array< [ string, string[] ] > = [
		[ 'before use (goal ≤ 4 KB)', [ 'loader.js', 'app.css' ] ],
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
