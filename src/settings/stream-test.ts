/**
 * The streaming self-test: runs the settings' stream-test route in this browser, times each
 * event's arrival, and judges whether answers stream on this server — and, when they do not, what
 * most likely holds them back and what to do about it (readme.txt, "Do answers stream on my web
 * server?").
 */
import apiFetch from '@wordpress/api-fetch';
import { __, sprintf } from '@wordpress/i18n';

import { sseFrames } from '../chat/api/sse';
import type { Message } from './components/Result';

/** The route streams this many events, this far apart, then one with the diagnostics. */
export const TICKS = 10;

/** What PHP on the server reported in the test's last event. */
export interface StreamDiagnostics {
	sapi: string;
	server_software: string;
	zlib_output_compression: boolean;
	zlib_turned_off: boolean;
	output_buffering: string;
	output_buffers: { found: number; left: number };
	/** The size each frame was padded to (0: none). */
	padding: number;
}

/** One event as sent by the server and as received here. */
export interface Tick {
	n: number;
	/** Milliseconds after the stream's start, on the server's clock. */
	sentMs: number;
	/** Milliseconds after the request was sent, on this browser's clock. */
	atMs: number;
}

/** What a run of the test recorded. */
export interface StreamRun {
	ticks: Tick[];
	/** Null when the last event never arrived. */
	diagnostics: StreamDiagnostics | null;
	/** When the last event arrived (ms after the request was sent). */
	endMs: number;
	/** The response headers that tell of what stands between the server and here (lower-case names). */
	headers: Record< string, string >;
}

export type StreamCause =
	| 'streams'
	| 'incomplete'
	| 'php-buffer'
	| 'php-compression'
	| 'apache-fpm'
	| 'proxy'
	| 'nginx-proxy'
	| 'unknown';

/** The response headers the judge looks at. */
export const TELLING_HEADERS = [
	'content-encoding',
	'server',
	'via',
	'cf-ray',
	'x-cache',
	'x-served-by',
	'x-varnish',
	'x-sucuri-id',
	'x-akamai-transformed',
	'x-amz-cf-id',
	'x-fastly-request-id',
	'cdn-loop',
];

/** Headers only a proxy or CDN adds (Content-Encoding is judged on its value). */
const PROXY_HEADERS = TELLING_HEADERS.filter(
	( name ) => name !== 'server' && name !== 'content-encoding'
);

/**
 * Whether the events arrived one by one: for at least two thirds of the pairs of successive
 * events, the second arrived at least 40% of their sending gap after the first. A buffer that
 * lets the stream through in blocks merges events into bursts (all of them at the end, or all
 * after the first few), which this tells from a stream slowed down a little by a busy network.
 *
 * @param ticks The events, in order.
 */
export function arrivedOneByOne( ticks: Tick[] ): boolean {
	if ( ticks.length < 2 ) {
		return false;
	}
	let apart = 0;
	ticks.slice( 1 ).forEach( ( tick, i ) => {
		const before = ticks[ i ] as Tick;
		const sent = tick.sentMs - before.sentMs;
		if ( sent > 0 && tick.atMs - before.atMs >= sent * 0.4 ) {
			apart++;
		}
	} );
	return apart * 3 >= ( ticks.length - 1 ) * 2;
}

/**
 * Why answers do not stream, from the most certain cause to the least: what PHP itself reported,
 * then what the response's headers show of the way it came.
 *
 * @param run What the test recorded.
 */
export function streamCause( run: StreamRun ): StreamCause {
	const { diagnostics: php, headers } = run;
	if ( ! php || run.ticks.length < TICKS ) {
		return 'incomplete';
	}
	if ( arrivedOneByOne( run.ticks ) ) {
		return 'streams';
	}
	if ( php.zlib_output_compression && ! php.zlib_turned_off ) {
		return 'php-compression';
	}
	if ( php.output_buffers.left > 0 ) {
		return 'php-buffer';
	}
	if ( isApacheFastCgi( php ) && php.padding < 4096 ) {
		return 'apache-fpm';
	}
	if (
		compressed( headers ) ||
		PROXY_HEADERS.some( ( name ) => name in headers )
	) {
		return 'proxy';
	}
	const server = ( headers.server ?? '' ).toLowerCase();
	if (
		server.includes( 'nginx' ) &&
		! php.server_software.toLowerCase().startsWith( 'nginx' )
	) {
		return 'nginx-proxy';
	}
	return 'unknown';
}

/**
 * PHP runs as FastCGI behind Apache (mod_proxy_fcgi, usually PHP-FPM).
 *
 * @param php The diagnostics.
 */
function isApacheFastCgi( php: StreamDiagnostics ): boolean {
	return (
		( php.sapi === 'fpm-fcgi' || php.sapi === 'cgi-fcgi' ) &&
		php.server_software.toLowerCase().startsWith( 'apache' )
	);
}

/**
 * The response was compressed on its way (the server asks for it not to be).
 *
 * @param headers The telling headers.
 */
function compressed( headers: Record< string, string > ): boolean {
	const encoding = ( headers[ 'content-encoding' ] ?? '' )
		.trim()
		.toLowerCase();
	return encoding !== '' && encoding !== 'identity' && encoding !== 'none';
}

/**
 * Seconds with one decimal, in the site's language.
 *
 * @param ms Milliseconds.
 */
function seconds( ms: number ): string {
	return ( Math.max( 0, ms ) / 1000 ).toLocaleString( undefined, {
		minimumFractionDigits: 1,
		maximumFractionDigits: 1,
	} );
}

/**
 * What the screen says about a run: whether answers stream, or the likely cause and what to do.
 *
 * @param run What the test recorded.
 */
export function judgeStream( run: StreamRun ): Message & {
	cause: StreamCause;
} {
	const cause = streamCause( run );
	const say = ( status: Message[ 'status' ], ...parts: string[] ) => ( {
		cause,
		status,
		text: parts.join( ' ' ),
	} );
	const first = run.ticks[ 0 ]?.atMs ?? run.endMs;
	const last = run.ticks[ run.ticks.length - 1 ]?.atMs ?? run.endMs;

	if ( cause === 'streams' ) {
		return say(
			'success',
			sprintf(
				/* translators: 1: how many test events, 2: seconds (e.g. 1.8). */
				__(
					'Answers stream on this server: the %1$d test events arrived one by one over %2$s seconds.',
					'dify-chatbot'
				),
				run.ticks.length,
				seconds( last - first )
			)
		);
	}
	if ( cause === 'incomplete' ) {
		return say(
			'error',
			sprintf(
				/* translators: 1: how many test events arrived, 2: how many were sent. */
				__(
					'The test stream was cut off: %1$d of its %2$d events arrived, and the last one never did. Something between the server and this browser ends long answers.',
					'dify-chatbot'
				),
				run.ticks.length,
				TICKS
			),
			__(
				'Choose the Blocking response mode above, so answers arrive whole.',
				'dify-chatbot'
			)
		);
	}

	const held = sprintf(
		/* translators: 1: how many test events, 2: seconds (e.g. 1.8). */
		__(
			'Answers do not stream: the %1$d test events, sent a moment apart, arrived in bursts (the last one after %2$s seconds).',
			'dify-chatbot'
		),
		run.ticks.length,
		seconds( last )
	);
	const blocking = __(
		'Or choose the Blocking response mode above, so answers arrive whole.',
		'dify-chatbot'
	);
	switch ( cause ) {
		case 'php-compression':
			return say(
				'warning',
				held,
				__(
					'PHP compresses its output (zlib.output_compression is on) and the plugin could not turn that off for the stream. Turn it off in php.ini or .user.ini.',
					'dify-chatbot'
				),
				blocking
			);
		case 'php-buffer':
			return say(
				'warning',
				held,
				__(
					'A PHP output buffer that cannot be removed holds the stream back (started by php.ini’s output_handler, or by another plugin or the theme). Remove that output handler.',
					'dify-chatbot'
				),
				blocking
			);
		case 'apache-fpm':
			return say(
				'warning',
				held,
				__(
					'PHP runs as PHP-FPM behind Apache, whose mod_proxy_fcgi passes an answer on only in blocks of 4 KB, and the padding the plugin adds to each event for it is turned off (the dify_chatbot_stream_padding filter). Add flushpackets=on to the proxy to PHP-FPM in Apache’s configuration (ProxySet flushpackets=on), or keep the plugin’s padding.',
					'dify-chatbot'
				),
				blocking
			);
		case 'proxy':
			return say(
				'warning',
				held,
				sprintf(
					/* translators: %s: response headers, e.g. "Content-Encoding: gzip, cf-ray". */
					__(
						'A proxy or CDN in front of the site buffers or compresses the stream (the answer came with %s). Turn off buffering and compression for /wp-json/dify-chatbot/ there.',
						'dify-chatbot'
					),
					proxyEvidence( run.headers )
				),
				blocking
			);
		case 'nginx-proxy':
			return say(
				'warning',
				held,
				sprintf(
					/* translators: %s: the web server PHP runs under, e.g. "Apache/2.4.62". */
					__(
						'nginx in front of %s buffers the stream. Add “proxy_buffering off;” to its location for /wp-json/dify-chatbot/.',
						'dify-chatbot'
					),
					run.diagnostics?.server_software ||
						__( 'the web server', 'dify-chatbot' )
				),
				blocking
			);
		default:
			return say(
				'warning',
				held,
				__(
					'Something between the server and this browser holds the stream back, and the test cannot tell what. Choose the Blocking response mode above, so answers arrive whole.',
					'dify-chatbot'
				)
			);
	}
}

/**
 * The measurements behind a verdict, for whoever looks into it (or is asked for support): when
 * each event arrived, and what PHP reported.
 *
 * @param run What the test recorded.
 */
export function streamDetails( run: StreamRun ): string {
	const arrivals = run.ticks
		.map( ( tick ) => String( Math.round( tick.atMs ) ) )
		.join( ', ' );
	const parts: string[] = [
		sprintf(
			/* translators: 1: milliseconds, comma-separated, 2: milliseconds. */
			__(
				'Events arrived after (ms): %1$s; the last one after %2$s.',
				'dify-chatbot'
			),
			arrivals,
			String( Math.round( run.endMs ) )
		),
	];
	const php = run.diagnostics;
	if ( php ) {
		parts.push(
			sprintf(
				/* translators: 1: web server, 2: PHP's SAPI (e.g. fpm-fcgi), 3: bytes, 4: on or off, 5: PHP's output_buffering value. */
				__(
					'Server: %1$s; PHP: %2$s; padding: %3$d bytes; zlib.output_compression: %4$s; output_buffering: %5$s.',
					'dify-chatbot'
				),
				php.server_software || '?',
				php.sapi,
				php.padding,
				php.zlib_output_compression ? 'on' : 'off',
				php.output_buffering || '0'
			)
		);
	}
	return parts.join( ' ' );
}

/**
 * The headers that show a proxy, as the screen names them.
 *
 * @param headers The telling headers.
 */
function proxyEvidence( headers: Record< string, string > ): string {
	const seen: string[] = [];
	if ( compressed( headers ) ) {
		seen.push( `Content-Encoding: ${ headers[ 'content-encoding' ] }` );
	}
	for ( const name of PROXY_HEADERS ) {
		if ( name in headers ) {
			seen.push( name );
		}
	}
	return seen.join( ', ' );
}

/**
 * Runs the test: streams the route and times each event's arrival (the REST nonce comes with
 * apiFetch; its raw response is read here, as the chat reads an answer).
 *
 * @param now A clock in milliseconds (performance.now by default).
 */
export async function runStreamTest(
	now: () => number = () => performance.now()
): Promise< StreamRun > {
	const started = now();
	const response = await apiFetch< Response, false >( {
		path: '/dify-chatbot/v1/settings/stream-test',
		parse: false,
	} );
	const headers: Record< string, string > = {};
	for ( const name of TELLING_HEADERS ) {
		const value = response.headers.get( name );
		if ( value !== null ) {
			headers[ name ] = value;
		}
	}
	const run: StreamRun = { ticks: [], diagnostics: null, endMs: 0, headers };
	for await ( const frame of sseFrames( response.body ?? emptyBody() ) ) {
		const atMs = now() - started;
		let event: Record< string, unknown >;
		try {
			event = JSON.parse( frame.data ) as Record< string, unknown >;
		} catch {
			continue;
		}
		if ( event.event === 'stream_test' ) {
			run.ticks.push( {
				n: Number( event.n ),
				sentMs: Number( event.sent_ms ),
				atMs,
			} );
		} else if ( event.event === 'stream_test_end' ) {
			run.diagnostics = event.diagnostics as StreamDiagnostics;
			run.endMs = atMs;
		}
	}
	return run;
}

/**
 * An empty stream, for a response without a body (none of this route's): nothing arrives.
 */
function emptyBody(): ReadableStream< Uint8Array > {
	return new ReadableStream( {
		start( controller ) {
			controller.close();
		},
	} );
}

/**
 * A readable message from a failed request: apiFetch rejects with the raw Response when asked
 * not to parse, and with an Error when the network fails.
 *
 * @param error    The rejection.
 * @param fallback Said when nothing better is known.
 */
export async function streamTestError(
	error: unknown,
	fallback: string
): Promise< string > {
	if ( error instanceof Response ) {
		try {
			const body = ( await error.json() ) as { message?: unknown };
			if ( typeof body.message === 'string' && body.message !== '' ) {
				return body.message;
			}
		} catch {
			// Not JSON: the fallback says it.
		}
		return fallback;
	}
	if ( error instanceof Error && error.message !== '' ) {
		return error.message;
	}
	return fallback;
}
