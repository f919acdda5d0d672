/** HTTP-level fault directives (`#fault:<status>...`, stall, too-many). */
import type { AppDef } from '../apps';
import { sleep, type Ctx } from '../context';
import type { Directives } from '../directives';
import {
	DEFAULT_400_MESSAGES,
	HttpError,
	MSG,
	forbidden,
	internalServerError,
	invalidParam,
	nginxError,
	notFound,
	unauthorized,
	unsupportedMediaType,
	withDidYouMean,
} from '../errors';

/**
 * flask-restx "did you mean" candidates for the generation routes.
 * @param path
 */
export function didYouMeanFor( path: string ): string[] {
	const base = path.replace( /^\/v1/, '' );
	if ( base.startsWith( '/chat-messages' ) ) {
		return [
			'/v1/chat-messages',
			'/api/chat-messages',
			'/v1/chat-messages/<string:task_id>/stop',
		];
	}
	if ( base.startsWith( '/completion-messages' ) ) {
		return [
			'/v1/completion-messages',
			'/api/completion-messages',
			'/v1/completion-messages/<string:task_id>/stop',
		];
	}
	if ( base.startsWith( '/workflows' ) ) {
		return [
			'/v1/workflows/run',
			'/api/workflows/run',
			'/v1/workflows/tasks/<string:task_id>/stop',
		];
	}
	if ( base.startsWith( '/messages' ) ) {
		return [ '/v1/messages', '/api/messages' ];
	}
	return [ path ];
}

export function faultError(
	ctx: Ctx,
	app: AppDef,
	d: Directives
): HttpError | null {
	const f = d.httpFault;
	if ( ! f ) {
		return null;
	}
	if ( f.kind === 'rate-limit' ) {
		return new HttpError( 429, 'rate_limit_error', 'Rate Limit Error', {
			headers: { 'Retry-After': String( f.retryAfter ) },
		} );
	}
	if ( f.kind === 'too-many' ) {
		return invalidParam(
			`Too many requests. Please try again later. The current maximum concurrent requests allowed for ${ app.id } is 1.`
		);
	}
	switch ( f.status ) {
		case 400:
			return new HttpError(
				400,
				f.code,
				DEFAULT_400_MESSAGES[ f.code ] ??
					`Emulated ${ f.code } error (#fault:400:${ f.code }).`
			);
		case 401:
			return unauthorized( MSG.tokenInvalid );
		case 403:
			return forbidden( MSG.appDisabled );
		case 404:
			return notFound(
				withDidYouMean(
					'Conversation Not Exists.',
					ctx.path,
					didYouMeanFor( ctx.path )
				)
			);
		case 413:
			return nginxError( 413 );
		case 415:
			return unsupportedMediaType();
		case 500:
			return internalServerError();
		case 502:
			return nginxError( 502 );
		case 504:
			return nginxError( 504 );
	}
	return null;
}

/**
 * Apply HTTP-level faults. Returns true when the request was consumed (stall);
 * throws the HttpError for status faults.
 * @param ctx
 * @param app
 * @param d
 */
export async function applyHttpFault(
	ctx: Ctx,
	app: AppDef,
	d: Directives
): Promise< boolean > {
	if ( d.stallSeconds !== null ) {
		// Accept, never answer, then cut the connection.
		const closed = new Set< () => void >();
		const onClose = (): void => {
			for ( const w of [ ...closed ] ) {
				w();
			}
		};
		ctx.req.socket.once( 'close', onClose );
		await sleep( ctx.state, d.stallSeconds * 1000, closed );
		ctx.req.socket.off( 'close', onClose );
		ctx.record.status = 0;
		ctx.req.socket.destroy();
		return true;
	}
	const err = faultError( ctx, app, d );
	if ( err ) {
		throw err;
	}
	return false;
}
