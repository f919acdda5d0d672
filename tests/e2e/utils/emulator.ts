/**
 * The Dify emulator's request record (tests/emulator/README.md): what the relay really sent.
 */
export const EMULATOR_URL = (
	process.env.DIFY_EMULATOR_URL ?? 'http://127.0.0.1:8788/v1'
).replace( /\/v1\/?$/, '' );

export interface RecordedRequest {
	seq: number;
	time: number;
	method: string;
	path: string;
	query: Record< string, string >;
	headers: Record< string, string >;
	app: string | null;
	user: string | null;
	body: unknown;
	/** The status the emulator answered with. */
	status: number;
}

export async function recordedRequests(
	filter: { path?: string; since?: number } = {}
): Promise< RecordedRequest[] > {
	const params = new URLSearchParams();
	if ( filter.path ) {
		params.set( 'path', filter.path );
	}
	if ( filter.since !== undefined ) {
		params.set( 'since', String( filter.since ) );
	}
	const response = await fetch(
		`${ EMULATOR_URL }/__emulator/requests?${ params.toString() }`
	);
	if ( ! response.ok ) {
		throw new Error(
			`The emulator's record answered ${ response.status }.`
		);
	}
	const data = ( await response.json() ) as
		RecordedRequest[] | { requests: RecordedRequest[] };
	return Array.isArray( data ) ? data : data.requests;
}

export async function clearRequests(): Promise< void > {
	const response = await fetch( `${ EMULATOR_URL }/__emulator/requests`, {
		method: 'DELETE',
	} );
	if ( ! response.ok ) {
		throw new Error(
			`Could not clear the emulator's record (${ response.status }).`
		);
	}
}

/** The highest sequence number recorded so far (0 when none). */
export async function lastSeq(): Promise< number > {
	const all = await recordedRequests();
	return all.reduce( ( max, r ) => Math.max( max, r.seq ), 0 );
}

/** A stop call the emulator received (GET /__emulator/stats). */
export interface Stop {
	time: number;
	taskId: string;
	user: string;
	known: boolean;
	owner: boolean;
}

/** Every stop call received so far, oldest first. */
export async function stops(): Promise< Stop[] > {
	const response = await fetch( `${ EMULATOR_URL }/__emulator/stats` );
	return ( ( await response.json() ) as { stops: Stop[] } ).stops;
}
