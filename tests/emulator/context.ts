/** Shared server state, per-request context and response helpers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppDef } from './apps';
import type { RunRuntime } from './channel';
import { HttpError } from './errors';
import { pyJsonDumps, ujsonDumps } from './json';
import type { Multipart } from './multipart';
import type { Recorder, RequestRecord } from './record';
import type { EndUser, Store } from './store';
import { startVariants, type Variants } from './variants';

export interface EmulatorOptions {
	/** Listen address (default 127.0.0.1). */
	host?: string;
	/** Listen port (0 = any free port; default 0 for startEmulator, 8787 for main.ts). */
	port?: number;
	/** Delay before each SSE event (default env DIFY_EMULATOR_DELAY_MS or 25). */
	delayMs?: number;
	/** Keep-alive ping interval (default env DIFY_EMULATOR_PING_MS or 10000). */
	pingMs?: number;
	/** Origin used in absolute file URLs (default: http://<Host header>). */
	publicUrl?: string;
	/** Request record size (default 5000). */
	maxRecords?: number;
	/** Upload size limits in bytes, per category (defaults 10/100/50/15 MiB). */
	uploadLimits?: Partial< UploadLimits >;
	/** Audio-to-text limit in bytes (default 30 MiB). */
	audioLimit?: number;
	/** Largest accepted request body before the nginx-style 413 (default 100 MiB). */
	maxBodyBytes?: number;
	/**
	 * Test hook: the remote address used for the loopback check of the
	 * /__emulator endpoints (default: the socket's remote address).
	 */
	resolveRemoteAddress?: ( req: IncomingMessage ) => string | undefined;
	/** Variant profile: `1.16` (default) or `1.12.1` (see variants.ts). */
	profile?: string;
	/** Single variants on top of the profile. */
	variants?: Partial< Variants >;
}

export interface UploadLimits {
	image: number;
	video: number;
	audio: number;
	file: number;
}

export interface ResolvedOptions {
	host: string;
	port: number;
	delayMs: number;
	pingMs: number;
	pingExplicit: boolean;
	publicUrl: string | null;
	maxRecords: number;
	uploadLimits: UploadLimits;
	audioLimit: number;
	maxBodyBytes: number;
	resolveRemoteAddress: ( req: IncomingMessage ) => string | undefined;
	/** The variants the server started with (DELETE /__emulator/variants restores them). */
	variants: Variants;
	profile: string;
}

export interface EmulatorState {
	options: ResolvedOptions;
	/** The variants in force (changed by PUT /__emulator/variants). */
	variants: Variants;
	store: Store;
	recorder: Recorder;
	stats: { activeStreams: number; totalStreams: number };
	/**
	 * When each data event of a stream left the emulator (epoch ms, sub-ms precision), by task id,
	 * for the benchmark's per-event forwarding delay. The most recent 500 tasks are kept.
	 */
	emits: Map< string, number[] >;
	closing: boolean;
	/** Wakes every pending sleep when the server closes. */
	wakers: Set< () => void >;
	port: number;
	/** Live chatflow/workflow runs: their channel and replay state. */
	runtimes: Map< string, RunRuntime >;
	/** Wakes a run waiting at a Human Input form (by form id) when it is submitted. */
	formWakers: Map< string, Set< () => void > >;
	/** Generation requests in progress per app (the concurrency cap). */
	activeRequests: Map< string, number >;
}

export interface Ctx {
	state: EmulatorState;
	req: IncomingMessage;
	res: ServerResponse;
	method: string;
	path: string;
	query: URLSearchParams;
	params: Record< string, string >;
	body: Buffer;
	record: RequestRecord;
	app: AppDef | null;
	endUser: EndUser | null;
	user: string | null;
	/** The JSON body once read by the auth step (always an object). */
	json: Record< string, unknown > | null;
	/** The multipart form once read by the auth step. */
	multipart: Multipart | null;
}

const MIB = 1024 * 1024;

function envNumber( name: string ): number | undefined {
	const raw = process.env[ name ];
	if ( raw === undefined || raw.trim() === '' ) {
		return undefined;
	}
	const n = Number( raw );
	return Number.isFinite( n ) && n >= 0 ? n : undefined;
}

export function resolveOptions( options: EmulatorOptions ): ResolvedOptions {
	const envPing = envNumber( 'DIFY_EMULATOR_PING_MS' );
	const pingMs = options.pingMs ?? envPing;
	return {
		host: options.host ?? '127.0.0.1',
		port: options.port ?? 0,
		delayMs: options.delayMs ?? envNumber( 'DIFY_EMULATOR_DELAY_MS' ) ?? 25,
		pingMs: Math.max( 10, pingMs ?? 10000 ),
		pingExplicit: pingMs !== undefined,
		publicUrl: options.publicUrl
			? options.publicUrl.replace( /\/+$/, '' )
			: null,
		maxRecords: options.maxRecords ?? 5000,
		uploadLimits: {
			image: 10 * MIB,
			video: 100 * MIB,
			audio: 50 * MIB,
			file: 15 * MIB,
			...options.uploadLimits,
		},
		audioLimit: options.audioLimit ?? 30 * MIB,
		maxBodyBytes: options.maxBodyBytes ?? 100 * MIB,
		resolveRemoteAddress:
			options.resolveRemoteAddress ??
			( ( req ) => req.socket.remoteAddress ),
		variants: startVariants( options.profile, options.variants ),
		profile: options.profile ?? '1.16',
	};
}

/**
 * Headers Dify (Flask + flask-cors) puts on every response.
 * @param req
 * @param state
 */
export function difyHeaders(
	req: IncomingMessage,
	state: EmulatorState
): Record< string, string > {
	const headers: Record< string, string > = {
		'X-Version': state.variants.server_version,
		'X-Env': 'PRODUCTION',
	};
	const origin = req.headers.origin;
	if ( typeof origin === 'string' && origin ) {
		headers[ 'Access-Control-Allow-Origin' ] = origin;
		headers[ 'Access-Control-Expose-Headers' ] =
			'X-Env, X-Trace-Id, X-Version';
		headers.Vary = 'Origin';
	}
	return headers;
}

function finish(
	ctx: Ctx,
	status: number,
	headers: Record< string, string >,
	body: Buffer | string
): void {
	ctx.record.status = status;
	if ( ctx.res.headersSent || ctx.res.destroyed ) {
		return;
	}
	const buf = typeof body === 'string' ? Buffer.from( body, 'utf8' ) : body;
	ctx.res.writeHead( status, {
		...headers,
		'Content-Length': String( buf.length ),
	} );
	ctx.res.end( buf );
}

/**
 * Ordinary endpoint JSON (flask-restx + ujson), trailing newline.
 * @param ctx
 * @param status
 * @param body
 */
export function sendJson( ctx: Ctx, status: number, body: unknown ): void {
	finish(
		ctx,
		status,
		{
			...difyHeaders( ctx.req, ctx.state ),
			'Content-Type': 'application/json',
		},
		ujsonDumps( body ) + '\n'
	);
}

/**
 * Blocking generation result (`json.dumps`, no trailing newline).
 * @param ctx
 * @param body
 */
export function sendPyJson( ctx: Ctx, body: unknown ): void {
	finish(
		ctx,
		200,
		{
			...difyHeaders( ctx.req, ctx.state ),
			'Content-Type': 'application/json; charset=utf-8',
		},
		pyJsonDumps( body )
	);
}

export function sendEmpty( ctx: Ctx, status: number ): void {
	ctx.record.status = status;
	if ( ctx.res.headersSent ) {
		return;
	}
	ctx.res.writeHead( status, difyHeaders( ctx.req, ctx.state ) );
	ctx.res.end();
}

export function sendBytes(
	ctx: Ctx,
	status: number,
	contentType: string,
	body: Buffer,
	extra: Record< string, string > = {}
): void {
	finish(
		ctx,
		status,
		{
			...difyHeaders( ctx.req, ctx.state ),
			'Content-Type': contentType,
			...extra,
		},
		body
	);
}

export function sendError( ctx: Ctx, err: HttpError ): void {
	const base = err.extra.proxy
		? { Server: 'nginx' }
		: difyHeaders( ctx.req, ctx.state );
	if ( err.extra.html !== undefined ) {
		finish(
			ctx,
			err.status,
			{
				...base,
				'Content-Type': 'text/html; charset=utf-8',
				...err.extra.headers,
			},
			err.extra.html
		);
		return;
	}
	finish(
		ctx,
		err.status,
		{ ...base, 'Content-Type': 'application/json', ...err.extra.headers },
		ujsonDumps( err.body() ) + '\n'
	);
}

/**
 * A sleep that ends early when the server closes or `extra` wakes it.
 * @param state
 * @param ms
 * @param extra
 */
export function sleep(
	state: EmulatorState,
	ms: number,
	extra?: Set< () => void >
): Promise< void > {
	if ( state.closing ) {
		return Promise.resolve();
	}
	if ( ms <= 0 ) {
		return new Promise( ( resolve ) => setImmediate( resolve ) );
	}
	return new Promise( ( resolve ) => {
		const done = (): void => {
			clearTimeout( timer );
			state.wakers.delete( done );
			extra?.delete( done );
			resolve();
		};
		const timer = setTimeout( done, ms );
		state.wakers.add( done );
		extra?.add( done );
	} );
}

/**
 * Origin for absolute file links (`#files`, upload source_url).
 * @param ctx
 */
export function publicOrigin( ctx: Ctx ): string {
	if ( ctx.state.options.publicUrl ) {
		return ctx.state.options.publicUrl;
	}
	const host = ctx.req.headers.host;
	return host ? `http://${ host }` : `http://127.0.0.1:${ ctx.state.port }`;
}
