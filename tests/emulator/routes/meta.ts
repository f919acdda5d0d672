/** GET /, /info, /meta, /site, /parameters (§1, §12). */
import {
	infoJson,
	metaJson,
	parametersJson,
	siteJson,
	type AppDef,
} from '../apps';
import { SERVER_VERSION, sendJson, type Ctx } from '../context';

function app( ctx: Ctx ): AppDef {
	if ( ! ctx.app ) {
		throw new Error( 'route requires an app' );
	}
	return ctx.app;
}

export function index( ctx: Ctx ): void {
	sendJson( ctx, 200, {
		welcome: 'Dify OpenAPI',
		api_version: 'v1',
		server_version: SERVER_VERSION,
	} );
}

export function info( ctx: Ctx ): void {
	sendJson( ctx, 200, infoJson( app( ctx ) ) );
}

export function meta( ctx: Ctx ): void {
	sendJson( ctx, 200, metaJson( app( ctx ) ) );
}

export function site( ctx: Ctx ): void {
	sendJson( ctx, 200, siteJson( app( ctx ) ) );
}

export function parameters( ctx: Ctx ): void {
	sendJson( ctx, 200, parametersJson( app( ctx ) ) );
}
