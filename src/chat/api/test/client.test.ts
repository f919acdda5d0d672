/*
 * @jest-environment node
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { describe, expect, it } from '@jest/globals';

import { DELETE_ALL_ROUNDS, createClient, withQuery } from '../client';
import {
	REST,
	NONCE_URL,
	config,
	json,
	mockFetch,
	headersOf,
	failure,
} from './utils/fetch';

describe( 'withQuery', () => {
	it( 'adds a query string to pretty and plain REST roots alike', () => {
		expect(
			withQuery( '/wp-json/dify-chatbot/v1/', 'parameters', {
				post_id: '3',
			} )
		).toBe( 'parameters?post_id=3' );
		expect(
			withQuery( '/?rest_route=/dify-chatbot/v1/', 'parameters', {
				post_id: '3',
				x: 'a&b',
			} )
		).toBe( 'parameters&post_id=3&x=a%26b' );
	} );
} );

describe( 'chat client: parameters, stop, feedback and suggestions', () => {
	it( 'reads the parameters the chat uses, with defaults for the rest', async () => {
		const fetchMock = mockFetch( [
			json( 200, {
				opening_statement: '  Hi there!  ',
				suggested_questions: [ 'One?', 3, '', 'Two?' ],
				suggested_questions_after_answer: { enabled: true },
				user_input_form: [
					{
						select: {
							variable: 'tone',
							label: 'Tone',
							required: true,
							options: [ 'a' ],
						},
					},
				],
			} ),
			json( 200, { opening_statement: null } ),
		] );
		const client = createClient(
			config( { nonce: 'abc123def0' } ),
			fetchMock
		);
		const none = {
			fileUpload: null,
			limits: {},
			speechToText: false,
			textToSpeech: false,
			autoPlay: false,
		};
		expect( await client.parameters() ).toEqual( {
			openingStatement: 'Hi there!',
			suggestedQuestions: [ 'One?', 'Two?' ],
			suggestedAfterAnswer: true,
			form: [
				{
					type: 'select',
					variable: 'tone',
					label: 'Tone',
					required: true,
					maxLength: 0,
					options: [ 'a' ],
					default: undefined,
					fileTypes: [],
					fileExtensions: [],
					fileMethods: [],
				},
			],
			...none,
		} );
		expect( await client.parameters( 7 ) ).toEqual( {
			openingStatement: '',
			suggestedQuestions: [],
			suggestedAfterAnswer: false,
			form: [],
			...none,
		} );
		const [ url, init ] = fetchMock.mock.calls[ 0 ] ?? [];
		expect( url ).toBe( REST + 'parameters' );
		expect( fetchMock.mock.calls[ 1 ]?.[ 0 ] ).toBe(
			REST + 'parameters?post_id=7'
		);
		expect( init?.method ).toBe( 'GET' );
		expect( init?.body ).toBeUndefined();
		expect( headersOf( fetchMock.mock.calls[ 0 ] ) ).toEqual( {
			Accept: 'application/json',
			'X-WP-Nonce': 'abc123def0',
		} );
	} );

	it( 'reads which media features the app has on', async () => {
		const upload = {
			enabled: true,
			allowed_file_types: [ 'image' ],
			allowed_file_upload_methods: [ 'local_file' ],
			number_limits: 2,
		};
		const client = createClient(
			config(),
			mockFetch( [
				json( 200, {
					file_upload: upload,
					system_parameters: { image_file_size_limit: 5 },
					speech_to_text: { enabled: true },
					text_to_speech: { enabled: true, autoPlay: 'enabled' },
				} ),
				json( 200, {
					file_upload: { enabled: false },
					text_to_speech: { enabled: false, autoPlay: 'enabled' },
				} ),
			] )
		);
		expect( await client.parameters() ).toMatchObject( {
			fileUpload: upload,
			limits: { image_file_size_limit: 5 },
			speechToText: true,
			textToSpeech: true,
			autoPlay: true,
		} );
		expect( await client.parameters() ).toMatchObject( {
			fileUpload: null,
			speechToText: false,
			textToSpeech: false,
			autoPlay: false,
		} );
	} );

	it( 'turns a failed parameters request into a ChatError', async () => {
		const fetchMock = mockFetch( [
			json( 503, {
				code: 'dify_chatbot_not_configured',
				message: 'The chat is not available right now.',
				data: { status: 503 },
			} ),
		] );
		const error = await failure(
			createClient( config(), fetchMock ).parameters()
		);
		expect( error.code ).toBe( 'dify_chatbot_not_configured' );
		expect( error.status ).toBe( 503 );
	} );

	it( 'stops a task by its id', async () => {
		const fetchMock = mockFetch( [ json( 200, { result: 'success' } ) ] );
		await createClient( config(), fetchMock ).stop( 't 1/x' );
		const [ url, init ] = fetchMock.mock.calls[ 0 ] ?? [];
		expect( url ).toBe( REST + 'chat/t%201%2Fx/stop' );
		expect( init?.method ).toBe( 'POST' );
		expect( JSON.parse( String( init?.body ) ) ).toEqual( {} );
	} );

	it( 'sends a rating, and null to take it back', async () => {
		const fetchMock = mockFetch( [
			json( 200, { result: 'success' } ),
			json( 200, { result: 'success' } ),
		] );
		const client = createClient( config(), fetchMock );
		await client.feedback( 'm1', 'like' );
		await client.feedback( 'm1', null );
		expect( fetchMock.mock.calls[ 0 ]?.[ 0 ] ).toBe(
			REST + 'messages/m1/feedback'
		);
		expect(
			fetchMock.mock.calls.map( ( [ , init ] ) =>
				JSON.parse( String( init?.body ) )
			)
		).toEqual( [ { rating: 'like' }, { rating: null } ] );
	} );

	it( 'reads follow-up questions', async () => {
		const fetchMock = mockFetch( [
			json( 200, { result: 'success', data: [ 'A?', null, 'B?' ] } ),
		] );
		expect(
			await createClient( config(), fetchMock ).suggested( 'm1' )
		).toEqual( [ 'A?', 'B?' ] );
		expect( fetchMock.mock.calls[ 0 ]?.[ 0 ] ).toBe(
			REST + 'messages/m1/suggested'
		);
	} );

	it( 'refreshes a stale nonce once for these calls too', async () => {
		const settings = config( {
			nonce: 'stale00000',
			nonceEndpoint: NONCE_URL,
		} );
		const fetchMock = mockFetch( [
			json( 403, {
				code: 'rest_cookie_invalid_nonce',
				message: 'Cookie check failed',
				data: { status: 403 },
			} ),
			json( 200, { result: 'success' } ),
		] );
		await createClient( settings, fetchMock ).stop( 't1' );
		expect( settings.nonce ).toBe( 'fresh12345' );
		const stops = fetchMock.mock.calls.filter(
			( [ url ] ) => String( url ) === REST + 'chat/t1/stop'
		);
		expect(
			stops.map( ( call ) => headersOf( call )[ 'X-WP-Nonce' ] )
		).toEqual( [ 'stale00000', 'fresh12345' ] );
	} );
} );

describe( 'chat client: history', () => {
	it( 'reads the turns of a conversation, oldest first, with safe files only', async () => {
		const fetchMock = mockFetch( [
			json( 200, {
				limit: 20,
				has_more: false,
				data: [
					{
						id: 'm1',
						query: 'Q1',
						answer: 'A1',
						retriever_resources: [
							{ position: 1, document_name: 'D', content: 'S' },
						],
						message_files: [
							{
								id: 'f1',
								type: 'image',
								url: 'https://x/a.png',
								belongs_to: 'assistant',
							},
							{
								id: 'f2',
								type: 'image',
								url: 'javascript:alert(1)',
								belongs_to: 'assistant',
							},
						],
					},
					{ id: 'm2', query: 'Q2', answer: 'A2' },
					{ query: 'no id' },
				],
			} ),
		] );
		const turns = await createClient( config(), fetchMock ).history(
			'c/1'
		);
		expect( fetchMock.mock.calls[ 0 ]?.[ 0 ] ).toBe(
			REST + 'conversations/c%2F1/messages'
		);
		expect( turns ).toEqual( [
			{
				messageId: 'm1',
				query: 'Q1',
				answer: 'A1',
				citations: [
					{
						position: 1,
						documentName: 'D',
						content: 'S',
						score: null,
					},
				],
				files: [ { id: 'f1', url: 'https://x/a.png', type: 'image' } ],
			},
			{
				messageId: 'm2',
				query: 'Q2',
				answer: 'A2',
				citations: [],
				files: [],
			},
		] );
	} );
} );

describe( 'chat client: conversations', () => {
	it( 'lists, renames and deletes with the right methods', async () => {
		const fetchMock = mockFetch( [
			json( 200, {
				has_more: false,
				data: [ { id: 'c1', name: 'Trip' }, { name: 'no id' } ],
			} ),
			json( 200, { id: 'c1', name: 'New' } ),
			json( 200, { result: 'success' } ),
		] );
		const client = createClient( config(), fetchMock );
		expect( await client.conversations() ).toEqual( [
			{ id: 'c1', name: 'Trip' },
		] );
		await client.rename( 'c1', 'New' );
		await client.remove( 'c1' );
		const calls = fetchMock.mock.calls;
		expect( calls.map( ( c ) => [ c[ 0 ], c[ 1 ]?.method ] ) ).toEqual( [
			[ REST + 'conversations', 'GET' ],
			[ REST + 'conversations/c1/name', 'POST' ],
			[ REST + 'conversations/c1', 'DELETE' ],
		] );
		expect( JSON.parse( String( calls[ 1 ]?.[ 1 ]?.body ) ) ).toEqual( {
			name: 'New',
		} );
	} );
} );

describe( 'chat client: deleting all conversations', () => {
	it( 'asks again while the server says more remain, and adds up', async () => {
		const fetchMock = mockFetch( [
			json( 200, { deleted: 20, more: true } ),
			json( 200, { deleted: 3, more: false } ),
		] );
		const client = createClient( config(), fetchMock );
		expect( await client.removeAll() ).toEqual( {
			deleted: 23,
			more: false,
		} );
		expect(
			fetchMock.mock.calls.map( ( c ) => [ c[ 0 ], c[ 1 ]?.method ] )
		).toEqual( [
			[ REST + 'conversations', 'DELETE' ],
			[ REST + 'conversations', 'DELETE' ],
		] );
	} );

	it( 'stops when a request deleted nothing, and when the rounds run out', async () => {
		const stuck = mockFetch( [ json( 200, { deleted: 0, more: true } ) ] );
		expect( await createClient( config(), stuck ).removeAll() ).toEqual( {
			deleted: 0,
			more: true,
		} );
		expect( stuck ).toHaveBeenCalledTimes( 1 );

		const endless = mockFetch(
			Array.from( { length: DELETE_ALL_ROUNDS + 1 }, () =>
				json( 200, { deleted: 1, more: true } )
			)
		);
		expect( await createClient( config(), endless ).removeAll() ).toEqual( {
			deleted: DELETE_ALL_ROUNDS,
			more: true,
		} );
		expect( endless ).toHaveBeenCalledTimes( DELETE_ALL_ROUNDS );
	} );

	it( "throws the server's refusal", async () => {
		const fetchMock = mockFetch( [
			json( 403, {
				code: 'dify_chatbot_cross_site',
				message: 'Refused.',
				data: { status: 403 },
			} ),
		] );
		await expect(
			createClient( config(), fetchMock ).removeAll()
		).rejects.toMatchObject( { code: 'dify_chatbot_cross_site' } );
	} );
} );
