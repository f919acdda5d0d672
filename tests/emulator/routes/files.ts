/**
 * Files and audio (§10, §11): upload, preview, audio-to-text, text-to-audio,
 * and the unauthenticated signed-link routes /files/tools/... and
 * /files/<id>/file-preview that file URLs point at.
 */
import { randomUUID } from 'node:crypto';
import { TENANT_ID, type AppDef } from '../apps';
import {
	difyHeaders,
	publicOrigin,
	sendBytes,
	sendJson,
	type Ctx,
} from '../context';
import { HttpError, invalidParam, MSG } from '../errors';
import { mp3ForText } from '../media';
import { uploadPreviewUrl } from '../modes';
import type { Multipart } from '../multipart';
import { nowSeconds, type EndUser } from '../store';
import {
	extensionOf,
	normalizeUuid,
	sizeCategory,
	validateModel,
} from '../validate';

function need( ctx: Ctx ): { app: AppDef; endUser: EndUser } {
	if ( ! ctx.app || ! ctx.endUser ) {
		throw new Error( 'route requires app and user' );
	}
	return { app: ctx.app, endUser: ctx.endUser };
}

function multipartOf( ctx: Ctx ): Multipart {
	return ctx.multipart ?? { fields: {}, files: [] };
}

export function upload( ctx: Ctx ): void {
	const { endUser } = need( ctx );
	const mp = multipartOf( ctx );
	if ( ! mp.files.some( ( f ) => f.name === 'file' ) ) {
		throw new HttpError(
			400,
			'no_file_uploaded',
			'Please upload your file.'
		);
	}
	if ( new Set( mp.files.map( ( f ) => f.name ) ).size > 1 ) {
		throw new HttpError(
			400,
			'too_many_files',
			'Only one file is allowed.'
		);
	}
	const part = mp.files.find( ( f ) => f.name === 'file' );
	if ( ! part ) {
		throw new HttpError(
			400,
			'no_file_uploaded',
			'Please upload your file.'
		);
	}
	if ( ! part.contentType ) {
		throw new HttpError(
			415,
			'unsupported_file_type',
			'File type not allowed.'
		);
	}
	let filename = part.filename ?? '';
	if ( ! filename ) {
		throw new HttpError(
			400,
			'filename_not_exists_error',
			'The specified filename does not exist.'
		);
	}
	// 1.16 refuses only path separators; 1.12.1 also the Windows-reserved characters.
	const forbidden =
		ctx.state.variants.upload_filename === 'strict'
			? /[/\\:*?"<>|]/
			: /[/\\]/;
	if ( forbidden.test( filename ) ) {
		throw invalidParam( 'Filename contains invalid characters' );
	}
	const extension = extensionOf( filename );
	if ( filename.length > 200 ) {
		filename =
			filename.slice( 0, 200 - extension.length - 1 ) + '.' + extension;
	}
	const limit = ctx.state.options.uploadLimits[ sizeCategory( extension ) ];
	if ( part.data.length > limit ) {
		throw new HttpError(
			413,
			'file_too_large',
			ctx.state.variants.file_too_large_message === 'empty'
				? ''
				: 'File size exceeded. {message}'
		);
	}
	const id = randomUUID();
	const createdAt = nowSeconds();
	ctx.state.store.uploads.set( id, {
		id,
		name: filename,
		size: part.data.length,
		extension,
		mimeType: part.contentType,
		createdBy: endUser.id,
		createdAt,
		data: part.data,
	} );
	sendJson( ctx, 201, {
		id,
		name: filename,
		size: part.data.length,
		extension,
		mime_type: part.contentType,
		created_by: endUser.id,
		created_at: createdAt,
		preview_url: null,
		source_url: uploadPreviewUrl( publicOrigin( ctx ), id ),
		original_url: null,
		user_id: null,
		tenant_id: TENANT_ID,
		conversation_id: null,
		file_key: null,
		reference: null,
	} );
}

function serveUpload( ctx: Ctx, id: string, asAttachment: boolean ): void {
	const file = ctx.state.store.uploads.get( id );
	if ( ! file ) {
		throw new HttpError( 404, 'file_not_found', 'File not found' );
	}
	const htmlLike =
		/^(text\/html|application\/xhtml\+xml|image\/svg\+xml)$/i.test(
			file.mimeType
		);
	const headers: Record< string, string > = {
		'Cache-Control': 'public, max-age=3600',
	};
	if ( /^(audio|video)\//.test( file.mimeType ) ) {
		headers[ 'Accept-Ranges' ] = 'bytes';
	}
	if ( asAttachment || htmlLike ) {
		headers[ 'Content-Disposition' ] =
			`attachment; filename*=UTF-8''${ encodeURIComponent( file.name ) }`;
		sendBytes( ctx, 200, 'application/octet-stream', file.data, headers );
		return;
	}
	sendBytes( ctx, 200, file.mimeType, file.data, headers );
}

export function preview( ctx: Ctx ): void {
	const { app } = need( ctx );
	const id = ( ctx.params.file_id ?? '' ).toLowerCase();
	const store = ctx.state.store;
	const legacy = ctx.state.variants.preview_messages === 'legacy';
	if ( ! store.uploads.has( id ) ) {
		throw new HttpError(
			404,
			'file_not_found',
			legacy ? 'File not found' : 'The requested file was not found.'
		);
	}
	let inThisApp = false;
	let inOtherApp = false;
	for ( const m of store.messages.values() ) {
		if ( m.messageFiles.some( ( f ) => f.uploadFileId === id ) ) {
			if ( m.appId === app.id ) {
				inThisApp = true;
			} else {
				inOtherApp = true;
			}
		}
	}
	if ( ! inThisApp ) {
		if ( inOtherApp ) {
			throw new HttpError(
				403,
				'file_access_denied',
				legacy
					? 'File access denied: not owned by requesting app'
					: 'Access to the requested file is denied.'
			);
		}
		throw new HttpError(
			404,
			'file_not_found',
			legacy
				? 'File not found in message context'
				: 'The requested file was not found.'
		);
	}
	const asAttachment = [ 'true', '1', 'yes' ].includes(
		( ctx.query.get( 'as_attachment' ) ?? '' ).toLowerCase()
	);
	serveUpload( ctx, id, asAttachment );
}

/**
 * Public signed link of an upload (`source_url`).
 * @param ctx
 */
export function publicUploadPreview( ctx: Ctx ): void {
	serveUpload( ctx, ( ctx.params.file_id ?? '' ).toLowerCase(), false );
}

/**
 * Public signed link of a tool file (`/files/tools/<id>.<ext>`).
 * @param ctx
 */
export function toolFile( ctx: Ctx ): void {
	const name = ctx.params.file ?? '';
	const dot = name.lastIndexOf( '.' );
	const id = normalizeUuid( dot > 0 ? name.slice( 0, dot ) : name );
	const file = id ? ctx.state.store.toolFiles.get( id ) : undefined;
	if ( ! file ) {
		throw new HttpError( 404, 'not_found', 'File not found' );
	}
	sendBytes( ctx, 200, file.mimeType, file.data, {
		'Cache-Control': 'public, max-age=3600',
	} );
}

const AUDIO_TYPES = [ 'mp3', 'm4a', 'wav', 'amr', 'mpga' ].flatMap( ( e ) => [
	`audio/${ e }`,
	`audio/${ e.toUpperCase() }`,
] );

export function audioToText( ctx: Ctx ): void {
	const { app } = need( ctx );
	const mp = multipartOf( ctx );
	const part = mp.files.find( ( f ) => f.name === 'file' );
	if ( ! part ) {
		throw new HttpError( 400, 'bad_request_key_error', MSG.badRequest );
	}
	if ( ! app.speechToText ) {
		if ( ctx.state.variants.speech_to_text_error === 'invalid_param' ) {
			throw invalidParam( 'Speech to text is not enabled' );
		}
		throw new HttpError(
			400,
			'speech_to_text_disabled',
			'Speech to text is disabled.'
		);
	}
	if ( ! AUDIO_TYPES.includes( part.contentType ) ) {
		throw new HttpError(
			415,
			'unsupported_audio_type',
			'Audio type not allowed.'
		);
	}
	if ( part.data.length > ctx.state.options.audioLimit ) {
		throw new HttpError(
			413,
			'audio_too_large',
			'Audio size larger than 30 mb'
		);
	}
	sendJson( ctx, 200, {
		text: `Hello from the Dify emulator. This is the transcript of ${ part.filename || 'audio' } (${ part.data.length } bytes).`,
	} );
}

export function textToAudio( ctx: Ctx ): void {
	const { app } = need( ctx );
	const p = validateModel( 'TextToAudioPayload', ctx.json ?? {}, [
		[ 'message_id', { kind: 'str', required: false, nullable: true } ],
		[ 'voice', { kind: 'str', required: false, nullable: true } ],
		[ 'text', { kind: 'str', required: false, nullable: true } ],
		[ 'streaming', { kind: 'bool', required: false, nullable: true } ],
	] );
	const voice = typeof p.voice === 'string' ? p.voice : null;
	const ttsCheck = (): void => {
		if ( voice === null && ! app.tts.enabled ) {
			throw invalidParam( 'TTS is not enabled' );
		}
	};
	let text: string;
	if ( typeof p.message_id === 'string' && p.message_id ) {
		const id = normalizeUuid( p.message_id );
		// Not scoped to app or user (§11.2).
		const message = id ? ctx.state.store.messages.get( id ) : undefined;
		if (
			! message ||
			( message.answer === '' && message.status === 'normal' )
		) {
			sendJson( ctx, 200, null );
			return;
		}
		ttsCheck();
		text = message.answer;
	} else {
		if ( typeof p.text !== 'string' ) {
			throw invalidParam( 'Text is required' );
		}
		ttsCheck();
		text = p.text;
	}
	const audio = mp3ForText( text );
	ctx.record.status = 200;
	ctx.res.writeHead( 200, {
		...difyHeaders( ctx.req, ctx.state ),
		'Content-Type': 'audio/mpeg',
	} );
	// Chunked, like Dify's streamed provider output.
	const half = Math.floor( audio.length / 2 );
	ctx.res.write( audio.subarray( 0, half ) );
	ctx.res.end( audio.subarray( half ) );
}
