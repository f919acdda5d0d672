/** Uploads belong to the end user who uploaded them (Dify 1.14+). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningEmulator } from '../server';
import {
	KEY,
	call,
	chatBody,
	obj,
	openStream,
	parseFrames,
	start,
	streamBody,
	uploadAs,
} from './helpers';

let emu: RunningEmulator;
before( async () => {
	emu = await start();
} );
after( () => emu.close() );

const INVALID = {
	code: 'invalid_param',
	message: 'Invalid upload file',
	status: 400,
};

function fileRef( id: string ): Record< string, unknown > {
	return {
		type: 'document',
		transfer_method: 'local_file',
		upload_file_id: id,
	};
}

describe( 'upload ownership', () => {
	it( 'only the uploading user may reference an upload in chat files', async () => {
		const id = await uploadAs( emu, 'alice' );
		const mine = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( 'read it', {
				user: 'alice',
				files: [ fileRef( id ) ],
			} ),
		} );
		assert.equal( mine.status, 200 );
		const theirs = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( 'read it', {
				user: 'bob',
				files: [ fileRef( id ) ],
			} ),
		} );
		assert.equal( theirs.status, 400 );
		assert.deepEqual( obj( theirs ), INVALID );
	} );

	it( 'an upload without user belongs to DEFAULT-USER', async () => {
		const id = await uploadAs( emu, null );
		const alice = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( 'x', { user: 'alice', files: [ fileRef( id ) ] } ),
		} );
		assert.deepEqual( obj( alice ), INVALID );
		const def = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( 'x', {
				user: 'DEFAULT-USER',
				files: [ fileRef( id ) ],
			} ),
		} );
		assert.equal( def.status, 200 );
		const record = emu.requests( { path: '/v1/files/upload' } ).at( -1 );
		assert.equal( record?.user, 'DEFAULT-USER' );
	} );

	it( 'also for file inputs of the input form and of workflows', async () => {
		const id = await uploadAs( emu, 'alice', { key: KEY.form } );
		const form = {
			name: 'Ann',
			topic: 'billing',
			document: fileRef( id ),
		};
		const bob = await call( emu, 'POST', 'chat-messages', {
			key: KEY.form,
			json: chatBody( 'x', { user: 'bob', inputs: form } ),
		} );
		assert.deepEqual( obj( bob ), INVALID );
		const alice = await call( emu, 'POST', 'chat-messages', {
			key: KEY.form,
			json: chatBody( 'x', { user: 'alice', inputs: form } ),
		} );
		assert.equal( alice.status, 200 );
		const wf = await uploadAs( emu, 'alice', { key: KEY.workflow } );
		const run = await call( emu, 'POST', 'workflows/run', {
			key: KEY.workflow,
			json: {
				inputs: { query: 'x' },
				files: [ fileRef( wf ) ],
				user: 'bob',
			},
		} );
		assert.deepEqual( obj( run ), INVALID );
	} );

	it( '1.14.x chatflow variant: the stream stays silent (pings only) instead of the 400', async () => {
		const id = await uploadAs( emu, 'alice', { key: KEY.chatflow } );
		const s = openStream( emu, '/v1/chat-messages', {
			key: KEY.chatflow,
			json: streamBody(
				'silent #variant:upload_mismatch:silent #fault:pings:1 #ping:100',
				{ user: 'bob', files: [ fileRef( id ) ] }
			),
		} );
		assert.equal( await s.status, 200 );
		const { text } = await s.done;
		const frames = parseFrames( text );
		assert.ok( frames.length > 3 );
		assert.ok( frames.every( ( f ) => f.kind === 'ping' ) );
		// Other modes keep the 400 even with the variant.
		const chat = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( 'x #variant:upload_mismatch:silent', {
				user: 'bob',
				files: [ fileRef( await uploadAs( emu, 'alice' ) ) ],
			} ),
		} );
		assert.deepEqual( obj( chat ), INVALID );
	} );

	it( 'the 1.12.1 profile lets any user of the workspace reference it', async () => {
		const id = await uploadAs( emu, 'alice' );
		const r = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( 'x #profile:1.12.1', {
				user: 'bob',
				files: [ fileRef( id ) ],
			} ),
		} );
		assert.equal( r.status, 200 );
	} );
} );
