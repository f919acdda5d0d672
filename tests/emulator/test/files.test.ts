/** Uploads (§10), files in messages (§9.1), audio (§11). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningEmulator } from '../server';
import {
	KEY,
	UNKNOWN_UUID,
	UUID_RE,
	call,
	chatBody,
	dataEvents,
	multipart,
	obj,
	openStream,
	setVariants,
	start,
	streamBody,
} from './helpers';

let emu: RunningEmulator;
before( async () => {
	emu = await start( {
		uploadLimits: { image: 1024, file: 2048 },
		audioLimit: 4096,
	} );
} );
after( () => emu.close() );

async function upload(
	parts: Parameters< typeof multipart >[ 0 ],
	key: string = KEY.chat
): Promise< { status: number; body: Record< string, any >; text: string } > {
	const mp = multipart( parts );
	const r = await call( emu, 'POST', 'files/upload', {
		key,
		body: mp.body,
		contentType: mp.contentType,
	} );
	return {
		status: r.status,
		body: r.json as Record< string, any >,
		text: r.text,
	};
}

const PNG = Buffer.from( '89504e470d0a1a0a0000000d49484452', 'hex' );

describe( 'POST /files/upload', () => {
	it( '201 with the full response shape', async () => {
		const r = await upload( [
			{ name: 'user', data: 'uploader' },
			{
				name: 'file',
				filename: 'photo.png',
				contentType: 'image/png',
				data: PNG,
			},
		] );
		assert.equal( r.status, 201 );
		assert.deepEqual( Object.keys( r.body ), [
			'id',
			'name',
			'size',
			'extension',
			'mime_type',
			'created_by',
			'created_at',
			'preview_url',
			'source_url',
			'original_url',
			'user_id',
			'tenant_id',
			'conversation_id',
			'file_key',
			'reference',
		] );
		assert.equal( r.body.reference, null );
		assert.match( r.body.id, UUID_RE );
		assert.equal( r.body.name, 'photo.png' );
		assert.equal( r.body.size, PNG.length );
		assert.equal( r.body.extension, 'png' );
		assert.equal( r.body.mime_type, 'image/png' );
		assert.match( r.body.created_by, UUID_RE );
		assert.notEqual(
			r.body.created_by,
			'uploader',
			'created_by is the EndUser id'
		);
		assert.ok( r.text.includes( '"source_url":"http:\\/\\/127.0.0.1:' ) );
		const src = await fetch( r.body.source_url );
		assert.equal( src.status, 200 );
		assert.deepEqual( Buffer.from( await src.arrayBuffer() ), PNG );
		assert.equal(
			emu.requests( { path: '/v1/files/upload' } ).at( -1 )?.user,
			'uploader'
		);
	} );

	it( 'no file part → 400 no_file_uploaded; a file under another field too → too_many_files', async () => {
		const none = await upload( [ { name: 'user', data: 'u' } ] );
		assert.deepEqual( none.body, {
			code: 'no_file_uploaded',
			message: 'Please upload your file.',
			status: 400,
		} );
		const textField = await upload( [
			{ name: 'file', data: 'not a file part' },
		] );
		assert.equal( textField.body.code, 'no_file_uploaded' );
		const two = await upload( [
			{
				name: 'file',
				filename: 'a.txt',
				contentType: 'text/plain',
				data: 'a',
			},
			{
				name: 'other',
				filename: 'b.txt',
				contentType: 'text/plain',
				data: 'b',
			},
		] );
		assert.deepEqual( two.body, {
			code: 'too_many_files',
			message: 'Only one file is allowed.',
			status: 400,
		} );
		const sameName = await upload( [
			{
				name: 'file',
				filename: 'a.txt',
				contentType: 'text/plain',
				data: 'a',
			},
			{
				name: 'file',
				filename: 'b.txt',
				contentType: 'text/plain',
				data: 'b',
			},
		] );
		assert.equal( sameName.status, 201 );
		assert.equal( sameName.body.name, 'a.txt' );
	} );

	it( 'part without Content-Type → 415 unsupported_file_type', async () => {
		const r = await upload( [
			{ name: 'file', filename: 'a.txt', data: 'a' },
		] );
		assert.equal( r.status, 415 );
		assert.deepEqual( r.body, {
			code: 'unsupported_file_type',
			message: 'File type not allowed.',
			status: 415,
		} );
	} );

	it( 'empty filename → 400; path separators → invalid_param (1.12.1 variant: also : * ? " < > |)', async () => {
		const empty = await upload( [
			{
				name: 'file',
				filename: '',
				contentType: 'text/plain',
				data: 'a',
			},
		] );
		assert.deepEqual( empty.body, {
			code: 'filename_not_exists_error',
			message: 'The specified filename does not exist.',
			status: 400,
		} );
		const part = ( filename: string ) => [
			{
				name: 'file',
				filename,
				contentType: 'text/plain',
				data: 'a',
			},
		];
		const bad = await upload( part( 'a/b.txt' ) );
		assert.deepEqual( bad.body, {
			code: 'invalid_param',
			message: 'Filename contains invalid characters',
			status: 400,
		} );
		assert.equal( ( await upload( part( 'a:b.txt' ) ) ).status, 201 );
		try {
			await setVariants( emu, { upload_filename: 'strict' } );
			assert.equal(
				( await upload( part( 'a:b.txt' ) ) ).body.code,
				'invalid_param'
			);
		} finally {
			await setVariants( emu, null );
		}
	} );

	it( 'over the per-category limit → 413 file_too_large (empty message; 1.12.1: a literal placeholder)', async () => {
		const big = await upload( [
			{
				name: 'file',
				filename: 'big.png',
				contentType: 'image/png',
				data: Buffer.alloc( 1025 ),
			},
		] );
		assert.equal( big.status, 413 );
		assert.deepEqual( big.body, {
			code: 'file_too_large',
			message: '',
			status: 413,
		} );
		try {
			await setVariants( emu, { profile: '1.12.1' } );
			const old = await upload( [
				{
					name: 'file',
					filename: 'big.png',
					contentType: 'image/png',
					data: Buffer.alloc( 1025 ),
				},
			] );
			assert.equal( old.body.message, 'File size exceeded. {message}' );
		} finally {
			await setVariants( emu, null );
		}
		// a document has its own (larger) limit
		const doc = await upload( [
			{
				name: 'file',
				filename: 'doc.txt',
				contentType: 'text/plain',
				data: Buffer.alloc( 1025 ),
			},
		] );
		assert.equal( doc.status, 201 );
	} );

	it( 'the default image limit is 10 MiB', async () => {
		const def = await start();
		try {
			const mp = multipart( [
				{
					name: 'file',
					filename: 'huge.png',
					contentType: 'image/png',
					data: Buffer.alloc( 10 * 1024 * 1024 + 1 ),
				},
			] );
			const r = await call( def, 'POST', 'files/upload', {
				body: mp.body,
				contentType: mp.contentType,
			} );
			assert.equal( r.status, 413 );
			assert.equal( obj( r ).code, 'file_too_large' );
		} finally {
			await def.close();
		}
	} );
} );

describe( 'files in chat messages (§9.1)', () => {
	it( 'accepts a file uploaded by the same user; history lists it; message_file deltas only as the 1.12 variant', async () => {
		const up = await upload( [
			{
				name: 'file',
				filename: 'pic.png',
				contentType: 'image/png',
				data: PNG,
			},
			{ name: 'user', data: 'alice' },
		] );
		const files = [
			{
				type: 'image',
				transfer_method: 'local_file',
				upload_file_id: up.body.id,
			},
		];
		const events = dataEvents(
			(
				await openStream( emu, '/v1/chat-messages', {
					json: streamBody( '#echo look at this', { files } ),
				} ).done
			).text
		);
		const deltas = events.filter(
			( e ) => 'answer' in e && e.event !== 'message_end'
		);
		assert.ok( deltas.length > 0 );
		assert.ok( deltas.every( ( e ) => e.event === 'message' ) );
		const quirk = dataEvents(
			(
				await openStream( emu, '/v1/chat-messages', {
					json: streamBody(
						'#echo look again #variant:message_file_deltas:on',
						{ files }
					),
				} ).done
			).text
		).filter( ( e ) => 'answer' in e && e.event !== 'message_end' );
		assert.ok( quirk.length > 0 );
		assert.ok( quirk.every( ( e ) => e.event === 'message_file' ) );
		assert.ok( quirk.every( ( e ) => ! ( 'url' in e ) ) );
		const conv = events[ 0 ]?.conversation_id;
		const h = obj(
			await call(
				emu,
				'GET',
				`messages?user=alice&conversation_id=${ conv }`
			)
		);
		const mf = h.data[ 0 ].message_files[ 0 ];
		assert.deepEqual( Object.keys( mf ), [
			'id',
			'filename',
			'type',
			'url',
			'mime_type',
			'size',
			'transfer_method',
			'belongs_to',
			'upload_file_id',
		] );
		assert.equal( mf.belongs_to, 'user' );
		assert.equal( mf.upload_file_id, up.body.id );
		// preview works now that the file is attached to a message of this app
		const pv = await call(
			emu,
			'GET',
			`files/${ up.body.id }/preview?user=alice`
		);
		assert.equal( pv.status, 200 );
		assert.equal( pv.headers[ 'content-type' ], 'image/png' );
		const foreign = await call(
			emu,
			'GET',
			`files/${ up.body.id }/preview`,
			{ key: KEY.plain }
		);
		assert.deepEqual( obj( foreign ), {
			code: 'file_access_denied',
			message: 'Access to the requested file is denied.',
			status: 403,
		} );
	} );

	it( 'preview of a file not yet used in a message → 404 file_not_found', async () => {
		const up = await upload( [
			{
				name: 'file',
				filename: 'x.txt',
				contentType: 'text/plain',
				data: 'x',
			},
		] );
		const r = await call( emu, 'GET', `files/${ up.body.id }/preview` );
		assert.deepEqual( obj( r ), {
			code: 'file_not_found',
			message: 'The requested file was not found.',
			status: 404,
		} );
	} );

	it( 'rejects bad file mappings with invalid_param; ignores files when the feature is off', async () => {
		const bad: Array< [ unknown, string ] > = [
			[
				{ type: 'image', transfer_method: 'local_file' },
				'Invalid upload file id',
			],
			[
				{
					type: 'image',
					transfer_method: 'local_file',
					upload_file_id: 'nope',
				},
				'Invalid upload file id format',
			],
			[
				{
					type: 'image',
					transfer_method: 'local_file',
					upload_file_id: UNKNOWN_UUID,
				},
				'Invalid upload file',
			],
			[
				{ type: 'image', transfer_method: 'ftp', url: 'x' },
				"No matching enum found for value 'ftp'",
			],
			[
				{
					type: 'picture',
					transfer_method: 'remote_url',
					url: 'https://e.x/a.png',
				},
				"'picture' is not a valid FileType",
			],
			[
				{
					type: 'image',
					transfer_method: 'remote_url',
					url: 'ftp://e.x/a.png',
				},
				'Invalid file url',
			],
			[
				{
					type: 'video',
					transfer_method: 'remote_url',
					url: 'https://e.x/a.mp4',
				},
				'File validation failed for file: a.mp4',
			],
		];
		for ( const [ file, message ] of bad ) {
			const r = await call( emu, 'POST', 'chat-messages', {
				json: chatBody( 'x', { files: [ file ] } ),
			} );
			assert.deepEqual(
				obj( r ),
				{ code: 'invalid_param', message, status: 400 },
				message
			);
		}
		const four = Array.from( { length: 4 }, ( _, i ) => ( {
			type: 'image',
			transfer_method: 'remote_url',
			url: `https://e.x/${ i }.png`,
		} ) );
		const tooMany = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( 'x', { files: four } ),
		} );
		assert.equal(
			obj( tooMany ).message,
			'Number of files exceeds the maximum limit 3'
		);
		const dropped = await call( emu, 'POST', 'chat-messages', {
			json: chatBody( 'x', {
				files: [ { type: 'image', url: 'https://e.x/a.png' } ],
			} ),
		} );
		assert.equal(
			dropped.status,
			200,
			'entries without transfer_method are dropped'
		);
		const off = await call( emu, 'POST', 'chat-messages', {
			key: KEY.plain,
			json: chatBody( 'x', {
				files: [
					{ transfer_method: 'local_file', upload_file_id: 'junk' },
				],
			} ),
		} );
		assert.equal( off.status, 200, 'ignored when file upload is off' );
	} );
} );

describe( 'audio', () => {
	it( 'audio-to-text accepts audio/mp3 and rejects audio/webm with 415', async () => {
		const ok = multipart( [
			{
				name: 'file',
				filename: 'a.mp3',
				contentType: 'audio/mp3',
				data: Buffer.alloc( 100 ),
			},
		] );
		const r = await call( emu, 'POST', 'audio-to-text', {
			body: ok.body,
			contentType: ok.contentType,
		} );
		assert.equal( r.status, 200 );
		assert.deepEqual( Object.keys( obj( r ) ), [ 'text' ] );
		const r2 = await call( emu, 'POST', 'audio-to-text', {
			body: ok.body,
			contentType: ok.contentType,
		} );
		assert.equal( obj( r2 ).text, obj( r ).text, 'deterministic' );
		for ( const type of [ 'audio/webm', 'audio/mpeg', 'audio/x-wav' ] ) {
			const bad = multipart( [
				{
					name: 'file',
					filename: 'a.webm',
					contentType: type,
					data: Buffer.alloc( 10 ),
				},
			] );
			const b = await call( emu, 'POST', 'audio-to-text', {
				body: bad.body,
				contentType: bad.contentType,
			} );
			assert.equal( b.status, 415, type );
			assert.deepEqual( obj( b ), {
				code: 'unsupported_audio_type',
				message: 'Audio type not allowed.',
				status: 415,
			} );
		}
	} );

	it( 'audio-to-text: too large, no file, feature off', async () => {
		const big = multipart( [
			{
				name: 'file',
				filename: 'a.wav',
				contentType: 'audio/wav',
				data: Buffer.alloc( 4097 ),
			},
		] );
		const b = await call( emu, 'POST', 'audio-to-text', {
			body: big.body,
			contentType: big.contentType,
		} );
		assert.deepEqual( obj( b ), {
			code: 'audio_too_large',
			message: 'Audio size larger than 30 mb',
			status: 413,
		} );
		const none = multipart( [ { name: 'user', data: 'u' } ] );
		const n = await call( emu, 'POST', 'audio-to-text', {
			body: none.body,
			contentType: none.contentType,
		} );
		assert.equal( obj( n ).code, 'bad_request_key_error' );
		const ok = multipart( [
			{
				name: 'file',
				filename: 'a.mp3',
				contentType: 'audio/mp3',
				data: Buffer.alloc( 10 ),
			},
		] );
		const off = await call( emu, 'POST', 'audio-to-text', {
			key: KEY.plain,
			body: ok.body,
			contentType: ok.contentType,
		} );
		assert.deepEqual( obj( off ), {
			code: 'speech_to_text_disabled',
			message: 'Speech to text is disabled.',
			status: 400,
		} );
		try {
			await setVariants( emu, {
				speech_to_text_error: 'invalid_param',
			} );
			const old = await call( emu, 'POST', 'audio-to-text', {
				key: KEY.plain,
				body: ok.body,
				contentType: ok.contentType,
			} );
			assert.deepEqual( obj( old ), {
				code: 'invalid_param',
				message: 'Speech to text is not enabled',
				status: 400,
			} );
		} finally {
			await setVariants( emu, null );
		}
	} );

	it( 'text-to-audio returns audio/mpeg, null for unknown messages, and needs JSON', async () => {
		const r = await call( emu, 'POST', 'text-to-audio', {
			json: { text: 'Hello there', user: 'alice' },
		} );
		assert.equal( r.status, 200 );
		assert.equal( r.headers[ 'content-type' ], 'audio/mpeg' );
		assert.equal( r.headers[ 'transfer-encoding' ], 'chunked' );
		assert.deepEqual(
			[ ...r.raw.subarray( 0, 2 ) ],
			[ 0xff, 0xfb ],
			'MPEG frame sync'
		);
		for ( const id of [ UNKNOWN_UUID, 'not-a-uuid' ] ) {
			const n = await call( emu, 'POST', 'text-to-audio', {
				json: { message_id: id },
			} );
			assert.equal( n.status, 200 );
			assert.equal( n.text, 'null\n' );
		}
		const a = obj(
			await call( emu, 'POST', 'chat-messages', {
				json: chatBody( 'speak' ),
			} )
		);
		const byMessage = await call( emu, 'POST', 'text-to-audio', {
			key: KEY.plain,
			json: { message_id: a.message_id, voice: 'alloy' },
		} );
		assert.equal(
			byMessage.headers[ 'content-type' ],
			'audio/mpeg',
			'message lookup is not scoped to the app'
		);
		const form = await call( emu, 'POST', 'text-to-audio', {
			body: 'text=hi',
			contentType: 'application/x-www-form-urlencoded',
		} );
		assert.equal( form.status, 415 );
		const noText = await call( emu, 'POST', 'text-to-audio', { json: {} } );
		assert.deepEqual( obj( noText ), {
			code: 'invalid_param',
			message: 'Text is required',
			status: 400,
		} );
		const off = await call( emu, 'POST', 'text-to-audio', {
			key: KEY.plain,
			json: { text: 'hi' },
		} );
		assert.deepEqual( obj( off ), {
			code: 'invalid_param',
			message: 'TTS is not enabled',
			status: 400,
		} );
	} );
} );
