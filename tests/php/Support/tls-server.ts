/**
 * Test-only servers for the transport-policy tests (tests/php/Dify/Transport_PolicyTest.php):
 *
 *   node --import tsx tests/php/Support/tls-server.ts proxy <cert.pem> <key.pem> <target origin>
 *     HTTPS with the given (self-signed) certificate, forwarding every request to the target
 *     (the Dify emulator) and streaming the answer back.
 *   node --import tsx tests/php/Support/tls-server.ts redirect <location origin>
 *     plain HTTP answering every request with 307 to <location origin> + the same path.
 *
 * Listens on 127.0.0.1, a free port; prints "port N" once listening and exits when its standard
 * input closes (the PHP test that started it ended or closed the pipe).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

const [ mode, ...rest ] = process.argv.slice( 2 );

function forward( target: URL ): http.RequestListener {
	return ( req, res ) => {
		const upstream = http.request(
			{
				host: target.hostname,
				port: target.port,
				method: req.method,
				path: req.url,
				headers: { ...req.headers, host: target.host },
			},
			( answer ) => {
				res.writeHead( answer.statusCode ?? 502, answer.headers );
				answer.pipe( res );
			}
		);
		upstream.on( 'error', () => res.destroy() );
		req.pipe( upstream );
	};
}

function redirect( origin: string ): http.RequestListener {
	return ( req, res ) => {
		req.resume();
		res.writeHead( 307, {
			Location: origin + ( req.url ?? '/' ),
			'Content-Type': 'text/html',
		} );
		res.end( '<p>Moved</p>' );
	};
}

let server: http.Server;
if ( mode === 'proxy' && rest.length === 3 ) {
	const [ cert, key, target ] = rest as [ string, string, string ];
	server = https.createServer(
		{ cert: readFileSync( cert ), key: readFileSync( key ) },
		forward( new URL( target ) )
	);
} else if ( mode === 'redirect' && rest.length === 1 ) {
	server = http.createServer( redirect( rest[ 0 ] as string ) );
} else {
	process.stderr.write(
		'usage: tls-server.ts proxy <cert> <key> <target> | redirect <origin>\n'
	);
	process.exit( 2 );
}
// A TLS handshake the client aborts (unknown CA) is expected: it must not end the server.
server.on( 'tlsClientError', () => undefined );
server.listen( 0, '127.0.0.1', () => {
	process.stdout.write(
		`port ${ ( server.address() as AddressInfo ).port }\n`
	);
} );
process.stdin.resume();
process.stdin.on( 'end', () => process.exit( 0 ) );
process.stdin.on( 'close', () => process.exit( 0 ) );
