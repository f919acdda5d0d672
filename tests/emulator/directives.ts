/**
 * Fault and feature directives embedded in the query text (see README).
 * Case-insensitive, anywhere in the text, removed from echoed text.
 */

export type HttpFault =
	| { kind: 'status'; status: 400; code: string }
	| { kind: 'status'; status: 401 | 403 | 404 | 413 | 415 | 500 | 502 | 504 }
	| { kind: 'rate-limit'; retryAfter: number }
	| { kind: 'too-many' };

export interface Directives {
	httpFault: HttpFault | null;
	stallSeconds: number | null;
	errorEvent: boolean;
	drop: boolean;
	malformed: boolean;
	big: boolean;
	pingsSeconds: number | null;
	slow: boolean;
	runFailed: boolean;
	stopRace: boolean;
	delayMs: number | null;
	pingMs: number | null;
	longKb: number | null;
	replace: boolean;
	thoughts: boolean;
	files: 'absolute' | 'relative' | null;
	tts: boolean;
	echo: boolean;
	xss: boolean;
	markdown: boolean;
	/** Normalised directive tokens that were recognised, in order. */
	seen: string[];
	/** Tokens that looked like directives but were not understood. */
	unknown: string[];
}

const NAMES =
	'fault|delay|ping|long|replace|thoughts|files|tts|echo|xss|markdown';
const DIRECTIVE_RE = new RegExp(
	`([ \\t]*)#(${ NAMES })((?::[\\w.-]+)*)(?![\\w-])`,
	'gi'
);

export function emptyDirectives(): Directives {
	return {
		httpFault: null,
		stallSeconds: null,
		errorEvent: false,
		drop: false,
		malformed: false,
		big: false,
		pingsSeconds: null,
		slow: false,
		runFailed: false,
		stopRace: false,
		delayMs: null,
		pingMs: null,
		longKb: null,
		replace: false,
		thoughts: false,
		files: null,
		tts: false,
		echo: false,
		xss: false,
		markdown: false,
		seen: [],
		unknown: [],
	};
}

function num(
	value: string | undefined,
	fallback: number,
	max: number
): number {
	if ( value === undefined || value === '' ) {
		return fallback;
	}
	const n = Number( value );
	if ( ! Number.isFinite( n ) || n < 0 ) {
		return fallback;
	}
	return Math.min( n, max );
}

const HTTP_STATUSES = new Set( [ 401, 403, 404, 413, 415, 500, 502, 504 ] );

function applyFault( d: Directives, args: string[], token: string ): void {
	const [ kind = '', a1 ] = args;
	const k = kind.toLowerCase();
	if ( k === '400' ) {
		d.httpFault = {
			kind: 'status',
			status: 400,
			code: ( a1 ?? 'invalid_param' ).toLowerCase(),
		};
	} else if ( k === '429' ) {
		d.httpFault = {
			kind: 'rate-limit',
			retryAfter: Math.round( num( a1, 7, 86400 ) ),
		};
	} else if ( HTTP_STATUSES.has( Number( k ) ) ) {
		d.httpFault = {
			kind: 'status',
			status: Number( k ) as
				401 | 403 | 404 | 413 | 415 | 500 | 502 | 504,
		};
	} else if ( k === 'too-many' ) {
		d.httpFault = { kind: 'too-many' };
	} else if ( k === 'stall' ) {
		d.stallSeconds = num( a1, 30, 3600 );
	} else if ( k === 'error-event' ) {
		d.errorEvent = true;
	} else if ( k === 'drop' ) {
		d.drop = true;
	} else if ( k === 'malformed' ) {
		d.malformed = true;
	} else if ( k === 'big' ) {
		d.big = true;
	} else if ( k === 'pings' ) {
		d.pingsSeconds = num( a1, 60, 3600 );
	} else if ( k === 'slow' ) {
		d.slow = true;
	} else if ( k === 'run-failed' ) {
		d.runFailed = true;
	} else if ( k === 'stop-race' ) {
		d.stopRace = true;
	} else {
		d.unknown.push( token );
		return;
	}
	d.seen.push( token );
}

/**
 * Parse the directives in `text`; `cleaned` is the text with them removed
 * (together with the blanks in front of each) and trimmed.
 * @param text
 */
export function parseDirectives( text: string ): {
	directives: Directives;
	cleaned: string;
} {
	const d = emptyDirectives();
	const cleaned = text.replace(
		DIRECTIVE_RE,
		( _m, _ws: string, rawName: string, rawArgs: string ) => {
			const name = rawName.toLowerCase();
			const args = rawArgs ? rawArgs.slice( 1 ).split( ':' ) : [];
			const token =
				'#' +
				name +
				( args.length ? ':' + args.join( ':' ).toLowerCase() : '' );
			switch ( name ) {
				case 'fault':
					applyFault( d, args, token );
					return '';
				case 'delay':
					d.delayMs = num( args[ 0 ], 0, 60000 );
					break;
				case 'ping':
					d.pingMs = Math.max( 10, num( args[ 0 ], 1000, 3600000 ) );
					break;
				case 'long':
					d.longKb = Math.max(
						1,
						Math.round( num( args[ 0 ], 64, 51200 ) )
					);
					break;
				case 'files':
					d.files =
						( args[ 0 ] ?? '' ).toLowerCase() === 'relative'
							? 'relative'
							: 'absolute';
					break;
				case 'replace':
					d.replace = true;
					break;
				case 'thoughts':
					d.thoughts = true;
					break;
				case 'tts':
					d.tts = true;
					break;
				case 'echo':
					d.echo = true;
					break;
				case 'xss':
					d.xss = true;
					break;
				case 'markdown':
					d.markdown = true;
					break;
			}
			d.seen.push( token );
			return '';
		}
	);
	return { directives: d, cleaned: cleaned.trim() };
}
