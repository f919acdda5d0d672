/**
 * Streaming through the web server in front of WordPress. Run on php -S with the rest of the suite
 * (project `mariadb`) and, by `npm test`'s `stacks` suite, on each real Debian stack — nginx +
 * php-fpm, Apache + mod_php, Apache + php-fpm (proxy_fcgi) — with and without
 * `zlib.output_compression = On` (project named after the stack, bin/stacks/stack.sh):
 *
 * - the answer arrives event by event: the visitor sees the first words about when Dify sent them,
 *   and the text keeps growing for about as long as Dify took to send it (timestamps of the
 *   answer's DOM updates, against the emulator's record of when it wrote each event);
 * - a visitor who leaves frees the PHP worker within a second, three times in a row (the relay's
 *   stop call reaches the emulator: its last act before the request ends);
 * - an upstream fault mid-stream ends in the clear message, and the chat goes on.
 *
 * The numbers are printed (and kept as annotations) for the stack table of the report.
 */
import type { Page, Response } from '@playwright/test';

import { bodiesContaining, recordBodies } from '../utils/bodies';
import { test, expect } from '../utils/test';
import { EMULATOR_URL, stops, type Stop } from '../utils/emulator';

test.use( { storageState: { cookies: [], origins: [] } } );

const STACK = process.env.WP_STACK ?? 'php -S';
/** The emulator's pause before each event of these answers. */
const SPACING_MS = 300;
const WORDS = [
	'alpha',
	'bravo',
	'charlie',
	'delta',
	'echo',
	'foxtrot',
	'golf',
	'hotel',
	'india',
	'juliet',
];

declare global {
	interface Window {
		difyGrowth?: Array< [ number, number ] >;
	}
}

/**
 * Records, in the page, when the first answer's text grows (wall-clock ms, text length).
 * @param page
 */
async function recordGrowth( page: Page ) {
	await page.addInitScript( () => {
		const growth: Array< [ number, number ] > = [];
		window.difyGrowth = growth;
		let last = 0;
		new MutationObserver( () => {
			const answer = document.querySelector(
				'.dify-chatbot__message.is-assistant'
			);
			if ( ! answer ) {
				return;
			}
			const copy = answer.cloneNode( true ) as HTMLElement;
			copy.querySelectorAll( '.dify-chatbot__typing' ).forEach( ( e ) =>
				e.remove()
			);
			const length = ( copy.textContent ?? '' ).trim().length;
			if ( length > last ) {
				last = length;
				growth.push( [ Date.now(), length ] );
			}
		} ).observe( document, {
			subtree: true,
			childList: true,
			characterData: true,
		} );
	} );
}

async function ask( page: Page, question: string ) {
	const input = page.getByRole( 'textbox', { name: 'Message' } );
	await input.fill( question );
	await input.press( 'Enter' );
}

function chatResponse( page: Page ): Promise< Response > {
	return page.waitForResponse(
		( r ) =>
			r.url().includes( 'dify-chatbot/v1/chat' ) &&
			! r.url().includes( '/stop' ) &&
			r.request().method() === 'POST'
	);
}

/**
 * The task id named by the first event of a relayed stream.
 * @param body
 */
function taskId( body: string ): string {
	for ( const line of body.split( '\n' ) ) {
		if ( line.startsWith( 'data: ' ) ) {
			const event = JSON.parse( line.slice( 6 ) ) as { task_id?: string };
			if ( event.task_id ) {
				return event.task_id;
			}
		}
	}
	return '';
}

function report( name: string, description: string ) {
	test.info().annotations.push( { type: name, description } );
	// eslint-disable-next-line no-console -- the numbers of the stack table.
	console.log( `[stack ${ STACK }] ${ name }: ${ description }` );
}

test( 'the answer arrives event by event, not in one burst', async ( {
	page,
} ) => {
	await recordGrowth( page );
	const bodies = await recordBodies( page, 'dify-chatbot/v1/chat' );
	await page.goto( '/dify-chatbot-shortcode/' );
	const response = chatResponse( page );
	await ask( page, `${ WORDS.join( ' ' ) } #echo #delay:${ SPACING_MS }` );
	const answer = page.locator( '.dify-chatbot__message.is-assistant' );
	await expect( answer ).toHaveAttribute( 'data-status', 'done', {
		timeout: 30_000,
	} );
	await expect( answer ).toContainText( WORDS.join( ' ' ) );

	expect( ( await response ).status() ).toBe( 200 );
	const body = await bodiesContaining( bodies, 'message_end' );
	const emitted = await fetch(
		`${ EMULATOR_URL }/__emulator/emits?task_id=${ encodeURIComponent(
			taskId( body )
		) }`
	);
	const { times } = ( await emitted.json() ) as { times: number[] };
	const growth = await page.evaluate( () => window.difyGrowth ?? [] );
	expect( times.length ).toBeGreaterThanOrEqual( WORDS.length );
	expect( growth.length ).toBeGreaterThan( 0 );

	const firstEmit = times[ 0 ] as number;
	const firstSeen = ( growth[ 0 ] as [ number, number ] )[ 0 ];
	const lastSeen = ( growth[ growth.length - 1 ] as [ number, number ] )[ 0 ];
	// The text events' spread at the source: from the first word to the last one.
	const sent = ( times[ WORDS.length - 1 ] as number ) - firstEmit;
	const seen = lastSeen - firstSeen;
	report(
		'arrival',
		`first words seen ${ Math.round(
			firstSeen - firstEmit
		) } ms after Dify sent them; spread ${ Math.round(
			seen
		) } ms seen vs ${ Math.round( sent ) } ms sent; ${
			growth.length
		} updates for ${ WORDS.length } words; ${ body.length } bytes`
	);
	// Held back until a buffer fills, the first words would come with the last ones, seconds later.
	expect( firstSeen - firstEmit ).toBeLessThan( 1000 );
	// Event by event: the visitor watches the text grow over about the time Dify took to send it.
	expect( seen ).toBeGreaterThan( sent * 0.6 );
	expect( growth.length ).toBeGreaterThanOrEqual( WORDS.length / 2 );
} );

/**
 * Starts a streamed chat as a new visitor, reads until a few events arrived, then closes the
 * connection; returns when the relay's stop call reached the emulator, in ms after the close.
 * A plain HTTP client, not the browser: closing a browser context tears its sockets down 0.1–2 s
 * later on a loaded machine, which is the browser's time, not the server's; this one closes at a
 * known instant (the browser's own close is covered by client-abort.spec.ts).
 * @param baseURL
 */
async function leaveMidAnswer( baseURL: string ): Promise< Stop | undefined > {
	const stopsBefore = ( await stops() ).length;
	const abort = new AbortController();
	// A long answer at Dify's usual pace: still being written when the visitor goes.
	const response = await fetch( `${ baseURL }/wp-json/dify-chatbot/v1/chat`, {
		method: 'POST',
		headers: {
			'Content-Type': 'application/json',
			Accept: 'text/event-stream',
		},
		body: JSON.stringify( { query: 'A long answer please #delay:100' } ),
		signal: abort.signal,
	} );
	expect( response.headers.get( 'content-type' ) ).toContain(
		'text/event-stream'
	);
	const reader = (
		response.body as ReadableStream< Uint8Array >
	 ).getReader();
	const decoder = new TextDecoder();
	let text = '';
	while ( ( text.match( /^data: /gm ) ?? [] ).length < 3 ) {
		const { value, done } = await reader.read();
		expect( done ).toBe( false );
		text += decoder.decode( value, { stream: true } );
	}
	const closedAt = Date.now();
	abort.abort();

	let stop: Stop | undefined;
	await expect
		.poll(
			async () => {
				stop = ( await stops() ).slice( stopsBefore )[ 0 ];
				return Boolean( stop );
			},
			{ intervals: [ 20 ], timeout: 20_000 }
		)
		.toBe( true );
	return stop ? { ...stop, time: stop.time - closedAt } : undefined;
}

test( 'a visitor who leaves mid-answer frees the worker within a second', async ( {
	baseURL,
} ) => {
	const freed: number[] = [];
	for ( let i = 0; i < 3; i++ ) {
		const stop = await leaveMidAnswer( baseURL as string );
		expect( stop?.known ).toBe( true );
		expect( stop?.owner ).toBe( true );
		freed.push( stop?.time ?? Infinity );
	}
	report(
		'abort',
		`worker freed ${ freed.join( ', ' ) } ms after the visitor left`
	);
	for ( const ms of freed ) {
		expect( ms ).toBeLessThanOrEqual( 1000 );
	}
} );

test( 'a stream cut mid-answer ends in a clear message, and the chat goes on', async ( {
	page,
} ) => {
	await page.goto( '/dify-chatbot-shortcode/' );
	await ask( page, 'Cut me off #fault:drop #delay:50' );
	const error = page.locator( '.dify-chatbot__error-text' );
	await expect( error ).toHaveText(
		'The answer was interrupted. Please try again.',
		{ timeout: 30_000 }
	);
	await ask( page, 'And now a normal question #delay:1' );
	await expect(
		page.locator( '.dify-chatbot__message.is-assistant' ).nth( 1 )
	).toHaveAttribute( 'data-status', 'done', { timeout: 30_000 } );
} );
