/**
 * The Performance API marks `npm run bench` reads (src/chat/paint-marks.ts): each answer leaves a
 * mark when its first text is read from the stream, when it is written into the DOM, when the next
 * frame starts and after that frame was painted, in that order. Without them the bench's paint
 * figures would silently measure nothing.
 */
import type { Page } from '@playwright/test';

import { test, expect } from '../utils/test';
import { ask, watchAnswer } from '../utils/chat';

test.use( { storageState: { cookies: [], origins: [] } } );

const marksOf = ( page: Page ) =>
	page.evaluate( () =>
		performance
			.getEntriesByType( 'mark' )
			.filter( ( m ) => m.name.startsWith( 'dify-chatbot:' ) )
			.map( ( m ) => ( { name: m.name, at: m.startTime } ) )
	);

test( 'each answer marks its first chunk read, written, its frame and its first text painted', async ( {
	page,
} ) => {
	await page.goto( '/dify-chatbot-block/' );
	expect( await marksOf( page ) ).toEqual( [] );

	await ask( page, 'Tell me about WordPress #delay:20' );
	await watchAnswer( page, 0 );
	await ask( page, 'And about blocks? #delay:20' );
	await watchAnswer( page, 1 );

	await expect.poll( async () => ( await marksOf( page ) ).length ).toBe( 8 );
	const marks = await marksOf( page );
	const each = [
		'dify-chatbot:chunk',
		'dify-chatbot:written',
		'dify-chatbot:frame',
		'dify-chatbot:painted',
	];
	expect( marks.map( ( m ) => m.name ) ).toEqual( [ ...each, ...each ] );
	for ( let i = 1; i < marks.length; i++ ) {
		// A timeline: each mark at or after the one before (two can share a timestamp).
		expect( marks[ i ]?.at ).toBeGreaterThanOrEqual(
			marks[ i - 1 ]?.at as number
		);
	}
	// The paint is a later task than the text's arrival.
	expect( marks[ 3 ]?.at ).toBeGreaterThan( marks[ 0 ]?.at as number );
	expect( marks[ 7 ]?.at ).toBeGreaterThan( marks[ 4 ]?.at as number );
} );
