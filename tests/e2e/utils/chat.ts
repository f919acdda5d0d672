/**
 * A visitor's side of a chat: asking, and watching an answer stream in.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/**
 * Types a question into the chat's message box and sends it.
 *
 * @param page     The page with the chat.
 * @param question The question.
 */
export async function ask( page: Page, question: string ): Promise< void > {
	const input = page.getByRole( 'textbox', { name: 'Message' } );
	await input.fill( question );
	await input.press( 'Enter' );
}

/**
 * The answer's own text, without the typing indicator.
 *
 * @param answer The answer's element.
 */
export async function answerText( answer: Locator ): Promise< string > {
	return answer
		.evaluate( ( element ) => {
			const copy = element.cloneNode( true ) as HTMLElement;
			copy.querySelectorAll( '.dify-chatbot__typing' ).forEach( ( e ) =>
				e.remove()
			);
			return copy.textContent ?? '';
		} )
		.then( ( text ) => text.trim() )
		.catch( () => '' );
}

/**
 * Waits for the n-th answer and returns the text seen while it was still being written.
 *
 * @param page  The page with the chat.
 * @param index Which answer (0 for the first).
 */
export async function watchAnswer(
	page: Page,
	index: number
): Promise< { partial: string; final: string } > {
	const answer = page
		.locator( '.dify-chatbot__message.is-assistant' )
		.nth( index );
	let partial = '';
	await expect
		.poll(
			async () => {
				partial = await answerText( answer );
				return partial.length;
			},
			{ intervals: [ 20 ], timeout: 15_000 }
		)
		.toBeGreaterThan( 0 );
	// The answer keeps growing after the first text was seen, until it is complete.
	await expect( answer.locator( '.dify-chatbot__typing' ) ).toHaveCount( 0, {
		timeout: 30_000,
	} );
	await expect( answer ).toHaveAttribute( 'data-status', 'done', {
		timeout: 30_000,
	} );
	const final = await answerText( answer );
	return { partial, final };
}
