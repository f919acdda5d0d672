/** `npm run emulator`: run the Dify emulator until SIGTERM/SIGINT. */
import { startEmulator } from './server';
import { parseVariantList, type Variants } from './variants';

const port = Number( process.env.DIFY_EMULATOR_PORT || 8787 );
const host = process.env.DIFY_EMULATOR_HOST || '127.0.0.1';

function fail( message: string ): never {
	process.stderr.write( `Dify emulator failed to start: ${ message }\n` );
	process.exit( 1 );
}

let variants: Partial< Variants > = {};
try {
	variants = parseVariantList( process.env.DIFY_EMULATOR_VARIANTS ?? '' );
} catch ( err ) {
	fail(
		`DIFY_EMULATOR_VARIANTS: ${ err instanceof Error ? err.message : String( err ) }`
	);
}

startEmulator( {
	host,
	port,
	publicUrl: process.env.DIFY_EMULATOR_PUBLIC_URL || undefined,
	profile: process.env.DIFY_EMULATOR_PROFILE || undefined,
	variants,
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
	( err: unknown ) =>
		fail( err instanceof Error ? err.message : String( err ) )
);
