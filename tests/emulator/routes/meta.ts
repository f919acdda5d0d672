/** GET /, /info, /meta, /site, /parameters. */
import {
	infoJson,
	metaJson,
	parametersJson,
	siteJson,
	type AppDef,
} from '../apps';
import { publicOrigin, sendJson, type Ctx } from '../context';
import { HttpError, MSG_1_16 } from '../errors';
import { uploadPreviewUrl } from '../modes';

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
		server_version: ctx.state.variants.server_version,
	} );
}

export function info( ctx: Ctx ): void {
	sendJson( ctx, 200, infoJson( app( ctx ) ) );
}

export function meta( ctx: Ctx ): void {
	sendJson( ctx, 200, metaJson( app( ctx ) ) );
}

export function site( ctx: Ctx ): void {
	const a = app( ctx );
	const icon = a.site.icon;
	// An image icon is an upload; its link is signed like every file link.
	const iconUrl =
		icon.type === 'image'
			? uploadPreviewUrl( publicOrigin( ctx ), icon.uploadId )
			: null;
	sendJson( ctx, 200, siteJson( a, iconUrl ) );
}

export function parameters( ctx: Ctx ): void {
	const a = app( ctx );
	if ( a.mode === 'agent' && ! a.published ) {
		throw new HttpError(
			400,
			'agent_not_published',
			MSG_1_16.agentNotPublished
		);
	}
	sendJson( ctx, 200, parametersJson( a ) );
}
