/** GET /end-users/{end_user_id} (Dify 1.13+): who an EndUser id stands for. */
import { TENANT_ID } from '../apps';
import { sendJson, type Ctx } from '../context';
import { HttpError, MSG_1_16 } from '../errors';
import { normalizeUuid } from '../validate';

function iso( seconds: number ): string {
	return new Date( seconds * 1000 ).toISOString().replace( /\.\d{3}Z$/, 'Z' );
}

export function endUserGet( ctx: Ctx ): void {
	const app = ctx.app;
	if ( ! app ) {
		throw new Error( 'route requires an app' );
	}
	const id = normalizeUuid( ctx.params.end_user_id ?? '' );
	const user = id ? ctx.state.store.endUserById( id ) : undefined;
	if ( ! user || user.appId !== app.id ) {
		throw new HttpError(
			404,
			'end_user_not_found',
			MSG_1_16.endUserNotFound
		);
	}
	sendJson( ctx, 200, {
		id: user.id,
		tenant_id: TENANT_ID,
		app_id: app.id,
		type: 'service-api',
		external_user_id: user.sessionId,
		name: null,
		is_anonymous: user.isAnonymous,
		session_id: user.sessionId,
		created_at: iso( user.createdAt ),
		updated_at: iso( user.createdAt ),
	} );
}
