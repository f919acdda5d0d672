/** Conversations, ownership (§4), history paging, feedback, suggested, variables, inputs (§9.3). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningEmulator } from '../server';
import {
	KEY,
	UNKNOWN_UUID,
	call,
	chatBody,
	obj,
	setVariants,
	start,
} from './helpers';

let emu: RunningEmulator;
before( async () => {
	emu = await start();
} );
after( () => emu.close() );

async function ask(
	query: string,
	extra: Record< string, unknown > = {},
	key: string = KEY.chat
): Promise< Record< string, any > > {
	const r = await call( emu, 'POST', 'chat-messages', {
		key,
		json: chatBody( query, extra ),
	} );
	assert.equal( r.status, 200, r.text );
	return obj( r );
}

describe( 'conversation continuation and ownership', () => {
	it( 'continues a conversation across turns; the answer mentions the turn', async () => {
		const a = await ask( 'first question' );
		assert.match( a.answer, /turn 1 / );
		const b = await ask( 'second question', {
			conversation_id: a.conversation_id,
		} );
		assert.equal( b.conversation_id, a.conversation_id );
		assert.notEqual( b.message_id, a.message_id );
		assert.match( b.answer, /turn 2 / );
	} );

	it( 'another user continuing the conversation gets 404 Conversation Not Exists. (with the did-you-mean suffix)', async () => {
		const a = await ask( 'private' );
		const r = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( 'steal', {
				user: 'mallory',
				conversation_id: a.conversation_id,
			} ),
		} );
		assert.equal( r.status, 404 );
		const b = obj( r );
		assert.equal( b.code, 'not_found' );
		assert.ok(
			b.message.startsWith(
				'Conversation Not Exists. You have requested this URI [/v1/chat-messages] but did you mean '
			)
		);
		assert.ok(
			r.text.includes( '[\\/v1\\/chat-messages]' ),
			'ujson escapes the slashes'
		);
		// the same conversation id in another app is another conversation
		const other = await call( emu, 'POST', 'chat-messages', {
			key: KEY.plain,
			json: chatBody( 'x', { conversation_id: a.conversation_id } ),
		} );
		assert.equal( other.status, 404 );
	} );

	it( 'validates conversation_id: blank starts a new one, non-UUID is 400', async () => {
		const fresh = await ask( 'blank id', { conversation_id: '  ' } );
		assert.ok( fresh.conversation_id );
		const r = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( 'x', { conversation_id: 'abc' } ),
		} );
		assert.equal( r.status, 400 );
		assert.match(
			obj( r ).message,
			/conversation_id\n {2}Value error, conversation_id must be a valid UUID/
		);
	} );

	it( 'validates inputs presence, query and types', async () => {
		const noInputs = await call( emu, 'POST', 'chat-messages', {
			json: { query: 'x', user: 'alice' },
		} );
		assert.equal( noInputs.status, 400 );
		assert.match(
			obj( noInputs ).message,
			/^1 validation error for ChatRequestPayload\ninputs\n {2}Field required/
		);
		const nullInputs = await call( emu, 'POST', 'chat-messages', {
			json: { inputs: null, query: 'x', user: 'alice' },
		} );
		assert.match(
			obj( nullInputs ).message,
			/Input should be a valid dictionary \[type=dict_type, input_value=None, input_type=NoneType\]/
		);
		const empty = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( '' ),
		} );
		assert.deepEqual( obj( empty ), {
			code: 'invalid_param',
			message: 'query is required',
			status: 400,
		} );
		const num = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( 'x', { query: 5 } ),
		} );
		assert.match(
			obj( num ).message,
			/query\n {2}Input should be a valid string/
		);
	} );

	it( 'lists only the user’s own conversations; DELETE checks ownership (1.16: 404), or not (1.12.1 variant: 204)', async () => {
		const mine = await ask( 'owned by alice', { user: 'alice-list' } );
		await ask( 'owned by bob', { user: 'bob-list' } );
		const list = obj(
			await call( emu, 'GET', 'conversations?user=alice-list' )
		);
		assert.equal( list.data.length, 1 );
		assert.equal( list.data[ 0 ].id, mine.conversation_id );
		assert.deepEqual( Object.keys( list.data[ 0 ] ), [
			'id',
			'name',
			'inputs',
			'status',
			'introduction',
			'created_at',
			'updated_at',
		] );
		assert.equal(
			list.data[ 0 ].introduction,
			'Hello! I am the Dify emulator. Ask me anything and I will answer in markdown.'
		);
		const foreign = await call(
			emu,
			'DELETE',
			`conversations/${ mine.conversation_id }`,
			{ json: { user: 'bob-list' } }
		);
		assert.equal( foreign.status, 404 );
		assert.deepEqual( obj( foreign ), {
			code: 'not_found',
			message: 'Conversation Not Exists.',
			status: 404,
		} );
		const unknown = await call(
			emu,
			'DELETE',
			`conversations/${ UNKNOWN_UUID }`,
			{ json: {} }
		);
		assert.equal( unknown.status, 404 );
		try {
			await setVariants( emu, { conversation_delete: '204' } );
			const del = await call(
				emu,
				'DELETE',
				`conversations/${ mine.conversation_id }`,
				{ json: { user: 'bob-list' } }
			);
			assert.equal( del.status, 204 );
			assert.equal( del.raw.length, 0 );
			const remaining = obj(
				await call( emu, 'GET', 'conversations?user=alice-list' )
			);
			assert.equal(
				remaining.data.length,
				0,
				'hard-deleted by a foreign user'
			);
			const gone = await call(
				emu,
				'DELETE',
				`conversations/${ UNKNOWN_UUID }`,
				{ json: {} }
			);
			assert.equal( gone.status, 204 );
		} finally {
			await setVariants( emu, null );
		}
		const own = await ask( 'owned again', { user: 'alice-list' } );
		const ok = await call(
			emu,
			'DELETE',
			`conversations/${ own.conversation_id }`,
			{ json: { user: 'alice-list' } }
		);
		assert.equal( ok.status, 204 );
	} );

	it( 'names: provisional without auto-generation, generated otherwise; rename rules', async () => {
		const a = await ask( 'a rather long question about naming things', {
			user: 'namer',
			auto_generate_name: false,
		} );
		const list = obj(
			await call( emu, 'GET', 'conversations?user=namer' )
		);
		assert.equal( list.data[ 0 ].name, 'a rather long questi…' );
		const b = await ask( 'what is a conversation title', {
			user: 'namer',
		} );
		const named = obj(
			await call(
				emu,
				'GET',
				'conversations?user=namer&sort_by=-created_at&limit=1'
			)
		);
		assert.equal( named.data[ 0 ].id, b.conversation_id );
		assert.equal( named.data[ 0 ].name, 'What is a conversation title' );
		const blank = await call(
			emu,
			'POST',
			`conversations/${ a.conversation_id }/name`,
			{ json: { user: 'namer', name: '  ' } }
		);
		assert.equal( blank.status, 400 );
		assert.match(
			obj( blank ).message,
			/name is required when auto_generate is false/
		);
		const renamed = obj(
			await call(
				emu,
				'POST',
				`conversations/${ a.conversation_id }/name`,
				{ json: { user: 'namer', name: 'Renamed' } }
			)
		);
		assert.equal( renamed.name, 'Renamed' );
		assert.equal( renamed.id, a.conversation_id );
		const auto = obj(
			await call(
				emu,
				'POST',
				`conversations/${ a.conversation_id }/name`,
				{ json: { user: 'namer', auto_generate: true } }
			)
		);
		assert.equal( auto.name, 'A rather long question about naming' );
		const foreign = await call(
			emu,
			'POST',
			`conversations/${ a.conversation_id }/name`,
			{ json: { user: 'other', name: 'x' } }
		);
		assert.equal( foreign.status, 404 );
		assert.equal( obj( foreign ).message, 'Conversation Not Exists.' );
	} );

	it( 'pages conversations with last_id and validates limit/sort_by', async () => {
		for ( let i = 0; i < 5; i++ ) {
			await ask( `page ${ i }`, { user: 'pager' } );
		}
		const p1 = obj(
			await call( emu, 'GET', 'conversations?user=pager&limit=2' )
		);
		assert.equal( p1.data.length, 2 );
		assert.equal( p1.has_more, true );
		const p2 = obj(
			await call(
				emu,
				'GET',
				`conversations?user=pager&limit=2&last_id=${ p1.data[ 1 ].id }`
			)
		);
		const p3 = obj(
			await call(
				emu,
				'GET',
				`conversations?user=pager&limit=2&last_id=${ p2.data[ 1 ].id }`
			)
		);
		assert.equal( p3.data.length, 1 );
		assert.equal( p3.has_more, false );
		const ids = [ ...p1.data, ...p2.data, ...p3.data ].map(
			( c: Record< string, unknown > ) => c.id
		);
		assert.equal( new Set( ids ).size, 5 );
		const asc = obj(
			await call(
				emu,
				'GET',
				'conversations?user=pager&sort_by=created_at'
			)
		);
		assert.deepEqual(
			asc.data.map( ( c: Record< string, unknown > ) => c.id ),
			[ ...ids ].reverse()
		);
		for ( const q of [
			'limit=0',
			'limit=101',
			'limit=abc',
			'sort_by=name',
			'last_id=nope',
		] ) {
			const r = await call(
				emu,
				'GET',
				`conversations?user=pager&${ q }`
			);
			assert.equal( r.status, 400, q );
			assert.equal( obj( r ).code, 'invalid_param' );
		}
		const missing = await call(
			emu,
			'GET',
			`conversations?user=pager&last_id=${ UNKNOWN_UUID }`
		);
		assert.equal( missing.status, 404 );
		assert.equal( obj( missing ).message, 'Last Conversation Not Exists.' );
	} );
} );

describe( 'GET /messages', () => {
	it( 'pages newest first, oldest → newest within a page, with first_id', async () => {
		const first = await ask( 'history 0', { user: 'historian' } );
		const conv = first.conversation_id;
		const ids = [ first.message_id ];
		for ( let i = 1; i < 5; i++ ) {
			ids.push(
				(
					await ask( `history ${ i }`, {
						user: 'historian',
						conversation_id: conv,
					} )
				).message_id
			);
		}
		const p1 = obj(
			await call(
				emu,
				'GET',
				`messages?user=historian&conversation_id=${ conv }&limit=2`
			)
		);
		assert.deepEqual(
			p1.data.map( ( m: Record< string, unknown > ) => m.id ),
			ids.slice( 3 )
		);
		assert.equal( p1.has_more, true );
		assert.equal( p1.limit, 2 );
		const p2 = obj(
			await call(
				emu,
				'GET',
				`messages?user=historian&conversation_id=${ conv }&limit=2&first_id=${ p1.data[ 0 ].id }`
			)
		);
		assert.deepEqual(
			p2.data.map( ( m: Record< string, unknown > ) => m.id ),
			ids.slice( 1, 3 )
		);
		const p3 = obj(
			await call(
				emu,
				'GET',
				`messages?user=historian&conversation_id=${ conv }&limit=2&first_id=${ p2.data[ 0 ].id }`
			)
		);
		assert.deepEqual(
			p3.data.map( ( m: Record< string, unknown > ) => m.id ),
			ids.slice( 0, 1 )
		);
		assert.equal( p3.has_more, false );
		const m = p3.data[ 0 ];
		assert.deepEqual( Object.keys( m ), [
			'id',
			'conversation_id',
			'parent_message_id',
			'inputs',
			'query',
			'answer',
			'message_tokens',
			'answer_tokens',
			'total_tokens',
			'provider_response_latency',
			'total_price',
			'currency',
			'feedback',
			'retriever_resources',
			'created_at',
			'agent_thoughts',
			'message_files',
			'status',
			'error',
			'extra_contents',
		] );
		assert.equal(
			m.parent_message_id,
			'00000000-0000-0000-0000-000000000000'
		);
		assert.ok(
			Number.isInteger( m.message_tokens ) && m.message_tokens > 0
		);
		assert.equal( m.total_tokens, m.message_tokens + m.answer_tokens );
		assert.equal( typeof m.provider_response_latency, 'number' );
		assert.match( m.total_price, /^\d+\.\d{7}$/ );
		assert.equal( m.currency, 'USD' );
		assert.deepEqual( m.extra_contents, [] );
		assert.equal( m.query, 'history 0' );
		assert.equal( m.answer, first.answer );
		assert.equal( m.status, 'normal' );
		assert.equal( m.retriever_resources.length, 2 );
		assert.equal( m.retriever_resources[ 0 ].message_id, m.id );
	} );

	it( 'errors: other user 404, limit range, missing/blank/unknown ids', async () => {
		const a = await ask( 'msgs', { user: 'owner' } );
		const foreign = await call(
			emu,
			'GET',
			`messages?user=intruder&conversation_id=${ a.conversation_id }`
		);
		assert.equal( foreign.status, 404 );
		assert.match( obj( foreign ).message, /^Conversation Not Exists\./ );
		const noUser = await call(
			emu,
			'GET',
			`messages?conversation_id=${ a.conversation_id }`
		);
		assert.equal( noUser.status, 404, 'DEFAULT-USER does not own it' );
		for ( const limit of [ '0', '101' ] ) {
			const r = await call(
				emu,
				'GET',
				`messages?user=owner&conversation_id=${ a.conversation_id }&limit=${ limit }`
			);
			assert.equal( r.status, 400 );
		}
		const missing = await call( emu, 'GET', 'messages?user=owner' );
		assert.equal( missing.status, 400 );
		const blank = obj(
			await call( emu, 'GET', 'messages?user=owner&conversation_id=' )
		);
		assert.deepEqual( blank, { limit: 20, has_more: false, data: [] } );
		const badFirst = await call(
			emu,
			'GET',
			`messages?user=owner&conversation_id=${ a.conversation_id }&first_id=${ UNKNOWN_UUID }`
		);
		assert.equal( badFirst.status, 404 );
		assert.equal( obj( badFirst ).message, 'First Message Not Exists.' );
	} );
} );

describe( 'feedback (§7.2)', () => {
	it( 'like, overwrite with dislike, delete with null, null without feedback is 400', async () => {
		const a = await ask( 'rate me', { user: 'rater' } );
		const path = `messages/${ a.message_id }/feedbacks`;
		const history = async (): Promise< unknown > =>
			obj(
				await call(
					emu,
					'GET',
					`messages?user=rater&conversation_id=${ a.conversation_id }`
				)
			).data[ 0 ].feedback;
		assert.deepEqual(
			obj(
				await call( emu, 'POST', path, {
					json: { user: 'rater', rating: 'like', content: 'nice' },
				} )
			),
			{ result: 'success' }
		);
		assert.deepEqual( await history(), { rating: 'like' } );
		await call( emu, 'POST', path, {
			json: { user: 'rater', rating: 'dislike' },
		} );
		assert.deepEqual( await history(), { rating: 'dislike' } );
		const appFeedbacks = obj( await call( emu, 'GET', 'app/feedbacks' ) );
		const row = appFeedbacks.data.find(
			( f: Record< string, unknown > ) => f.message_id === a.message_id
		);
		assert.equal( row.rating, 'dislike' );
		assert.match( row.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/ );
		await call( emu, 'POST', path, {
			json: { user: 'rater', rating: null },
		} );
		assert.equal( await history(), null );
		const again = await call( emu, 'POST', path, {
			json: { user: 'rater', rating: null },
		} );
		assert.deepEqual( obj( again ), {
			code: 'invalid_param',
			message: 'rating cannot be None when feedback not exists',
			status: 400,
		} );
		const bad = await call( emu, 'POST', path, {
			json: { user: 'rater', rating: 'love' },
		} );
		assert.match(
			obj( bad ).message,
			/Input should be 'like' or 'dislike'/
		);
		const foreign = await call( emu, 'POST', path, {
			json: { user: 'someone', rating: 'like' },
		} );
		assert.deepEqual( obj( foreign ), {
			code: 'not_found',
			message: 'Message Not Exists.',
			status: 404,
		} );
	} );
} );

describe( 'suggested questions (§7.3)', () => {
	it( 'returns three questions when enabled; 400 when disabled; 404 for foreign messages', async () => {
		const a = await ask( 'suggest something', { user: 'sugg' } );
		const r = obj(
			await call(
				emu,
				'GET',
				`messages/${ a.message_id }/suggested?user=sugg`
			)
		);
		assert.equal( r.result, 'success' );
		assert.equal( r.data.length, 3 );
		assert.ok(
			r.data.every(
				( q: unknown ) =>
					( typeof q === 'string' && q.endsWith( '?' ) ) ||
					String( q ).endsWith( '.' )
			)
		);
		const foreign = await call(
			emu,
			'GET',
			`messages/${ a.message_id }/suggested?user=other`
		);
		assert.equal( foreign.status, 404 );
		const p = await ask( 'plain', { user: 'sugg' }, KEY.plain );
		const off = await call(
			emu,
			'GET',
			`messages/${ p.message_id }/suggested?user=sugg`,
			{ key: KEY.plain }
		);
		assert.deepEqual( obj( off ), {
			code: 'bad_request',
			message: 'Suggested Questions Is Disabled.',
			status: 400,
		} );
		const unknown = await call(
			emu,
			'GET',
			`messages/${ UNKNOWN_UUID }/suggested?user=sugg`,
			{ key: KEY.plain }
		);
		assert.equal(
			unknown.status,
			404,
			'the message lookup comes before the feature check'
		);
	} );
} );

describe( 'conversation variables (§7.4)', () => {
	it( 'lists stringified values, filters by name, updates with type checks', async () => {
		const a = await ask( 'vars', { user: 'varuser' }, KEY.chatflow );
		const base = `conversations/${ a.conversation_id }/variables`;
		const list = obj(
			await call( emu, 'GET', `${ base }?user=varuser`, {
				key: KEY.chatflow,
			} )
		);
		assert.deepEqual(
			list.data.map( ( v: Record< string, unknown > ) => v.name ),
			[ 'turn_count', 'notes' ]
		);
		assert.deepEqual( Object.keys( list.data[ 0 ] ), [
			'id',
			'name',
			'value_type',
			'value',
			'description',
			'created_at',
			'updated_at',
		] );
		assert.equal( list.data[ 0 ].value, '1' );
		const filtered = obj(
			await call(
				emu,
				'GET',
				`${ base }?user=varuser&variable_name=NOT`,
				{ key: KEY.chatflow }
			)
		);
		assert.deepEqual(
			filtered.data.map( ( v: Record< string, unknown > ) => v.name ),
			[ 'notes' ]
		);
		const badName = await call(
			emu,
			'GET',
			`${ base }?user=varuser&variable_name=a%20b`,
			{ key: KEY.chatflow }
		);
		assert.equal( badName.status, 400 );
		const notes = list.data[ 1 ];
		const updated = obj(
			await call( emu, 'PUT', `${ base }/${ notes.id }`, {
				key: KEY.chatflow,
				json: { user: 'varuser', value: 'remember this' },
			} )
		);
		assert.equal( updated.value, 'remember this' );
		const mismatch = await call( emu, 'PUT', `${ base }/${ notes.id }`, {
			key: KEY.chatflow,
			json: { user: 'varuser', value: { a: 1 } },
		} );
		assert.deepEqual( obj( mismatch ), {
			code: 'bad_request',
			message:
				"Type mismatch: variable 'notes' expects string, but got dict type",
			status: 400,
		} );
		const unknownVar = await call(
			emu,
			'PUT',
			`${ base }/${ UNKNOWN_UUID }`,
			{ key: KEY.chatflow, json: { user: 'varuser', value: 'x' } }
		);
		assert.equal(
			obj( unknownVar ).message,
			'Conversation Variable Not Exists.'
		);
		const foreign = await call( emu, 'GET', `${ base }?user=intruder`, {
			key: KEY.chatflow,
		} );
		assert.equal( foreign.status, 404 );
		const paged = obj(
			await call( emu, 'GET', `${ base }?user=varuser&limit=1`, {
				key: KEY.chatflow,
			} )
		);
		assert.equal( paged.has_more, true );
		const next = obj(
			await call(
				emu,
				'GET',
				`${ base }?user=varuser&limit=1&last_id=${ paged.data[ 0 ].id }`,
				{ key: KEY.chatflow }
			)
		);
		assert.equal( next.data[ 0 ].name, 'notes' );
		assert.equal( next.has_more, false );
	} );

	it( 'a chat app conversation has no variables', async () => {
		const a = await ask( 'no vars', { user: 'v2' } );
		const list = obj(
			await call(
				emu,
				'GET',
				`conversations/${ a.conversation_id }/variables?user=v2`
			)
		);
		assert.deepEqual( list.data, [] );
	} );
} );

describe( 'input form validation (§9.3)', () => {
	const cases: Array< [ Record< string, unknown >, number, string ] > = [
		[
			{ name: 5 },
			400,
			"(type 'text-input') name in input form must be a string",
		],
		[
			{ name: 'x'.repeat( 49 ) },
			400,
			'name in input form must be less than 48 characters',
		],
		[
			{ tone: 'angry' },
			400,
			"tone in input form must be one of the following: ['friendly', 'formal', 'pirate']",
		],
		[
			{ count: 'many' },
			400,
			'count in input form must be a valid number',
		],
		[
			{ verbose: 'maybe' },
			400,
			'verbose in input form must be a valid boolean value',
		],
		[
			{ attachment: 'file.png' },
			400,
			'attachment in input form must be a file',
		],
		[ { name: { a: 1 } }, 400, "Invalid input type for ['name']" ],
	];
	for ( const [ inputs, status, message ] of cases ) {
		it( `rejects ${ JSON.stringify( inputs ).slice( 0, 40 ) }`, async () => {
			const r = await call( emu, 'POST', 'chat-messages', {
				json: chatBody( 'x', { inputs } ),
			} );
			assert.equal( r.status, status );
			assert.deepEqual( obj( r ), {
				code: 'invalid_param',
				message,
				status,
			} );
		} );
	}

	it( 'a list for a number variable is a 500', async () => {
		const r = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( 'x', { inputs: { count: [ 1 ] } } ),
		} );
		assert.equal( r.status, 500 );
		assert.equal( obj( r ).code, 'internal_server_error' );
	} );

	it( 'normalises accepted values and drops undeclared keys', async () => {
		const a = await ask( 'inputs', {
			user: 'former',
			inputs: {
				name: 'Ann',
				tone: 'pirate',
				count: '3',
				verbose: 'yes',
				attachment: '',
				extra: 'dropped',
			},
		} );
		const list = obj(
			await call( emu, 'GET', 'conversations?user=former' )
		);
		const inputs = list.data.find(
			( c: Record< string, unknown > ) => c.id === a.conversation_id
		).inputs;
		assert.equal( inputs.name, 'Ann' );
		assert.equal( inputs.count, 3 );
		assert.equal( inputs.verbose, true );
		assert.ok( ! ( 'extra' in inputs ) );
	} );
} );
