/**
 * GET /workflow/{workflow_run_id}/events?user=… — re-attach to a chatflow or
 * workflow run (after a pause, a dropped connection, or to follow it from
 * elsewhere). Only the run's creator may; a finished run answers with a
 * single stdlib-JSON `workflow_finished` and ends.
 */
import { isWorkflowBased } from '../apps';
import { SseSubscriber } from '../channel';
import { difyHeaders, type Ctx } from '../context';
import { MSG_1_16, notFound, notWorkflowApp } from '../errors';
import { finishedData } from '../flows';
import { pyJsonDumps, sseJson } from '../json';

const STREAM_HEADERS = {
	'Cache-Control': 'no-cache',
	Connection: 'keep-alive',
};

/**
 * Dify reads these flags as true only for the string `true` (any case).
 * @param ctx
 * @param name
 */
function flag( ctx: Ctx, name: string ): boolean {
	return ( ctx.query.get( name ) ?? 'false' ).toLowerCase() === 'true';
}

export function workflowEvents( ctx: Ctx ): void {
	const app = ctx.app;
	const endUser = ctx.endUser;
	if ( ! app || ! endUser ) {
		throw new Error( 'route requires app and user' );
	}
	if ( ! isWorkflowBased( app ) ) {
		throw notWorkflowApp();
	}
	const state = ctx.state;
	const run = state.store.runs.get(
		( ctx.params.workflow_run_id ?? '' ).toLowerCase()
	);
	if ( ! run || run.appId !== app.id || run.endUserId !== endUser.id ) {
		throw notFound( MSG_1_16.runNotFound );
	}
	const rt = state.runtimes.get( run.id );
	if ( run.finishedAt !== null || ! rt ) {
		const payload = {
			event: 'workflow_finished',
			task_id: run.id,
			workflow_run_id: run.id,
			data: finishedData( run, endUser.id ),
		};
		ctx.record.status = 200;
		ctx.res.writeHead( 200, {
			...difyHeaders( ctx.req, state ),
			'Content-Type': 'text/event-stream; charset=utf-8',
			...STREAM_HEADERS,
		} );
		ctx.res.end( `data: ${ pyJsonDumps( payload ) }\n\n` );
		return;
	}
	const snapshot = flag( ctx, 'include_state_snapshot' );
	const continueOnPause = flag( ctx, 'continue_on_pause' );
	const sub = new SseSubscriber(
		state,
		ctx.res,
		new Set(
			continueOnPause ? [] : [ 'workflow_finished', 'workflow_paused' ]
		),
		rt.pingMs
	);
	sub.start( ctx.req, STREAM_HEADERS );
	ctx.record.status = 200;
	if ( snapshot ) {
		for ( const e of rt.snapshot ) {
			sub.write( `data: ${ sseJson( e ) }\n\n` );
		}
		if ( run.status === 'paused' ) {
			for ( const e of rt.pending ) {
				sub.write( `data: ${ sseJson( e ) }\n\n` );
			}
			if ( ! continueOnPause ) {
				sub.close();
				return;
			}
		}
	}
	const replay = run.variants.resume_replay ?? state.variants.resume_replay;
	rt.channel.attach( sub, ! snapshot && replay === 'segment' );
}
