/**
 * The media routes name the chat's bot like every other request: a form field of an upload or
 * a recording, a JSON field of text to read aloud.
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { afterEach, describe, expect, it, jest } from '@jest/globals';

import { readConfig } from '../../options';
import { speak, transcribe, uploadFile } from '../http';

const config = readConfig( { restUrl: 'https://example.test/wp-json/x/' } );
const realFetch = globalThis.fetch;
const RealXhr = window.XMLHttpRequest;

afterEach( () => {
	globalThis.fetch = realFetch;
	window.XMLHttpRequest = RealXhr;
} );

/**
 * A fetch answering `body`, keeping what it was asked.
 *
 * @param body The JSON it answers.
 */
function fetchAnswering( body: unknown ) {
	const mock = jest.fn< ( url: string, init?: RequestInit ) => unknown >(
		async () => ( {
			ok: true,
			status: 200,
			json: async () => body,
			arrayBuffer: async () => new ArrayBuffer( 1 ),
		} )
	);
	globalThis.fetch = mock as unknown as typeof fetch;
	return mock;
}

/** An XMLHttpRequest answering 201, keeping the body it was sent. */
function xhrAnswering() {
	const sent: { url?: string; body?: FormData } = {};
	class FakeXhr {
		status = 201;
		responseText = '{"id":"f1","name":"a.txt","size":1,"type":"document"}';
		upload = {};
		onload: ( () => void ) | null = null;
		open( _method: string, url: string ) {
			sent.url = url;
		}
		setRequestHeader() {}
		send( body: FormData ) {
			sent.body = body;
			this.onload?.();
		}
	}
	window.XMLHttpRequest = FakeXhr as unknown as typeof XMLHttpRequest;
	return sent;
}

describe( 'media routes and the bot', () => {
	it.each( [
		[ 'sales', 'sales' ],
		[ '', null ],
	] )( 'uploads a file for bot %p', async ( bot, field ) => {
		const sent = xhrAnswering();
		const file = new File( [ 'x' ], 'a.txt', { type: 'text/plain' } );
		await expect(
			uploadFile( config, bot, file, () => undefined )
		).resolves.toMatchObject( { id: 'f1' } );
		expect( sent.url ).toBe( 'https://example.test/wp-json/x/files' );
		expect( sent.body?.get( 'bot' ) ).toBe( field );
		expect( sent.body?.get( 'file' ) ).toBeInstanceOf( File );
	} );

	it.each( [
		[ 'sales', 'sales' ],
		[ '', null ],
	] )( 'transcribes a recording for bot %p', async ( bot, field ) => {
		const fetchMock = fetchAnswering( { text: ' Hello ' } );
		await expect(
			transcribe( config, bot, new Blob( [ 'RIFF' ] ) )
		).resolves.toBe( 'Hello' );
		const [ url, init ] = fetchMock.mock.calls[ 0 ] ?? [];
		expect( url ).toBe( 'https://example.test/wp-json/x/audio-to-text' );
		expect( ( init?.body as FormData ).get( 'bot' ) ).toBe( field );
	} );

	it.each( [
		[ 'sales', { text: 'Hi', bot: 'sales' } ],
		[ '', { text: 'Hi' } ],
	] )( 'reads a text aloud for bot %p', async ( bot, body ) => {
		const fetchMock = fetchAnswering( {} );
		await speak( config, bot, 'Hi' );
		const [ url, init ] = fetchMock.mock.calls[ 0 ] ?? [];
		expect( url ).toBe( 'https://example.test/wp-json/x/text-to-audio' );
		expect( JSON.parse( String( init?.body ) ) ).toEqual( body );
	} );
} );
