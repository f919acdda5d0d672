/**
 * Relay load test (`npm run load`, bin/load.sh starts its own site with the limits off):
 * LOAD_STREAMS (32) visitors chat through the relay at the same time, each streaming one answer
 * after the other for LOAD_SECONDS (180), against the emulator.
 *
 * Each visitor is its own Dify user (its own cookie) and continues its own conversation. Every
 * question carries a unique token and `#echo`, so the answer must be exactly the question's text:
 * an answer holding another stream's token, or events of one stream carrying a different
 * conversation, message or task id than the rest of that stream (or a conversation id that
 * belongs to another visitor), is cross-talk.
 *
 * Prints: completed / failed chats, cross-talk, throughput (chats/s, events/s), time to first
 * event (p50 / p95), the relay's PHP peak memory per request (min / max, and the first vs the
 * last tenth of the run: it must stay flat), recorded by bin/bench-mu-plugin.php.
 * Exit code 1 on any failed chat, any cross-talk or memory that grows over the run.
 *
 * Environment: LOAD_WP_URL, LOAD_EMU_URL, LOAD_MEMORY_FILE, LOAD_SECONDS (180), LOAD_STREAMS (32),
 * LOAD_DELAY_MS (20, per-event delay of the emulator).
 */
/* eslint-disable no-console -- a command-line report: printing is its job. */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { randomBytes } from 'node:crypto';

const WP = process.env.LOAD_WP_URL ?? 'http://127.0.0.1:8897';
const EMU = process.env.LOAD_EMU_URL ?? 'http://127.0.0.1:8798/v1';
const MEMORY_FILE = process.env.LOAD_MEMORY_FILE ?? '.wp/load/run/memory.jsonl';
const SECONDS = Number( process.env.LOAD_SECONDS ?? 180 );
const STREAMS = Number( process.env.LOAD_STREAMS ?? 32 );
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
	completed: number;
	failed: number;
	crossTalk: number;
	events: number;
	ttfe: number[];
	failures: Map< string, number >;
	crossTalkSamples: string[];
}

const totals: Totals = {
	completed: 0,
	failed: 0,
	crossTalk: 0,
	events: 0,
	ttfe: [],
	failures: new Map(),
	crossTalkSamples: [],
};

/** Every conversation id, and the stream that owns it. */
const owners = new Map< string, number >();
/** Every message id seen (a message id may belong to one answer only). */
const messageIds = new Set< string >();

function fail( reason: string ): void {
	totals.failed++;
	totals.failures.set( reason, ( totals.failures.get( reason ) ?? 0 ) + 1 );
}

function crossTalk( detail: string ): void {
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

/**
 * One visitor: chats one message after the other until the deadline.
 * @param stream
 * @param deadline
 */
async function visitor( stream: number, deadline: number ): Promise< void > {
	let cookie = '';
	let conversation = '';
	let turn = 0;
	for ( let n = 0; now() < deadline; n++ ) {
		const token = `tok${ stream }x${ n }x${ randomBytes( 4 ).toString( 'hex' ) }`;
		const question = `Stream ${ stream } asks ${ token } about the relay under load, turn ${ n }`;
		const body: Record< string, string > = {
			query: `${ question } #echo #delay:${ DELAY_MS }`,
		};
		if ( conversation ) {
			body.conversation_id = conversation;
		}
		const headers: Record< string, string > = {
			'Content-Type': 'application/json',
			Accept: 'text/event-stream',
			'X-Bench-Id': `load-${ stream }-${ n }`,
		};
		if ( cookie ) {
			headers.Cookie = cookie;
		}
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
				`request: ${ error instanceof Error ? error.message : String( error ) }`
			);
			continue;
		}
		const set = response.headers.getSetCookie();
		if ( set.length ) {
			cookie = set.map( ( c ) => c.split( ';' )[ 0 ] ).join( '; ' );
		}
		if (
			! response.ok ||
			! ( response.headers.get( 'content-type' ) ?? '' ).includes(
				'text/event-stream'
			)
		) {
			fail( `HTTP ${ response.status }` );
			await response.text().catch( () => '' );
			continue;
		}
		let events: Event[];
		let first: number;
		try {
			( { events, first } = await readEvents( response ) );
		} catch ( error ) {
			fail(
				`stream: ${ error instanceof Error ? error.message : String( error ) }`
			);
			continue;
		}
		const last = events[ events.length - 1 ];
		if ( ! last || last.event !== 'message_end' ) {
			fail( `ended with ${ last?.event ?? 'no event' }` );
			continue;
		}

		// Cross-talk checks.
		const ids = new Set(
			events.map(
				( e ) =>
					`${ e.conversation_id }|${ e.message_id }|${ e.task_id }`
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
				`stream ${ stream } turn ${ n }: ${ ids.size } id sets in one answer`
			);
		} else if ( answer.trim() !== question ) {
			crossTalk(
				`stream ${ stream } turn ${ n }: answer "${ answer.slice( 0, 80 ) }" is not the question "${ question.slice( 0, 80 ) }"`
			);
		} else if ( conversation && conversationId !== conversation ) {
			crossTalk( `stream ${ stream } turn ${ n }: conversation changed` );
		} else if (
			( owners.get( conversationId ) ?? stream ) !== stream ||
			messageIds.has( messageId )
		) {
			crossTalk(
				`stream ${ stream } turn ${ n }: conversation or message of another answer`
			);
		} else {
			owners.set( conversationId, stream );
			messageIds.add( messageId );
			totals.completed++;
			totals.events += events.length;
			totals.ttfe.push( first - start );
		}
		conversation = conversationId;
		if ( ++turn >= TURNS_PER_CONVERSATION ) {
			conversation = '';
			turn = 0;
		}
	}
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
		`${ STREAMS } concurrent streaming chats for ${ SECONDS } s through ${ WP } against the emulator ${ EMU } (#echo, ${ DELAY_MS } ms per event)`
	);
	const started = now();
	const deadline = started + SECONDS * 1000;
	await Promise.all(
		Array.from( { length: STREAMS }, ( _, i ) => visitor( i, deadline ) )
	);
	const elapsed = ( now() - started ) / 1000;
	await new Promise( ( resolve ) => setTimeout( resolve, 500 ) );

	const peaks = memoryPeaks();
	const tenth = Math.max( 1, Math.floor( peaks.length / 10 ) );
	const early = quantile( peaks.slice( 0, tenth ), 0.5 );
	const late = quantile( peaks.slice( -tenth ), 0.5 );
	const growth = late - early;

	console.log( '' );
	console.log( `elapsed                      ${ elapsed.toFixed( 1 ) } s` );
	console.log( `chats completed              ${ totals.completed }` );
	console.log( `chats failed                 ${ totals.failed }` );
	for ( const [ reason, count ] of totals.failures ) {
		console.log( `  ${ count } × ${ reason }` );
	}
	console.log( `cross-talk                   ${ totals.crossTalk }` );
	for ( const sample of totals.crossTalkSamples ) {
		console.log( `  ${ sample }` );
	}
	console.log(
		`throughput                   ${ ( totals.completed / elapsed ).toFixed( 2 ) } chats/s, ${ ( totals.events / elapsed ).toFixed( 1 ) } events/s (${ totals.events } events)`
	);
	console.log(
		`time to first event          p50 ${ quantile( totals.ttfe, 0.5 ).toFixed( 0 ) } ms, p95 ${ quantile( totals.ttfe, 0.95 ).toFixed( 0 ) } ms`
	);
	console.log(
		peaks.length
			? `PHP peak memory per request  min ${ mb( Math.min( ...peaks ) ) }, max ${ mb( Math.max( ...peaks ) ) } (${ peaks.length } requests); median first tenth ${ mb( early ) }, last tenth ${ mb( late ) }`
			: 'PHP peak memory per request  not recorded (bin/bench-mu-plugin.php missing?)'
	);

	const problems: string[] = [];
	if ( totals.completed === 0 ) {
		problems.push( 'no chat completed' );
	}
	if ( totals.failed > 0 ) {
		problems.push( `${ totals.failed } failed chats` );
	}
	if ( totals.crossTalk > 0 ) {
		problems.push( `${ totals.crossTalk } answers with cross-talk` );
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
