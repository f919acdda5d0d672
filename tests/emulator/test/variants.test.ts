/** Choosing Dify-version variants: start options, /__emulator/variants, #variant and #profile. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningEmulator } from '../server';
import { parseVariantList } from '../variants';
import {
	KEY,
	call,
	chatBody,
	names,
	obj,
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

async function chatflowTail( e: RunningEmulator, query = 'order' ) {
	return names(
		await streamEvents( e, '/v1/chat-messages', {
			key: KEY.chatflow,
			json: streamBody( query ),
		} )
	).slice( -2 );
}

describe( '/__emulator/variants', () => {
	it( 'shows the 1.16 defaults and every choice', async () => {
		const r = await fetch( `${ emu.origin }/__emulator/variants` );
		assert.equal( r.status, 200 );
		const body = ( await r.json() ) as Record< string, any >;
		assert.equal( body.profile, '1.16' );
		assert.equal( body.variants.chatflow_order, 'message_end_first' );
		assert.equal( body.variants.server_version, '1.16.0' );
		assert.equal( body.variants.concurrency_limit, 0 );
		assert.deepEqual( body.choices.run_detail_unknown, [
			'404',
			'null_200',
		] );
	} );

	it( 'PUT merges a profile and single variants; DELETE restores the start', async () => {
		try {
			const b = await setVariants( emu, {
				profile: '1.12.1',
				variants: { conversation_delete: '404' },
			} );
			assert.equal(
				b.variants.chatflow_order,
				'workflow_finished_first'
			);
			assert.equal( b.variants.conversation_delete, '404' );
			assert.deepEqual( await chatflowTail( emu ), [
				'workflow_finished',
				'message_end',
			] );
			const v = await call( emu, 'GET', '/v1/', { key: null } );
			assert.equal( v.headers[ 'x-version' ], '1.12.1' );
		} finally {
			await setVariants( emu, null );
		}
		assert.deepEqual( await chatflowTail( emu ), [
			'message_end',
			'workflow_finished',
		] );
	} );

	it( 'refuses unknown names and values with 400; answers only loopback clients', async () => {
		for ( const body of [
			{ chatflow_order: 'sideways' },
			{ no_such_thing: 'x' },
			{ concurrency_limit: -1 },
			{ profile: '0.9' },
		] ) {
			const r = await fetch( `${ emu.origin }/__emulator/variants`, {
				method: 'PUT',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify( body ),
			} );
			assert.equal( r.status, 400, JSON.stringify( body ) );
		}
		const remote = await start( {
			resolveRemoteAddress: () => '10.0.0.9',
		} );
		try {
			const r = await fetch( `${ remote.origin }/__emulator/variants` );
			assert.equal( r.status, 403 );
		} finally {
			await remote.close();
		}
	} );
} );

describe( 'per request and at start', () => {
	it( '#variant and #profile change one request only and are removed from the text', async () => {
		assert.deepEqual(
			await chatflowTail(
				emu,
				'mine #variant:chatflow_order:workflow_finished_first'
			),
			[ 'workflow_finished', 'message_end' ]
		);
		assert.deepEqual( await chatflowTail( emu, 'next' ), [
			'message_end',
			'workflow_finished',
		] );
		const echo = obj(
			await call( emu, 'POST', 'chat-messages', {
				json: chatBody(
					'#echo keep this #profile:1.12.1 #variant:nope:x'
				),
			} )
		);
		assert.equal( echo.answer, 'keep this' );
	} );

	it( 'a server can start with a profile and variants (DIFY_EMULATOR_PROFILE / _VARIANTS)', async () => {
		const old = await start( {
			profile: '1.12.1',
			variants: parseVariantList( 'chatflow_order=message_end_first' ),
		} );
		try {
			const r = await call( old, 'GET', '/v1/', { key: null } );
			assert.equal( r.headers[ 'x-version' ], '1.12.1' );
			assert.deepEqual( await chatflowTail( old ), [
				'message_end',
				'workflow_finished',
			] );
			const run = await call( old, 'GET', 'workflows/run/nope', {
				key: KEY.workflow,
			} );
			assert.equal( run.status, 200 );
		} finally {
			await old.close();
		}
		assert.throws( () => parseVariantList( 'chatflow_order' ) );
		assert.throws( () => parseVariantList( 'x=y' ) );
	} );
} );
