/**
 * A logged-out visitor chats on the block page and on the shortcode page: the answer streams in
 * (partial text is seen before the end), the second message continues the same conversation as the
 * same Dify user, and another visitor is another Dify user.
 */
import { test, expect } from '../utils/test';
import { answerText, ask, watchAnswer } from '../utils/chat';
import { lastSeq, recordedRequests } from '../utils/emulator';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test.use( { storageState: { cookies: [], origins: [] } } );

for ( const slug of [ 'dify-chatbot-block', 'dify-chatbot-shortcode' ] ) {
	test( `a visitor holds a streamed conversation on /${ slug }/`, async ( {
		page,
		browser,
	} ) => {
		const since = await lastSeq();
		await page.goto( `/${ slug }/` );

		// Slow events (#delay) make the streaming visible to the test, not just its end state.
		await ask( page, 'Tell me about WordPress #delay:30' );
		await expect(
			page.locator( '.dify-chatbot__message.is-user' ).first()
		).toContainText( 'Tell me about WordPress' );
		const first = await watchAnswer( page, 0 );
		expect( first.partial.length ).toBeLessThan( first.final.length );
		expect( first.final.startsWith( first.partial.slice( 0, 10 ) ) ).toBe(
			true
		);

		await ask( page, 'And what about blocks? #delay:5' );
		const second = await watchAnswer( page, 1 );
		expect( second.final.length ).toBeGreaterThan( 0 );

		const chats = (
			await recordedRequests( { since, path: '/chat-messages' } )
		).filter(
			( r ) => r.method === 'POST' && r.path.endsWith( '/chat-messages' )
		);
		expect( chats ).toHaveLength( 2 );
		const [ one, two ] = chats as [
			( typeof chats )[ 0 ],
			( typeof chats )[ 0 ],
		];
		const body1 = one.body as Record< string, unknown >;
		const body2 = two.body as Record< string, unknown >;
		// Same Dify user, derived by the server; the second turn continues the first's conversation.
		expect( one.user ).toMatch( /^visitor-/ );
		expect( two.user ).toBe( one.user );
		expect( body1.conversation_id ?? '' ).toBe( '' );
		expect( String( body2.conversation_id ) ).toMatch( UUID );
		// Inputs always go (Dify requires the object): the app's optional form defaults at most.
		expect( typeof body1.inputs ).toBe( 'object' );
		for ( const key of Object.keys( body1.inputs as object ) ) {
			expect( [ 'tone', 'verbose' ] ).toContain( key );
		}
		expect( body1.response_mode ).toBe( 'streaming' );
		expect( one.headers[ 'content-type' ] ).toContain( 'application/json' );

		// Another visitor (a fresh browser context) is another Dify user.
		const other = await browser.newContext();
		const otherPage = await other.newPage();
		const since2 = await lastSeq();
		await otherPage.goto( `/${ slug }/` );
		await ask( otherPage, 'Hello from someone else #delay:1' );
		await watchAnswer( otherPage, 0 );
		const [ third ] = (
			await recordedRequests( { since: since2, path: '/chat-messages' } )
		).filter( ( r ) => r.method === 'POST' );
		expect( third?.user ).toMatch( /^visitor-/ );
		expect( third?.user ).not.toBe( one.user );
		expect(
			( third?.body as Record< string, unknown > ).conversation_id ?? ''
		).toBe( '' );
		await other.close();
	} );
}

test( 'the conversation survives a reload of the page, with its earlier turns', async ( {
	page,
} ) => {
	await page.goto( '/dify-chatbot-block/' );
	await ask( page, 'First question #delay:1' );
	const first = await watchAnswer( page, 0 );
	const since = await lastSeq();
	await page.reload();
	// The earlier question and answer come back from the conversation's history.
	await expect(
		page.locator( '.dify-chatbot__message.is-user' )
	).toContainText( [ 'First question' ] );
	const restored = page.locator( '.dify-chatbot__message.is-assistant' );
	await expect( restored ).toHaveCount( 1 );
	await expect( restored ).toHaveAttribute( 'data-status', 'done' );
	expect( await answerText( restored ) ).toBe( first.final );
	const [ history ] = (
		await recordedRequests( { since, path: '/messages' } )
	).filter( ( r ) => r.path === '/v1/messages' );
	expect( history?.method ).toBe( 'GET' );
	expect( history?.user ).toMatch( /^visitor-/ );

	await ask( page, 'Second question after reload #delay:1' );
	await watchAnswer( page, 1 );
	const [ request ] = (
		await recordedRequests( { since, path: '/chat-messages' } )
	).filter( ( r ) => r.method === 'POST' );
	expect(
		String( ( request?.body as Record< string, unknown > ).conversation_id )
	).toMatch( UUID );
} );

test( 'an upstream failure shows a clear message and Retry sends again', async ( {
	page,
} ) => {
	await page.goto( '/dify-chatbot-shortcode/' );
	await ask( page, 'Break please #fault:500' );
	const error = page.locator( '.dify-chatbot__error' );
	await expect( error ).toBeVisible();
	await expect( error ).not.toContainText( /Traceback|stack|app-/ );
	await expect( page.getByRole( 'button', { name: 'Retry' } ) ).toBeVisible();
} );

test( 'a visitor renames and deletes their conversation from the list', async ( {
	page,
} ) => {
	await page.goto( '/dify-chatbot-shortcode/' );
	await ask( page, 'Plan a trip #delay:1' );
	await watchAnswer( page, 0 );
	const since = await lastSeq();
	await page.getByRole( 'button', { name: 'Conversations' } ).click();
	const list = page.getByRole( 'region', { name: 'Your conversations' } );
	await expect( list.getByRole( 'listitem' ) ).toHaveCount( 1 );

	await list.getByRole( 'button', { name: 'Rename' } ).click();
	await list
		.getByRole( 'textbox', { name: 'Conversation name' } )
		.fill( 'Trip ideas' );
	await list.getByRole( 'button', { name: 'Save' } ).click();
	await expect(
		list.getByRole( 'button', { name: 'Trip ideas' } )
	).toBeVisible();

	await list.getByRole( 'button', { name: 'Delete', exact: true } ).click();
	await list.getByRole( 'button', { name: 'Confirm delete' } ).click();
	await expect( list.getByRole( 'listitem' ) ).toHaveCount( 0 );
	await expect(
		page.locator( '.dify-chatbot__message.is-assistant' )
	).toHaveCount( 0 );

	const calls = await recordedRequests( { since, path: '/conversations' } );
	const rename = calls.find( ( r ) => r.path.endsWith( '/name' ) );
	const remove = calls.find( ( r ) => r.method === 'DELETE' );
	expect( ( rename?.body as Record< string, unknown > ).name ).toBe(
		'Trip ideas'
	);
	expect( remove?.user ).toMatch( /^visitor-/ );
	expect( remove?.user ).toBe( rename?.user );
} );
