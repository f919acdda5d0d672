/**
 * The Dify service-API emulator: routing, authentication and user resolution
 * (dify-api.md §2), the request record and `startEmulator()`.
 */
import {
	createServer,
	type IncomingMessage,
	type Server,
	type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHATFLOW_ICON_UPLOAD_ID, appByKey, type AppDef } from './apps';
import {
	difyHeaders,
	resolveOptions,
	sendError,
	type Ctx,
	type EmulatorOptions,
	type EmulatorState,
} from './context';
import {
	HttpError,
	MSG,
	badRequest,
	forbidden,
	htmlNotFound,
	invalidParam,
	methodNotAllowed,
	nginxError,
	unauthorized,
	unknownError,
	unsupportedMediaType,
} from './errors';
import { isPlainObject, pyStr } from './json';
import { controlApi, sendRaw } from './control';
import { parseMultipart } from './multipart';
import {
	Recorder,
	type RecordFilter,
	type RequestRecord,
	type StopRecord,
} from './record';
import * as conversations from './routes/conversations';
import * as endUsers from './routes/end-users';
import * as files from './routes/files';
import * as forms from './routes/forms';
import * as generate from './routes/generate';
import * as meta from './routes/meta';
import * as resume from './routes/resume';
import { makePng } from './media';
import { Store, nowSeconds } from './store';
import { ROUTE_UUID_RE } from './validate';

export type { EmulatorOptions } from './context';
export { APPS } from './apps';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface UserArg {
	from: 'json' | 'query' | 'form';
	required: boolean;
}

interface RouteDef {
	method: Method;
	path: string;
	/** false: no API key (index, public file links). */
	auth: boolean;
	/** How the auth decorator resolves `user` (§1.0); absent: no user. */
	user?: UserArg;
	handler: ( ctx: Ctx ) => void | Promise< void >;
}

const JSON_REQUIRED: UserArg = { from: 'json', required: true };
const JSON_OPTIONAL: UserArg = { from: 'json', required: false };
const QUERY_REQUIRED: UserArg = { from: 'query', required: true };
const QUERY_OPTIONAL: UserArg = { from: 'query', required: false };
const FORM_OPTIONAL: UserArg = { from: 'form', required: false };

const ROUTES: RouteDef[] = [
	{ method: 'GET', path: '/v1/', auth: false, handler: meta.index },
	{ method: 'GET', path: '/v1/info', auth: true, handler: meta.info },
	{ method: 'GET', path: '/v1/meta', auth: true, handler: meta.meta },
	{ method: 'GET', path: '/v1/site', auth: true, handler: meta.site },
	{
		method: 'GET',
		path: '/v1/parameters',
		auth: true,
		handler: meta.parameters,
	},
	{
		method: 'POST',
		path: '/v1/chat-messages',
		auth: true,
		user: JSON_REQUIRED,
		handler: generate.chatMessages,
	},
	{
		method: 'POST',
		path: '/v1/chat-messages/:task_id/stop',
		auth: true,
		user: JSON_REQUIRED,
		handler: generate.chatStop,
	},
	{
		method: 'POST',
		path: '/v1/completion-messages',
		auth: true,
		user: JSON_REQUIRED,
		handler: generate.completionMessages,
	},
	{
		method: 'POST',
		path: '/v1/completion-messages/:task_id/stop',
		auth: true,
		user: JSON_REQUIRED,
		handler: generate.completionStop,
	},
	{
		method: 'POST',
		path: '/v1/workflows/run',
		auth: true,
		user: JSON_REQUIRED,
		handler: generate.workflowRun,
	},
	{
		method: 'POST',
		path: '/v1/workflows/:workflow_id/run',
		auth: true,
		user: JSON_REQUIRED,
		handler: generate.workflowRunById,
	},
	{
		method: 'POST',
		path: '/v1/workflows/tasks/:task_id/stop',
		auth: true,
		user: JSON_REQUIRED,
		handler: generate.workflowStop,
	},
	{
		method: 'GET',
		path: '/v1/workflows/run/:workflow_run_id',
		auth: true,
		handler: generate.workflowRunDetail,
	},
	{
		method: 'GET',
		path: '/v1/workflows/logs',
		auth: true,
		handler: generate.workflowLogs,
	},
	{
		method: 'GET',
		path: '/v1/workflow/:workflow_run_id/events',
		auth: true,
		user: QUERY_REQUIRED,
		handler: resume.workflowEvents,
	},
	{
		method: 'GET',
		path: '/v1/form/human_input/:form_token',
		auth: true,
		handler: forms.formGet,
	},
	{
		method: 'POST',
		path: '/v1/form/human_input/:form_token',
		auth: true,
		user: JSON_REQUIRED,
		handler: forms.formPost,
	},
	{
		method: 'GET',
		path: '/v1/end-users/:end_user_id',
		auth: true,
		handler: endUsers.endUserGet,
	},
	{
		method: 'GET',
		path: '/v1/messages',
		auth: true,
		user: QUERY_OPTIONAL,
		handler: conversations.messagesList,
	},
	{
		method: 'POST',
		path: '/v1/messages/:message_id<uuid>/feedbacks',
		auth: true,
		user: JSON_REQUIRED,
		handler: conversations.feedback,
	},
	{
		method: 'GET',
		path: '/v1/messages/:message_id<uuid>/suggested',
		auth: true,
		user: QUERY_REQUIRED,
		handler: conversations.suggested,
	},
	{
		method: 'GET',
		path: '/v1/app/feedbacks',
		auth: true,
		handler: conversations.appFeedbacks,
	},
	{
		method: 'GET',
		path: '/v1/conversations',
		auth: true,
		user: QUERY_OPTIONAL,
		handler: conversations.conversationsList,
	},
	{
		method: 'DELETE',
		path: '/v1/conversations/:conversation_id<uuid>',
		auth: true,
		user: JSON_OPTIONAL,
		handler: conversations.conversationDelete,
	},
	{
		method: 'POST',
		path: '/v1/conversations/:conversation_id<uuid>/name',
		auth: true,
		user: JSON_OPTIONAL,
		handler: conversations.conversationRename,
	},
	{
		method: 'GET',
		path: '/v1/conversations/:conversation_id<uuid>/variables',
		auth: true,
		user: QUERY_OPTIONAL,
		handler: conversations.variablesList,
	},
	{
		method: 'PUT',
		path: '/v1/conversations/:conversation_id<uuid>/variables/:variable_id<uuid>',
		auth: true,
		user: JSON_OPTIONAL,
		handler: conversations.variableUpdate,
	},
	{
		method: 'POST',
		path: '/v1/files/upload',
		auth: true,
		user: FORM_OPTIONAL,
		handler: files.upload,
	},
	{
		method: 'GET',
		path: '/v1/files/:file_id<uuid>/preview',
		auth: true,
		user: QUERY_OPTIONAL,
		handler: files.preview,
	},
	{
		method: 'POST',
		path: '/v1/audio-to-text',
		auth: true,
		user: FORM_OPTIONAL,
		handler: files.audioToText,
	},
	{
		method: 'POST',
		path: '/v1/text-to-audio',
		auth: true,
		user: JSON_OPTIONAL,
		handler: files.textToAudio,
	},
	// Signed file links (Dify's separate /files blueprint; no API key).
	{
		method: 'GET',
		path: '/files/tools/:file',
		auth: false,
		handler: files.toolFile,
	},
	{
		method: 'GET',
		path: '/files/:file_id<uuid>/file-preview',
		auth: false,
		handler: files.publicUploadPreview,
	},
];

type Segment = { literal: string } | { param: string; uuid: boolean };

const COMPILED = ROUTES.map( ( route ) => ( {
	route,
	segments: route.path.split( '/' ).map( ( s ): Segment => {
		const m = /^:(\w+)(<uuid>)?$/.exec( s );
		return m && m[ 1 ]
			? { param: m[ 1 ], uuid: !! m[ 2 ] }
			: { literal: s };
	} ),
} ) );

function matchRoute(
	segments: Segment[],
	parts: string[]
): Record< string, string > | null {
	if ( segments.length !== parts.length ) {
		return null;
	}
	const params: Record< string, string > = {};
	for ( let i = 0; i < segments.length; i++ ) {
		const seg = segments[ i ];
		const part = parts[ i ] ?? '';
		if ( ! seg ) {
			return null;
		}
		if ( 'literal' in seg ) {
			if ( seg.literal !== part ) {
				return null;
			}
		} else {
			if ( ! part || ( seg.uuid && ! ROUTE_UUID_RE.test( part ) ) ) {
				return null;
			}
			params[ seg.param ] = seg.uuid ? part.toLowerCase() : part;
		}
	}
	return params;
}

// ---------------------------------------------------------------------------
// Auth decorator (§2)

function authenticate( ctx: Ctx ): AppDef {
	const header = ctx.req.headers.authorization;
	if ( header === undefined || ! header.includes( ' ' ) ) {
		throw unauthorized( MSG.authMissing );
	}
	const trimmed = header.replace( /^\s+/, '' );
	const m = /^(\S+)\s+([\s\S]*)$/.exec( trimmed );
	if ( ! m || m[ 2 ] === undefined || m[ 2 ] === '' ) {
		// Python: `scheme, token = header.split(None, 1)` fails to unpack → ValueError.
		throw invalidParam( 'not enough values to unpack (expected 2, got 1)' );
	}
	const scheme = m[ 1 ] ?? '';
	const token = m[ 2 ];
	if ( scheme.toLowerCase() !== 'bearer' ) {
		throw unauthorized( MSG.authScheme );
	}
	const app = token.startsWith( 'app-' ) ? appByKey( token ) : undefined;
	if ( ! app ) {
		throw unauthorized( MSG.tokenInvalid );
	}
	ctx.record.app = app.id;
	ctx.record.appKey = app.key;
	if ( ! app.apiEnabled ) {
		throw forbidden( MSG.appDisabled );
	}
	return app;
}

function readJsonObject( ctx: Ctx ): Record< string, unknown > {
	const ct =
		( ctx.req.headers[ 'content-type' ] ?? '' )
			.split( ';' )[ 0 ]
			?.trim()
			.toLowerCase() ?? '';
	const isJson =
		ct === 'application/json' ||
		( ct.startsWith( 'application/' ) && ct.endsWith( '+json' ) );
	if ( ! isJson ) {
		throw unsupportedMediaType();
	}
	let value: unknown;
	try {
		value = JSON.parse( ctx.body.toString( 'utf8' ) );
	} catch {
		throw badRequest();
	}
	if ( ! isPlainObject( value ) ) {
		// `request.get_json().get("user")` on a list/None → AttributeError → 500.
		throw unknownError();
	}
	return value;
}

/**
 * Dify: `str(user)` when truthy, else missing.
 * @param raw
 */
function userString( raw: unknown ): string | null {
	if (
		raw === undefined ||
		raw === null ||
		raw === '' ||
		raw === 0 ||
		raw === false
	) {
		return null;
	}
	if ( Array.isArray( raw ) && raw.length === 0 ) {
		return null;
	}
	if ( isPlainObject( raw ) && Object.keys( raw ).length === 0 ) {
		return null;
	}
	return pyStr( raw );
}

function resolveUser( ctx: Ctx, app: AppDef, arg: UserArg ): void {
	let raw: unknown;
	if ( arg.from === 'json' ) {
		ctx.json = readJsonObject( ctx );
		raw = ctx.json.user;
	} else if ( arg.from === 'query' ) {
		raw = ctx.query.get( 'user' ) ?? undefined;
	} else {
		ctx.multipart = parseMultipart(
			String( ctx.req.headers[ 'content-type' ] ?? '' ),
			ctx.body
		);
		raw = ctx.multipart.fields.user;
	}
	const user = userString( raw );
	if ( user === null && arg.required ) {
		throw invalidParam( MSG.userRequired );
	}
	if ( user !== null && user.length > 255 ) {
		// The EndUser column is 255 characters: a database error.
		throw unknownError();
	}
	const endUser = ctx.state.store.endUser( app, user );
	ctx.endUser = endUser;
	ctx.user = endUser.sessionId;
	ctx.record.user = endUser.sessionId;
}

// ---------------------------------------------------------------------------
// Request handling

function summarizeBody( req: IncomingMessage, body: Buffer ): unknown {
	if ( body.length === 0 ) {
		return null;
	}
	const ct = String( req.headers[ 'content-type' ] ?? '' ).toLowerCase();
	if ( ct.startsWith( 'multipart/form-data' ) ) {
		const mp = parseMultipart(
			ct.includes( 'boundary' )
				? String( req.headers[ 'content-type' ] )
				: ct,
			body
		);
		return {
			fields: mp.fields,
			files: mp.files.map( ( f ) => ( {
				field: f.name,
				filename: f.filename,
				size: f.data.length,
				type: f.contentType,
			} ) ),
		};
	}
	const text = body.length <= 1024 * 1024 ? body.toString( 'utf8' ) : null;
	if (
		text !== null &&
		( ct.includes( 'json' ) || /^\s*[[{]/.test( text ) )
	) {
		try {
			return JSON.parse( text ) as unknown;
		} catch {
			return text;
		}
	}
	return text ?? { size: body.length };
}

function readBody(
	req: IncomingMessage,
	max: number
): Promise< Buffer | null > {
	return new Promise( ( resolve, reject ) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let over = false;
		req.on( 'data', ( chunk: Buffer ) => {
			size += chunk.length;
			if ( size > max ) {
				over = true;
				return;
			}
			if ( ! over ) {
				chunks.push( chunk );
			}
		} );
		req.on( 'end', () => resolve( over ? null : Buffer.concat( chunks ) ) );
		req.on( 'error', reject );
	} );
}

function queryObject(
	params: URLSearchParams
): Record< string, string | string[] > {
	const out: Record< string, string | string[] > = {};
	for ( const [ k, v ] of params ) {
		const prev = out[ k ];
		if ( prev === undefined ) {
			out[ k ] = v;
		} else {
			out[ k ] = Array.isArray( prev ) ? [ ...prev, v ] : [ prev, v ];
		}
	}
	return out;
}

async function handle(
	state: EmulatorState,
	req: IncomingMessage,
	res: ServerResponse
): Promise< void > {
	const url = new URL( req.url ?? '/', 'http://emulator.invalid' );
	let path = url.pathname;
	try {
		path = decodeURIComponent( path );
	} catch {
		// keep the raw path
	}
	if ( path === '/__emulator' || path.startsWith( '/__emulator/' ) ) {
		const body = await readBody( req, 1024 * 1024 ).catch( () => null );
		controlApi( state, req, res, path, url, body );
		return;
	}
	const method = ( req.method ?? 'GET' ).toUpperCase();
	const record: RequestRecord = state.recorder.add( {
		method,
		path,
		query: queryObject( url.searchParams ),
		headers: { ...( req.headers as Record< string, string | string[] > ) },
		app: null,
		appKey: null,
		user: null,
		body: null,
		status: null,
	} );
	const ctx: Ctx = {
		state,
		req,
		res,
		method,
		path,
		query: url.searchParams,
		params: {},
		body: Buffer.alloc( 0 ),
		record,
		app: null,
		endUser: null,
		user: null,
		json: null,
		multipart: null,
	};
	try {
		const declared = Number( req.headers[ 'content-length' ] ?? '0' );
		if ( declared > state.options.maxBodyBytes ) {
			res.setHeader( 'Connection', 'close' );
			throw nginxError( 413 );
		}
		const body = await readBody( req, state.options.maxBodyBytes );
		if ( body === null ) {
			res.setHeader( 'Connection', 'close' );
			throw nginxError( 413 );
		}
		ctx.body = body;
		record.body = summarizeBody( req, body );
		await dispatch( ctx );
	} catch ( err ) {
		if ( err instanceof HttpError ) {
			sendError( ctx, err );
		} else {
			process.stderr.write(
				`[dify-emulator] ${ method } ${ path }: ${ err instanceof Error ? ( err.stack ?? err.message ) : String( err ) }\n`
			);
			if ( ! res.headersSent ) {
				sendError( ctx, unknownError() );
			} else {
				res.destroy();
			}
		}
	}
}

async function dispatch( ctx: Ctx ): Promise< void > {
	const parts = ctx.path.split( '/' );
	const matches = COMPILED.map( ( c ) => ( {
		route: c.route,
		params: matchRoute( c.segments, parts ),
	} ) ).filter(
		( m ): m is { route: RouteDef; params: Record< string, string > } =>
			m.params !== null
	);
	if ( ! matches.length ) {
		if ( ctx.path === '/v1' ) {
			// werkzeug strict_slashes redirect
			ctx.record.status = 308;
			const target =
				'/v1/' +
				( ctx.query.toString() ? `?${ ctx.query.toString() }` : '' );
			sendRaw(
				ctx.res,
				308,
				{
					...difyHeaders( ctx.req, ctx.state ),
					Location: target,
					'Content-Type': 'text/html; charset=utf-8',
				},
				`<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n<p>You should be redirected automatically to the target URL: <a href="${ target }">${ target }</a>. If not, click the link.\n`
			);
			return;
		}
		throw htmlNotFound();
	}
	const allowed = new Set< string >( [ 'OPTIONS' ] );
	for ( const m of matches ) {
		allowed.add( m.route.method );
		if ( m.route.method === 'GET' ) {
			allowed.add( 'HEAD' );
		}
	}
	const allow = [ ...allowed ].sort().join( ', ' );
	if ( ctx.method === 'OPTIONS' ) {
		const headers: Record< string, string > = {
			...difyHeaders( ctx.req, ctx.state ),
			Allow: allow,
			'Content-Type': 'text/html; charset=utf-8',
		};
		if ( headers[ 'Access-Control-Allow-Origin' ] ) {
			headers[ 'Access-Control-Allow-Methods' ] =
				'DELETE, GET, OPTIONS, PATCH, POST, PUT';
			const requested = String(
				ctx.req.headers[ 'access-control-request-headers' ] ?? ''
			);
			const ok = [
				'content-type',
				'x-app-code',
				'x-app-passport',
				'authorization',
			];
			const echo = requested
				.split( ',' )
				.map( ( h ) => h.trim() )
				.filter( ( h ) => ok.includes( h.toLowerCase() ) );
			if ( echo.length ) {
				headers[ 'Access-Control-Allow-Headers' ] = echo.join( ', ' );
			}
		}
		ctx.record.status = 200;
		sendRaw( ctx.res, 200, headers, '' );
		return;
	}
	const method = ctx.method === 'HEAD' ? 'GET' : ctx.method;
	const hit = matches.find( ( m ) => m.route.method === method );
	if ( ! hit ) {
		throw methodNotAllowed( allow );
	}
	ctx.params = hit.params;
	if ( hit.route.auth ) {
		const app = authenticate( ctx );
		ctx.app = app;
		if ( hit.route.user ) {
			resolveUser( ctx, app, hit.route.user );
		}
	}
	await hit.route.handler( ctx );
}

// ---------------------------------------------------------------------------

export interface RunningEmulator {
	/** Base URL of the service API, e.g. http://127.0.0.1:8787/v1 */
	url: string;
	/** http://host:port */
	origin: string;
	port: number;
	/** In-process access to the request record. */
	requests: ( filter?: RecordFilter ) => RequestRecord[];
	clearRequests: () => void;
	stats: () => {
		activeStreams: number;
		totalStreams: number;
		stops: StopRecord[];
	};
	close: () => Promise< void >;
	/** The request handler (for tests that drive it without a socket). */
	readonly server: Server;
}

export function createState( options: EmulatorOptions = {} ): EmulatorState {
	const resolved = resolveOptions( options );
	const store = new Store();
	const icon = makePng( 7, 64 );
	// The chatflow app's image icon is an upload of the app's owner.
	store.uploads.set( CHATFLOW_ICON_UPLOAD_ID, {
		id: CHATFLOW_ICON_UPLOAD_ID,
		name: 'chatflow-icon.png',
		size: icon.length,
		extension: 'png',
		mimeType: 'image/png',
		createdBy: 'account:emulator-owner',
		createdAt: nowSeconds(),
		data: icon,
	} );
	return {
		options: resolved,
		variants: { ...resolved.variants },
		store,
		recorder: new Recorder( resolved.maxRecords ),
		stats: { activeStreams: 0, totalStreams: 0 },
		emits: new Map(),
		closing: false,
		wakers: new Set(),
		port: resolved.port,
		runtimes: new Map(),
		formWakers: new Map(),
		activeRequests: new Map(),
	};
}

export function createHandler(
	state: EmulatorState
): ( req: IncomingMessage, res: ServerResponse ) => void {
	return ( req, res ) => {
		void handle( state, req, res );
	};
}

export async function startEmulator(
	options: EmulatorOptions = {}
): Promise< RunningEmulator > {
	const state = createState( options );
	const server = createServer( createHandler( state ) );
	await new Promise< void >( ( resolve, reject ) => {
		server.once( 'error', reject );
		server.listen( state.options.port, state.options.host, () => {
			server.off( 'error', reject );
			resolve();
		} );
	} );
	const address = server.address() as AddressInfo;
	state.port = address.port;
	const host = state.options.host;
	let shownHost = host.includes( ':' ) ? `[${ host }]` : host;
	if ( host === '0.0.0.0' || host === '::' ) {
		shownHost = '127.0.0.1';
	}
	const origin = `http://${ shownHost }:${ address.port }`;
	let closing: Promise< void > | null = null;
	return {
		url: `${ origin }/v1`,
		origin,
		port: address.port,
		server,
		requests: ( filter ) => state.recorder.list( filter ),
		clearRequests: () => state.recorder.clear(),
		stats: () => ( { ...state.stats, stops: [ ...state.recorder.stops ] } ),
		close: () => {
			if ( ! closing ) {
				closing = new Promise< void >( ( resolve ) => {
					state.closing = true;
					for ( const wake of [ ...state.wakers ] ) {
						wake();
					}
					server.close( () => resolve() );
					server.closeAllConnections();
				} );
			}
			return closing;
		},
	};
}
