/*
 * @jest-environment node
 */
/**
 * The streaming self-test's judge, on arrival patterns recorded by the e2e spec
 * (tests/e2e/specs/stream-test.stack.spec.ts prints them for each server stack) and on the
 * patterns of the other causes it names; and the runner's timing of a real byte stream.
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { describe, expect, it, jest } from '@jest/globals';

jest.mock( '@wordpress/api-fetch', () => ( {
	__esModule: true,
	default: jest.fn(),
} ) );

import apiFetch from '@wordpress/api-fetch';

import {
	arrivedOneByOne,
	judgeStream,
	runStreamTest,
	streamCause,
	streamDetails,
	streamTestError,
	TICKS,
	type StreamCause,
	type StreamDiagnostics,
	type StreamRun,
} from '../stream-test';

const fetchMock = apiFetch as unknown as jest.Mock<
	( options: Record< string, unknown > ) => Promise< unknown >
>;

/** The route's spacing: an event every 200 ms. */
const SENT = [ 0, 200, 401, 601, 802, 1002, 1203, 1403, 1604, 1804 ];

/* Arrival times (ms after the request), as recorded in Chromium by the e2e spec. */
/** php -S: padding 0. */
const PHP_S = [ 192, 416, 575, 776, 978, 1178, 1385, 1586, 1789, 1992 ];
/** Apache 2.4 + PHP-FPM with the plugin's 4 KB padding. */
const APACHE_FPM_PADDED = [
	696, 809, 1011, 1212, 1451, 1658, 1861, 2069, 2256, 2461,
];
/** Apache 2.4 + PHP-FPM with the padding turned off: mod_proxy_fcgi holds it all back. */
const APACHE_FPM_BURST = [
	2029, 2029, 2029, 2030, 2030, 2030, 2030, 2030, 2030, 2030,
];

/* Patterns of the other causes. */
/** A buffer that let the first event through, then held the rest to the end. */
const FIRST_THEN_BURST = [
	40, 1850, 1850, 1851, 1851, 1851, 1851, 1852, 1852, 1852,
];
/** Events in pairs: a buffer that fills every two events. */
const PAIRS = [ 210, 212, 611, 613, 1012, 1014, 1413, 1415, 1814, 1816 ];
/** A busy network: late and uneven, yet one by one. */
const JITTER = [ 350, 470, 760, 880, 1190, 1300, 1610, 1700, 2000, 2120 ];

const FPM_APACHE: StreamDiagnostics = {
	sapi: 'fpm-fcgi',
	server_software: 'Apache/2.4.71 (Debian)',
	zlib_output_compression: false,
	zlib_turned_off: false,
	output_buffering: '4096',
	output_buffers: { found: 1, left: 0 },
	padding: 4096,
};
const FPM_NGINX: StreamDiagnostics = {
	...FPM_APACHE,
	server_software: 'nginx/1.22.1',
	padding: 0,
};
const MOD_PHP: StreamDiagnostics = {
	...FPM_APACHE,
	sapi: 'apache2handler',
	padding: 0,
};
const CLI_SERVER: StreamDiagnostics = {
	...FPM_APACHE,
	sapi: 'cli-server',
	server_software: 'PHP 8.2.36 Development Server',
	padding: 0,
};

function run(
	arrivals: number[],
	diagnostics: StreamDiagnostics | null,
	headers: Record< string, string > = {}
): StreamRun {
	return {
		ticks: arrivals.map( ( atMs, i ) => ( {
			n: i + 1,
			sentMs: SENT[ i ] as number,
			atMs,
		} ) ),
		diagnostics,
		endMs: ( arrivals[ arrivals.length - 1 ] ?? 0 ) + 1,
		headers,
	};
}

describe( 'judgeStream', () => {
	const cases: Array< [ string, StreamRun, StreamCause, string, RegExp[] ] > =
		[
			[
				'php -S (recorded)',
				run( PHP_S, CLI_SERVER ),
				'streams',
				'success',
				[
					/^Answers stream on this server: the 10 test events arrived one by one over 1\.8 seconds\.$/,
				],
			],
			[
				'Apache + PHP-FPM, padded (recorded)',
				run( APACHE_FPM_PADDED, FPM_APACHE ),
				'streams',
				'success',
				[ /^Answers stream on this server/ ],
			],
			[
				'a busy network, late and uneven',
				run( JITTER, FPM_NGINX, { server: 'nginx' } ),
				'streams',
				'success',
				[ /^Answers stream/ ],
			],
			[
				'Apache + PHP-FPM, padding off (recorded)',
				run( APACHE_FPM_BURST, { ...FPM_APACHE, padding: 0 } ),
				'apache-fpm',
				'warning',
				[
					/^Answers do not stream: .* after 2\.0 seconds/,
					/flushpackets=on/,
					/padding/,
					/Blocking/,
				],
			],
			[
				'Apache + PHP-FPM, padding too small for the 4 KB blocks',
				run( APACHE_FPM_BURST, { ...FPM_APACHE, padding: 1024 } ),
				'apache-fpm',
				'warning',
				[ /flushpackets=on/ ],
			],
			[
				'one event, then the rest at the end, behind a CDN',
				run( FIRST_THEN_BURST, FPM_APACHE, {
					'cf-ray': '8c1d2e3f4a5b6c7d-FRA',
					server: 'cloudflare',
				} ),
				'proxy',
				'warning',
				[
					/^Answers do not stream/,
					/proxy or CDN/,
					/cf-ray/,
					/\/wp-json\/dify-chatbot\//,
					/Blocking/,
				],
			],
			[
				'compressed on the way, though padded',
				run( APACHE_FPM_BURST, FPM_APACHE, {
					'content-encoding': 'gzip',
				} ),
				'proxy',
				'warning',
				[ /Content-Encoding: gzip/ ],
			],
			[
				'events in pairs behind a caching proxy',
				run( PAIRS, FPM_NGINX, {
					'x-cache': 'MISS',
					via: '1.1 varnish',
				} ),
				'proxy',
				'warning',
				[ /via, x-cache/ ],
			],
			[
				'nginx in front of Apache + mod_php',
				run( APACHE_FPM_BURST, MOD_PHP, { server: 'nginx/1.24.0' } ),
				'nginx-proxy',
				'warning',
				[
					/nginx in front of Apache\/2\.4\.71 \(Debian\)/,
					/proxy_buffering off;/,
					/Blocking/,
				],
			],
			[
				'zlib.output_compression that could not be turned off',
				run( APACHE_FPM_BURST, {
					...MOD_PHP,
					zlib_output_compression: true,
					zlib_turned_off: false,
				} ),
				'php-compression',
				'warning',
				[ /zlib\.output_compression/, /php\.ini/, /Blocking/ ],
			],
			[
				'an output buffer that could not be ended',
				run( APACHE_FPM_BURST, {
					...MOD_PHP,
					output_buffers: { found: 2, left: 1 },
				} ),
				'php-buffer',
				'warning',
				[ /output buffer/, /Blocking/ ],
			],
			[
				'nothing tells what holds it back',
				run( APACHE_FPM_BURST, FPM_NGINX, { server: 'nginx' } ),
				'unknown',
				'warning',
				[ /cannot tell what/, /Blocking/ ],
			],
			[
				'cut off after three events',
				run( PHP_S.slice( 0, 3 ), null ),
				'incomplete',
				'error',
				[ /3 of its 10 events arrived/, /Blocking/ ],
			],
			[
				'all events but not the last one',
				run( PHP_S, null ),
				'incomplete',
				'error',
				[ /10 of its 10 events/ ],
			],
		];

	it.each( cases )( '%s → %s', ( _name, recorded, cause, status, texts ) => {
		const verdict = judgeStream( recorded );
		expect( streamCause( recorded ) ).toBe( cause );
		expect( verdict.cause ).toBe( cause );
		expect( verdict.status ).toBe( status );
		for ( const text of texts ) {
			expect( verdict.text ).toMatch( text );
		}
	} );

	it( 'only a streamed run is called streaming', () => {
		for ( const [ , recorded, cause ] of cases ) {
			expect(
				/^Answers stream/.test( judgeStream( recorded ).text )
			).toBe( cause === 'streams' );
		}
	} );
} );

describe( 'arrivedOneByOne', () => {
	/**
	 * Ten events whose first `apart` gaps arrive apart and the rest together.
	 *
	 * @param apart How many of the nine gaps keep their spacing.
	 */
	function spreadThenBurst( apart: number ): number[] {
		return SENT.map( ( sent, i ) =>
			i <= apart ? sent : ( SENT[ apart ] as number ) + i
		);
	}

	it( 'needs two thirds of the gaps kept (6 of 9)', () => {
		const ticks = ( arrivals: number[] ) =>
			run( arrivals, CLI_SERVER ).ticks;
		expect( arrivedOneByOne( ticks( spreadThenBurst( 9 ) ) ) ).toBe( true );
		expect( arrivedOneByOne( ticks( spreadThenBurst( 6 ) ) ) ).toBe( true );
		expect( arrivedOneByOne( ticks( spreadThenBurst( 5 ) ) ) ).toBe(
			false
		);
		expect( arrivedOneByOne( ticks( [ 100 ] ) ) ).toBe( false );
		expect( arrivedOneByOne( [] ) ).toBe( false );
	} );
} );

describe( 'streamDetails', () => {
	it( 'lists the arrivals and what PHP reported', () => {
		expect(
			streamDetails(
				run( APACHE_FPM_BURST, { ...FPM_APACHE, padding: 0 } )
			)
		).toBe(
			'Events arrived after (ms): 2029, 2029, 2029, 2030, 2030, 2030, 2030, 2030, 2030, 2030; the last one after 2031. ' +
				'Server: Apache/2.4.71 (Debian); PHP: fpm-fcgi; padding: 0 bytes; zlib.output_compression: off; output_buffering: 4096.'
		);
		expect( streamDetails( run( [ 10.4 ], null ) ) ).toBe(
			'Events arrived after (ms): 10; the last one after 11.'
		);
	} );
} );

describe( 'runStreamTest', () => {
	it( 'times each event as it is read, skipping the padding, and keeps the telling headers', async () => {
		const encoder = new TextEncoder();
		const frames = [
			// Padded like behind Apache + PHP-FPM: a comment line before the frame.
			`:${ ' '.repeat( 100 ) }\ndata: {"event":"stream_test","n":1,"sent_ms":0}\n\n`,
			'data: {"event":"stream_test","n":2,"sent_ms":200}\n\n',
			'data: not json\n\n',
			'data: {"event":"stream_test_end","sent_ms":400,"diagnostics":{"sapi":"fpm-fcgi"}}\n\n',
		];
		let clock = 1000;
		const body = new ReadableStream< Uint8Array >(
			{
				pull( controller ) {
					const next = frames.shift();
					if ( next === undefined ) {
						controller.close();
						return;
					}
					// Each chunk arrives 150 ms after the one before.
					clock += 150;
					controller.enqueue( encoder.encode( next ) );
				},
			},
			// Nothing read ahead: a chunk "arrives" when the runner reads it.
			{ highWaterMark: 0 }
		);
		fetchMock.mockResolvedValueOnce(
			new Response( body, {
				headers: {
					'Content-Type': 'text/event-stream',
					'Content-Encoding': 'identity',
					'CF-Ray': 'abc-FRA',
					'X-Unrelated': 'x',
				},
			} )
		);

		const recorded = await runStreamTest( () => clock );

		expect( fetchMock ).toHaveBeenCalledWith( {
			path: '/dify-chatbot/v1/settings/stream-test',
			parse: false,
		} );
		expect( recorded.ticks ).toEqual( [
			{ n: 1, sentMs: 0, atMs: 150 },
			{ n: 2, sentMs: 200, atMs: 300 },
		] );
		expect( recorded.diagnostics ).toEqual( { sapi: 'fpm-fcgi' } );
		expect( recorded.endMs ).toBe( 600 );
		expect( recorded.headers ).toEqual( {
			'content-encoding': 'identity',
			'cf-ray': 'abc-FRA',
		} );
		expect( TICKS ).toBe( 10 );
	} );
} );

describe( 'streamTestError', () => {
	it( 'reads the message of a refused request, or falls back', async () => {
		const refused = new Response(
			JSON.stringify( {
				code: 'rest_forbidden',
				message: 'Sorry, you are not allowed to do that.',
			} ),
			{ status: 403 }
		);
		expect( await streamTestError( refused, 'fallback' ) ).toBe(
			'Sorry, you are not allowed to do that.'
		);
		expect(
			await streamTestError(
				new Response( '<html>502</html>', { status: 502 } ),
				'fallback'
			)
		).toBe( 'fallback' );
		expect(
			await streamTestError( new TypeError( 'Failed to fetch' ), 'fb' )
		).toBe( 'Failed to fetch' );
		expect( await streamTestError( null, 'fb' ) ).toBe( 'fb' );
	} );
} );
