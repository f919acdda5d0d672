/** Human Input nodes (Dify 1.13+): pause, forms, submit, resume, expiry. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningEmulator } from '../server';
import {
	KEY,
	UNKNOWN_UUID,
	call,
	dataEvents,
	names,
	obj,
	openStream,
	start,
	streamBody,
	streamEvents,
	uploadAs,
} from './helpers';

let emu: RunningEmulator;
before( async () => {
	emu = await start();
} );
after( () => emu.close() );

interface Paused {
	events: Array< Record< string, any > >;
	form: Record< string, any >;
	token: string;
	run: string;
	conversation: string;
	message: string;
	task: string;
	createdAt: number;
}

async function pause(
	query: string,
	user = 'rita',
	key: string = KEY.approval
): Promise< Paused > {
	const events = await streamEvents( emu, '/v1/chat-messages', {
		key,
		json: streamBody( query, { user } ),
	} );
	const required = events.find( ( e ) => e.event === 'human_input_required' );
	assert.ok( required, `no form in ${ names( events ).join( ',' ) }` );
	return {
		events,
		form: required.data,
		token: required.data.form_token,
		run: required.workflow_run_id,
		conversation: events[ 0 ]?.conversation_id,
		message: events[ 0 ]?.message_id,
		task: events[ 0 ]?.task_id,
		createdAt: events[ 0 ]?.created_at,
	};
}

function submit(
	token: string,
	body: Record< string, unknown >,
	key: string = KEY.approval
): ReturnType< typeof call > {
	return call( emu, 'POST', `form/human_input/${ token }`, {
		key,
		json: body,
	} );
}

function resume(
	run: string,
	user: string,
	query = '',
	key: string = KEY.approval
): ReturnType< typeof openStream > {
	return openStream(
		emu,
		`/v1/workflow/${ run }/events?user=${ encodeURIComponent( user ) }${ query }`,
		{ key, method: 'GET' }
	);
}

const SIMPLE = { comment: 'Fine by me.', priority: 'high' };

describe( 'reaching a Human Input node', () => {
	it( 'ends the stream with human_input_required then workflow_paused (no message_end)', async () => {
		const p = await pause( 'Refund policy please' );
		const n = names( p.events );
		assert.deepEqual( n.slice( -2 ), [
			'human_input_required',
			'workflow_paused',
		] );
		assert.ok( ! n.includes( 'message_end' ) );
		assert.ok( ! n.includes( 'workflow_finished' ) );
		assert.equal( n[ 0 ], 'workflow_started' );
		assert.equal( p.events[ 0 ]?.data.reason, 'initial' );
		// The draft streamed before the pause belongs to the same message.
		assert.ok( n.includes( 'message' ) );
		const f = p.form;
		assert.deepEqual( Object.keys( f ), [
			'form_id',
			'node_id',
			'node_title',
			'form_content',
			'inputs',
			'actions',
			'display_in_ui',
			'form_token',
			'resolved_default_values',
			'expiration_time',
		] );
		assert.deepEqual(
			f.inputs.map( ( i: Record< string, unknown > ) => i.type ),
			[ 'paragraph', 'select', 'file', 'file-list' ]
		);
		assert.deepEqual(
			f.actions.map( ( a: Record< string, unknown > ) => a.button_style ),
			[ 'primary', 'default', 'accent', 'ghost' ]
		);
		assert.match( f.form_token, /^[A-Za-z0-9_-]{16,128}$/ );
		assert.equal( typeof f.resolved_default_values.comment, 'string' );
		assert.ok( f.resolved_default_values.comment.includes( 'drafted' ) );
		const inThreeDays = Date.now() / 1000 + 3 * 86400;
		assert.ok( Math.abs( f.expiration_time - inThreeDays ) < 5 );
		const paused = p.events.at( -1 ) ?? {};
		assert.equal( paused.data.status, 'paused' );
		assert.deepEqual( paused.data.paused_nodes, [ f.node_id ] );
		assert.equal( paused.data.reasons[ 0 ].TYPE, 'human_input_required' );
		assert.equal( paused.data.reasons[ 0 ].form_token, f.form_token );
		const detail = obj(
			await call( emu, 'GET', `workflows/run/${ p.run }`, {
				key: KEY.approval,
			} )
		);
		assert.equal( detail.status, 'paused' );
		assert.equal( detail.finished_at, null );
	} );

	it( 'lists the pending form in GET /messages extra_contents (with its token)', async () => {
		const p = await pause( 'History check #human:simple' );
		const h = obj(
			await call(
				emu,
				'GET',
				`messages?user=rita&conversation_id=${ p.conversation }`,
				{ key: KEY.approval }
			)
		);
		const m = h.data[ 0 ];
		assert.ok( m.answer.includes( 'drafted' ) );
		assert.equal( m.extra_contents.length, 1 );
		const x = m.extra_contents[ 0 ];
		assert.equal( x.type, 'human_input' );
		assert.equal( x.workflow_run_id, p.run );
		assert.equal( x.submitted, false );
		assert.equal( x.form_definition.form_token, p.token );
		assert.equal( x.form_submission_data, null );
	} );

	it( 'a directive brings other chatflows and workflows to a form too; #human:email has no token', async () => {
		const c = await pause(
			'Any chatflow #human:simple',
			'rita',
			KEY.chatflow
		);
		assert.equal( c.form.inputs.length, 2 );
		const w = await streamEvents( emu, '/v1/workflows/run', {
			key: KEY.workflow,
			json: {
				inputs: { query: 'Workflow review #human' },
				user: 'rita',
				response_mode: 'streaming',
			},
		} );
		assert.deepEqual( names( w ).slice( -2 ), [
			'human_input_required',
			'workflow_paused',
		] );
		assert.ok( ! ( 'conversation_id' in ( w.at( -1 ) ?? {} ) ) );
		const e = await pause( 'By email #human:email' );
		assert.equal( e.form.form_token, null );
		assert.equal(
			( e.events.at( -1 ) ?? {} ).data.reasons[ 0 ].form_token,
			null
		);
	} );

	it( 'a blocking workflow answers with status paused', async () => {
		const r = obj(
			await call( emu, 'POST', 'workflows/run', {
				key: KEY.workflow,
				json: {
					inputs: { query: 'Blocking review #human:simple' },
					user: 'rita',
					response_mode: 'blocking',
				},
			} )
		);
		assert.equal( r.data.status, 'paused' );
		assert.equal( r.data.finished_at, null );
	} );
} );

describe( 'GET /form/human_input/{token}', () => {
	it( 'answers stdlib JSON (UTF-8 kept) with user_actions; 404 for unknown tokens and other apps', async () => {
		const p = await pause( 'Größe prüfen #human' );
		const r = await call( emu, 'GET', `form/human_input/${ p.token }`, {
			key: KEY.approval,
		} );
		assert.equal( r.status, 200 );
		assert.equal( r.headers[ 'content-type' ], 'application/json' );
		assert.ok( r.text.startsWith( '{"form_content": "' ) );
		assert.ok( ! r.text.endsWith( '\n' ) );
		assert.ok( r.text.includes( '“Größe prüfen”' ), 'raw UTF-8' );
		const b = obj( r );
		assert.deepEqual( Object.keys( b ), [
			'form_content',
			'inputs',
			'resolved_default_values',
			'user_actions',
			'expiration_time',
		] );
		assert.equal( b.user_actions.length, 4 );
		const [ paragraph, select, , list ] = b.inputs;
		assert.equal( paragraph.default.type, 'variable' );
		assert.deepEqual( select.option_source.value, [
			'low',
			'normal',
			'high',
		] );
		assert.equal( list.number_limits, 3 );
		assert.ok( ! ( 'number_limits' in b.inputs[ 2 ] ) );
		for ( const [ token, key ] of [
			[ 'no-such-token', KEY.approval ],
			[ p.token, KEY.chatflow ],
		] ) {
			const nf = await call( emu, 'GET', `form/human_input/${ token }`, {
				key,
			} );
			assert.equal( nf.status, 404 );
			assert.deepEqual( obj( nf ), {
				code: 'not_found',
				message: 'Form not found',
				status: 404,
			} );
		}
	} );
} );

describe( 'POST /form/human_input/{token}', () => {
	it( 'needs user, a valid payload, a known action and every required input', async () => {
		const p = await pause( 'Validate me #human' );
		const noUser = await submit( p.token, {
			inputs: {},
			action: 'approve',
		} );
		assert.equal( noUser.status, 400 );
		assert.equal( obj( noUser ).message, 'Arg user must be provided.' );
		const bad = await submit( p.token, { user: 'rita', inputs: [] } );
		assert.equal( obj( bad ).code, 'invalid_param' );
		assert.match( obj( bad ).message, /HumanInputFormSubmitPayload/ );
		const cases: Array< [ Record< string, unknown >, string ] > = [
			[
				{ inputs: SIMPLE, action: 'publish' },
				'Invalid action: publish',
			],
			[
				{ inputs: { comment: 'x' }, action: 'approve' },
				'Missing required inputs: priority, attachment, evidence',
			],
			[
				{
					inputs: {
						...SIMPLE,
						priority: 'urgent',
						attachment: {
							transfer_method: 'remote_url',
							url: 'https://example.com/a.pdf',
							type: 'document',
						},
						evidence: [],
					},
					action: 'approve',
				},
				"Invalid value for select input 'priority': urgent",
			],
		];
		for ( const [ body, message ] of cases ) {
			const r = await submit( p.token, { user: 'rita', ...body } );
			assert.equal( r.status, 400 );
			assert.deepEqual( obj( r ), {
				code: 'invalid_form_data',
				message,
				status: 400,
			} );
		}
		// The form stays open after refused submissions.
		const still = await call( emu, 'GET', `form/human_input/${ p.token }`, {
			key: KEY.approval,
		} );
		assert.equal( still.status, 200 );
	} );

	it( 'checks files: allowed type, and a local_file uploaded by the submitting user', async () => {
		const p = await pause( 'Files please #human' );
		const mine = await uploadAs( emu, 'rita', { key: KEY.approval } );
		const theirs = await uploadAs( emu, 'mallory', { key: KEY.approval } );
		const local = ( id: string, type = 'document' ): unknown => ( {
			transfer_method: 'local_file',
			upload_file_id: id,
			type,
		} );
		const base = { ...SIMPLE, evidence: [] };
		const wrongType = await submit( p.token, {
			user: 'rita',
			action: 'approve',
			inputs: { ...base, attachment: local( mine, 'audio' ) },
		} );
		assert.equal(
			obj( wrongType ).message,
			"Invalid value for file input 'attachment': file is not allowed by config"
		);
		const foreign = await submit( p.token, {
			user: 'rita',
			action: 'approve',
			inputs: { ...base, attachment: local( theirs ) },
		} );
		assert.deepEqual( obj( foreign ), {
			code: 'invalid_param',
			message: 'Invalid upload file',
			status: 400,
		} );
		const fetchFails = await submit( p.token, {
			user: 'rita',
			action: 'approve',
			inputs: {
				...base,
				attachment: {
					transfer_method: 'remote_url',
					url: 'https://emulator-fetch-fails.example/a.pdf',
					type: 'document',
				},
			},
		} );
		assert.equal( obj( fetchFails ).code, 'invalid_form_data' );
		const ok = await submit( p.token, {
			user: 'rita',
			action: 'approve',
			inputs: {
				...base,
				attachment: local( mine ),
				evidence: [
					{
						transfer_method: 'remote_url',
						url: 'https://example.com/shot.png',
						type: 'image',
					},
				],
			},
		} );
		assert.equal( ok.status, 200 );
		assert.equal( ok.text, '{}\n' );
	} );

	it( 'is one-shot: a second submit and a GET get 412 human_input_form_submitted', async () => {
		const p = await pause( 'Once only #human:simple' );
		const first = await submit( p.token, {
			user: 'rita',
			action: 'approve',
			inputs: SIMPLE,
		} );
		assert.deepEqual( obj( first ), {} );
		// Any user may submit; only the first submission counts.
		const again = await submit( p.token, {
			user: 'someone-else',
			action: 'approve',
			inputs: SIMPLE,
		} );
		assert.equal( again.status, 412 );
		assert.deepEqual( obj( again ), {
			code: 'human_input_form_submitted',
			message: `This form has already been submitted by another user, form_id=${ p.form.form_id }`,
			status: 412,
		} );
		const get = await call( emu, 'GET', `form/human_input/${ p.token }`, {
			key: KEY.approval,
		} );
		assert.equal( get.status, 412 );
	} );

	it( 'form_required: code (the run’s variant) needs the paragraph too', async () => {
		const p = await pause(
			'Strict #human:simple #variant:form_required:code'
		);
		const r = await submit( p.token, {
			user: 'rita',
			action: 'approve',
			inputs: { priority: 'low' },
		} );
		assert.deepEqual( obj( r ), {
			code: 'invalid_form_data',
			message: 'Missing required inputs: comment',
			status: 400,
		} );
		const docs = await pause( 'Lenient #human:simple' );
		const ok = await submit( docs.token, {
			user: 'rita',
			action: 'approve',
			inputs: { priority: 'low' },
		} );
		assert.equal( ok.status, 200 );
	} );

	it( 'a form without recipient type: 400 bad_request Form recipient type is invalid', async () => {
		const p = await pause( 'Broken #human:simple:broken' );
		const r = await submit( p.token, {
			user: 'rita',
			action: 'approve',
			inputs: SIMPLE,
		} );
		assert.deepEqual( obj( r ), {
			code: 'bad_request',
			message: 'Form recipient type is invalid',
			status: 400,
		} );
	} );
} );

describe( 'resuming: GET /workflow/{run}/events', () => {
	it( 'streams the rest into the same message: form_filled first, new created_at and task, message_end then workflow_finished', async () => {
		const p = await pause( 'Resume me #human:simple' );
		// created_at is in seconds: let a second pass so the new one differs.
		await new Promise( ( r ) => setTimeout( r, 1100 ) );
		const s = resume( p.run, 'rita' );
		assert.equal( await s.status, 200 );
		const h = await s.headers;
		assert.equal( h[ 'cache-control' ], 'no-cache' );
		assert.equal( h[ 'content-type' ], 'text/event-stream; charset=utf-8' );
		await submit( p.token, {
			user: 'rita',
			action: 'revise',
			inputs: { comment: 'Shorter, please.', priority: 'low' },
		} );
		const { text, aborted } = await s.done;
		assert.equal( aborted, false );
		const events = dataEvents( text );
		const n = names( events );
		assert.equal( n[ 0 ], 'human_input_form_filled' );
		const filled = events[ 0 ] ?? {};
		assert.equal( filled.conversation_id, p.conversation );
		assert.equal( filled.message_id, p.message );
		assert.ok( filled.created_at > p.createdAt, 'a new created_at' );
		assert.notEqual( filled.task_id, p.task );
		assert.equal( filled.workflow_run_id, p.run );
		assert.deepEqual( filled.data, {
			node_id: p.form.node_id,
			node_title: p.form.node_title,
			rendered_content: filled.data.rendered_content,
			action_id: 'revise',
			action_text: 'Request changes',
			submitted_data: { comment: 'Shorter, please.', priority: 'low' },
		} );
		assert.ok(
			filled.data.rendered_content.includes( 'Shorter, please.' )
		);
		assert.ok( ! filled.data.rendered_content.includes( '{{#' ) );
		assert.deepEqual( n.slice( -2 ), [
			'message_end',
			'workflow_finished',
		] );
		const answer = events
			.filter( ( e ) => e.event === 'message' )
			.map( ( e ) => e.answer )
			.join( '' );
		assert.ok( answer.includes( 'Changes requested' ) );
		assert.ok( events.every( ( e ) => e.message_id === p.message ) );
		const history = obj(
			await call(
				emu,
				'GET',
				`messages?user=rita&conversation_id=${ p.conversation }`,
				{ key: KEY.approval }
			)
		).data[ 0 ];
		assert.ok( history.answer.includes( 'drafted' ) );
		assert.ok( history.answer.endsWith( answer.slice( -40 ) ) );
		assert.ok( history.total_tokens > 0 );
		const x = history.extra_contents[ 0 ];
		assert.equal( x.submitted, true );
		assert.equal( x.form_submission_data.action_id, 'revise' );
		assert.equal(
			obj(
				await call( emu, 'GET', `workflows/run/${ p.run }`, {
					key: KEY.approval,
				} )
			).status,
			'succeeded'
		);
	} );

	it( 'a subscriber that attaches after the submit still gets the resumed part from its start', async () => {
		const p = await pause( 'Late attach #human:simple #delay:15' );
		await submit( p.token, {
			user: 'rita',
			action: 'approve',
			inputs: SIMPLE,
		} );
		await new Promise( ( r ) => setTimeout( r, 60 ) );
		const events = dataEvents(
			( await resume( p.run, 'rita' ).done ).text
		);
		assert.equal( events[ 0 ]?.event, 'human_input_form_filled' );
		assert.equal( events.at( -1 )?.event, 'workflow_finished' );
	} );

	it( 'resume_replay: none — a late subscriber only gets what comes next', async () => {
		const p = await pause(
			'Late and lossy #human:simple #delay:15 #variant:resume_replay:none'
		);
		await submit( p.token, {
			user: 'rita',
			action: 'approve',
			inputs: SIMPLE,
		} );
		await new Promise( ( r ) => setTimeout( r, 80 ) );
		const events = dataEvents(
			( await resume( p.run, 'rita' ).done ).text
		);
		assert.ok( events.length > 0 );
		assert.notEqual( events[ 0 ]?.event, 'human_input_form_filled' );
		assert.equal( events.at( -1 )?.event, 'workflow_finished' );
	} );

	it( 'only for the run creator: another user, an unknown run → 404; wrong mode → not_workflow_app; user required', async () => {
		const p = await pause( 'Mine #human:simple' );
		for ( const [ run, user ] of [
			[ p.run, 'mallory' ],
			[ UNKNOWN_UUID, 'rita' ],
		] ) {
			const r = await call(
				emu,
				'GET',
				`workflow/${ run }/events?user=${ user }`,
				{ key: KEY.approval }
			);
			assert.equal( r.status, 404 );
			assert.deepEqual( obj( r ), {
				code: 'not_found',
				message: 'Workflow run not found',
				status: 404,
			} );
		}
		const other = await call(
			emu,
			'GET',
			`workflow/${ p.run }/events?user=rita`,
			{ key: KEY.chatflow }
		);
		assert.equal( other.status, 404 );
		const mode = await call(
			emu,
			'GET',
			`workflow/${ p.run }/events?user=rita`,
			{ key: KEY.chat }
		);
		assert.equal( obj( mode ).code, 'not_workflow_app' );
		const noUser = await call( emu, 'GET', `workflow/${ p.run }/events`, {
			key: KEY.approval,
		} );
		assert.equal( obj( noUser ).message, 'Arg user must be provided.' );
	} );

	it( 'a finished run: one stdlib-JSON workflow_finished without chat envelope, task_id = run id', async () => {
		const events = await streamEvents( emu, '/v1/chat-messages', {
			key: KEY.chatflow,
			json: streamBody( '#echo Done already, ünïcode', {
				user: 'rita',
			} ),
		} );
		const run = events[ 0 ]?.workflow_run_id;
		const r = await call(
			emu,
			'GET',
			`workflow/${ run }/events?user=rita`,
			{ key: KEY.chatflow }
		);
		assert.equal( r.status, 200 );
		assert.ok(
			r.text.startsWith(
				`data: {"event": "workflow_finished", "task_id": "${ run }", "workflow_run_id": "${ run }", "data": {`
			)
		);
		assert.ok( r.text.endsWith( '}\n\n' ) );
		assert.ok( r.text.includes( '\\u00fc' ), 'ASCII only (\\u escapes)' );
		assert.equal( r.text.split( '\n\n' ).length, 2, 'one event' );
		const e = JSON.parse( r.text.slice( 6 ) );
		assert.equal( e.data.status, 'succeeded' );
		assert.equal( e.data.created_by.user, 'rita' );
	} );

	it( 'include_state_snapshot=true replays the run so far and the pending form, then closes', async () => {
		const p = await pause( 'Snapshot #human:simple' );
		const text = (
			await resume( p.run, 'rita', '&include_state_snapshot=TRUE' ).done
		).text;
		const events = dataEvents( text );
		const n = names( events );
		assert.equal( n[ 0 ], 'workflow_started' );
		assert.ok( n.includes( 'node_finished' ) );
		assert.ok( ! n.includes( 'message' ), 'no deltas in a snapshot' );
		assert.deepEqual( n.slice( -2 ), [
			'human_input_required',
			'workflow_paused',
		] );
		assert.equal( events.at( -2 )?.data.form_token, p.token );
	} );

	it( 'two pauses in one run: the stream closes at each pause unless continue_on_pause=true (literally)', async () => {
		const p = await pause( 'Two reviews #human:simple:2' );
		const closing = resume( p.run, 'rita', '&continue_on_pause=1' );
		assert.equal( await closing.status, 200 );
		await submit( p.token, {
			user: 'rita',
			action: 'approve',
			inputs: SIMPLE,
		} );
		const first = dataEvents( ( await closing.done ).text );
		assert.equal( first.at( -1 )?.event, 'workflow_paused' );
		const second = first.at( -2 ) ?? {};
		assert.equal( second.event, 'human_input_required' );
		assert.equal( second.data.node_title, 'Final check' );
		assert.notEqual( second.data.form_token, p.token );
		const open = resume( p.run, 'rita', '&continue_on_pause=true' );
		assert.equal( await open.status, 200 );
		await submit( second.data.form_token, {
			user: 'rita',
			action: 'approve',
			inputs: SIMPLE,
		} );
		const rest = dataEvents( ( await open.done ).text );
		assert.equal( rest[ 0 ]?.event, 'human_input_form_filled' );
		assert.equal( rest.at( -1 )?.event, 'workflow_finished' );
		const history = obj(
			await call(
				emu,
				'GET',
				`messages?user=rita&conversation_id=${ p.conversation }`,
				{ key: KEY.approval }
			)
		).data[ 0 ];
		assert.equal( history.extra_contents.length, 2 );
	} );

	it( 'continue_on_pause keeps one stream open across both pauses', async () => {
		const p = await pause( 'Both in one #human:simple:2' );
		const s = resume( p.run, 'rita', '&continue_on_pause=true' );
		assert.equal( await s.status, 200 );
		await submit( p.token, {
			user: 'rita',
			action: 'approve',
			inputs: SIMPLE,
		} );
		const second = await s.waitFor(
			( e ) => e.event === 'human_input_required'
		);
		await submit( second.data.form_token, {
			user: 'rita',
			action: 'skip',
			inputs: SIMPLE,
		} );
		const n = names( dataEvents( ( await s.done ).text ) );
		assert.equal(
			n.filter( ( x ) => x === 'human_input_form_filled' ).length,
			2
		);
		assert.ok( n.includes( 'workflow_paused' ) );
		assert.equal( n.at( -1 ), 'workflow_finished' );
	} );

	it( 'workflow_started(reason: resumption) first when the variant says so', async () => {
		const p = await pause(
			'Restart marker #human:simple #variant:resume_workflow_started:on'
		);
		const s = resume( p.run, 'rita' );
		assert.equal( await s.status, 200 );
		await submit( p.token, {
			user: 'rita',
			action: 'approve',
			inputs: SIMPLE,
		} );
		const events = dataEvents( ( await s.done ).text );
		assert.equal( events[ 0 ]?.event, 'workflow_started' );
		assert.equal( events[ 0 ]?.data.reason, 'resumption' );
		assert.equal( events[ 1 ]?.event, 'human_input_form_filled' );
	} );
} );

describe( 'expiry', () => {
	it( 'an expired form is 412 human_input_form_expired; the run takes the timeout branch', async () => {
		const p = await pause( 'Too slow #human:simple #expire:1' );
		const s = resume( p.run, 'rita' );
		assert.equal( await s.status, 200 );
		const events = dataEvents( ( await s.done ).text );
		assert.equal( events[ 0 ]?.event, 'human_input_form_timeout' );
		assert.deepEqual( events[ 0 ]?.data, {
			node_id: p.form.node_id,
			node_title: p.form.node_title,
			expiration_time: p.form.expiration_time,
		} );
		assert.equal( events.at( -1 )?.event, 'workflow_finished' );
		const text = events
			.filter( ( e ) => e.event === 'message' )
			.map( ( e ) => e.answer )
			.join( '' );
		assert.ok( text.includes( 'form expired' ) );
		for ( const method of [ 'GET', 'POST' ] ) {
			const r = await call(
				emu,
				method,
				`form/human_input/${ p.token }`,
				{
					key: KEY.approval,
					...( method === 'POST'
						? {
								json: {
									user: 'rita',
									action: 'approve',
									inputs: SIMPLE,
								},
							}
						: {} ),
				}
			);
			assert.equal( r.status, 412 );
			assert.deepEqual( obj( r ), {
				code: 'human_input_form_expired',
				message: `This form has expired, form_id=${ p.form.form_id }`,
				status: 412,
			} );
		}
	} );
} );
