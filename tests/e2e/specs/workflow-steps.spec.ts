/**
 * A chatflow whose Dify web app shows its workflow steps (`/site` `show_workflow_steps`): the
 * answer has a collapsed list of its steps — title, how it went, time — with an iteration and a
 * loop as one row each with their rounds. An app that does not show them gets no step events.
 */
import path from 'node:path';

import { bodiesContaining, recordBodies } from '../utils/bodies';
import { ask, watchAnswer } from '../utils/chat';
import { withApp } from '../utils/site';
import { expect, test } from '../utils/test';

test.use( { storageState: { cookies: [], origins: [] } } );

test.describe( 'a chatflow that shows its steps', () => {
	withApp( 'app-emulator-chatflow' );

	test( 'lists them, collapsed, screenshotted', async ( {
		page,
	}, testInfo ) => {
		await page.goto( '/dify-chatbot-block/' );
		await ask( page, 'Run it #steps #delay:5' );
		await watchAnswer( page, 0 );
		const steps = page.locator( '.dify-chatbot__steps' ).first();
		await expect( steps.locator( 'summary' ) ).toHaveText(
			/^Workflow \(\d+ steps\)$/
		);
		const rows = steps.locator( '.dify-chatbot__step' );
		await expect( rows.first() ).toBeHidden();
		await steps.locator( 'summary' ).click();
		await expect( rows.first() ).toBeVisible();
		// Every row finished, with its time; nodes inside the iteration are no rows of their own.
		const texts = await rows.allTextContents();
		expect( texts.length ).toBeGreaterThan( 3 );
		for ( const text of texts ) {
			expect( text ).toMatch(
				/ (\d+ rounds? · )?(done|failed) · \d+\.\d\d s$/
			);
		}
		expect(
			texts.filter( ( t ) => / \d+ rounds? · /.test( t ) )
		).toHaveLength( 2 );
		await steps.scrollIntoViewIfNeeded();
		const shot = await page
			.getByRole( 'region', { name: 'Chat' } )
			.screenshot( {
				path: path.join(
					process.env.WP_ARTIFACTS_PATH ?? 'artifacts',
					'screenshots',
					'workflow-steps.png'
				),
			} );
		await testInfo.attach( 'workflow-steps.png', {
			body: shot,
			contentType: 'image/png',
		} );
	} );
} );

test( 'a chat app shows no steps and gets no step events', async ( {
	page,
} ) => {
	const bodies = await recordBodies( page, 'dify-chatbot/v1/chat' );
	await page.goto( '/dify-chatbot-block/' );
	await ask( page, 'Run it #steps #delay:1' );
	await watchAnswer( page, 0 );
	await expect( page.locator( '.dify-chatbot__steps' ) ).toHaveCount( 0 );
	expect( await bodiesContaining( bodies, 'message_end' ) ).not.toContain(
		'node_started'
	);
} );
