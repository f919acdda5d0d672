/**
 * Dislike with a comment, like Dify's web app: after Dislike an optional text says what was
 * wrong; it reaches Dify as the feedback's `content`, and pressing Dislike again still takes the
 * rating back.
 */
import { ask, watchAnswer } from '../utils/chat';
import { lastSeq, recordedRequests } from '../utils/emulator';
import { expect, test } from '../utils/test';

test.use( { storageState: { cookies: [], origins: [] } } );

test( 'a dislike takes an optional comment, and can be undone', async ( {
	page,
} ) => {
	const since = await lastSeq();
	await page.goto( '/dify-chatbot-block/' );
	await ask( page, 'Rate me #delay:1' );
	await watchAnswer( page, 0 );
	const turn = page.locator( '.dify-chatbot__turn--assistant' ).last();
	const dislike = turn.getByRole( 'button', { name: 'Dislike' } );
	await dislike.click();
	await expect( dislike ).toHaveAttribute( 'aria-pressed', 'true' );

	const box = turn.getByRole( 'textbox', { name: 'What was wrong?' } );
	await box.fill( 'The table is wrong.' );
	await turn.getByRole( 'button', { name: 'Send comment' } ).click();
	await expect( turn.getByRole( 'status' ) ).toHaveText(
		'Thanks for your feedback.'
	);

	// Undo still works.
	await dislike.click();
	await expect( dislike ).toHaveAttribute( 'aria-pressed', 'false' );

	let bodies: Record< string, unknown >[] = [];
	await expect
		.poll( async () => {
			bodies = ( await recordedRequests( { since, path: '/feedbacks' } ) )
				.filter( ( r ) => r.method === 'POST' )
				.map( ( r ) => r.body as Record< string, unknown > );
			return bodies.length;
		} )
		.toBe( 3 );
	expect( bodies.map( ( b ) => [ b.rating, b.content ] ) ).toEqual( [
		[ 'dislike', undefined ],
		[ 'dislike', 'The table is wrong.' ],
		[ null, undefined ],
	] );
} );
