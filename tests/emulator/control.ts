/**
 * The emulator's own endpoints under /__emulator (loopback only): the request
 * record, health, stats, emit times and the Dify-version variants.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { APPS } from './apps';
import type { EmulatorState } from './context';
import { isPlainObject } from './json';
import { isLoopback, type RecordFilter } from './record';
import {
	VARIANT_CHOICES,
	VariantError,
	defaultVariants,
	parseVariantObject,
	profileVariants,
} from './variants';

export function sendRaw(
	res: ServerResponse,
	status: number,
	headers: Record< string, string >,
	body: string
): void {
	if ( res.headersSent ) {
		return;
	}
	const buf = Buffer.from( body, 'utf8' );
	res.writeHead( status, {
		...headers,
		'Content-Length': String( buf.length ),
	} );
	res.end( buf );
}

function variantsBody( state: EmulatorState ): Record< string, unknown > {
	return {
		profile: state.options.profile,
		variants: state.variants,
		started_with: state.options.variants,
		choices: { ...VARIANT_CHOICES, concurrency_limit: '0–1000' },
	};
}

/**
 * PUT/PATCH merges `{ "profile"?: "1.12.1", "variants"?: {…} }` (or a bare
 * variants object); DELETE restores what the server started with.
 * @param state
 * @param method
 * @param body
 */
function changeVariants(
	state: EmulatorState,
	method: string,
	body: Buffer | null
): void {
	if ( method === 'DELETE' ) {
		state.variants = { ...state.options.variants };
		return;
	}
	let input: unknown;
	try {
		input = JSON.parse( body?.toString( 'utf8' ) || '{}' );
	} catch {
		throw new VariantError( 'The body must be a JSON object.' );
	}
	if ( ! isPlainObject( input ) ) {
		throw new VariantError( 'The body must be a JSON object.' );
	}
	const { profile, variants, ...rest } = input;
	const next = { ...state.variants };
	if ( typeof profile === 'string' ) {
		Object.assign( next, defaultVariants(), profileVariants( profile ) );
	}
	Object.assign(
		next,
		parseVariantObject( isPlainObject( variants ) ? variants : rest )
	);
	state.variants = next;
}

export function controlApi(
	state: EmulatorState,
	req: IncomingMessage,
	res: ServerResponse,
	path: string,
	url: URL,
	body: Buffer | null
): void {
	const json = ( status: number, payload: unknown ): void =>
		sendRaw(
			res,
			status,
			{ 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
			JSON.stringify( payload ) + '\n'
		);
	if ( ! isLoopback( state.options.resolveRemoteAddress( req ) ) ) {
		json( 403, {
			code: 'forbidden',
			message:
				'The emulator record is only available from loopback addresses.',
			status: 403,
		} );
		return;
	}
	const method = req.method ?? 'GET';
	if ( path === '/__emulator/requests' && method === 'GET' ) {
		const filter: RecordFilter = {};
		const since = url.searchParams.get( 'since' );
		if (
			since !== null &&
			since !== '' &&
			Number.isFinite( Number( since ) )
		) {
			filter.since = Number( since );
		}
		const p = url.searchParams.get( 'path' );
		if ( p ) {
			filter.path = p;
		}
		json( 200, {
			lastSeq: state.recorder.lastSeq(),
			requests: state.recorder.list( filter ),
		} );
	} else if ( path === '/__emulator/requests' && method === 'DELETE' ) {
		state.recorder.clear();
		json( 200, { result: 'success' } );
	} else if ( path === '/__emulator/health' && method === 'GET' ) {
		json( 200, {
			status: 'ok',
			server_version: state.variants.server_version,
			port: state.port,
			apps: APPS.map( ( a ) => ( {
				key: a.key,
				mode: a.mode,
				id: a.id,
				enabled: a.apiEnabled,
			} ) ),
		} );
	} else if ( path === '/__emulator/emits' && method === 'GET' ) {
		json( 200, {
			task_id: url.searchParams.get( 'task_id' ),
			times:
				state.emits.get( url.searchParams.get( 'task_id' ) ?? '' ) ??
				[],
		} );
	} else if ( path === '/__emulator/stats' && method === 'GET' ) {
		json( 200, { ...state.stats, stops: state.recorder.stops } );
	} else if ( path === '/__emulator/variants' ) {
		if ( method !== 'GET' ) {
			if ( ! [ 'PUT', 'PATCH', 'DELETE' ].includes( method ) ) {
				json( 405, {
					code: 'method_not_allowed',
					message: 'Use GET, PUT, PATCH or DELETE.',
					status: 405,
				} );
				return;
			}
			try {
				changeVariants( state, method, body );
			} catch ( err ) {
				if ( err instanceof VariantError ) {
					json( 400, {
						code: 'invalid_param',
						message: err.message,
						status: 400,
					} );
					return;
				}
				throw err;
			}
		}
		json( 200, variantsBody( state ) );
	} else {
		json( 404, {
			code: 'not_found',
			message: 'Unknown emulator endpoint.',
			status: 404,
		} );
	}
}
