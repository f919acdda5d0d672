/**
 * Fault and feature directives embedded in the query text (see README).
 * Case-insensitive, anywhere in the text, removed from echoed text.
 */
import {
	VariantError,
	checkVariant,
	profileVariants,
	type Variants,
} from './variants';

export type HttpFault =
	| { kind: 'status'; status: 400; code: string }
	| { kind: 'status'; status: 401 | 403 | 404 | 413 | 415 | 500 | 502 | 504 }
	/** `#fault:<403|404|412|429>:<code>`: that status with that code and its usual text. */
	| { kind: 'coded'; status: number; code: string; retryAfter: number | null }
	| { kind: 'rate-limit'; retryAfter: number }
	| { kind: 'too-many' }
	/** The concurrency cap, in the shape the `concurrency_error` variant selects. */
	| { kind: 'busy' }
	/** A New Agent app without its agent. */
	| { kind: 'no-agent' };

/** Where a run's LLM puts its reasoning (Dify's `reasoning_format`). */
export type ReasoningMode = 'tagged' | 'separated';

export interface HumanInputDirective {
	/** Human Input nodes in a row (a run that pauses more than once). */
	count: number;
	/** `full`: paragraph, select, file and file-list fields; `simple`: paragraph and select. */
	form: 'full' | 'simple';
	/** `email`: delivered by email only (no form_token); `broken`: a form without a recipient type. */
	delivery: 'webapp' | 'email' | 'broken';
}

export interface Directives {
	httpFault: HttpFault | null;
	stallSeconds: number | null;
	errorEvent: boolean;
	/** Status and code of the `error` event (`#fault:error-event:STATUS:CODE`). */
	errorEventStatus: number;
	errorEventCode: string;
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
	reasoning: ReasoningMode | null;
	human: HumanInputDirective | null;
	/** Seconds until a Human Input form expires (default: the node's 3 days). */
	expireSeconds: number | null;
	/** Iteration, loop, agent and retrying nodes in the run. */
	steps: boolean;
	/** Error texts carry internal details (hosts, key fragments). */
	leak: boolean;
	/** The unreleased `warning` event first. */
	warning: boolean;
	/** Variant overrides for this request (`#variant:`, `#profile:`). */
	variants: Partial< Variants >;
	/** Normalised directive tokens that were recognised, in order. */
	seen: string[];
	/** Tokens that looked like directives but were not understood. */
	unknown: string[];
}

const NAMES =
	'fault|delay|ping|long|replace|thoughts|files|tts|echo|xss|markdown|reasoning|human|expire|steps|leak|warning|variant|profile';
const DIRECTIVE_RE = new RegExp(
	`([ \\t]*)#(${ NAMES })((?::[\\w.-]+)*)(?![\\w-])`,
	'gi'
);

export function emptyDirectives(): Directives {
	return {
		httpFault: null,
		stallSeconds: null,
		errorEvent: false,
		errorEventStatus: 400,
		errorEventCode: 'completion_request_error',
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
		reasoning: null,
		human: null,
		expireSeconds: null,
		steps: false,
		leak: false,
		warning: false,
		variants: {},
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
const CODED_STATUSES = new Set( [ 403, 404, 412, 429 ] );

function isNumeric( value: string | undefined ): boolean {
	return value !== undefined && /^\d+(\.\d+)?$/.test( value );
}

function applyFault( d: Directives, args: string[], token: string ): void {
	const [ kind = '', a1, a2 ] = args;
	const k = kind.toLowerCase();
	if ( k === '400' ) {
		d.httpFault = {
			kind: 'status',
			status: 400,
			code: ( a1 ?? 'invalid_param' ).toLowerCase(),
		};
	} else if (
		CODED_STATUSES.has( Number( k ) ) &&
		a1 !== undefined &&
		! isNumeric( a1 )
	) {
		d.httpFault = {
			kind: 'coded',
			status: Number( k ),
			code: a1.toLowerCase(),
			retryAfter: isNumeric( a2 )
				? Math.round( num( a2, 7, 86400 ) )
				: null,
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
	} else if ( k === 'busy' ) {
		d.httpFault = { kind: 'busy' };
	} else if ( k === 'no-agent' ) {
		d.httpFault = { kind: 'no-agent' };
	} else if ( k === 'stall' ) {
		d.stallSeconds = num( a1, 30, 3600 );
	} else if ( k === 'error-event' ) {
		d.errorEvent = true;
		if ( isNumeric( a1 ) ) {
			d.errorEventStatus = Math.round( num( a1, 400, 599 ) );
			d.errorEventCode = (
				a2 ?? 'completion_request_error'
			).toLowerCase();
		}
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

function applyHuman( d: Directives, args: string[] ): void {
	const h: HumanInputDirective = {
		count: 1,
		form: 'full',
		delivery: 'webapp',
	};
	for ( const raw of args ) {
		const a = raw.toLowerCase();
		if ( isNumeric( a ) ) {
			h.count = Math.min( 3, Math.max( 1, Math.round( Number( a ) ) ) );
		} else if ( a === 'simple' || a === 'full' ) {
			h.form = a;
		} else if ( a === 'email' || a === 'broken' || a === 'webapp' ) {
			h.delivery = a;
		} else if ( a === 'twice' ) {
			h.count = 2;
		}
	}
	d.human = h;
}

/**
 * `#variant:NAME:VALUE` and `#profile:NAME`; false when not understood.
 * @param d
 * @param name
 * @param args
 */
function applyVariant( d: Directives, name: string, args: string[] ): boolean {
	try {
		if ( name === 'profile' ) {
			Object.assign( d.variants, profileVariants( args[ 0 ] ?? '' ) );
			return true;
		}
		const [ variant = '', ...rest ] = args;
		const value = checkVariant( variant.toLowerCase(), rest.join( ':' ) );
		Object.assign( d.variants, { [ variant.toLowerCase() ]: value } );
		return true;
	} catch ( err ) {
		if ( err instanceof VariantError ) {
			return false;
		}
		throw err;
	}
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
				case 'reasoning':
					d.reasoning =
						( args[ 0 ] ?? '' ).toLowerCase() === 'separated'
							? 'separated'
							: 'tagged';
					break;
				case 'human':
					applyHuman( d, args );
					break;
				case 'expire':
					d.expireSeconds = Math.max(
						1,
						num( args[ 0 ], 2, 30 * 86400 )
					);
					break;
				case 'steps':
					d.steps = true;
					break;
				case 'leak':
					d.leak = true;
					break;
				case 'warning':
					d.warning = true;
					break;
				case 'variant':
				case 'profile':
					if ( ! applyVariant( d, name, args ) ) {
						d.unknown.push( token );
						return '';
					}
					break;
			}
			d.seen.push( token );
			return '';
		}
	);
	if ( d.leak && ! d.errorEvent && ! d.runFailed ) {
		// `#leak` alone: a failing run whose texts carry the internal details.
		d.runFailed = true;
	}
	return { directives: d, cleaned: cleaned.trim() };
}
