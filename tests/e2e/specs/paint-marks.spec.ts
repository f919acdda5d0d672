/**
 * The Performance API marks `npm run bench` reads (src/chat/paint-marks.ts): each answer leaves one
 * mark when its first text is read from the stream and one after that text has been painted, in
 * that order. Without them the bench's paint figure would silently measure nothing.
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

test( 'each answer marks its first chunk read and its first text painted', async ( {
	page,
} ) => {
	await page.goto( '/dify-chatbot-block/' );
	expect( await marksOf( page ) ).toEqual( [] );

	await ask( page, 'Tell me about WordPress #delay:20' );
	await watchAnswer( page, 0 );
	await ask( page, 'And about blocks? #delay:20' );
	await watchAnswer( page, 1 );

	await expect.poll( async () => ( await marksOf( page ) ).length ).toBe( 4 );
	const marks = await marksOf( page );
	expect( marks.map( ( m ) => m.name ) ).toEqual( [
		'dify-chatbot:chunk',
		'dify-chatbot:painted',
		'dify-chatbot:chunk',
		'dify-chatbot:painted',
	] );
	const [ chunk1, painted1, chunk2, painted2 ] = marks.map( ( m ) => m.at );
	expect( painted1 ).toBeGreaterThan( chunk1 as number );
	expect( painted2 ).toBeGreaterThan( chunk2 as number );
} );
