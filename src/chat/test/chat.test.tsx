// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import {
	afterEach,
	beforeAll,
	beforeEach,
	describe,
	expect,
	it,
	jest,
} from '@jest/globals';

import { whenSanitizerReady } from '../sanitize';

import { act } from 'react';
import { createRoot } from '@wordpress/element';
import type { Root } from 'react-dom/client';

import { ChatError } from '../api/errors';
import type {
	AppParameters,
	FormAnswer,
	ChatClient,
	ConversationSummary,
	HistoryTurn,
	ChatRequest,
	ChatUpdate,
} from '../api/types';
import Chat from '../components/Chat';
import { FormFile } from '../media/form-file';
import { FORGET_EVENT } from '../storage';
import {
	CLOSE_EVENT,
	OPEN_EVENT,
	parseOptions,
	readConfig,
	type ChatOptions,
} from '../options';

// Counts renders of messages: each one asks for its "You:" / "Assistant:" label once.
jest.mock( '@wordpress/i18n', () => {
	const actual =
		jest.requireActual< typeof import( '@wordpress/i18n' ) >(
			'@wordpress/i18n'
		);
	return { ...actual, __: jest.fn( actual.__ ) };
} );

import { __ } from '@wordpress/i18n';

(
	globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }
 ).IS_REACT_ACT_ENVIRONMENT = true;

type Item = { update: ChatUpdate } | { error: unknown } | { done: true };

/** One answer the test writes step by step. */
class Answer {
	readonly request: ChatRequest;
	private queue: Item[] = [];
	private wake: ( () => void ) | null = null;

	constructor( request: ChatRequest ) {
		this.request = request;
	}

	push( item: Item ) {
		this.queue.push( item );
		this.wake?.();
	}

	async *updates(): AsyncGenerator< ChatUpdate, void, undefined > {
		for (;;) {
			while ( this.queue.length === 0 ) {
				await new Promise< void >(
					( resolve ) => ( this.wake = resolve )
				);
			}
			const item = this.queue.shift() as Item;
			if ( 'error' in item ) {
				throw item.error;
			}
			if ( 'done' in item ) {
				return;
			}
			yield item.update;
		}
	}
}

let answers: Answer[];
let formAnswers: Array< { handle: string; answer: FormAnswer } >;
let parameters: AppParameters;
const client: ChatClient = {
	chat( request ) {
		const answer = new Answer( request );
		answers.push( answer );
		return answer.updates();
	},
	answerForm( handle, answer ) {
		// The resumed run is written like another answer (answers[n]).
		formAnswers.push( { handle, answer } );
		const resumed = new Answer( { query: '' } );
		answers.push( resumed );
		return resumed.updates();
	},
	parameters: jest.fn( async () => parameters ),
	stop: jest.fn( async () => undefined ),
	feedback: jest.fn( async () => undefined ),
	suggested: jest.fn( async () => [] as string[] ),
	history: jest.fn( async () => [] as HistoryTurn[] ),
	conversations: jest.fn( async () => [] as ConversationSummary[] ),
	rename: jest.fn( async () => undefined ),
	remove: jest.fn( async () => undefined ),
	removeAll: jest.fn( async () => ( { deleted: 0, more: false } ) ),
};

let container: HTMLElement;
let root: Root;
const KEY = 'difyChatbot:conv:0:/:dify-chatbot-1';

async function render( options: Partial< ChatOptions > = {} ) {
	await act( async () => {
		root.render(
			<Chat
				root={ container }
				options={ { ...parseOptions( '{}' ), ...options } }
				client={ client }
				storageKey={ KEY }
			/>
		);
	} );
}

async function settle() {
	await act( async () => {
		await new Promise( ( resolve ) => setTimeout( resolve, 0 ) );
	} );
}

async function step( index: number, item: Item ) {
	answers[ index ]?.push( item );
	await settle();
}

function textarea(): HTMLTextAreaElement {
	return container.querySelector( 'textarea' ) as HTMLTextAreaElement;
}

function labelOf( element: HTMLElement ): string {
	return (
		container.querySelector( `label[for="${ element.id }"]` )
			?.textContent ?? ''
	);
}

async function type( text: string ) {
	const setValue = Object.getOwnPropertyDescriptor(
		HTMLTextAreaElement.prototype,
		'value'
	)?.set;
	await act( async () => {
		setValue?.call( textarea(), text );
		textarea().dispatchEvent( new Event( 'input', { bubbles: true } ) );
	} );
}

async function press( key: string, init: KeyboardEventInit = {} ) {
	await act( async () => {
		textarea().dispatchEvent(
			new KeyboardEvent( 'keydown', {
				key,
				bubbles: true,
				cancelable: true,
				...init,
			} )
		);
	} );
	await settle();
}

async function ask( text: string ) {
	await type( text );
	await press( 'Enter' );
}

function answersInPage() {
	return Array.from(
		container.querySelectorAll< HTMLElement >(
			'.dify-chatbot__message.is-assistant'
		)
	);
}

/**
 * The answer's own text, as the e2e tests read it (typing indicator removed).
 * @param element
 */
function answerText( element: HTMLElement | undefined ): string {
	const copy = element?.cloneNode( true ) as HTMLElement | undefined;
	copy?.querySelectorAll( '.dify-chatbot__typing' ).forEach( ( e ) =>
		e.remove()
	);
	return copy?.textContent ?? '';
}

function liveRegion(): HTMLElement {
	return container.querySelector( '[aria-live="polite"]' ) as HTMLElement;
}

beforeEach( () => {
	answers = [];
	formAnswers = [];
	parameters = {
		openingStatement: '',
		suggestedQuestions: [],
		suggestedAfterAnswer: false,
		form: [],
	};
	jest.clearAllMocks();
	window.localStorage.clear();
	container = document.createElement( 'div' );
	container.id = 'dify-chatbot-1';
	document.body.appendChild( container );
	root = createRoot( container );
} );

afterEach( async () => {
	await act( async () => root.unmount() );
	container.remove();
} );

// jsdom has no HTML Sanitizer API: answers go through DOMPurify, loaded on demand.
beforeAll( () => whenSanitizerReady() );

describe( 'Chat', () => {
	it( 'labels the message box with the placeholder, or "Message"', async () => {
		await render();
		expect( labelOf( textarea() ) ).toBe( 'Message' );
		expect( textarea().placeholder ).toBe( 'Message' );
		await render( { placeholder: 'Ask about our shop' } );
		expect( labelOf( textarea() ) ).toBe( 'Ask about our shop' );
		expect(
			container.querySelector( 'button[type="submit"]' )?.textContent
		).toBe( 'Send' );
		expect(
			container
				.querySelector( '[role="log"]' )
				?.getAttribute( 'aria-live' )
		).toBe( 'off' );
	} );

	it( 'sends on Enter and shows the answer token by token, announcing it once', async () => {
		await render( { title: 'Ask us' } );
		expect(
			container.querySelector( '.dify-chatbot__title' )?.textContent
		).toBe( 'Ask us' );
		await ask( 'Hello?' );

		expect( answers ).toHaveLength( 1 );
		expect( answers[ 0 ]?.request ).toEqual( {
			query: 'Hello?',
			conversationId: null,
			postId: 0,
			inputs: {},
			files: undefined,
		} );
		expect( textarea().value ).toBe( '' );
		expect(
			container.querySelector( '.dify-chatbot__message.is-user' )
				?.textContent
		).toBe( 'Hello?' );
		const [ answer ] = answersInPage();
		expect( answer?.dataset.status ).toBe( 'pending' );
		expect(
			answer?.querySelector( '.dify-chatbot__typing' )
		).not.toBeNull();
		expect( answerText( answer ) ).toBe( '' );
		expect(
			container
				.querySelector( '.dify-chatbot__send' )
				?.getAttribute( 'aria-disabled' )
		).toBe( 'true' );

		await step( 0, {
			update: {
				type: 'meta',
				conversationId: 'c1',
				messageId: 'm1',
				taskId: 't1',
			},
		} );
		await step( 0, { update: { type: 'append', text: 'Hel' } } );
		expect( answer?.dataset.status ).toBe( 'streaming' );
		expect( answer?.querySelector( '.dify-chatbot__typing' ) ).toBeNull();
		expect( answerText( answer ) ).toBe( 'Hel' );
		expect( liveRegion().textContent ).toBe( '' );

		await step( 0, { update: { type: 'append', text: 'lo!' } } );
		await step( 0, {
			update: {
				type: 'end',
				conversationId: 'c1',
				messageId: 'm1',
				metadata: { retrieverResources: [], usage: null },
			},
		} );
		await step( 0, { done: true } );
		expect( answer?.dataset.status ).toBe( 'done' );
		expect( answer?.textContent ).toBe( 'Hello!' );
		expect( liveRegion().textContent ).toBe( 'Hello!' );
		expect( window.localStorage.getItem( KEY ) ).toBe( 'c1' );
	} );

	it( 'shows a Human Input form in the answer and streams the resumed run into the same bubble', async () => {
		await render();
		await ask( 'Approve it' );
		await step( 0, {
			update: {
				type: 'meta',
				conversationId: 'c1',
				messageId: 'm1',
				taskId: 't1',
			},
		} );
		await step( 0, { update: { type: 'append', text: 'Draft. ' } } );
		await step( 0, {
			update: {
				type: 'form',
				form: {
					handle: 'H'.repeat( 43 ),
					title: 'Approval',
					content: '## Review\n\nComment: {{#$output.comment#}}',
					fields: [
						{
							type: 'paragraph',
							name: 'comment',
							options: null,
							fileTypes: [],
							extensions: [],
							methods: [],
							max: 1,
						},
						{
							type: 'select',
							name: 'priority',
							options: [ 'low', 'high' ],
							fileTypes: [],
							extensions: [],
							methods: [],
							max: 1,
						},
					],
					actions: [
						{ id: 'approve', title: 'Approve', style: 'primary' },
						{ id: 'skip', title: 'Skip', style: 'ghost' },
					],
					defaults: { comment: 'Looks fine' },
					expiresAt: 1900000000,
				},
			},
		} );
		await step( 0, {
			update: {
				type: 'end',
				conversationId: 'c1',
				messageId: 'm1',
				metadata: { retrieverResources: [], usage: null },
			},
		} );
		await step( 0, { done: true } );
		await settle();
		await settle();

		const [ answer ] = answersInPage();
		const form = answer?.querySelector(
			'.dify-chatbot__human-form'
		) as HTMLElement;
		expect( form ).not.toBeNull();
		expect( form.querySelector( 'h2' )?.textContent ).toBe( 'Review' );
		expect( form.textContent ).toContain( 'Comment: comment' );
		expect(
			( form.querySelector( 'textarea' ) as HTMLTextAreaElement ).value
		).toBe( 'Looks fine' );
		expect(
			Array.from( form.querySelectorAll( 'option' ) ).map(
				( o ) => o.textContent
			)
		).toEqual( [ 'low', 'high' ] );
		const buttons = form.querySelectorAll< HTMLButtonElement >(
			'.dify-chatbot__human-action'
		);
		expect( Array.from( buttons ).map( ( b ) => b.className ) ).toEqual( [
			'dify-chatbot__human-action is-primary',
			'dify-chatbot__human-action is-ghost',
		] );
		expect(
			form.querySelector( '.dify-chatbot__human-expiry' )
		).not.toBeNull();

		await act( async () => buttons[ 0 ]?.click() );
		await settle();
		expect( formAnswers ).toEqual( [
			{
				handle: 'H'.repeat( 43 ),
				answer: {
					action: 'approve',
					inputs: { comment: 'Looks fine', priority: 'low' },
				},
			},
		] );
		expect( answer?.dataset.status ).toBe( 'streaming' );
		await step( 1, { update: { type: 'append', text: 'Approved.' } } );
		await step( 1, {
			update: {
				type: 'end',
				conversationId: 'c1',
				messageId: 'm1',
				metadata: { retrieverResources: [], usage: null },
			},
		} );
		await step( 1, { done: true } );
		expect( answersInPage() ).toHaveLength( 1 );
		expect( answer?.dataset.status ).toBe( 'done' );
		expect( answerText( answer ) ).toContain( 'Draft.' );
		// The resumed run's text comes after the form, where the run paused.
		expect(
			answer?.querySelector( '.dify-chatbot__human-form + *' )
				?.textContent
		).toBe( 'Approved.' );
		expect(
			answer?.querySelector( '.dify-chatbot__human-answered' )
				?.textContent
		).toBe( 'Answered: Approve' );
		expect(
			answer?.querySelector( '.dify-chatbot__human-action' )
		).toBeNull();
	} );

	it( 'keeps a refused form open with the reason, and closes an answered one', async () => {
		await render();
		await ask( 'Approve it' );
		const form = {
			handle: 'H'.repeat( 43 ),
			title: 'Approval',
			content: 'Approve?',
			fields: [],
			actions: [ { id: 'approve', title: 'Approve', style: 'primary' } ],
			defaults: {},
			expiresAt: null,
		};
		await step( 0, { update: { type: 'form', form } } );
		await step( 0, {
			update: {
				type: 'end',
				conversationId: 'c1',
				messageId: 'm1',
				metadata: { retrieverResources: [], usage: null },
			},
		} );
		await step( 0, { done: true } );
		await settle();
		const button = () =>
			container.querySelector< HTMLButtonElement >(
				'.dify-chatbot__human-action'
			);
		await act( async () => button()?.click() );
		await step( 1, {
			error: new ChatError(
				'dify_chatbot_invalid_form',
				'Please check your answers.',
				400
			),
		} );
		expect(
			container.querySelector( '.dify-chatbot__human-error' )?.textContent
		).toBe( 'Please check your answers.' );
		expect( button() ).not.toBeNull();

		await act( async () => button()?.click() );
		await step( 2, {
			error: new ChatError(
				'dify_chatbot_form_submitted',
				'This form has already been answered.',
				409
			),
		} );
		expect(
			container.querySelector( '.dify-chatbot__human-error' )?.textContent
		).toBe( 'This form has already been answered.' );
		expect( button() ).toBeNull();
		expect( answersInPage()[ 0 ]?.dataset.status ).toBe( 'done' );
	} );

	it( 'continues the stored conversation', async () => {
		window.localStorage.setItem( KEY, 'c-stored' );
		await render();
		await ask( 'Again' );
		expect( answers[ 0 ]?.request.conversationId ).toBe( 'c-stored' );
	} );

	it( 'does not send on Shift+Enter, while composing, or while an answer is on its way', async () => {
		await render();
		await type( 'line one' );
		await press( 'Enter', { shiftKey: true } );
		await press( 'Enter', { isComposing: true } );
		expect( answers ).toHaveLength( 0 );

		await press( 'Enter' );
		expect( answers ).toHaveLength( 1 );
		await type( 'typed while waiting' );
		await press( 'Enter' );
		expect( answers ).toHaveLength( 1 );
		// The text stays for later.
		expect( textarea().value ).toBe( 'typed while waiting' );
	} );

	it( 'shows an error with Retry, which asks the same question again', async () => {
		await render();
		await ask( 'Break please' );
		await step( 0, { update: { type: 'append', text: 'Par' } } );
		await step( 0, {
			error: new ChatError(
				'cut_off',
				'The answer was cut off. Please try again.'
			),
		} );

		const error = container.querySelector( '.dify-chatbot__error' );
		expect( error?.textContent ).toContain(
			'The answer was cut off. Please try again.'
		);
		expect( answersInPage()[ 0 ]?.dataset.status ).toBe( 'error' );
		expect( answerText( answersInPage()[ 0 ] ) ).toBe( 'Par' );
		expect( liveRegion().textContent ).toBe(
			'The answer was cut off. Please try again.'
		);
		const retry = error?.querySelector( 'button' );
		expect( retry?.textContent ).toBe( 'Retry' );

		await act( async () => retry?.click() );
		await settle();
		expect( answers ).toHaveLength( 2 );
		expect( answers[ 1 ]?.request.query ).toBe( 'Break please' );
		expect( container.querySelector( '.dify-chatbot__error' ) ).toBeNull();
		expect(
			container.querySelectorAll( '.dify-chatbot__message.is-user' )
		).toHaveLength( 1 );
		expect( answersInPage() ).toHaveLength( 1 );
		expect( container.ownerDocument.activeElement ).toBe( textarea() );
	} );

	it( 'starts over when all conversations with its bot were deleted elsewhere on the page, not another bot’s', async () => {
		await render();
		await ask( 'One' );
		await step( 0, { update: { type: 'append', text: 'First' } } );
		await step( 0, {
			update: {
				type: 'end',
				conversationId: 'c1',
				messageId: 'm1',
				metadata: { retrieverResources: [], usage: null },
			},
		} );
		await step( 0, { done: true } );
		const forgotten = async ( key: string ) =>
			act( async () => {
				window.dispatchEvent(
					new CustomEvent( FORGET_EVENT, { detail: key } )
				);
			} );

		await forgotten( 'difyChatbot:conv@sales:0:/:dify-chatbot-2' );
		expect( answersInPage() ).toHaveLength( 1 );
		await forgotten( 'difyChatbot:conv:7:/:dify-chatbot-2' );
		expect( answersInPage() ).toHaveLength( 1 );

		// Another chat of the same bot and visitor (here: on the same page).
		await forgotten( 'difyChatbot:conv:0:/:dify-chatbot-2' );
		expect( answersInPage() ).toHaveLength( 0 );
	} );

	it( 'forgets a conversation the server no longer knows', async () => {
		window.localStorage.setItem( KEY, 'c-gone' );
		await render();
		await ask( 'Still there?' );
		await step( 0, {
			error: new ChatError(
				'dify_chatbot_conversation_not_found',
				'This conversation is no longer available, so a new one was started. Please try again.',
				404
			),
		} );
		expect( window.localStorage.getItem( KEY ) ).toBeNull();
		await act( async () =>
			container
				.querySelector< HTMLButtonElement >(
					'.dify-chatbot__error button'
				)
				?.click()
		);
		expect( answers[ 1 ]?.request.conversationId ).toBeNull();
	} );

	it( 're-renders only the answer being written', async () => {
		await render();
		await ask( 'One' );
		await step( 0, { update: { type: 'append', text: 'First' } } );
		await step( 0, {
			update: {
				type: 'end',
				conversationId: 'c1',
				messageId: null,
				metadata: { retrieverResources: [], usage: null },
			},
		} );
		await step( 0, { done: true } );
		await ask( 'Two' );
		await step( 1, { update: { type: 'append', text: 'Sec' } } );

		const i18n = __ as jest.MockedFunction< typeof __ >;
		i18n.mockClear();
		await step( 1, { update: { type: 'append', text: 'ond' } } );
		const labels = i18n.mock.calls.filter(
			( [ text ] ) => text === 'You:' || text === 'Assistant:'
		);
		// Four messages on screen, one rendered.
		expect(
			container.querySelectorAll( '.dify-chatbot__message' )
		).toHaveLength( 4 );
		expect( labels ).toEqual( [ [ 'Assistant:', 'dify-chatbot' ] ] );
		// Nor did the question box re-render.
		expect( i18n.mock.calls.some( ( [ text ] ) => text === 'Send' ) ).toBe(
			false
		);
	} );

	it( 'starts a new chat on request', async () => {
		window.localStorage.setItem( KEY, 'c-old' );
		await render();
		const button = Array.from(
			container.querySelectorAll( 'button' )
		).find( ( b ) => b.textContent === 'New chat' );
		await act( async () => button?.click() );
		expect( window.localStorage.getItem( KEY ) ).toBeNull();
		expect(
			Array.from( container.querySelectorAll( 'button' ) ).some(
				( b ) => b.textContent === 'New chat'
			)
		).toBe( false );
	} );

	it( 'in a bubble, focuses the box when opened and asks the loader to close', async () => {
		await render( { layout: 'bubble' } );
		await act( async () => {
			container.dispatchEvent( new CustomEvent( OPEN_EVENT ) );
		} );
		expect( container.ownerDocument.activeElement ).toBe( textarea() );

		const close = jest.fn();
		container.addEventListener( CLOSE_EVENT, close );
		const button = container.querySelector< HTMLButtonElement >(
			'.dify-chatbot__close'
		);
		expect( button?.getAttribute( 'aria-label' ) ).toBe( 'Close chat' );
		await act( async () => button?.click() );
		expect( close ).toHaveBeenCalledTimes( 1 );
	} );
} );

describe( 'Chat: parity with Dify’s web chat', () => {
	function buttonNamed( name: string ): HTMLButtonElement | undefined {
		return Array.from(
			container.querySelectorAll< HTMLButtonElement >( 'button' )
		).find( ( b ) => b.textContent === name );
	}

	async function finish( index: number, messageId: string | null ) {
		await step( index, {
			update: {
				type: 'end',
				conversationId: 'c1',
				messageId,
				metadata: { retrieverResources: [], usage: null },
			},
		} );
		await step( index, { done: true } );
	}

	it( 'shows the opening statement as markdown and sends a starter with one click', async () => {
		parameters = {
			openingStatement:
				'Hello, **visitor**! <img src=x onerror=alert(1)>',
			suggestedQuestions: [ 'What can you do?', 'Show me a table' ],
			suggestedAfterAnswer: false,
			form: [],
		};
		await render();
		await settle();
		const opening = container.querySelector( '.dify-chatbot__opening' );
		expect( opening?.querySelector( 'strong' )?.textContent ).toBe(
			'visitor'
		);
		expect( opening?.querySelector( '[onerror]' ) ).toBeNull();
		expect( container.querySelector( '.dify-chatbot__empty' ) ).toBeNull();
		// The greeting is not counted as an answer.
		expect( answersInPage() ).toHaveLength( 0 );

		await act( async () => buttonNamed( 'Show me a table' )?.click() );
		await settle();
		expect( answers[ 0 ]?.request.query ).toBe( 'Show me a table' );
		expect(
			container.querySelector( '.dify-chatbot__message.is-user' )
				?.textContent
		).toBe( 'Show me a table' );
		expect(
			container.querySelector( '.dify-chatbot__suggestions' )
		).toBeNull();
		expect(
			container.querySelector( '.dify-chatbot__opening' )
		).not.toBeNull();
	} );

	it( 'shows only the usual hint for an app without a greeting, or when parameters fail', async () => {
		( client.parameters as jest.Mock ).mockImplementationOnce( async () => {
			throw new ChatError( 'dify_chatbot_unavailable', 'No.' );
		} );
		await render();
		await settle();
		expect(
			container.querySelector( '.dify-chatbot__empty' )
		).not.toBeNull();
		expect(
			container.querySelector( '.dify-chatbot__opening' )
		).toBeNull();
		expect(
			container.querySelector( '.dify-chatbot__suggestions' )
		).toBeNull();
	} );

	it( 'renders answers as markdown', async () => {
		await render();
		await ask( 'Table?' );
		await step( 0, {
			update: {
				type: 'append',
				text: '## Title\n\n| a | b |\n| - | - |\n',
			},
		} );
		await step( 0, {
			update: { type: 'append', text: '| 1 | 2 |\n\n```js\nlet' },
		} );
		const [ answer ] = answersInPage();
		expect( answer?.querySelector( 'h2' )?.textContent ).toBe( 'Title' );
		expect( answer?.querySelectorAll( 'td' ) ).toHaveLength( 2 );
		// An open fence while streaming is already code.
		expect( answer?.querySelector( 'pre code' )?.textContent ).toContain(
			'let'
		);
	} );

	it( 'Stop tells the server the task id, keeps the text and marks the answer stopped', async () => {
		await render();
		await ask( 'Long story' );
		expect( buttonNamed( 'Stop' ) ).toBeDefined();
		await step( 0, {
			update: {
				type: 'meta',
				conversationId: 'c1',
				messageId: 'm1',
				taskId: 'task-1',
			},
		} );
		await step( 0, { update: { type: 'append', text: 'Once upon' } } );

		await act( async () => buttonNamed( 'Stop' )?.click() );
		await settle();
		expect( client.stop ).toHaveBeenCalledWith( 'task-1' );
		const [ answer ] = answersInPage();
		expect( answer?.dataset.status ).toBe( 'stopped' );
		expect( answerText( answer ) ).toBe( 'Once upon' );
		expect( buttonNamed( 'Stop' ) ).toBeUndefined();
		expect( container.textContent ).toContain( 'The answer was stopped.' );

		// Whatever was still on its way is ignored.
		await step( 0, { update: { type: 'append', text: ' a time' } } );
		expect( answerText( answer ) ).toBe( 'Once upon' );
		expect( container.ownerDocument.activeElement ).toBe( textarea() );

		// A new question can be asked at once.
		await ask( 'Next' );
		expect( answers ).toHaveLength( 2 );
	} );

	it( 'Stop before the first event closes the request without a stop call', async () => {
		await render();
		await ask( 'Quick' );
		await act( async () => buttonNamed( 'Stop' )?.click() );
		await settle();
		expect( client.stop ).not.toHaveBeenCalled();
		expect( answersInPage()[ 0 ]?.dataset.status ).toBe( 'stopped' );
	} );

	it( 'rates an answer, takes the rating back, and copies its text', async () => {
		const writeText = jest.fn< ( text: string ) => Promise< void > >(
			async () => undefined
		);
		Object.defineProperty( window.navigator, 'clipboard', {
			value: { writeText },
			configurable: true,
		} );
		await render();
		await ask( 'Rate me' );
		await step( 0, {
			update: { type: 'append', text: '**Good** answer' },
		} );
		expect( buttonNamed( 'Like' ) ).toBeUndefined(); // Not while it is written.
		await finish( 0, 'm1' );

		await act( async () => buttonNamed( 'Like' )?.click() );
		expect( client.feedback ).toHaveBeenLastCalledWith( 'm1', 'like' );
		expect( buttonNamed( 'Like' )?.getAttribute( 'aria-pressed' ) ).toBe(
			'true'
		);
		await act( async () => buttonNamed( 'Dislike' )?.click() );
		expect( client.feedback ).toHaveBeenLastCalledWith( 'm1', 'dislike' );
		await act( async () => buttonNamed( 'Dislike' )?.click() );
		expect( client.feedback ).toHaveBeenLastCalledWith( 'm1', null );
		expect( buttonNamed( 'Dislike' )?.getAttribute( 'aria-pressed' ) ).toBe(
			'false'
		);

		await act( async () => buttonNamed( 'Copy' )?.click() );
		expect( writeText ).toHaveBeenCalledWith( '**Good** answer' );
		expect( buttonNamed( 'Copied' ) ).toBeDefined();
	} );

	it( 'puts a rating back when the server refuses it', async () => {
		( client.feedback as jest.Mock ).mockImplementationOnce( async () => {
			throw new ChatError( 'dify_chatbot_message_not_found', 'Gone.' );
		} );
		await render();
		await ask( 'Rate me' );
		await step( 0, { update: { type: 'append', text: 'Answer' } } );
		await finish( 0, 'm1' );
		await act( async () => buttonNamed( 'Like' )?.click() );
		await settle();
		expect( buttonNamed( 'Like' )?.getAttribute( 'aria-pressed' ) ).toBe(
			'false'
		);
	} );

	it( 'offers follow-up questions after an answer when the app has them', async () => {
		parameters = {
			openingStatement: '',
			suggestedQuestions: [],
			suggestedAfterAnswer: true,
			form: [],
		};
		( client.suggested as jest.Mock ).mockImplementation( async () => [
			'Tell me more?',
		] );
		await render();
		await settle();
		await ask( 'First' );
		await step( 0, { update: { type: 'append', text: 'Answer' } } );
		await finish( 0, 'm1' );
		await settle();
		expect( client.suggested ).toHaveBeenCalledWith( 'm1' );
		await act( async () => buttonNamed( 'Tell me more?' )?.click() );
		await settle();
		expect( answers[ 1 ]?.request.query ).toBe( 'Tell me more?' );
		// Gone while the next answer is written.
		expect( buttonNamed( 'Tell me more?' ) ).toBeUndefined();
	} );

	it( 'asks for no follow-ups when the app has none', async () => {
		await render();
		await ask( 'First' );
		await step( 0, { update: { type: 'append', text: 'Answer' } } );
		await finish( 0, 'm1' );
		await settle();
		expect( client.suggested ).not.toHaveBeenCalled();
	} );
} );

describe( 'Chat: citations, agent trail, files and history', () => {
	it( 'shows the sources of an answer in a collapsible list, and none when empty', async () => {
		await render();
		await ask( 'Cite?' );
		await step( 0, { update: { type: 'append', text: 'Answer' } } );
		await step( 0, {
			update: {
				type: 'end',
				conversationId: 'c1',
				messageId: 'm1',
				metadata: {
					retrieverResources: [
						{
							position: 1,
							document_name: 'Guide.pdf',
							content: 'The <b>snippet</b>',
							score: 0.873,
						},
						{ position: 2, document_name: 'FAQ.md', content: 'x' },
					],
					usage: null,
				},
			},
		} );
		await step( 0, { done: true } );
		const details = container.querySelector(
			'details.dify-chatbot__citations'
		) as HTMLDetailsElement;
		expect( details ).not.toBeNull();
		expect( details.open ).toBe( false );
		expect( details.querySelector( 'summary' )?.textContent ).toBe(
			'Sources (2)'
		);
		const first = details.querySelector( '.dify-chatbot__citation' );
		expect(
			first?.querySelector( '.dify-chatbot__citation-name' )?.textContent
		).toBe( 'Guide.pdf' );
		expect(
			first?.querySelector( '.dify-chatbot__citation-score' )?.textContent
		).toBe( 'score 0.87' );
		// Snippets are text, never markup.
		expect(
			first?.querySelector( '.dify-chatbot__citation-snippet' )
				?.textContent
		).toBe( 'The <b>snippet</b>' );
		expect( first?.querySelector( 'b' ) ).toBeNull();

		await ask( 'No sources?' );
		await step( 1, { update: { type: 'append', text: 'Plain' } } );
		await step( 1, {
			update: {
				type: 'end',
				conversationId: 'c1',
				messageId: 'm2',
				metadata: { retrieverResources: [], usage: null },
			},
		} );
		expect(
			container.querySelectorAll( 'details.dify-chatbot__citations' )
		).toHaveLength( 1 );
	} );

	it( 'shows the tools an agent used and its images', async () => {
		await render();
		await ask( 'Draw?' );
		await step( 0, {
			update: {
				type: 'thought',
				id: 't1',
				position: 1,
				tools: [ 'web_search', 'image_generator' ],
			},
		} );
		await step( 0, {
			update: {
				type: 'file',
				id: 'f1',
				url: 'https://dify.test/files/tools/f1.png?sign=s',
				fileType: 'image',
			},
		} );
		await step( 0, { update: { type: 'append', text: 'Here it is' } } );
		const trail = container.querySelector(
			'details.dify-chatbot__thoughts'
		);
		expect( trail?.querySelector( 'summary' )?.textContent ).toBe(
			'Used tool web_search, image_generator'
		);
		const image = container.querySelector(
			'.dify-chatbot__message.is-assistant img'
		) as HTMLImageElement;
		expect( image.getAttribute( 'src' ) ).toBe(
			'https://dify.test/files/tools/f1.png?sign=s'
		);
		expect( image.alt ).not.toBe( '' );
	} );

	it( 'brings back the stored conversation’s turns on load', async () => {
		window.localStorage.setItem( KEY, 'conv-1' );
		( client.history as jest.Mock ).mockImplementationOnce( async () => [
			{
				messageId: 'm1',
				query: 'Earlier question',
				answer: 'Earlier answer',
				citations: [],
				files: [],
			},
		] );
		await render();
		await settle();
		expect( client.history ).toHaveBeenCalledWith( 'conv-1' );
		expect(
			container.querySelector( '.dify-chatbot__message.is-user' )
				?.textContent
		).toBe( 'Earlier question' );
		expect( answerText( answersInPage()[ 0 ] ) ).toBe( 'Earlier answer' );
		await ask( 'Next' );
		expect( answers[ 0 ]?.request.conversationId ).toBe( 'conv-1' );
	} );

	it( 'asks for no follow-ups for a restored answer, and forgets a conversation that is gone', async () => {
		parameters = {
			openingStatement: '',
			suggestedQuestions: [],
			suggestedAfterAnswer: true,
			form: [],
		};
		window.localStorage.setItem( KEY, 'conv-1' );
		( client.history as jest.Mock ).mockImplementationOnce( async () => [
			{
				messageId: 'm1',
				query: 'Q',
				answer: 'A',
				citations: [],
				files: [],
			},
		] );
		await render();
		await settle();
		expect( answersInPage() ).toHaveLength( 1 );
		expect( client.suggested ).not.toHaveBeenCalled();
		await act( async () => root.unmount() );

		root = createRoot( container );
		( client.history as jest.Mock ).mockImplementationOnce( async () => {
			throw new ChatError(
				'dify_chatbot_conversation_not_found',
				'Gone',
				404
			);
		} );
		await render();
		await settle();
		expect( window.localStorage.getItem( KEY ) ).toBeNull();
	} );

	it( 'asks for no history without a stored conversation', async () => {
		await render();
		await settle();
		expect( client.history ).not.toHaveBeenCalled();
	} );
} );

describe( 'Chat: the visitor’s conversations', () => {
	function buttonNamed( name: string ): HTMLButtonElement | undefined {
		return Array.from(
			container.querySelectorAll< HTMLButtonElement >( 'button' )
		).find( ( b ) => b.textContent === name );
	}

	afterEach( () => {
		( client.conversations as jest.Mock ).mockImplementation(
			async () => []
		);
	} );

	async function openList() {
		await act( async () => buttonNamed( 'Conversations' )?.click() );
		await settle();
	}

	it( 'lists them, opens one with its turns, renames and deletes', async () => {
		( client.conversations as jest.Mock ).mockImplementation( async () => [
			{ id: 'c1', name: 'Trip' },
			{ id: 'c2', name: '' },
		] );
		( client.history as jest.Mock ).mockImplementationOnce( async () => [
			{
				messageId: 'm1',
				query: 'Where to?',
				answer: 'Lisbon',
				citations: [],
				files: [],
			},
		] );
		await render();
		expect(
			buttonNamed( 'Conversations' )?.getAttribute( 'aria-expanded' )
		).toBe( 'false' );
		await openList();
		expect(
			buttonNamed( 'Conversations' )?.getAttribute( 'aria-expanded' )
		).toBe( 'true' );
		expect( buttonNamed( 'Trip' ) ).toBeDefined();
		expect( buttonNamed( 'Untitled conversation' ) ).toBeDefined();

		await act( async () => buttonNamed( 'Trip' )?.click() );
		await settle();
		expect( client.history ).toHaveBeenCalledWith( 'c1' );
		expect(
			container.querySelector( '.dify-chatbot__conversations' )
		).toBeNull();
		expect(
			container.querySelector( '.dify-chatbot__message.is-user' )
				?.textContent
		).toBe( 'Where to?' );
		expect( window.localStorage.getItem( KEY ) ).toBe( 'c1' );

		// Rename.
		await openList();
		const renameButtons = Array.from(
			container.querySelectorAll( 'button' )
		).filter( ( b ) => b.textContent === 'Rename' );
		await act( async () => renameButtons[ 0 ]?.click() );
		const input = container.querySelector(
			'input[aria-label="Conversation name"]'
		) as HTMLInputElement;
		expect( input.value ).toBe( 'Trip' );
		await act( async () => {
			const setter = Object.getOwnPropertyDescriptor(
				HTMLInputElement.prototype,
				'value'
			)?.set;
			setter?.call( input, 'Lisbon trip' );
			input.dispatchEvent( new Event( 'input', { bubbles: true } ) );
		} );
		await act( async () => buttonNamed( 'Save' )?.click() );
		await settle();
		expect( client.rename ).toHaveBeenCalledWith( 'c1', 'Lisbon trip' );
		expect( buttonNamed( 'Lisbon trip' ) ).toBeDefined();

		// Delete takes two clicks; deleting the open conversation starts a new chat.
		const deleteButton = () =>
			Array.from( container.querySelectorAll( 'button' ) ).find(
				( b ) =>
					b.textContent === 'Delete' ||
					b.textContent === 'Confirm delete'
			);
		await act( async () => deleteButton()?.click() );
		expect( client.remove ).not.toHaveBeenCalled();
		expect( buttonNamed( 'Confirm delete' ) ).toBeDefined();
		await act( async () => buttonNamed( 'Confirm delete' )?.click() );
		await settle();
		expect( client.remove ).toHaveBeenCalledWith( 'c1' );
		expect( buttonNamed( 'Lisbon trip' ) ).toBeUndefined();
		expect(
			container.querySelectorAll( '.dify-chatbot__message' )
		).toHaveLength( 0 );
		expect( window.localStorage.getItem( KEY ) ).toBeNull();
	} );

	it( 'deletes them all after a confirmation that Escape cancels, and starts anew', async () => {
		( client.conversations as jest.Mock ).mockImplementation( async () => [
			{ id: 'c1', name: 'Trip' },
			{ id: 'c2', name: 'Food' },
		] );
		( client.removeAll as jest.Mock ).mockImplementationOnce(
			async () => ( { deleted: 2, more: false } )
		);
		window.localStorage.setItem( KEY, 'c1' );
		const otherPage = 'difyChatbot:conv:0:/other/:dify-chatbot-1';
		const inputs = 'difyChatbot:inputs:0:/:dify-chatbot-1';
		const otherUser = 'difyChatbot:conv:7:/:dify-chatbot-1';
		// Another bot's conversations were not deleted (the server keeps each bot's apart).
		const otherBot = 'difyChatbot:conv@sales:0:/:dify-chatbot-2';
		const otherBotInputs = 'difyChatbot:inputs@sales:0:/:dify-chatbot-2';
		window.localStorage.setItem( otherBot, 'c5' );
		window.localStorage.setItem( otherBotInputs, '{"name":"Bo"}' );
		window.localStorage.setItem( otherPage, 'c2' );
		window.localStorage.setItem( inputs, '{"name":"Ada"}' );
		window.localStorage.setItem( otherUser, 'c9' );
		await render();
		await settle();
		await openList();

		const trigger = buttonNamed( 'Delete all conversations' );
		expect( trigger?.getAttribute( 'aria-haspopup' ) ).toBe( 'dialog' );
		await act( async () => trigger?.click() );
		const dialog = () =>
			container.querySelector< HTMLElement >( '[role="alertdialog"]' );
		expect( dialog()?.getAttribute( 'aria-modal' ) ).toBe( 'true' );
		const title = dialog()?.getAttribute( 'aria-labelledby' ) ?? '';
		expect( document.getElementById( title )?.textContent ).toBe(
			'Delete all your conversations?'
		);
		// The safe choice has the keyboard; Tab stays inside; Escape cancels.
		expect( container.ownerDocument.activeElement ).toBe(
			buttonNamed( 'Cancel' )
		);
		await act( async () => {
			container.ownerDocument.activeElement?.dispatchEvent(
				new KeyboardEvent( 'keydown', {
					key: 'Tab',
					shiftKey: true,
					bubbles: true,
				} )
			);
		} );
		expect( container.ownerDocument.activeElement ).toBe(
			buttonNamed( 'Delete all' )
		);
		await act( async () => {
			container.ownerDocument.activeElement?.dispatchEvent(
				new KeyboardEvent( 'keydown', { key: 'Escape', bubbles: true } )
			);
		} );
		expect( dialog() ).toBeNull();
		expect( client.removeAll ).not.toHaveBeenCalled();
		expect( container.ownerDocument.activeElement ).toBe(
			buttonNamed( 'Delete all conversations' )
		);

		await act( async () =>
			buttonNamed( 'Delete all conversations' )?.click()
		);
		await act( async () => buttonNamed( 'Delete all' )?.click() );
		await settle();
		expect( client.removeAll ).toHaveBeenCalledTimes( 1 );
		expect( dialog() ).toBeNull();
		expect( buttonNamed( 'Trip' ) ).toBeUndefined();
		expect( container.textContent ).toContain( 'No conversations yet.' );
		const status = container.querySelector(
			'.dify-chatbot__conversations [role="status"]'
		);
		expect( status?.textContent ).toBe( '2 conversations deleted.' );
		expect( container.ownerDocument.activeElement ).toBe( status );
		// This visitor's ids and form values are gone from every page; another user's stay.
		expect( window.localStorage.getItem( KEY ) ).toBeNull();
		expect( window.localStorage.getItem( otherPage ) ).toBeNull();
		expect( window.localStorage.getItem( inputs ) ).toBeNull();
		expect( window.localStorage.getItem( otherUser ) ).toBe( 'c9' );
		expect( window.localStorage.getItem( otherBot ) ).toBe( 'c5' );
		expect( window.localStorage.getItem( otherBotInputs ) ).toBe(
			'{"name":"Bo"}'
		);
		expect( buttonNamed( 'New chat' ) ).toBeUndefined();
	} );

	it( 'says why deleting them all failed and shows what is left', async () => {
		( client.conversations as jest.Mock ).mockImplementation( async () => [
			{ id: 'c1', name: 'Trip' },
		] );
		( client.removeAll as jest.Mock ).mockImplementationOnce( async () => {
			throw new ChatError(
				'dify_chatbot_unreachable',
				'The chat service cannot be reached.',
				503
			);
		} );
		await render();
		await openList();
		await act( async () =>
			buttonNamed( 'Delete all conversations' )?.click()
		);
		await act( async () => buttonNamed( 'Delete all' )?.click() );
		await settle();
		const alert = container.querySelector(
			'.dify-chatbot__conversations [role="alert"]'
		);
		expect( alert?.textContent ).toBe(
			'The chat service cannot be reached.'
		);
		expect( container.ownerDocument.activeElement ).toBe( alert );
		// Listed again: what is left is shown.
		expect( client.conversations ).toHaveBeenCalledTimes( 2 );
		expect( buttonNamed( 'Trip' ) ).toBeDefined();
	} );

	it( 'shows why the list could not be loaded', async () => {
		( client.conversations as jest.Mock ).mockImplementationOnce(
			async () => {
				throw new ChatError( 'http_500', 'The chat is down.', 500 );
			}
		);
		await render();
		await openList();
		expect(
			container.querySelector(
				'.dify-chatbot__conversations [role="alert"]'
			)?.textContent
		).toBe( 'The chat is down.' );
	} );
} );

describe( 'Chat with the media script', () => {
	const playChunks = jest.fn();
	const withConfig = client as ChatClient & {
		config?: ChatClient[ 'config' ];
	};

	beforeEach( () => {
		window.difyChatbotScripts = jest.fn( async () => undefined );
		window.difyChatbotMedia = {
			Tools: () => <span />,
			ReadAloud: () => <span />,
			playChunks,
			FormFile: () => <span />,
		};
		withConfig.config = readConfig( {} );
	} );

	afterEach( () => {
		delete window.difyChatbotScripts;
		delete window.difyChatbotMedia;
		delete withConfig.config;
	} );

	async function answerWithAudio() {
		await render();
		await settle();
		await ask( 'Read it to me' );
		await step( 0, { update: { type: 'append', text: 'Hi.' } } );
		await step( 0, {
			update: {
				type: 'end',
				conversationId: 'c1',
				messageId: 'm1',
				metadata: { retrieverResources: [], usage: null },
			},
		} );
		await step( 0, { update: { type: 'audio', audio: 'SUQz' } } );
		await step( 0, { update: { type: 'audio', audio: 'AAAA' } } );
		await step( 0, { done: true } );
	}

	it( 'plays the answer’s audio when the app auto-plays', async () => {
		parameters = {
			openingStatement: '',
			suggestedQuestions: [],
			suggestedAfterAnswer: false,
			form: [],
			textToSpeech: true,
			autoPlay: true,
		};
		await answerWithAudio();
		expect( window.difyChatbotScripts ).toHaveBeenCalledWith(
			'dify-chatbot-media-scripts'
		);
		expect( playChunks ).toHaveBeenCalledTimes( 1 );
		expect( playChunks ).toHaveBeenCalledWith( [ 'SUQz', 'AAAA' ] );
	} );

	it( 'keeps quiet when the app does not auto-play', async () => {
		parameters = {
			openingStatement: '',
			suggestedQuestions: [],
			suggestedAfterAnswer: false,
			form: [],
			textToSpeech: true,
			autoPlay: false,
		};
		await answerWithAudio();
		expect( window.difyChatbotScripts ).toHaveBeenCalled();
		expect( playChunks ).not.toHaveBeenCalled();
	} );

	it( 'loads no media script for an app without uploads or voice', async () => {
		await render();
		await settle();
		expect( window.difyChatbotScripts ).not.toHaveBeenCalled();
	} );
} );

describe( 'the app’s input form', () => {
	const INPUTS_KEY = KEY.replace( ':conv:', ':inputs:' );

	beforeEach( () => {
		window.localStorage.clear();
		parameters = {
			openingStatement: '',
			suggestedQuestions: [],
			suggestedAfterAnswer: false,
			form: [
				{
					type: 'text-input',
					variable: 'name',
					label: 'Your name',
					required: true,
					maxLength: 5,
					options: [],
					default: '',
					fileTypes: [],
					fileExtensions: [],
					fileMethods: [],
				},
				{
					type: 'select',
					variable: 'topic',
					label: 'Topic',
					required: false,
					maxLength: 0,
					options: [ 'billing', 'sales' ],
					default: '',
					fileTypes: [],
					fileExtensions: [],
					fileMethods: [],
				},
			],
		};
	} );

	function field( name: string ): HTMLInputElement | HTMLSelectElement {
		return container.querySelector(
			`.dify-chatbot__inputs [name="${ name }"]`
		) as HTMLInputElement;
	}

	async function fill( name: string, value: string ) {
		const element = field( name );
		const proto =
			element instanceof HTMLSelectElement
				? HTMLSelectElement.prototype
				: HTMLInputElement.prototype;
		await act( async () => {
			Object.getOwnPropertyDescriptor( proto, 'value' )?.set?.call(
				element,
				value
			);
			element.dispatchEvent(
				new Event(
					element instanceof HTMLSelectElement ? 'change' : 'input',
					{
						bubbles: true,
					}
				)
			);
		} );
	}

	it( 'asks for the fields first, refuses to send while one is wrong, and points at it', async () => {
		await render( { post: 42 } );
		await settle();
		expect( client.parameters ).toHaveBeenLastCalledWith( 42 );
		expect( labelOf( field( 'name' ) as HTMLElement ) ).toBe( 'Your name' );
		expect( labelOf( field( 'topic' ) as HTMLElement ) ).toBe(
			'Topic (optional)'
		);
		await ask( 'Hello' );
		expect( answers ).toHaveLength( 0 );
		expect( field( 'name' ).getAttribute( 'aria-invalid' ) ).toBe( 'true' );
		expect( container.ownerDocument.activeElement ).toBe( field( 'name' ) );
		const errorId = field( 'name' ).getAttribute( 'aria-describedby' );
		expect( container.querySelector( `#${ errorId }` )?.textContent ).toBe(
			'This field is required.'
		);
		// The question stays in the box, to be sent once the form is right.
		expect( textarea().value ).toBe( 'Hello' );

		await fill( 'name', 'Ann' );
		expect( field( 'name' ).hasAttribute( 'aria-invalid' ) ).toBe( false );
		await fill( 'topic', 'sales' );
		await press( 'Enter' );
		expect( answers[ 0 ]?.request ).toMatchObject( {
			query: 'Hello',
			postId: 42,
			inputs: { name: 'Ann', topic: 'sales' },
		} );
		// The form goes once the conversation starts; the values are kept for the next turns.
		expect( container.querySelector( '.dify-chatbot__inputs' ) ).toBeNull();
		expect(
			JSON.parse( window.localStorage.getItem( INPUTS_KEY ) ?? '' )
		).toEqual( { name: 'Ann', topic: 'sales' } );
		await step( 0, {
			update: {
				type: 'end',
				conversationId: 'c1',
				messageId: 'm1',
				metadata: { retrieverResources: [], usage: null },
			},
		} );
		await step( 0, { done: true } );
		await ask( 'And then?' );
		expect( answers[ 1 ]?.request.inputs ).toEqual( {
			name: 'Ann',
			topic: 'sales',
		} );
	} );

	it( 'comes back with the values kept in this browser', async () => {
		window.localStorage.setItem(
			INPUTS_KEY,
			JSON.stringify( { name: 'Bo', topic: 'billing', junk: [ 1 ] } )
		);
		await render();
		await settle();
		expect( field( 'name' ).value ).toBe( 'Bo' );
		expect( field( 'topic' ).value ).toBe( 'billing' );
		await ask( 'Hi' );
		expect( answers[ 0 ]?.request.inputs ).toEqual( {
			name: 'Bo',
			topic: 'billing',
		} );
	} );

	it( 'is not there for an app without a form', async () => {
		parameters = { ...parameters, form: [] };
		await render();
		await settle();
		expect( container.querySelector( '.dify-chatbot__inputs' ) ).toBeNull();
		await ask( 'Hi' );
		expect( answers[ 0 ]?.request.inputs ).toEqual( {} );
	} );
} );

describe( 'a file still uploading holds the form it belongs to', () => {
	const withConfig = client as ChatClient & {
		config?: ChatClient[ 'config' ];
	};
	const RealXhr = window.XMLHttpRequest;

	/** The plugin's files route, answering when the test says so. */
	class HeldXhr {
		static sent: HeldXhr[] = [];
		status = 0;
		responseText = '';
		upload = {};
		onload: ( () => void ) | null = null;
		onerror: ( () => void ) | null = null;
		onabort: ( () => void ) | null = null;
		open() {}
		setRequestHeader() {}
		send() {
			HeldXhr.sent.push( this );
		}
		abort() {
			this.onabort?.();
		}
	}

	async function answerUpload( index: number, name: string | null ) {
		const xhr = HeldXhr.sent[ index ] as HeldXhr;
		xhr.status = name ? 201 : 500;
		xhr.responseText = name
			? JSON.stringify( {
					id: `file-${ name }`,
					name,
					size: 5,
					type: 'document',
				} )
			: '{"code":"dify_chatbot_upstream","message":"Upload failed."}';
		await act( async () => xhr.onload?.() );
		await settle();
	}

	async function pick( input: HTMLInputElement, names: string[] ) {
		Object.defineProperty( input, 'files', {
			configurable: true,
			value: names.map(
				( name ) =>
					new File( [ 'hello' ], name, { type: 'text/plain' } )
			),
		} );
		await act( async () => {
			input.dispatchEvent( new Event( 'change', { bubbles: true } ) );
		} );
		await settle();
	}

	/**
	 * The text that describes an element (its aria-describedby), or null without one.
	 *
	 * @param element The described element.
	 */
	function description( element: Element | null ): string | null {
		const id = element?.getAttribute( 'aria-describedby' );
		return id ? ( document.getElementById( id )?.textContent ?? '' ) : null;
	}

	beforeEach( () => {
		HeldXhr.sent = [];
		window.XMLHttpRequest = HeldXhr as unknown as typeof XMLHttpRequest;
		window.difyChatbotScripts = jest.fn( async () => undefined );
		window.difyChatbotMedia = {
			Tools: () => <span />,
			ReadAloud: () => <span />,
			playChunks: jest.fn(),
			FormFile,
		};
		withConfig.config = readConfig( {} );
	} );

	afterEach( () => {
		window.XMLHttpRequest = RealXhr;
		delete window.difyChatbotScripts;
		delete window.difyChatbotMedia;
		delete withConfig.config;
	} );

	async function humanForm() {
		await render();
		await ask( 'Review my files' );
		await step( 0, {
			update: {
				type: 'form',
				form: {
					handle: 'H'.repeat( 43 ),
					title: 'Files',
					content: 'Attach them.',
					fields: [
						{
							type: 'file-list',
							name: 'docs',
							options: null,
							fileTypes: [ 'document' ],
							extensions: [],
							methods: [ 'local_file' ],
							max: 3,
						},
					],
					actions: [
						{ id: 'approve', title: 'Approve', style: 'primary' },
					],
					defaults: {},
					expiresAt: null,
				},
			},
		} );
		await step( 0, {
			update: {
				type: 'end',
				conversationId: 'c1',
				messageId: 'm1',
				metadata: { retrieverResources: [], usage: null },
			},
		} );
		await step( 0, { done: true } );
		await settle();
		await settle();
		const input = container.querySelector(
			'.dify-chatbot__human-form input[type="file"]'
		) as HTMLInputElement;
		expect( input ).not.toBeNull();
		const approve = () =>
			container.querySelector(
				'.dify-chatbot__human-action'
			) as HTMLButtonElement;
		return { input, approve };
	}

	it( 'Human Input: the buttons wait for the upload, then send the file', async () => {
		const { input, approve } = await humanForm();
		expect( approve().disabled ).toBe( false );
		expect( description( approve() ) ).toBeNull();

		await pick( input, [ 'a.txt', 'b.txt' ] );
		expect( HeldXhr.sent ).toHaveLength( 1 );
		expect( approve().disabled ).toBe( true );
		expect( description( approve() ) ).toBe(
			'Waiting for the files to finish uploading…'
		);
		await act( async () => approve().click() );
		expect( formAnswers ).toEqual( [] );

		// Between the two files of one pick the form stays held.
		await answerUpload( 0, 'a.txt' );
		expect( HeldXhr.sent ).toHaveLength( 2 );
		expect( approve().disabled ).toBe( true );

		await answerUpload( 1, 'b.txt' );
		expect( approve().disabled ).toBe( false );
		expect( description( approve() ) ).toBeNull();
		await act( async () => approve().click() );
		await settle();
		expect( formAnswers[ 0 ]?.answer ).toEqual( {
			action: 'approve',
			inputs: {
				docs: [
					{
						type: 'document',
						transfer_method: 'local_file',
						upload_file_id: 'file-a.txt',
					},
					{
						type: 'document',
						transfer_method: 'local_file',
						upload_file_id: 'file-b.txt',
					},
				],
			},
		} );
	} );

	it( 'Human Input: a failed upload lets the buttons go', async () => {
		const { input, approve } = await humanForm();
		await pick( input, [ 'a.txt' ] );
		expect( approve().disabled ).toBe( true );
		await answerUpload( 0, null );
		expect( approve().disabled ).toBe( false );
		expect( description( approve() ) ).toBeNull();
		expect(
			container.querySelector(
				'.dify-chatbot__form-file .dify-chatbot__field-note'
			)?.textContent
		).not.toBe( '' );
	} );

	it( 'a field that goes away while uploading lets its form go', async () => {
		const onBusy = jest.fn();
		await act( async () => {
			root.render(
				<FormFile
					config={ readConfig( {} ) }
					bot=""
					parameters={ parameters }
					id="f"
					variable="cv"
					label="CV"
					multiple={ false }
					max={ 1 }
					types={ [ 'document' ] }
					extensions={ [] }
					methods={ [ 'local_file' ] }
					invalid={ false }
					value={ [] }
					onChange={ () => undefined }
					onBusy={ onBusy }
				/>
			);
		} );
		await pick(
			container.querySelector( 'input[type="file"]' ) as HTMLInputElement,
			[ 'cv.txt' ]
		);
		expect( onBusy.mock.calls ).toEqual( [ [ true ] ] );
		const aborted = jest.fn();
		( HeldXhr.sent[ 0 ] as HeldXhr ).onabort = aborted;
		await act( async () => root.render( <span /> ) );
		expect( onBusy.mock.calls ).toEqual( [ [ true ], [ false ] ] );
		expect( aborted ).toHaveBeenCalled();
	} );

	async function inputsForm() {
		parameters = {
			openingStatement: '',
			suggestedQuestions: [],
			suggestedAfterAnswer: false,
			form: [
				{
					type: 'file',
					variable: 'cv',
					label: 'Your CV',
					required: true,
					maxLength: 1,
					options: [],
					default: '',
					fileTypes: [ 'document' ],
					fileExtensions: [],
					fileMethods: [ 'local_file' ],
				},
			],
		};
		await render();
		await settle();
		await settle();
		const input = container.querySelector(
			'.dify-chatbot__inputs input[type="file"]'
		) as HTMLInputElement;
		expect( input ).not.toBeNull();
		const send = () =>
			container.querySelector( '.dify-chatbot__send' ) as HTMLElement;
		await type( 'Here is my CV' );
		expect( send().getAttribute( 'aria-disabled' ) ).toBe( 'false' );
		expect( description( send() ) ).toBeNull();
		return { input, send };
	}

	it( 'the app’s input form: sending waits for the upload, then sends the file', async () => {
		const { input, send } = await inputsForm();
		await pick( input, [ 'cv.txt' ] );
		expect( send().getAttribute( 'aria-disabled' ) ).toBe( 'true' );
		expect( description( send() ) ).toBe(
			'Waiting for the files to finish uploading…'
		);
		await press( 'Enter' );
		expect( answers ).toHaveLength( 0 );
		expect( textarea().value ).toBe( 'Here is my CV' );

		await answerUpload( 0, 'cv.txt' );
		expect( send().getAttribute( 'aria-disabled' ) ).toBe( 'false' );
		expect( description( send() ) ).toBeNull();
		await press( 'Enter' );
		expect( answers[ 0 ]?.request.inputs ).toEqual( {
			cv: {
				type: 'document',
				transfer_method: 'local_file',
				upload_file_id: 'file-cv.txt',
			},
		} );
	} );

	it( 'the app’s input form: a failed upload lets sending go', async () => {
		const { input, send } = await inputsForm();
		await pick( input, [ 'cv.txt' ] );
		expect( send().getAttribute( 'aria-disabled' ) ).toBe( 'true' );
		await answerUpload( 0, null );
		expect( send().getAttribute( 'aria-disabled' ) ).toBe( 'false' );
		expect( description( send() ) ).toBeNull();
	} );
} );
