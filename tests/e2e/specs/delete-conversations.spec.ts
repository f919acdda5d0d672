/**
 * "Delete all conversations" in the chat: a visitor with two conversations deletes them all after
 * a confirmation (Escape cancels it), the chat starts anew, nothing of them is kept in the
 * browser, a reload shows none — and another visitor's conversation is still there.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

import { test, expect } from '../utils/test';
import { ask, watchAnswer } from '../utils/chat';
import { lastSeq, recordedRequests } from '../utils/emulator';

test.use( { storageState: { cookies: [], origins: [] } } );

const SITE = new URL( process.env.WP_BASE_URL ?? 'http://127.0.0.1:8889' )
	.origin;
const ROUTE = `${ SITE }/wp-json/dify-chatbot/v1`;

/**
 * Opens the visitor's conversation list.
 *
 * @param page The visitor's page.
 */
async function openList( page: Page ) {
	await page.getByRole( 'button', { name: 'Conversations' } ).click();
	const list = page.getByRole( 'region', { name: 'Your conversations' } );
	await expect( list.getByText( 'Loading…' ) ).toHaveCount( 0 );
	return list;
}

/**
 * The browser's kept conversation ids and form values of the chat.
 *
 * @param page The visitor's page.
 */
function keptKeys( page: Page ): Promise< string[] > {
	return page.evaluate( () =>
		Object.keys( window.localStorage ).filter( ( key ) =>
			key.startsWith( 'difyChatbot:' )
		)
	);
}

test( 'a visitor deletes all of their conversations, and only theirs', async ( {
	page,
	browser,
} ) => {
	// Another visitor, in a browser of their own, has a conversation (asked through the route:
	// the chat's own UI is what this visitor uses below).
	const otherContext = await browser.newContext( {
		baseURL: SITE,
		storageState: { cookies: [], origins: [] },
	} );
	const theirs = await otherContext.request.post( `${ ROUTE }/chat`, {
		data: { query: 'Not yours to delete #delay:0' },
		headers: { Accept: 'application/json' },
	} );
	expect( theirs.status() ).toBe( 200 );

	// This visitor has two: one in the chat, one more through the route (their cookie).
	await page.goto( '/dify-chatbot-block/' );
	await ask( page, 'First conversation #delay:0' );
	await watchAnswer( page, 0 );
	const second = await page.request.post( `${ ROUTE }/chat`, {
		data: { query: 'Second conversation #delay:0' },
		headers: { Accept: 'application/json' },
	} );
	expect( second.status() ).toBe( 200 );
	expect( await keptKeys( page ) ).not.toEqual( [] );

	let list = await openList( page );
	await expect( list.getByRole( 'listitem' ) ).toHaveCount( 2 );

	// The confirmation takes the keyboard; Escape cancels and nothing is deleted.
	const since = await lastSeq();
	const trigger = list.getByRole( 'button', {
		name: 'Delete all conversations',
	} );
	await trigger.click();
	const dialog = page.getByRole( 'alertdialog', {
		name: 'Delete all your conversations?',
	} );
	await expect( dialog ).toBeVisible();
	await expect(
		dialog.getByRole( 'button', { name: 'Cancel' } )
	).toBeFocused();
	await page.keyboard.press( 'Escape' );
	await expect( dialog ).toHaveCount( 0 );
	await expect( trigger ).toBeFocused();
	await expect( list.getByRole( 'listitem' ) ).toHaveCount( 2 );

	await trigger.click();
	// The open confirmation, with the list and the chat around it, passes axe.
	const axe = await new AxeBuilder( { page } )
		.include( '.dify-chatbot' )
		.withTags( [ 'wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice' ] )
		.analyze();
	expect( axe.violations.map( ( v ) => `${ v.id }: ${ v.help }` ) ).toEqual(
		[]
	);
	await dialog.getByRole( 'button', { name: 'Delete all' } ).click();
	await expect( list.getByRole( 'status' ) ).toHaveText(
		'2 conversations deleted.'
	);
	await expect( list.getByRole( 'listitem' ) ).toHaveCount( 0 );
	await expect( list.getByText( 'No conversations yet.' ) ).toBeVisible();
	// A new chat: no turns, nothing kept in the browser.
	await expect( page.locator( '.dify-chatbot__message' ) ).toHaveCount( 0 );
	expect( await keptKeys( page ) ).toEqual( [] );

	// Dify was asked as this visitor only: one list, two deletions, one user.
	const calls = await recordedRequests( { since, path: '/conversations' } );
	const deletes = calls.filter( ( call ) => call.method === 'DELETE' );
	expect( deletes ).toHaveLength( 2 );
	expect( new Set( calls.map( ( call ) => call.user ) ).size ).toBe( 1 );
	expect( deletes[ 0 ]?.user ).toMatch( /^visitor-/ );

	// A reload shows none.
	await page.reload();
	list = await openList( page );
	await expect( list.getByText( 'No conversations yet.' ) ).toBeVisible();
	await expect( page.locator( '.dify-chatbot__message' ) ).toHaveCount( 0 );

	// The other visitor's conversation remains.
	const left = await otherContext.request.get( `${ ROUTE }/conversations` );
	expect( left.status() ).toBe( 200 );
	expect(
		( ( await left.json() ) as { data: unknown[] } ).data
	).toHaveLength( 1 );
	await otherContext.close();
} );
