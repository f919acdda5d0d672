/** HTTP-level fault directives (`#fault:<status>...`, stall, too-many). */
import type { AppDef } from '../apps';
import { sleep, type Ctx } from '../context';
import type { Directives } from '../directives';
import {
	DEFAULT_400_MESSAGES,
	DEFAULT_MESSAGES,
	HttpError,
	MSG,
	MSG_1_16,
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
		return concurrencyError( app, '400', 1 );
	}
	if ( f.kind === 'busy' ) {
		const v = { ...ctx.state.variants, ...d.variants };
		return concurrencyError(
			app,
			v.concurrency_error,
			Math.max( 1, v.concurrency_limit )
		);
	}
	if ( f.kind === 'no-agent' ) {
		return invalidParam( MSG_1_16.agentNoBoundAgent );
	}
	if ( f.kind === 'coded' ) {
		return new HttpError(
			f.status,
			f.code,
			DEFAULT_MESSAGES[ f.code ] ??
				`Emulated ${ f.code } error (#fault:${ f.status }:${ f.code }).`,
			f.retryAfter === null
				? {}
				: { headers: { 'Retry-After': String( f.retryAfter ) } }
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
 * Dify's concurrency cap: 429 `too_many_requests` as documented since 1.13,
 * or the 400 `invalid_param` that 1.12.1's code raised.
 * @param app
 * @param shape
 * @param limit
 */
export function concurrencyError(
	app: AppDef,
	shape: '429' | '400',
	limit: number
): HttpError {
	if ( shape === '429' ) {
		return new HttpError(
			429,
			'too_many_requests',
			MSG_1_16.tooManyRequests
		);
	}
	return invalidParam(
		`Too many requests. Please try again later. The current maximum concurrent requests allowed for ${ app.id } is ${ limit }.`
	);
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
