/** Index, auth order (§2), error bodies (§3), routing, metadata endpoints (§12). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningEmulator } from '../server';
import { KEY, UNKNOWN_UUID, call, chatBody, obj, start } from './helpers';

let emu: RunningEmulator;
before( async () => {
	emu = await start();
} );
after( () => emu.close() );

describe( 'GET /v1/', () => {
	it( 'answers without auth, ujson body with trailing newline and Dify headers', async () => {
		const r = await call( emu, 'GET', '/v1/', { key: null } );
		assert.equal( r.status, 200 );
		assert.equal(
			r.text,
			'{"welcome":"Dify OpenAPI","api_version":"v1","server_version":"1.16.0"}\n'
		);
		assert.equal( r.headers[ 'content-type' ], 'application/json' );
		assert.equal( r.headers[ 'x-version' ], '1.16.0' );
		assert.equal( r.headers[ 'x-env' ], 'PRODUCTION' );
	} );

	it( 'redirects /v1 to /v1/ like werkzeug', async () => {
		const r = await call( emu, 'GET', '/v1', { key: null } );
		assert.equal( r.status, 308 );
		assert.equal( r.headers.location, '/v1/' );
	} );
} );

describe( 'authentication order (§2)', () => {
	const missing =
		"Authorization header must be provided and start with 'Bearer'";
	const cases: Array< [ string, string | undefined, string ] > = [
		[ 'no header', undefined, missing ],
		[ 'header without a space', 'Bearerapp-emulator', missing ],
		[ 'tab instead of a space', 'Bearer\tapp-emulator', missing ],
		[
			'scheme not bearer',
			'Basic app-emulator',
			"Authorization scheme must be 'Bearer'",
		],
		[ 'unknown key', 'Bearer app-nope', 'Access token is invalid' ],
		[ 'dataset key', 'Bearer dataset-emulator', 'Access token is invalid' ],
		[
			'key without app- prefix',
			'Bearer emulator',
			'Access token is invalid',
		],
	];
	for ( const [ name, header, message ] of cases ) {
		it( `401 for ${ name }`, async () => {
			const r = await call(
				emu,
				'GET',
				'info',
				header === undefined ? { key: null } : { authorization: header }
			);
			assert.equal( r.status, 401 );
			assert.equal(
				r.text,
				JSON.stringify( {
					code: 'unauthorized',
					message,
					status: 401,
				} ) + '\n'
			);
			assert.equal(
				r.headers[ 'www-authenticate' ],
				'Bearer realm="api"'
			);
		} );
	}

	it( 'accepts the scheme case-insensitively', async () => {
		const r = await call( emu, 'GET', 'info', {
			authorization: 'BEARER app-emulator',
		} );
		assert.equal( r.status, 200 );
		assert.equal( obj( r ).mode, 'chat' );
	} );

	it( '403 for an app whose API service is disabled', async () => {
		const r = await call( emu, 'GET', 'parameters', { key: KEY.disabled } );
		assert.equal( r.status, 403 );
		assert.deepEqual( obj( r ), {
			code: 'forbidden',
			message: "The app's API service has been disabled.",
			status: 403,
		} );
		assert.equal( r.headers[ 'www-authenticate' ], undefined );
	} );

	it( 'auth errors beat body and mode errors', async () => {
		const r = await call( emu, 'POST', 'completion-messages', {
			key: 'app-unknown',
			body: 'not json',
			contentType: 'text/plain',
		} );
		assert.equal( r.status, 401 );
		const d = await call( emu, 'POST', 'chat-messages', {
			key: KEY.disabled,
			body: '[1]',
			contentType: 'application/json',
		} );
		assert.equal( d.status, 403 );
	} );

	it( 'a missing user beats the mode check and payload validation', async () => {
		const r = await call( emu, 'POST', 'completion-messages', {
			key: KEY.chat,
			json: { query: 'x' },
		} );
		assert.equal( r.status, 400 );
		assert.deepEqual( obj( r ), {
			code: 'invalid_param',
			message: 'Arg user must be provided.',
			status: 400,
		} );
	} );

	it( 'the mode check comes after user resolution', async () => {
		const r = await call( emu, 'POST', 'completion-messages', {
			key: KEY.chat,
			json: { user: 'alice' },
		} );
		assert.equal( r.status, 400 );
		assert.equal( obj( r ).code, 'app_unavailable' );
	} );
} );

describe( 'JSON body errors (§1, §3.2)', () => {
	it( '415 unsupported_media_type without a JSON content type', async () => {
		const r = await call( emu, 'POST', 'chat-messages', {
			body: 'user=alice',
			contentType: 'application/x-www-form-urlencoded',
		} );
		assert.equal( r.status, 415 );
		assert.equal(
			r.text,
			'{"code":"unsupported_media_type","message":"Did not attempt to load JSON data because the request Content-Type was not \'application\\/json\'.","status":415}\n'
		);
	} );

	it( '415 also when the content type is missing entirely (DELETE conversation)', async () => {
		const r = await call(
			emu,
			'DELETE',
			`conversations/${ UNKNOWN_UUID }`,
			{}
		);
		assert.equal( r.status, 415 );
	} );

	it( '400 bad_request for an empty or malformed JSON body', async () => {
		for ( const body of [ '', '{"user": ' ] ) {
			const r = await call( emu, 'POST', 'chat-messages', {
				body,
				contentType: 'application/json',
			} );
			assert.equal( r.status, 400 );
			assert.deepEqual( obj( r ), {
				code: 'bad_request',
				message:
					'The browser (or proxy) sent a request that this server could not understand.',
				status: 400,
			} );
		}
	} );

	it( '500 unknown (message first) for JSON that is not an object', async () => {
		for ( const body of [ '[]', 'null', '"alice"', '3' ] ) {
			const r = await call( emu, 'POST', 'chat-messages/abc/stop', {
				body,
				contentType: 'application/json',
			} );
			assert.equal( r.status, 500 );
			assert.equal(
				r.text,
				'{"message":"Internal Server Error","code":"unknown","status":500}\n'
			);
			assert.deepEqual( Object.keys( obj( r ) ), [
				'message',
				'code',
				'status',
			] );
		}
	} );

	it( 'accepts application/json with a charset and +json types', async () => {
		const r = await call( emu, 'POST', 'chat-messages/abc/stop', {
			json: { user: 'alice' },
			contentType: 'application/json; charset=utf-8',
		} );
		assert.equal( r.status, 200 );
		const v = await call( emu, 'POST', 'chat-messages/abc/stop', {
			json: { user: 'alice' },
			contentType: 'application/vnd.api+json',
		} );
		assert.equal( v.status, 200 );
	} );
} );

describe( 'user resolution (§1.0, §4)', () => {
	const required: Array<
		[ string, string, Record< string, unknown > | undefined ]
	> = [
		[ 'POST', 'chat-messages', { inputs: {}, query: 'hi' } ],
		[ 'POST', 'chat-messages/t1/stop', {} ],
		[ 'POST', `messages/${ UNKNOWN_UUID }/feedbacks`, { rating: 'like' } ],
		[ 'GET', `messages/${ UNKNOWN_UUID }/suggested`, undefined ],
	];
	for ( const [ method, path, json ] of required ) {
		it( `${ method } /${ path.split( '/' )[ 0 ] } requires user`, async () => {
			const r = await call(
				emu,
				method,
				path,
				json === undefined ? {} : { json }
			);
			assert.equal( r.status, 400 );
			assert.deepEqual( obj( r ), {
				code: 'invalid_param',
				message: 'Arg user must be provided.',
				status: 400,
			} );
		} );
	}

	it( 'treats an empty string and 0 as missing, and accepts numbers', async () => {
		for ( const user of [ '', 0, null ] ) {
			const r = await call( emu, 'POST', 'chat-messages/t/stop', {
				json: { user },
			} );
			assert.equal( obj( r ).message, 'Arg user must be provided.' );
		}
		const ok = await call( emu, 'POST', 'chat-messages/t/stop', {
			json: { user: 42 },
		} );
		assert.equal( ok.status, 200 );
		const rec = emu.requests( { path: '/chat-messages/t/stop' } ).at( -1 );
		assert.equal( rec?.user, '42' );
	} );

	it( 'defaults to DEFAULT-USER where user is optional', async () => {
		const r = await call( emu, 'GET', 'conversations' );
		assert.equal( r.status, 200 );
		assert.deepEqual( obj( r ), { limit: 20, has_more: false, data: [] } );
		assert.equal(
			emu.requests( { path: '/v1/conversations' } ).at( -1 )?.user,
			'DEFAULT-USER'
		);
	} );

	it( 'a user longer than 255 characters is a database error (500 unknown)', async () => {
		const r = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( 'hi', { user: 'u'.repeat( 256 ) } ),
		} );
		assert.equal( r.status, 500 );
		assert.equal( obj( r ).code, 'unknown' );
	} );
} );

describe( 'routing', () => {
	it( 'unknown routes get Flask’s HTML 404 page', async () => {
		for ( const path of [
			'/v1/nope',
			'/v1/info/',
			'/',
			'/v1/conversations/not-a-uuid',
			`/v1/messages/xyz/feedbacks`,
		] ) {
			const r = await call(
				emu,
				path.includes( 'conversations' ) ? 'DELETE' : 'GET',
				path
			);
			assert.equal( r.status, 404, path );
			assert.equal(
				r.headers[ 'content-type' ],
				'text/html; charset=utf-8'
			);
			assert.match(
				r.text,
				/^<!doctype html>\n<html lang=en>\n<title>404 Not Found<\/title>/
			);
		}
	} );

	it( '405 method_not_allowed JSON with Allow for a known path', async () => {
		const r = await call( emu, 'GET', 'chat-messages' );
		assert.equal( r.status, 405 );
		assert.deepEqual( obj( r ), {
			code: 'method_not_allowed',
			message: 'The method is not allowed for the requested URL.',
			status: 405,
		} );
		assert.equal( r.headers.allow, 'OPTIONS, POST' );
	} );

	it( 'routing errors come before auth', async () => {
		const r = await call( emu, 'PUT', 'parameters', { key: null } );
		assert.equal( r.status, 405 );
		const n = await call( emu, 'GET', '/v1/whatever', { key: null } );
		assert.equal( n.status, 404 );
	} );

	it( 'answers CORS preflights and echoes the origin', async () => {
		const r = await call( emu, 'OPTIONS', 'chat-messages', {
			key: null,
			headers: {
				Origin: 'https://site.example',
				'Access-Control-Request-Headers':
					'content-type, authorization, x-evil',
			},
		} );
		assert.equal( r.status, 200 );
		assert.equal(
			r.headers[ 'access-control-allow-origin' ],
			'https://site.example'
		);
		assert.equal(
			r.headers[ 'access-control-allow-headers' ],
			'content-type, authorization'
		);
	} );
} );

describe( 'metadata endpoints (§12)', () => {
	it( '/info reports each app’s mode', async () => {
		const modes: Record< string, string > = {
			[ KEY.chat ]: 'chat',
			[ KEY.agent ]: 'agent-chat',
			[ KEY.chatflow ]: 'advanced-chat',
			[ KEY.completion ]: 'completion',
			[ KEY.workflow ]: 'workflow',
			[ KEY.plain ]: 'chat',
		};
		for ( const [ key, mode ] of Object.entries( modes ) ) {
			const r = await call( emu, 'GET', 'info', { key } );
			assert.deepEqual( Object.keys( obj( r ) ), [
				'name',
				'description',
				'tags',
				'mode',
				'author_name',
			] );
			assert.equal( obj( r ).mode, mode );
		}
	} );

	it( '/parameters has the full §12.1 shape, in order', async () => {
		const r = await call( emu, 'GET', 'parameters', { key: KEY.chat } );
		const p = obj( r );
		assert.deepEqual( Object.keys( p ), [
			'opening_statement',
			'suggested_questions',
			'suggested_questions_after_answer',
			'speech_to_text',
			'text_to_speech',
			'retriever_resource',
			'annotation_reply',
			'more_like_this',
			'user_input_form',
			'sensitive_word_avoidance',
			'file_upload',
			'system_parameters',
		] );
		assert.equal( typeof p.opening_statement, 'string' );
		assert.equal( p.suggested_questions.length, 3 );
		assert.deepEqual( p.suggested_questions_after_answer, {
			enabled: true,
		} );
		assert.deepEqual( p.text_to_speech, {
			enabled: true,
			voice: 'alloy',
			language: 'en-US',
			autoPlay: 'disabled',
		} );
		assert.deepEqual( p.retriever_resource, { enabled: true } );
		const controls = p.user_input_form.map(
			( c: Record< string, unknown > ) => Object.keys( c )[ 0 ]
		);
		assert.deepEqual( controls, [
			'text-input',
			'paragraph',
			'select',
			'number',
			'checkbox',
			'file',
		] );
		for ( const c of p.user_input_form ) {
			assert.equal(
				( Object.values( c )[ 0 ] as Record< string, unknown > )
					.required,
				false
			);
		}
		assert.equal( p.sensitive_word_avoidance.enabled, true );
		assert.ok( p.sensitive_word_avoidance.configs.length > 0 );
		assert.equal( p.file_upload.enabled, true );
		assert.deepEqual( p.file_upload.allowed_file_types, [
			'image',
			'document',
		] );
		assert.equal( p.file_upload.number_limits, 3 );
		assert.deepEqual( p.system_parameters, {
			image_file_size_limit: 10,
			video_file_size_limit: 100,
			audio_file_size_limit: 50,
			file_size_limit: 15,
			workflow_file_upload_limit: 10,
		} );
	} );

	it( '/parameters of the plain app has every optional feature off', async () => {
		const p = obj(
			await call( emu, 'GET', 'parameters?user=ignored', {
				key: KEY.plain,
			} )
		);
		assert.equal( p.opening_statement, null );
		assert.deepEqual( p.suggested_questions, [] );
		assert.deepEqual( p.suggested_questions_after_answer, {
			enabled: false,
		} );
		assert.deepEqual( p.speech_to_text, { enabled: false } );
		assert.deepEqual( p.text_to_speech, { enabled: false } );
		assert.deepEqual( p.retriever_resource, { enabled: false } );
		assert.deepEqual( p.user_input_form, [] );
		assert.deepEqual( p.sensitive_word_avoidance, {
			enabled: false,
			type: '',
			configs: [],
		} );
		assert.equal( p.file_upload.image.enabled, false );
		assert.equal( p.file_upload.enabled, undefined );
	} );

	it( '/parameters of a workflow app returns start-node variables verbatim', async () => {
		const p = obj(
			await call( emu, 'GET', 'parameters', { key: KEY.workflow } )
		);
		const inner = p.user_input_form[ 0 ].paragraph;
		assert.equal( inner.variable, 'query' );
		assert.equal( inner.type, 'paragraph' );
		assert.ok( 'placeholder' in inner );
	} );

	it( '/site escapes slashes the ujson way; /meta lists agent tool icons', async () => {
		const r = await call( emu, 'GET', 'site', { key: KEY.chat } );
		assert.ok(
			r.text.includes(
				'"privacy_policy":"https:\\/\\/example.com\\/privacy"'
			)
		);
		assert.ok( r.text.endsWith( '}\n' ) );
		assert.deepEqual( Object.keys( obj( r ) ), [
			'title',
			'chat_color_theme',
			'chat_color_theme_inverted',
			'icon_type',
			'icon',
			'icon_background',
			'icon_url',
			'description',
			'copyright',
			'privacy_policy',
			'input_placeholder',
			'custom_disclaimer',
			'default_language',
			'show_workflow_steps',
			'use_icon_as_answer_icon',
		] );
		// non-ASCII is \u-escaped in ordinary bodies
		assert.ok( /\\ud83e\\udd16/.test( r.text ) );
		const m = obj( await call( emu, 'GET', 'meta', { key: KEY.agent } ) );
		assert.deepEqual( m.tool_icons.web_search, {
			background: '#E4FBCC',
			content: '🔎',
		} );
		assert.deepEqual(
			obj( await call( emu, 'GET', 'meta', { key: KEY.chat } ) ),
			{ tool_icons: {} }
		);
	} );
} );
