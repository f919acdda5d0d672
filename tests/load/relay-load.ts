/**
 * Relay load test (`npm run load`, bin/load.sh starts its own site with the limits off), in up to
 * three phases (LOAD_MODES, default `idle,open,closed`), one after the other, against the emulator:
 * - idle: one chat at a time (LOAD_IDLE_CHATS, 40): the time to first event of an unloaded site;
 * - open loop: a fixed offered load, a new visitor's chat every 1/LOAD_RATE s (10 chats/s) for
 *   LOAD_SECONDS, whether or not the earlier ones have ended (as real visitors arrive): the time
 *   to first event at that load, next to the idle figure;
 * - closed loop: LOAD_STREAMS (64) visitors chat at the same time, each streaming one answer
 *   after the other for LOAD_SECONDS (180): the most streams at once the relay must carry.
 *
 * Each visitor is its own Dify user (its own cookie) and continues its own conversation. Every
 * question carries a unique token and `#echo`, so the answer must be exactly the question's text:
 * an answer holding another stream's token, or events of one stream carrying a different
 * conversation, message or task id than the rest of that stream (or a conversation id that
 * belongs to another visitor), is cross-talk.
 *
 * Prints a row per phase: completed / failed chats, cross-talk, chats/s, events/s, streams in
 * flight at most, time to first event (p50 / p95); then the relay's PHP peak memory per request
 * (min / max, and the first vs the last tenth of the run: it must stay flat), recorded by
 * bin/bench-mu-plugin.php. Exit code 1 on any failed chat, any cross-talk or memory that grows.
 *
 * Environment: LOAD_WP_URL, LOAD_EMU_URL, LOAD_MEMORY_FILE, LOAD_MODES (idle,open,closed),
 * LOAD_SECONDS (180, per loop phase), LOAD_STREAMS (64), LOAD_RATE (10 chats/s),
 * LOAD_IDLE_CHATS (40), LOAD_DELAY_MS (20, the emulator's delay before each event, the first too).
 */
/* eslint-disable no-console -- a command-line report: printing is its job. */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { randomBytes } from 'node:crypto';

const WP = process.env.LOAD_WP_URL ?? 'http://127.0.0.1:8897';
const EMU = process.env.LOAD_EMU_URL ?? 'http://127.0.0.1:8798/v1';
const MEMORY_FILE = process.env.LOAD_MEMORY_FILE ?? '.wp/load/run/memory.jsonl';
const SECONDS = Number( process.env.LOAD_SECONDS ?? 180 );
const STREAMS = Number( process.env.LOAD_STREAMS ?? 64 );
const RATE = Number( process.env.LOAD_RATE ?? 10 );
const IDLE_CHATS = Number( process.env.LOAD_IDLE_CHATS ?? 40 );
const MODES = ( process.env.LOAD_MODES ?? 'idle,open,closed' )
	.split( ',' )
	.map( ( m ) => m.trim() )
	.filter( Boolean );
const DELAY_MS = Number( process.env.LOAD_DELAY_MS ?? 20 );
/** A conversation is started afresh after this many turns (like a visitor coming back). */
const TURNS_PER_CONVERSATION = 20;
/** Allowed growth of the median peak memory from the first to the last tenth of the run. */
const MEMORY_GROWTH_LIMIT = 256 * 1024;

const now = (): number => performance.timeOrigin + performance.now();

interface Event {
	event?: string;
	answer?: string;
	conversation_id?: string;
	message_id?: string;
	task_id?: string;
}

interface Totals {
	label: string;
	elapsed: number;
	inFlight: number;
	maxInFlight: number;
	completed: number;
	failed: number;
	crossTalk: number;
	events: number;
	ttfe: number[];
	failures: Map< string, number >;
	crossTalkSamples: string[];
}

const newTotals = ( label: string ): Totals => ( {
	label,
	elapsed: 0,
	inFlight: 0,
	maxInFlight: 0,
	completed: 0,
	failed: 0,
	crossTalk: 0,
	events: 0,
	ttfe: [],
	failures: new Map(),
	crossTalkSamples: [],
} );

/** Every conversation id, and the stream that owns it. */
const owners = new Map< string, number >();
/** Every message id seen (a message id may belong to one answer only). */
const messageIds = new Set< string >();

function fail( totals: Totals, reason: string ): void {
	totals.failed++;
	totals.failures.set( reason, ( totals.failures.get( reason ) ?? 0 ) + 1 );
}

function crossTalk( totals: Totals, detail: string ): void {
	totals.crossTalk++;
	if ( totals.crossTalkSamples.length < 10 ) {
		totals.crossTalkSamples.push( detail );
	}
}

/**
 * Reads an SSE answer: the data events, and when the first one arrived.
 * @param response
 */
async function readEvents(
	response: Response
): Promise< { events: Event[]; first: number } > {
	if ( ! response.body ) {
		throw new Error( 'no body' );
	}
	const reader = response.body.getReader();
	const decoder = new TextDecoder();
	const events: Event[] = [];
	let first = NaN;
	let buffer = '';
	for (;;) {
		const { done, value } = await reader.read();
		if ( done ) {
			break;
		}
		buffer += decoder.decode( value, { stream: true } );
		let end: number;
		while ( ( end = buffer.indexOf( '\n\n' ) ) >= 0 ) {
			const frame = buffer.slice( 0, end );
			buffer = buffer.slice( end + 2 );
			const data = frame
				.split( '\n' )
				.find( ( line ) => line.startsWith( 'data: ' ) );
			if ( ! data ) {
				continue; // A ping.
			}
			if ( Number.isNaN( first ) ) {
				first = now();
			}
			events.push( JSON.parse( data.slice( 6 ) ) as Event );
		}
	}
	return { events, first };
}

/** A visitor: its own Dify user (cookie) and conversation. */
interface Visitor {
	stream: number;
	n: number;
	cookie: string;
	conversation: string;
	turn: number;
}

const newVisitor = ( stream: number ): Visitor => ( {
	stream,
	n: 0,
	cookie: '',
	conversation: '',
	turn: 0,
} );

/**
 * One chat of a visitor: asks, reads the answer, checks it for cross-talk.
 * @param totals The phase's figures.
 * @param v      The visitor.
 */
async function chat( totals: Totals, v: Visitor ): Promise< void > {
	const { stream } = v;
	const n = v.n++;
	totals.inFlight++;
	totals.maxInFlight = Math.max( totals.maxInFlight, totals.inFlight );
	try {
		await chatOnce( totals, v, stream, n );
	} finally {
		totals.inFlight--;
	}
}

async function chatOnce(
	totals: Totals,
	v: Visitor,
	stream: number,
	n: number
): Promise< void > {
	const token = `tok${ stream }x${ n }x${ randomBytes( 4 ).toString( 'hex' ) }`;
	const question = `Stream ${ stream } asks ${ token } about the relay under load, turn ${ n }`;
	const body: Record< string, string > = {
		query: `${ question } #echo #delay:${ DELAY_MS }`,
	};
	if ( v.conversation ) {
		body.conversation_id = v.conversation;
	}
	const headers: Record< string, string > = {
		'Content-Type': 'application/json',
		Accept: 'text/event-stream',
		'X-Bench-Id': `load-${ stream }-${ n }`,
	};
	if ( v.cookie ) {
		headers.Cookie = v.cookie;
	}
	// eslint-disable-next-line @wordpress/no-unused-vars-before-return -- the clock starts when the request is sent, whatever happens to it.
	const start = now();
	let response: Response;
	try {
		response = await fetch( `${ WP }/wp-json/dify-chatbot/v1/chat`, {
			method: 'POST',
			headers,
			body: JSON.stringify( body ),
			signal: AbortSignal.timeout( 120_000 ),
		} );
	} catch ( error ) {
		fail(
			totals,
			`request: ${ error instanceof Error ? error.message : String( error ) }`
		);
		return;
	}
	const set = response.headers.getSetCookie();
	if ( set.length ) {
		v.cookie = set.map( ( c ) => c.split( ';' )[ 0 ] ).join( '; ' );
	}
	if (
		! response.ok ||
		! ( response.headers.get( 'content-type' ) ?? '' ).includes(
			'text/event-stream'
		)
	) {
		fail( totals, `HTTP ${ response.status }` );
		await response.text().catch( () => '' );
		return;
	}
	let events: Event[];
	let first: number;
	try {
		( { events, first } = await readEvents( response ) );
	} catch ( error ) {
		fail(
			totals,
			`stream: ${ error instanceof Error ? error.message : String( error ) }`
		);
		return;
	}
	const last = events[ events.length - 1 ];
	if ( ! last || last.event !== 'message_end' ) {
		fail( totals, `ended with ${ last?.event ?? 'no event' }` );
		return;
	}

	// Cross-talk checks.
	const ids = new Set(
		events.map(
			( e ) => `${ e.conversation_id }|${ e.message_id }|${ e.task_id }`
		)
	);
	const [ id = '' ] = [ ...ids ];
	const [ conversationId = '', messageId = '' ] = id.split( '|' );
	const answer = events
		.filter( ( e ) => e.event === 'message' )
		.map( ( e ) => e.answer ?? '' )
		.join( '' );
	if ( ids.size !== 1 ) {
		crossTalk(
			totals,
			`stream ${ stream } turn ${ n }: ${ ids.size } id sets in one answer`
		);
	} else if ( answer.trim() !== question ) {
		crossTalk(
			totals,
			`stream ${ stream } turn ${ n }: answer "${ answer.slice( 0, 80 ) }" is not the question "${ question.slice( 0, 80 ) }"`
		);
	} else if ( v.conversation && conversationId !== v.conversation ) {
		crossTalk(
			totals,
			`stream ${ stream } turn ${ n }: conversation changed`
		);
	} else if (
		( owners.get( conversationId ) ?? stream ) !== stream ||
		messageIds.has( messageId )
	) {
		crossTalk(
			totals,
			`stream ${ stream } turn ${ n }: conversation or message of another answer`
		);
	} else {
		owners.set( conversationId, stream );
		messageIds.add( messageId );
		totals.completed++;
		totals.events += events.length;
		totals.ttfe.push( first - start );
	}
	v.conversation = conversationId;
	if ( ++v.turn >= TURNS_PER_CONVERSATION ) {
		v.conversation = '';
		v.turn = 0;
	}
}

/**
 * Closed loop: one visitor chats one message after the other until the deadline.
 * @param totals
 * @param stream
 * @param deadline
 */
async function visitor(
	totals: Totals,
	stream: number,
	deadline: number
): Promise< void > {
	const v = newVisitor( stream );
	while ( now() < deadline ) {
		await chat( totals, v );
	}
}

const sleep = ( ms: number ): Promise< void > =>
	new Promise( ( resolve ) => setTimeout( resolve, Math.max( 0, ms ) ) );

/**
 * Open loop: a new visitor's chat every 1/RATE s until the deadline, each sent on schedule
 * whether or not the earlier ones have ended.
 * @param totals
 * @param firstStream The first visitor's number (each phase's visitors are its own).
 * @param deadline
 */
async function openLoop(
	totals: Totals,
	firstStream: number,
	deadline: number
): Promise< void > {
	const started = now();
	const running: Array< Promise< void > > = [];
	for ( let i = 0; started + ( i * 1000 ) / RATE < deadline; i++ ) {
		await sleep( started + ( i * 1000 ) / RATE - now() );
		running.push( chat( totals, newVisitor( firstStream + i ) ) );
	}
	await Promise.all( running );
}

function quantile( values: number[], q: number ): number {
	const sorted = [ ...values ].sort( ( a, b ) => a - b );
	if ( ! sorted.length ) {
		return NaN;
	}
	const i = Math.min(
		sorted.length - 1,
		Math.max( 0, Math.ceil( q * sorted.length ) - 1 )
	);
	return sorted[ i ] as number;
}

const mb = ( bytes: number ): string =>
	`${ ( bytes / 2 ** 20 ).toFixed( 2 ) } MB`;

/** The relay's peak memory per request, in the order the requests ended. */
function memoryPeaks(): number[] {
	if ( ! existsSync( MEMORY_FILE ) ) {
		return [];
	}
	return readFileSync( MEMORY_FILE, 'utf8' )
		.trim()
		.split( '\n' )
		.filter( ( line ) => line.includes( '"load-' ) )
		.map( ( line ) => ( JSON.parse( line ) as { peak: number } ).peak );
}

async function main(): Promise< void > {
	// Warm up (opcache, the app-info cache) with one chat per stream, not counted.
	const warm = await fetch( `${ WP }/wp-json/dify-chatbot/v1/chat`, {
		method: 'POST',
		headers: {
			'Content-Type': 'application/json',
			Accept: 'text/event-stream',
		},
		body: JSON.stringify( { query: 'warm up #delay:0' } ),
	} );
	await warm.text();

	console.log(
		`Dify Chatbot relay load test — ${ os.cpus().length } × ${ os.cpus()[ 0 ]?.model ?? 'CPU' }, Node ${ process.version }`
	);
	console.log(
		`through ${ WP } against the emulator ${ EMU } (#echo, its delay before each event, the first too, ${ DELAY_MS } ms)`
	);
	const phases: Totals[] = [];
	let streams = 0;
	for ( const mode of MODES ) {
		const started = now();
		const deadline = started + SECONDS * 1000;
		let totals: Totals;
		if ( mode === 'idle' ) {
			totals = newTotals( 'idle (one chat at a time)' );
			const v = newVisitor( streams++ );
			for ( let i = 0; i < IDLE_CHATS; i++ ) {
				await chat( totals, v );
			}
		} else if ( mode === 'open' ) {
			totals = newTotals( `open loop, ${ RATE } chats/s offered` );
			await openLoop( totals, streams, deadline );
			streams += Math.ceil( SECONDS * RATE ) + 1;
		} else if ( mode === 'closed' ) {
			totals = newTotals( `closed loop, ${ STREAMS } streams` );
			await Promise.all(
				Array.from( { length: STREAMS }, ( _, i ) =>
					visitor( totals, streams + i, deadline )
				)
			);
			streams += STREAMS;
		} else {
			throw new Error( `LOAD_MODES: unknown mode ${ mode }` );
		}
		totals.elapsed = ( now() - started ) / 1000;
		phases.push( totals );
	}
	await new Promise( ( resolve ) => setTimeout( resolve, 500 ) );
	const [ load1, load5 ] = os.loadavg();

	const peaks = memoryPeaks();
	const tenth = Math.max( 1, Math.floor( peaks.length / 10 ) );
	const early = quantile( peaks.slice( 0, tenth ), 0.5 );
	const late = quantile( peaks.slice( -tenth ), 0.5 );
	const growth = late - early;

	console.log(
		`load average at the end ${ ( load1 ?? 0 ).toFixed( 2 ) } (1 min), ${ ( load5 ?? 0 ).toFixed( 2 ) } (5 min)`
	);
	console.log( '' );
	const row = ( cells: string[] ): void => {
		const [ label = '', ...rest ] = cells;
		console.log(
			label.padEnd( 30 ) +
				rest.map( ( c ) => c.padStart( 10 ) ).join( '' )
		);
	};
	row( [
		'',
		'seconds',
		'completed',
		'failed',
		'crosstalk',
		'chats/s',
		'events/s',
		'in flight',
		'TTFE p50',
		'TTFE p95',
	] );
	for ( const t of phases ) {
		row( [
			t.label,
			t.elapsed.toFixed( 1 ),
			String( t.completed ),
			String( t.failed ),
			String( t.crossTalk ),
			( t.completed / t.elapsed ).toFixed( 2 ),
			( t.events / t.elapsed ).toFixed( 1 ),
			String( t.maxInFlight ),
			`${ quantile( t.ttfe, 0.5 ).toFixed( 0 ) } ms`,
			`${ quantile( t.ttfe, 0.95 ).toFixed( 0 ) } ms`,
		] );
	}
	console.log(
		'(TTFE: time to first event, from sending the request to the first data event read; in flight: most chats open at once)'
	);
	for ( const t of phases ) {
		for ( const [ reason, count ] of t.failures ) {
			console.log( `  ${ t.label }: ${ count } × ${ reason }` );
		}
		for ( const sample of t.crossTalkSamples ) {
			console.log( `  ${ t.label }: ${ sample }` );
		}
	}
	console.log(
		peaks.length
			? `PHP peak memory per request  min ${ mb( Math.min( ...peaks ) ) }, max ${ mb( Math.max( ...peaks ) ) } (${ peaks.length } requests); median first tenth ${ mb( early ) }, last tenth ${ mb( late ) }`
			: 'PHP peak memory per request  not recorded (bin/bench-mu-plugin.php missing?)'
	);

	const completed = phases.reduce( ( sum, t ) => sum + t.completed, 0 );
	const failed = phases.reduce( ( sum, t ) => sum + t.failed, 0 );
	const crossTalks = phases.reduce( ( sum, t ) => sum + t.crossTalk, 0 );
	const problems: string[] = [];
	if ( completed === 0 ) {
		problems.push( 'no chat completed' );
	}
	if ( failed > 0 ) {
		problems.push( `${ failed } failed chats` );
	}
	if ( crossTalks > 0 ) {
		problems.push( `${ crossTalks } answers with cross-talk` );
	}
	if ( ! peaks.length ) {
		problems.push( 'no memory recorded' );
	} else if ( growth > MEMORY_GROWTH_LIMIT ) {
		problems.push( `peak memory grew by ${ mb( growth ) } over the run` );
	}
	console.log( '' );
	console.log(
		problems.length ? `FAILED: ${ problems.join( '; ' ) }` : 'OK'
	);
	process.exit( problems.length ? 1 : 0 );
}

main().catch( ( error: unknown ) => {
	console.error( error );
	process.exit( 1 );
} );
