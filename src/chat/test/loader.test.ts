// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import {
	afterEach,
	beforeEach,
	describe,
	expect,
	it,
	jest,
} from '@jest/globals';

import { CLOSE_EVENT, OPEN_EVENT, type ChatApp } from '../options';

const CONFIG = {
	restUrl: 'https://example.test/wp-json/dify-chatbot/v1/',
	nonce: '',
	nonceEndpoint: '',
	template: 'dify-chatbot-app-scripts',
	user: 0,
	responseMode: 'streaming' as const,
};

let mount: jest.Mock< ChatApp[ 'mount' ] >;
/** What ran, in order: external scripts when "loaded", inline ones when inserted. */
let order: string[];
let failNext: string | null;
let observer: MutationObserver;

/**
 * jsdom does not fetch external scripts: this plays the network. When the loader inserts one,
 * it "loads" a moment later (app.js defines the app), or fails once if asked to.
 */
function fakeNetwork() {
	observer = new MutationObserver( ( records ) => {
		for ( const record of records ) {
			record.addedNodes.forEach( ( node ) => {
				if (
					! ( node instanceof HTMLScriptElement ) ||
					! node.getAttribute( 'src' )
				) {
					return;
				}
				const src = node.getAttribute( 'src' ) as string;
				setTimeout( () => {
					if ( failNext === src ) {
						failNext = null;
						node.dispatchEvent( new Event( 'error' ) );
						return;
					}
					order.push( src );
					if ( src.endsWith( 'app.js' ) ) {
						window.difyChatbotApp = { mount };
					}
					node.dispatchEvent( new Event( 'load' ) );
				}, 5 );
			} );
		}
	} );
	observer.observe( document.body, { childList: true } );
}

function page( roots: string ) {
	document.body.innerHTML =
		roots +
		'<template id="dify-chatbot-app-scripts">' +
		'<script src="https://example.test/wp-includes/js/dist/element.js" id="wp-element-js"></script>' +
		'<script id="wp-i18n-js-after">window.__order.push( "inline" );</script>' +
		'<script src="https://example.test/wp-content/plugins/dify-chatbot/build/chat/app.js" id="dify-chatbot-app-js"></script>' +
		'</template>';
}

function root(
	options: Record< string, unknown >,
	id = 'dify-chatbot-1',
	label = 'Chat'
) {
	return `<div class="dify-chatbot dify-chatbot--${ String(
		options.layout ?? 'inline'
	) }" id="${ id }" role="region" aria-label="${ label }" data-dify-chatbot='${ JSON.stringify(
		{
			bot: '',
			title: '',
			placeholder: '',
			height: '480px',
			position: 'right',
			...options,
		}
	) }'><noscript>JS</noscript></div>`;
}

async function startLoader() {
	await jest.isolateModulesAsync( async () => {
		await import( '../loader' );
	} );
}

/**
 * Lets the fake network and the loader's own timers run for `ms` of fake time: deterministic
 * however busy the machine is (a real 50 ms wait was not always enough under load).
 *
 * @param ms Fake milliseconds to run.
 */
async function wait( ms = 50 ) {
	await jest.advanceTimersByTimeAsync( ms );
}

beforeEach( () => {
	jest.useFakeTimers();
	mount = jest.fn< ChatApp[ 'mount' ] >();
	order = [];
	failNext = null;
	( window as unknown as { __order: string[] } ).__order = order;
	window.difyChatbotConfig = { ...CONFIG };
	delete window.difyChatbotApp;
	fakeNetwork();
} );

afterEach( () => {
	jest.useRealTimers();
	observer.disconnect();
	document.body.innerHTML = '';
	delete ( window as { IntersectionObserver?: unknown } )
		.IntersectionObserver;
} );

describe( 'loader, inline chats', () => {
	it( 'without IntersectionObserver, runs the template scripts in order and mounts at once', async () => {
		page( root( { layout: 'inline', title: 'Hi' } ) );
		await startLoader();
		await wait();
		expect( order ).toEqual( [
			'https://example.test/wp-includes/js/dist/element.js',
			'inline',
			'https://example.test/wp-content/plugins/dify-chatbot/build/chat/app.js',
		] );
		expect( mount ).toHaveBeenCalledTimes( 1 );
		const [ element, options, config ] = mount.mock.calls[ 0 ] ?? [];
		expect( element ).toBe( document.getElementById( 'dify-chatbot-1' ) );
		expect( options ).toMatchObject( { layout: 'inline', title: 'Hi' } );
		expect( config ).toMatchObject( {
			restUrl: CONFIG.restUrl,
			responseMode: 'streaming',
		} );
	} );

	it( 'waits until the chat nears the viewport', async () => {
		let callback: IntersectionObserverCallback = () => undefined;
		let margin: string | undefined;
		const observed: Element[] = [];
		class FakeObserver {
			constructor(
				cb: IntersectionObserverCallback,
				init?: IntersectionObserverInit
			) {
				callback = cb;
				margin = init?.rootMargin;
			}
			observe( element: Element ) {
				observed.push( element );
			}
			unobserve() {}
			disconnect() {}
		}
		(
			window as unknown as { IntersectionObserver: unknown }
		 ).IntersectionObserver = FakeObserver;
		page( root( {} ) + root( {}, 'dify-chatbot-2' ) );
		await startLoader();
		await wait();
		expect( margin ).toBe( '200px' );
		expect( observed ).toHaveLength( 2 );
		expect( order ).toEqual( [] );

		callback(
			[
				{
					isIntersecting: true,
					target: observed[ 1 ],
				} as unknown as IntersectionObserverEntry,
			],
			{} as IntersectionObserver
		);
		await wait();
		expect( mount ).toHaveBeenCalledTimes( 1 );
		expect( mount.mock.calls[ 0 ]?.[ 0 ] ).toBe( observed[ 1 ] );

		// The app is there now: the other chat mounts without loading anything again.
		callback(
			[
				{
					isIntersecting: true,
					target: observed[ 0 ],
				} as unknown as IntersectionObserverEntry,
			],
			{} as IntersectionObserver
		);
		await wait();
		expect( mount ).toHaveBeenCalledTimes( 2 );
		expect( order ).toHaveLength( 3 );
	} );

	it( 'uses an app that is already on the page', async () => {
		window.difyChatbotApp = { mount };
		page( root( {} ) );
		await startLoader();
		await wait();
		expect( order ).toEqual( [] );
		expect( mount ).toHaveBeenCalledTimes( 1 );
	} );
} );

describe( 'loader, bubble chats', () => {
	async function bubble(
		options: Record< string, unknown > = {},
		label = 'Chat'
	) {
		page(
			'<main>' +
				root(
					{ layout: 'bubble', ...options },
					'dify-chatbot-1',
					label
				) +
				'</main>'
		);
		await startLoader();
		const launcher = document.querySelector< HTMLButtonElement >(
			'.dify-chatbot__launcher'
		);
		const panel = document.getElementById(
			'dify-chatbot-1'
		) as HTMLElement;
		return { launcher: launcher as HTMLButtonElement, panel };
	}

	it( 'adds a launcher and loads nothing until it is used', async () => {
		const { launcher, panel } = await bubble( {
			title: 'Ask us',
			position: 'left',
		} );
		expect( launcher.getAttribute( 'aria-expanded' ) ).toBe( 'false' );
		expect( launcher.getAttribute( 'aria-controls' ) ).toBe(
			'dify-chatbot-1'
		);
		expect( launcher.textContent ).toBe( 'Ask us' );
		expect( launcher.classList.contains( 'is-left' ) ).toBe( true );
		expect( panel.hidden ).toBe( true );
		// Moved next to its launcher, out of the theme's containers.
		expect( launcher.nextElementSibling ).toBe( panel );
		expect( panel.parentElement ).toBe( document.body );
		await wait();
		expect( order ).toEqual( [] );
	} );

	it( 'gives the launcher the chat’s accent, and nothing without one', async () => {
		page(
			root( { layout: 'bubble' } ).replace(
				'role="region"',
				'style="--dify-chatbot-accent:#0b5cad;--dify-chatbot-accent-text:#ffffff;" role="region"'
			)
		);
		await startLoader();
		const launcher = document.querySelector(
			'.dify-chatbot__launcher'
		) as HTMLElement;
		expect( launcher.classList.contains( 'has-accent' ) ).toBe( true );
		expect(
			launcher.style.getPropertyValue( '--dify-chatbot-accent' )
		).toBe( '#0b5cad' );
		expect(
			launcher.style.getPropertyValue( '--dify-chatbot-accent-text' )
		).toBe( '#ffffff' );

		const plain = await bubble();
		expect( plain.launcher.classList.contains( 'has-accent' ) ).toBe(
			false
		);
		expect( plain.launcher.getAttribute( 'style' ) ).toBeNull();
	} );

	it( 'names the launcher from the server’s words when there is no title', async () => {
		window.difyChatbotConfig = {
			...CONFIG,
			l10n: { openChat: 'Chat öffnen' },
		};
		expect( ( await bubble() ).launcher.textContent ).toBe( 'Chat öffnen' );
	} );

	it( 'falls back to the chat’s label', async () => {
		expect(
			( await bubble( {}, 'Unterhaltung' ) ).launcher.textContent
		).toBe( 'Unterhaltung' );
	} );

	it( 'opens on click, loads and mounts once, and closes with Escape or the close event', async () => {
		const { launcher, panel } = await bubble();
		const opened = jest.fn();
		panel.addEventListener( OPEN_EVENT, opened );

		launcher.click();
		expect( launcher.getAttribute( 'aria-expanded' ) ).toBe( 'true' );
		expect( panel.hidden ).toBe( false );
		expect( panel.classList.contains( 'is-open' ) ).toBe( true );
		expect( panel.classList.contains( 'is-loading' ) ).toBe( true );
		await wait();
		expect( mount ).toHaveBeenCalledTimes( 1 );
		expect( panel.classList.contains( 'is-loading' ) ).toBe( false );
		expect( opened ).toHaveBeenCalledTimes( 1 );

		const inside = document.createElement( 'textarea' );
		panel.appendChild( inside );
		inside.focus();
		inside.dispatchEvent(
			new KeyboardEvent( 'keydown', { key: 'Escape', bubbles: true } )
		);
		expect( panel.hidden ).toBe( true );
		expect( launcher.getAttribute( 'aria-expanded' ) ).toBe( 'false' );
		expect( launcher.ownerDocument.activeElement ).toBe( launcher );

		launcher.click();
		await wait();
		expect( mount ).toHaveBeenCalledTimes( 1 );
		expect( opened ).toHaveBeenCalledTimes( 2 );
		panel.dispatchEvent( new CustomEvent( CLOSE_EVENT ) );
		expect( panel.hidden ).toBe( true );
		expect( launcher.ownerDocument.activeElement ).toBe( launcher );
	} );

	it( 'shows the panel loading until the app has drawn the chat (its styles loaded)', async () => {
		let drawn: () => void = () => undefined;
		mount.mockImplementation(
			() => new Promise< void >( ( resolve ) => ( drawn = resolve ) )
		);
		const { launcher, panel } = await bubble();
		const opened = jest.fn();
		panel.addEventListener( OPEN_EVENT, opened );

		launcher.click();
		await wait();
		expect( mount ).toHaveBeenCalledTimes( 1 );
		expect( panel.classList.contains( 'is-loading' ) ).toBe( true );
		expect( panel.getAttribute( 'aria-busy' ) ).toBe( 'true' );
		expect( opened ).not.toHaveBeenCalled();

		drawn();
		await wait( 0 );
		expect( panel.classList.contains( 'is-loading' ) ).toBe( false );
		expect( panel.hasAttribute( 'aria-busy' ) ).toBe( false );
		expect( opened ).toHaveBeenCalledTimes( 1 );
	} );

	it( 'warms up on hover, and resumes a failed load where it stopped', async () => {
		const { launcher, panel } = await bubble();
		const error = jest
			.spyOn( console, 'error' )
			.mockImplementation( () => undefined );
		failNext =
			'https://example.test/wp-content/plugins/dify-chatbot/build/chat/app.js';
		launcher.dispatchEvent( new Event( 'pointerenter' ) );
		await wait();
		expect( order ).toEqual( [
			'https://example.test/wp-includes/js/dist/element.js',
			'inline',
		] );

		launcher.click();
		await wait();
		expect( order ).toHaveLength( 3 );
		expect(
			order.filter( ( src ) => src.endsWith( 'element.js' ) )
		).toHaveLength( 1 );
		expect( mount ).toHaveBeenCalledTimes( 1 );
		expect( panel.hidden ).toBe( false );
		error.mockRestore();
	} );
} );

describe( 'loader, scripts of another template (the media chunk)', () => {
	// These await the loads themselves (no fixed wait), so the fake network runs in real time.
	beforeEach( () => {
		jest.useRealTimers();
	} );

	it( 'runs them once, in order, for the app', async () => {
		page(
			root( {} ) +
				'<template id="dify-chatbot-media-scripts">' +
				'<script id="media-translations">window.__order.push( "media-l10n" );</script>' +
				'<script src="https://example.test/wp-content/plugins/dify-chatbot/build/chat/media.js" id="dify-chatbot-media-js"></script>' +
				'</template>'
		);
		await startLoader();
		const run = window.difyChatbotScripts;
		expect( run ).toBeDefined();
		await Promise.all( [
			run?.( 'dify-chatbot-media-scripts' ),
			run?.( 'dify-chatbot-media-scripts' ),
		] );
		await run?.( 'dify-chatbot-media-scripts' );
		// (The inline chat loads the app meanwhile: only the media scripts are looked at.)
		const media = () => order.filter( ( o ) => o.includes( 'media' ) );
		expect( media() ).toEqual( [
			'media-l10n',
			'https://example.test/wp-content/plugins/dify-chatbot/build/chat/media.js',
		] );
		// An unknown template runs nothing.
		await run?.( 'nope' );
		expect( media() ).toHaveLength( 2 );
	} );

	it( 'may be tried again after a failed load', async () => {
		page(
			root( {} ) +
				'<template id="dify-chatbot-media-scripts">' +
				'<script src="https://example.test/media.js" id="m-js"></script>' +
				'</template>'
		);
		await startLoader();
		failNext = 'https://example.test/media.js';
		await expect(
			window.difyChatbotScripts?.( 'dify-chatbot-media-scripts' )
		).rejects.toThrow( 'could not load' );
		await window.difyChatbotScripts?.( 'dify-chatbot-media-scripts' );
		expect( order.filter( ( o ) => o.includes( 'media' ) ) ).toEqual( [
			'https://example.test/media.js',
		] );
	} );
} );
