/**
 * The front end's share of a streamed answer, in Debian's Chromium (Playwright, like the e2e):
 * a visitor on the block's demo page sends BENCH_PAINT_MESSAGES (48) questions one after the other,
 * and for each answer the page's Performance API marks (src/chat/paint-marks.ts) give
 * "first token painted − first answer chunk read": from the first update carrying answer text
 * leaving the stream reader to the end of the frame that shows it, and its three parts: the chat's
 * own code until the text is in the DOM, the wait for the display's next frame, and rendering that
 * frame. Prints p50 / p95 / max of each.
 * The emulator's delay before each event is set explicitly (`#delay:`), so the first token arrives
 * on its own, as it does from a real Dify.
 * It fails (exit 1) only when the marks are missing: a bench that measured nothing must not print
 * a figure.
 *
 * Environment: BENCH_PAINT_URL (the MariaDB bench site), BENCH_PAINT_MESSAGES, CHROMIUM_PATH.
 */
/* eslint-disable no-console -- a command-line report: printing is its job. */
import os from 'node:os';
import { chromium } from '@playwright/test';

const WP = process.env.BENCH_PAINT_URL ?? 'http://127.0.0.1:8895';
const MESSAGES = Number( process.env.BENCH_PAINT_MESSAGES ?? 48 );
// The emulator's delay before each event: the first token comes alone, 20 ms after the request
// reached the upstream, and the next ones 20 ms apart (a fast real model).
const EVENT_DELAY_MS = 20;
const PAGE = '/dify-chatbot-block/';

function quantile( values: number[], q: number ): number {
	const sorted = [ ...values ].sort( ( a, b ) => a - b );
	const i = Math.min(
		sorted.length - 1,
		Math.max( 0, Math.ceil( q * sorted.length ) - 1 )
	);
	return sorted[ i ] ?? NaN;
}

async function main(): Promise< void > {
	const browser = await chromium.launch( {
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	} );
	try {
		const page = await browser.newPage( {
			viewport: { width: 1100, height: 800 },
		} );
		await page.goto( WP + PAGE );
		const input = page.getByRole( 'textbox', { name: 'Message' } );
		const answers = page.locator( '.dify-chatbot__message.is-assistant' );
		for ( let i = 0; i < MESSAGES; i++ ) {
			await input.fill(
				`Paint bench question ${ i } #delay:${ EVENT_DELAY_MS }`
			);
			await input.press( 'Enter' );
			await answers
				.nth( i )
				.and( page.locator( '[data-status="done"]' ) )
				.waitFor( { timeout: 30_000 } );
		}
		// Let the last answer's paint mark land.
		await page.waitForTimeout( 200 );
		const marks = await page.evaluate( () =>
			performance
				.getEntriesByType( 'mark' )
				.filter( ( m ) => m.name.startsWith( 'dify-chatbot:' ) )
				.map( ( m ) => ( { name: m.name, at: m.startTime } ) )
		);
		// Pairs: each chunk mark and the painted mark that follows it.
		// Each answer's four marks, in order (src/chat/paint-marks.ts).
		const answersMarks: Record< string, number >[] = [];
		let current: Record< string, number > = {};
		for ( const m of marks ) {
			const name = m.name.replace( 'dify-chatbot:', '' );
			if ( name === 'chunk' ) {
				current = { chunk: m.at };
			} else if ( current.chunk !== undefined ) {
				current[ name ] = m.at;
				if ( name === 'painted' ) {
					answersMarks.push( current );
					current = {};
				}
			}
		}
		const span = ( from: string, to: string ): number[] =>
			answersMarks
				.filter(
					( a ) => a[ from ] !== undefined && a[ to ] !== undefined
				)
				.map(
					( a ) => ( a[ to ] as number ) - ( a[ from ] as number )
				);
		const gaps = span( 'chunk', 'painted' );
		const [ load1 ] = os.loadavg();
		console.log( '' );
		console.log(
			`first token painted − first answer chunk read (Chromium, ${ WP }${ PAGE }, ${ MESSAGES } answers, #delay:${ EVENT_DELAY_MS }; load average ${ ( load1 ?? 0 ).toFixed( 2 ) })`
		);
		if ( gaps.length < MESSAGES ) {
			console.log(
				`  FAILED: ${ gaps.length } chunk/painted pairs for ${ MESSAGES } answers (marks: ${ marks.length })`
			);
			process.exitCode = 1;
			return;
		}
		const row = ( label: string, values: number[], goal = '' ) =>
			console.log(
				`  ${ label.padEnd( 52 ) } p50 ${ quantile( values, 0.5 ).toFixed( 1 ).padStart( 5 ) } ms   p95 ${ quantile( values, 0.95 ).toFixed( 1 ).padStart( 5 ) } ms   max ${ Math.max(
					...values
				)
					.toFixed( 1 )
					.padStart( 5 ) } ms${ goal }`
			);
		row( 'chunk read → painted', gaps, '   (goal p95 ≤ 16 ms)' );
		row(
			'  chunk read → text in the DOM (the chat’s code)',
			span( 'chunk', 'written' )
		);
		row(
			'  text in the DOM → next frame starts (display)',
			span( 'written', 'frame' )
		);
		row(
			'  frame starts → painted (rendering the frame)',
			span( 'frame', 'painted' )
		);
		// One frame at 60 Hz: the first text made it into the first frame after it arrived when
		// that frame started within one frame's time of the chunk (the code did not miss it).
		const FRAME_MS = 1000 / 60;
		const nextFrame = span( 'chunk', 'frame' ).filter(
			( v ) => v <= FRAME_MS
		);
		console.log(
			`  first text in the first frame after its chunk: ${ nextFrame.length } of ${ gaps.length } answers`
		);
	} finally {
		await browser.close();
	}
}

main().catch( ( error: unknown ) => {
	console.error( error );
	process.exit( 1 );
} );
