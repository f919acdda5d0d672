/**
 * A visitor who closes the page mid-answer: the relay notices at its next write, stops reading and
 * calls Dify's stop for that task with the same Dify user (asserted at the emulator).
 */
import { test, expect } from '../utils/test';
import { lastSeq, recordedRequests, stops, type Stop } from '../utils/emulator';

test.use( { storageState: { cookies: [], origins: [] } } );

test( 'closing the page mid-answer makes the relay stop the task at Dify', async ( {
	browser,
} ) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	const since = await lastSeq();
	await page.goto( '/dify-chatbot-block/' );
	const input = page.getByRole( 'textbox', { name: 'Message' } );
	// Slow events: the answer is still being written when the page goes away.
	await input.fill( 'A long answer please #delay:250' );
	await input.press( 'Enter' );
	await expect(
		page.locator( '.dify-chatbot__message.is-assistant' ).first()
	).toHaveAttribute( 'data-status', 'streaming', { timeout: 15_000 } );

	const [ chat ] = (
		await recordedRequests( { since, path: '/chat-messages' } )
	).filter(
		( r ) => r.method === 'POST' && r.path.endsWith( '/chat-messages' )
	);
	expect( chat?.user ).toMatch( /^visitor-/ );
	const stopsBefore = ( await stops() ).length;

	const closedAt = Date.now();
	await context.close();

	let stop: Stop | undefined;
	await expect
		.poll(
			async () => {
				stop = ( await stops() )
					.slice( stopsBefore )
					.find( ( s ) => s.user === chat?.user );
				return Boolean( stop );
			},
			{ intervals: [ 50 ], timeout: 10_000 }
		)
		.toBe( true );
	// The stop names a task the emulator started, on behalf of the visitor who started it. (The
	// emulator ends a generation when its connection closes, so the stop itself finds it finished.)
	expect( stop?.known ).toBe( true );
	expect( stop?.owner ).toBe( true );
	test.info().annotations.push( {
		type: 'stop-after-close',
		description: `${ ( stop?.time ?? 0 ) - closedAt } ms`,
	} );
} );
