/** Test helpers: raw HTTP calls (exact bytes) and an incremental SSE reader. */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import {
	startEmulator,
	type EmulatorOptions,
	type RunningEmulator,
} from '../server';

export const KEY = {
	chat: 'app-emulator',
	agent: 'app-emulator-agent',
	chatflow: 'app-emulator-chatflow',
	completion: 'app-emulator-completion',
	workflow: 'app-emulator-workflow',
	plain: 'app-emulator-plain',
	disabled: 'app-emulator-disabled',
	newAgent: 'app-emulator-new-agent',
	unpublished: 'app-emulator-new-agent-unpublished',
	approval: 'app-emulator-approval',
	form: 'app-emulator-form',
} as const;

export function start(
	options: EmulatorOptions = {}
): Promise< RunningEmulator > {
	return startEmulator( { delayMs: 0, pingMs: 60000, ...options } );
}

export interface Reply {
	status: number;
	headers: IncomingHttpHeaders;
	raw: Buffer;
	text: string;
	/** Parsed JSON body, or undefined when it is not JSON. */
	json: unknown;
}

export interface CallOptions {
	key?: string | null;
	authorization?: string;
	json?: unknown;
	/** Raw body; with `contentType`. */
	body?: string | Buffer;
	contentType?: string;
	headers?: Record< string, string >;
}

export function call(
	emu: RunningEmulator,
	method: string,
	path: string,
	o: CallOptions = {}
): Promise< Reply > {
	const headers: Record< string, string > = { ...o.headers };
	if ( o.authorization !== undefined ) {
		headers.Authorization = o.authorization;
	} else if ( o.key !== null ) {
		headers.Authorization = `Bearer ${ o.key ?? KEY.chat }`;
	}
	let body: Buffer | undefined;
	if ( o.json !== undefined ) {
		body = Buffer.from( JSON.stringify( o.json ) );
		headers[ 'Content-Type' ] = o.contentType ?? 'application/json';
	} else if ( o.body !== undefined ) {
		body = Buffer.isBuffer( o.body ) ? o.body : Buffer.from( o.body );
		if ( o.contentType !== undefined ) {
			headers[ 'Content-Type' ] = o.contentType;
		}
	}
	if ( body ) {
		headers[ 'Content-Length' ] = String( body.length );
	}
	return new Promise( ( resolve, reject ) => {
		const req = httpRequest(
			{
				host: '127.0.0.1',
				port: emu.port,
				method,
				path: path.startsWith( '/' ) ? path : `/v1/${ path }`,
				headers,
				agent: false,
			},
			( res ) => {
				const chunks: Buffer[] = [];
				res.on( 'data', ( c: Buffer ) => chunks.push( c ) );
				res.on( 'end', () => {
					const raw = Buffer.concat( chunks );
					const text = raw.toString( 'utf8' );
					let json: unknown;
					try {
						json = JSON.parse( text );
					} catch {
						json = undefined;
					}
					resolve( {
						status: res.statusCode ?? 0,
						headers: res.headers,
						raw,
						text,
						json,
					} );
				} );
				res.on( 'error', reject );
			}
		);
		req.on( 'error', reject );
		req.end( body );
	} );
}

/**
 * JSON body of a reply as a record (fails loudly when it is not an object).
 * @param reply
 */
export function obj( reply: Reply ): Record< string, any > {
	if (
		typeof reply.json !== 'object' ||
		reply.json === null ||
		Array.isArray( reply.json )
	) {
		throw new Error(
			`not a JSON object (status ${ reply.status }): ${ reply.text.slice( 0, 300 ) }`
		);
	}
	return reply.json as Record< string, any >;
}

export type Frame =
	| { kind: 'data'; json: Record< string, any >; line: string }
	| { kind: 'ping' }
	| { kind: 'other'; text: string };

/**
 * Split an SSE body into frames (blank-line separated).
 * @param text
 */
export function parseFrames( text: string ): Frame[] {
	const frames: Frame[] = [];
	for ( const block of text.split( '\n\n' ) ) {
		if ( block === '' ) {
			continue;
		}
		if ( block === 'event: ping' ) {
			frames.push( { kind: 'ping' } );
		} else if ( block.startsWith( 'data: ' ) ) {
			try {
				frames.push( {
					kind: 'data',
					json: JSON.parse( block.slice( 6 ) ) as Record<
						string,
						any
					>,
					line: block,
				} );
			} catch {
				frames.push( { kind: 'other', text: block } );
			}
		} else {
			frames.push( { kind: 'other', text: block } );
		}
	}
	return frames;
}

export function dataEvents( text: string ): Array< Record< string, any > > {
	return parseFrames( text )
		.filter(
			( f ): f is Extract< Frame, { kind: 'data' } > => f.kind === 'data'
		)
		.map( ( f ) => f.json );
}

export interface LiveStream {
	status: Promise< number >;
	headers: Promise< IncomingHttpHeaders >;
	/** Resolves with the first data event matching `pred` (rejects when the stream ends first). */
	waitFor: (
		pred: ( e: Record< string, any > ) => boolean
	) => Promise< Record< string, any > >;
	/** Full raw text once the response ended (or the socket closed). */
	done: Promise< { text: string; aborted: boolean } >;
	abort: () => void;
}

/**
 * A streaming request read as it arrives: POST with a JSON body, or GET
 * (`method: 'GET'`, no body) for the resume endpoint.
 * @param emu
 * @param path
 * @param o
 */
export function openStream(
	emu: RunningEmulator,
	path: string,
	o: CallOptions & { method?: 'GET' | 'POST' }
): LiveStream {
	const method = o.method ?? 'POST';
	const headers: Record< string, string > = {
		...o.headers,
		Authorization: `Bearer ${ o.key ?? KEY.chat }`,
	};
	const body =
		method === 'POST'
			? Buffer.from( JSON.stringify( o.json ?? {} ) )
			: Buffer.alloc( 0 );
	if ( method === 'POST' ) {
		headers[ 'Content-Type' ] = 'application/json';
		headers[ 'Content-Length' ] = String( body.length );
	}
	let text = '';
	let ended = false;
	const waiters: Array< {
		pred: ( e: Record< string, any > ) => boolean;
		resolve: ( e: Record< string, any > ) => void;
		reject: ( e: Error ) => void;
	} > = [];
	const check = (): void => {
		const events = dataEvents(
			text.slice( 0, text.lastIndexOf( '\n\n' ) + 2 )
		);
		for ( const w of [ ...waiters ] ) {
			const hit = events.find( w.pred );
			if ( hit ) {
				waiters.splice( waiters.indexOf( w ), 1 );
				w.resolve( hit );
			} else if ( ended ) {
				waiters.splice( waiters.indexOf( w ), 1 );
				w.reject(
					new Error(
						`stream ended without the awaited event: ${ text.slice( -500 ) }`
					)
				);
			}
		}
	};
	let resolveStatus!: ( n: number ) => void;
	let resolveHeaders!: ( h: IncomingHttpHeaders ) => void;
	let resolveDone!: ( v: { text: string; aborted: boolean } ) => void;
	const status = new Promise< number >( ( r ) => ( resolveStatus = r ) );
	const hdrs = new Promise< IncomingHttpHeaders >(
		( r ) => ( resolveHeaders = r )
	);
	const done = new Promise< { text: string; aborted: boolean } >(
		( r ) => ( resolveDone = r )
	);
	const finish = ( aborted: boolean ): void => {
		if ( ended ) {
			return;
		}
		ended = true;
		check();
		resolveDone( { text, aborted } );
	};
	const req = httpRequest(
		{
			host: '127.0.0.1',
			port: emu.port,
			method,
			path,
			headers,
			agent: false,
		},
		( res ) => {
			resolveStatus( res.statusCode ?? 0 );
			resolveHeaders( res.headers );
			res.setEncoding( 'utf8' );
			res.on( 'data', ( c: string ) => {
				text += c;
				check();
			} );
			res.on( 'end', () => finish( false ) );
			res.on( 'aborted', () => finish( true ) );
			res.on( 'error', () => finish( true ) );
			res.on( 'close', () => finish( ! res.complete ) );
		}
	);
	req.on( 'error', () => {
		resolveStatus( 0 );
		finish( true );
	} );
	req.end( method === 'POST' ? body : undefined );
	return {
		status,
		headers: hdrs,
		done,
		abort: () => req.destroy(),
		waitFor: ( pred ) =>
			new Promise( ( resolve, reject ) => {
				waiters.push( { pred, resolve, reject } );
				check();
			} ),
	};
}

/**
 * A multipart body built by hand (so a part can lack Content-Type).
 * @param parts
 */
export function multipart(
	parts: Array< {
		name: string;
		filename?: string;
		contentType?: string;
		data: string | Buffer;
	} >
): { body: Buffer; contentType: string } {
	const boundary =
		'----emulatortest' + Math.random().toString( 16 ).slice( 2 );
	const chunks: Buffer[] = [];
	for ( const p of parts ) {
		let head = `--${ boundary }\r\nContent-Disposition: form-data; name="${ p.name }"`;
		if ( p.filename !== undefined ) {
			head += `; filename="${ p.filename }"`;
		}
		head += '\r\n';
		if ( p.contentType ) {
			head += `Content-Type: ${ p.contentType }\r\n`;
		}
		head += '\r\n';
		chunks.push(
			Buffer.from( head ),
			Buffer.isBuffer( p.data ) ? p.data : Buffer.from( p.data ),
			Buffer.from( '\r\n' )
		);
	}
	chunks.push( Buffer.from( `--${ boundary }--\r\n` ) );
	return {
		body: Buffer.concat( chunks ),
		contentType: `multipart/form-data; boundary=${ boundary }`,
	};
}

export const UUID_RE =
	/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const UNKNOWN_UUID = '11111111-2222-4333-8444-555555555555';

export function chatBody(
	query: string,
	extra: Record< string, unknown > = {}
): Record< string, unknown > {
	return { inputs: {}, query, user: 'alice', ...extra };
}

export function streamBody(
	query: string,
	extra: Record< string, unknown > = {}
): Record< string, unknown > {
	return chatBody( query, { response_mode: 'streaming', ...extra } );
}

/**
 * Reads a whole stream and returns its data events.
 * @param emu
 * @param path
 * @param o
 */
export async function streamEvents(
	emu: RunningEmulator,
	path: string,
	o: CallOptions & { method?: 'GET' | 'POST' }
): Promise< Array< Record< string, any > > > {
	return dataEvents( ( await openStream( emu, path, o ).done ).text );
}

export function names( events: Array< Record< string, any > > ): string[] {
	return events.map( ( e ) => String( e.event ) );
}

/**
 * Uploads a small file as `user` (multipart) and returns its id.
 * @param emu
 * @param user
 * @param o
 * @param o.key
 * @param o.filename
 * @param o.contentType
 */
export async function uploadAs(
	emu: RunningEmulator,
	user: string | null,
	o: { key?: string; filename?: string; contentType?: string } = {}
): Promise< string > {
	const parts: Parameters< typeof multipart >[ 0 ] = [
		{
			name: 'file',
			filename: o.filename ?? 'note.txt',
			contentType: o.contentType ?? 'text/plain',
			data: 'hello',
		},
	];
	if ( user !== null ) {
		parts.push( { name: 'user', data: user } );
	}
	const mp = multipart( parts );
	const r = await call( emu, 'POST', 'files/upload', {
		key: o.key ?? KEY.chat,
		body: mp.body,
		contentType: mp.contentType,
	} );
	if ( r.status !== 201 ) {
		throw new Error( `upload failed: ${ r.status } ${ r.text }` );
	}
	return String( obj( r ).id );
}

/**
 * Changes this emulator's variants (PUT /__emulator/variants); `null` restores
 * what it started with.
 * @param emu
 * @param variants
 */
export async function setVariants(
	emu: RunningEmulator,
	variants: Record< string, unknown > | null
): Promise< Record< string, any > > {
	const r = await fetch( `${ emu.origin }/__emulator/variants`, {
		method: variants === null ? 'DELETE' : 'PUT',
		headers: { 'Content-Type': 'application/json' },
		body: variants === null ? undefined : JSON.stringify( variants ),
	} );
	if ( r.status !== 200 ) {
		throw new Error( `variants: ${ r.status } ${ await r.text() }` );
	}
	return ( await r.json() ) as Record< string, any >;
}
