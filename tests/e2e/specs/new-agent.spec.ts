/**
 * A New Agent app (Dify 1.16 `agent` mode): its `agent_message` deltas stream in, the closing
 * `message` (the whole answer again) replaces the text instead of doubling it, and its steps show
 * tool names only — never a sandbox command or what it returned.
 */
import { bodiesContaining, recordBodies } from '../utils/bodies';
import { ask, watchAnswer } from '../utils/chat';
import { withApp } from '../utils/site';
import { expect, test } from '../utils/test';

test.use( { storageState: { cookies: [], origins: [] } } );

test.describe( 'a New Agent app', () => {
	withApp( 'app-emulator-new-agent' );

	test( 'streams its answer once, with its tools named', async ( {
		page,
	} ) => {
		const bodies = await recordBodies( page, 'dify-chatbot/v1/chat' );
		await page.goto( '/dify-chatbot-block/' );
		await ask( page, 'Check the notes #thoughts #delay:10' );
		const { partial, final } = await watchAnswer( page, 0 );
		expect( partial.length ).toBeLessThan( final.length );
		expect( final.split( 'New Agent answer about' ) ).toHaveLength( 2 );
		await expect(
			page.locator( '.dify-chatbot__thoughts summary' ).first()
		).toContainText( 'bash' );

		const all = await bodiesContaining( bodies, 'message_end' );
		expect( all ).toContain( 'agent_message' );
		expect( all ).not.toContain( 'EMULATOR-SANDBOX-SECRET' );
		expect( all ).not.toContain( 'cat /workspace' );
	} );
} );
