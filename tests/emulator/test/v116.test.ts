/** Endpoints and error codes new in Dify 1.13–1.16: /end-users, /site, history keys, new fault codes. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningEmulator } from '../server';
import {
	KEY,
	UNKNOWN_UUID,
	UUID_RE,
	call,
	chatBody,
	multipart,
	obj,
	openStream,
	setVariants,
	start,
	streamBody,
	streamEvents,
} from './helpers';

let emu: RunningEmulator;
before( async () => {
	emu = await start();
} );
after( () => emu.close() );

describe( 'GET /end-users/{end_user_id}', () => {
	it( 'resolves an upload’s created_by to the user string; 404 end_user_not_found otherwise', async () => {
		const mp = multipart( [
			{
				name: 'file',
				filename: 'a.txt',
				contentType: 'text/plain',
				data: 'a',
			},
			{ name: 'user', data: 'abc-123' },
		] );
		const up = obj(
			await call( emu, 'POST', 'files/upload', {
				body: mp.body,
				contentType: mp.contentType,
			} )
		);
		const r = await call( emu, 'GET', `end-users/${ up.created_by }` );
		assert.equal( r.status, 200 );
		const u = obj( r );
		assert.deepEqual( Object.keys( u ), [
			'id',
			'tenant_id',
			'app_id',
			'type',
			'external_user_id',
			'name',
			'is_anonymous',
			'session_id',
			'created_at',
			'updated_at',
		] );
		assert.equal( u.id, up.created_by );
		assert.equal( u.type, 'service-api' );
		assert.equal( u.external_user_id, 'abc-123' );
		assert.equal( u.session_id, 'abc-123' );
		assert.equal( u.is_anonymous, false );
		assert.match( u.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/ );
		const notFound = {
			code: 'end_user_not_found',
			message: 'End user not found.',
			status: 404,
		};
		for ( const [ id, key ] of [
			[ UNKNOWN_UUID, KEY.chat ],
			[ 'not-a-uuid', KEY.chat ],
			[ up.created_by, KEY.plain ],
		] ) {
			const nf = await call( emu, 'GET', `end-users/${ id }`, { key } );
			assert.equal( nf.status, 404 );
			assert.deepEqual( obj( nf ), notFound );
		}
	} );
} );

describe( 'GET /site', () => {
	it( 'per-app branding: theme, placeholder, disclaimer, image or emoji icon, workflow steps', async () => {
		const chat = obj( await call( emu, 'GET', 'site', { key: KEY.chat } ) );
		assert.equal( chat.title, 'Emulator Chat' );
		assert.equal( chat.chat_color_theme, '#1C64F2' );
		assert.equal( chat.input_placeholder, 'Ask the emulator anything…' );
		assert.ok( chat.input_placeholder.length <= 64 );
		assert.ok( chat.custom_disclaimer.includes( '<b>' ) );
		assert.equal( chat.icon_type, 'emoji' );
		assert.equal( chat.icon_url, null );
		assert.equal( chat.show_workflow_steps, false );
		const flow = obj(
			await call( emu, 'GET', 'site', { key: KEY.chatflow } )
		);
		assert.equal( flow.icon_type, 'image' );
		assert.match( flow.icon, UUID_RE );
		assert.equal( flow.icon_background, null );
		assert.equal( flow.show_workflow_steps, true );
		const icon = await fetch( flow.icon_url );
		assert.equal( icon.status, 200 );
		assert.equal( icon.headers.get( 'content-type' ), 'image/png' );
		const wf = obj(
			await call( emu, 'GET', 'site', { key: KEY.workflow } )
		);
		assert.equal( wf.show_workflow_steps, true );
		assert.equal( wf.input_placeholder, null );
		const agent = obj(
			await call( emu, 'GET', 'site', { key: KEY.agent } )
		);
		assert.equal( agent.chat_color_theme_inverted, true );
		assert.equal( agent.use_icon_as_answer_icon, true );
		const plain = obj(
			await call( emu, 'GET', 'site', { key: KEY.plain } )
		);
		for ( const k of [
			'chat_color_theme',
			'copyright',
			'privacy_policy',
			'input_placeholder',
			'custom_disclaimer',
		] ) {
			assert.equal( plain[ k ], null, k );
		}
		const newAgent = obj(
			await call( emu, 'GET', 'site', { key: KEY.newAgent } )
		);
		assert.equal( newAgent.input_placeholder, 'Give the agent a task…' );
	} );
} );

describe( 'GET /messages in 1.16', () => {
	it( 'parent_message_id null and newest-first pages are variants', async () => {
		const first = obj(
			await call( emu, 'POST', 'chat-messages', {
				json: chatBody( 'one', { user: 'pager' } ),
			} )
		);
		await call( emu, 'POST', 'chat-messages', {
			json: chatBody( 'two', {
				user: 'pager',
				conversation_id: first.conversation_id,
			} ),
		} );
		const list = async (): Promise< Array< Record< string, any > > > =>
			obj(
				await call(
					emu,
					'GET',
					`messages?user=pager&conversation_id=${ first.conversation_id }`
				)
			).data;
		const old = await list();
		assert.deepEqual(
			old.map( ( m ) => m.query ),
			[ 'one', 'two' ]
		);
		try {
			await setVariants( emu, {
				parent_message_id: 'null',
				message_order: 'newest_first',
			} );
			const now = await list();
			assert.deepEqual(
				now.map( ( m ) => m.query ),
				[ 'two', 'one' ]
			);
			assert.ok( now.every( ( m ) => m.parent_message_id === null ) );
		} finally {
			await setVariants( emu, null );
		}
	} );
} );

describe( 'new error codes', () => {
	it( '#fault:<status>:<code> reaches every documented 1.16 code', async () => {
		const cases: Array< [ string, number, string, string ] > = [
			[
				'#fault:429:too_many_requests',
				429,
				'too_many_requests',
				'Too many requests. Please try again later.',
			],
			[
				'#fault:403:workflow_version_execution_not_allowed',
				403,
				'workflow_version_execution_not_allowed',
				'Workflow version execution is not available on your current plan. Please upgrade to a paid plan.',
			],
			[
				'#fault:400:speech_to_text_disabled',
				400,
				'speech_to_text_disabled',
				'Speech to text is disabled.',
			],
			[
				'#fault:404:end_user_not_found',
				404,
				'end_user_not_found',
				'End user not found.',
			],
			[
				'#fault:412:human_input_form_expired',
				412,
				'human_input_form_expired',
				'This form has expired, form_id=e0000000-0000-4000-8000-0000000f0000',
			],
		];
		for ( const [ directive, status, code, message ] of cases ) {
			const r = await call( emu, 'POST', 'chat-messages', {
				json: chatBody( `x ${ directive }` ),
			} );
			assert.equal( r.status, status, directive );
			assert.deepEqual( obj( r ), { code, message, status } );
			assert.equal( r.headers[ 'retry-after' ], undefined );
		}
		const withWait = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( 'x #fault:429:too_many_requests:30' ),
		} );
		assert.equal( withWait.headers[ 'retry-after' ], '30' );
		const legacy = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( 'x #fault:429' ),
		} );
		assert.equal( obj( legacy ).code, 'rate_limit_error' );
	} );

	it( 'the concurrency cap: 429 too_many_requests, or the 1.12.1 400', async () => {
		const busy = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( 'x #fault:busy' ),
		} );
		assert.equal( busy.status, 429 );
		assert.equal( obj( busy ).code, 'too_many_requests' );
		try {
			await setVariants( emu, { concurrency_limit: 1 } );
			const s = openStream( emu, '/v1/chat-messages', {
				key: KEY.plain,
				json: streamBody( 'hold the slot #delay:40' ),
			} );
			await s.waitFor( ( e ) => e.event === 'message' );
			const second = await call( emu, 'POST', 'chat-messages', {
				key: KEY.plain,
				json: chatBody( 'second' ),
			} );
			assert.equal( second.status, 429 );
			// Another app has its own cap.
			const other = await call( emu, 'POST', 'chat-messages', {
				json: chatBody( 'other app' ),
			} );
			assert.equal( other.status, 200 );
			await setVariants( emu, { concurrency_error: '400' } );
			const third = await call( emu, 'POST', 'chat-messages', {
				key: KEY.plain,
				json: chatBody( 'third' ),
			} );
			assert.deepEqual( obj( third ), {
				code: 'invalid_param',
				message:
					'Too many requests. Please try again later. The current maximum concurrent requests allowed for e0000000-0000-4000-8000-000000000006 is 1.',
				status: 400,
			} );
			s.abort();
		} finally {
			await setVariants( emu, null );
		}
	} );

	it( 'pinned workflow versions: 403 when the variant says the plan forbids them', async () => {
		const pinned = 'e0000000-0000-4000-8000-00000000f005';
		const ok = await call( emu, 'POST', `workflows/${ pinned }/run`, {
			key: KEY.workflow,
			json: { inputs: { query: 'x' }, user: 'alice' },
		} );
		assert.equal( ok.status, 200 );
		try {
			await setVariants( emu, { pinned_versions: 'forbidden' } );
			for ( const [ path, key, json ] of [
				[
					`workflows/${ pinned }/run`,
					KEY.workflow,
					{ inputs: { query: 'x' }, user: 'alice' },
				],
				[
					'chat-messages',
					KEY.chatflow,
					chatBody( 'x', {
						workflow_id: 'e0000000-0000-4000-8000-00000000f003',
					} ),
				],
			] as const ) {
				const r = await call( emu, 'POST', path, { key, json } );
				assert.equal( r.status, 403 );
				assert.equal(
					obj( r ).code,
					'workflow_version_execution_not_allowed'
				);
			}
		} finally {
			await setVariants( emu, null );
		}
	} );

	it( 'workflow logs: created_by_account filters by e-mail; the emulator has no accounts', async () => {
		const r = await call(
			emu,
			'GET',
			'workflows/logs?created_by_account=owner@example.com',
			{ key: KEY.workflow }
		);
		assert.deepEqual( obj( r ), {
			code: 'invalid_param',
			message: 'Account not found: owner@example.com',
			status: 400,
		} );
	} );

	it( 'an error event may carry another status and code (#fault:error-event:429:rate_limit_error)', async () => {
		const events = await streamEvents( emu, '/v1/chat-messages', {
			json: streamBody( 'x #fault:error-event:429:rate_limit_error' ),
		} );
		const err = events.at( -1 ) ?? {};
		assert.equal( err.event, 'error' );
		assert.equal( err.status, 429 );
		assert.equal( err.code, 'rate_limit_error' );
	} );
} );
