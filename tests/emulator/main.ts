/** `npm run emulator`: run the Dify emulator until SIGTERM/SIGINT. */
import { startEmulator } from './server';

const port = Number( process.env.DIFY_EMULATOR_PORT || 8787 );
const host = process.env.DIFY_EMULATOR_HOST || '127.0.0.1';

startEmulator( {
	host,
	port,
	publicUrl: process.env.DIFY_EMULATOR_PUBLIC_URL || undefined,
} ).then(
	( emulator ) => {
		process.stdout.write(
			`Dify emulator listening on ${ emulator.url }\n`
		);
		let stopping = false;
		const stop = (): void => {
			if ( stopping ) {
				return;
			}
			stopping = true;
			emulator.close().then(
				() => process.exit( 0 ),
				() => process.exit( 1 )
			);
		};
		process.on( 'SIGTERM', stop );
		process.on( 'SIGINT', stop );
	},
	( err: unknown ) => {
		process.stderr.write(
			`Dify emulator failed to start: ${ err instanceof Error ? err.message : String( err ) }\n`
		);
		process.exit( 1 );
	}
);
