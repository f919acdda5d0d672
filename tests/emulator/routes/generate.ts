/**
 * Generation endpoints (§6): chat-messages, completion-messages, workflows/run
 * (+ by id), the three stop endpoints, workflow run detail and logs.
 */
import { randomUUID } from 'node:crypto';
import { generatedName, provisionalName } from '../answers';
import { isChatLike, type AppDef } from '../apps';
import {
	publicOrigin,
	sendError,
	sendJson,
	sendPyJson,
	type Ctx,
} from '../context';
import { parseDirectives, type Directives } from '../directives';
import {
	HttpError,
	appUnavailable,
	badRequest,
	invalidParam,
	notChatApp,
	notFound,
	notWorkflowApp,
	withDidYouMean,
} from '../errors';
import { pyJsonDumps } from '../json';
import {
	runAgent,
	runChatOrCompletion,
	runChatflow,
	runWorkflow,
	uploadPreviewUrl,
	type Outcome,
	type RunEnv,
} from '../modes';
import type { StopRecord } from '../record';
import { BlockingSink, SseSink, type Sink } from '../stream';
import {
	nowSeconds,
	type Conversation,
	type EndUser,
	type MessageFile,
	type WorkflowRun,
} from '../store';
import {
	normalizeUuid,
	queryDict,
	resolveFiles,
	validateInputs,
	validateModel,
	type ResolvedFile,
	type Spec,
} from '../validate';
import { applyHttpFault, didYouMeanFor } from './faults';

function need( ctx: Ctx ): {
	app: AppDef;
	endUser: EndUser;
	user: string;
	body: Record< string, unknown >;
} {
	if ( ! ctx.app || ! ctx.endUser || ctx.user === null ) {
		throw new Error( 'route requires app, user' );
	}
	return {
		app: ctx.app,
		endUser: ctx.endUser,
		user: ctx.user,
		body: ctx.json ?? {},
	};
}

const RESPONSE_MODE: Spec = {
	kind: 'literal',
	values: [ 'blocking', 'streaming' ],
	required: false,
	nullable: true,
};
const FILES: Spec = {
	kind: 'list',
	required: false,
	nullable: true,
	items: 'dict',
};

function checkWorkflowId( app: AppDef, raw: string ): void {
	const id = normalizeUuid( raw );
	if ( ! id ) {
		throw badRequest( `Invalid workflow_id format: '${ raw }'. ` );
	}
	if ( id === app.draftWorkflowId ) {
		throw badRequest(
			`Cannot use draft workflow version. Workflow ID: ${ raw }. Please use a published workflow version or leave workflow_id empty.`
		);
	}
	if ( id !== app.workflowId ) {
		throw notFound( `Workflow not found with id: ${ raw }` );
	}
}

interface GenRequest {
	query: string;
	text: string;
	directives: Directives;
	inputs: Record< string, unknown >;
	files: ResolvedFile[];
	conversation: Conversation | null;
	streaming: boolean;
	autoName: boolean;
}

function userMessageFiles( ctx: Ctx, files: ResolvedFile[] ): MessageFile[] {
	const base = publicOrigin( ctx );
	return files.map( ( f ) => ( {
		id: randomUUID(),
		filename: f.filename,
		type: f.type,
		url: f.uploadFileId
			? uploadPreviewUrl( base, f.uploadFileId )
			: ( f.remoteUrl ?? '' ),
		mimeType: f.mimeType,
		size: f.size,
		transferMethod: f.transferMethod,
		belongsTo: 'user',
		uploadFileId: f.uploadFileId,
	} ) );
}

async function generate( ctx: Ctx, g: GenRequest ): Promise< void > {
	const { app, endUser, user } = need( ctx );
	// HTTP-level fault directives apply after validation, before any record is created.
	if ( await applyHttpFault( ctx, app, g.directives ) ) {
		return;
	}
	const { state } = ctx;
	const store = state.store;
	const task = store.createTask( app, endUser );
	let conversation = g.conversation;
	if ( isChatLike( app ) ) {
		if ( ! conversation ) {
			conversation = store.createConversation(
				app,
				endUser,
				provisionalName( g.query ),
				g.inputs,
				app.openingStatement ?? ''
			);
			if ( g.autoName ) {
				// Stands in for Dify's LLM-generated name.
				conversation.name = generatedName( g.text );
			}
		}
		conversation.dialogueCount += 1;
		store.touchConversation( conversation );
	}
	const message =
		app.mode === 'workflow'
			? null
			: store.createMessage(
					app,
					endUser,
					conversation,
					g.query,
					g.inputs,
					task.id
				);
	if ( message ) {
		message.messageFiles = userMessageFiles( ctx, g.files );
	}
	let run: WorkflowRun | null = null;
	if ( app.mode === 'workflow' || app.mode === 'advanced-chat' ) {
		run = {
			id: randomUUID(),
			appId: app.id,
			workflowId: app.workflowId ?? '',
			endUserId: endUser.id,
			user,
			status: 'running',
			inputs: g.inputs,
			outputs: {},
			error: null,
			totalSteps: 0,
			totalTokens: 0,
			createdAt: nowSeconds(),
			finishedAt: null,
			elapsedTime: 0,
			order: store.nextOrder(),
		};
		store.runs.set( run.id, run );
	}
	const d = g.directives;
	const env: RunEnv = {
		state,
		app,
		endUser,
		user,
		task,
		directives: d,
		text: g.text,
		inputs: g.inputs,
		userFiles: g.files,
		conversation,
		message,
		run,
		createdAt: message
			? message.createdAt
			: ( run?.createdAt ?? nowSeconds() ),
		startedMs: performance.now(),
		fileBase: d.files === 'relative' ? '' : publicOrigin( ctx ),
	};
	let delay = state.options.delayMs;
	if ( d.delayMs !== null ) {
		delay = d.delayMs;
	} else if ( d.slow ) {
		delay = 500;
	} else if ( d.longKb ) {
		delay = 0;
	}
	let sink: Sink;
	if ( g.streaming ) {
		const sse = new SseSink(
			state,
			ctx.req,
			ctx.res,
			task,
			delay,
			d.pingMs ?? state.options.pingMs
		);
		sse.start();
		ctx.record.status = 200;
		sink = sse;
	} else {
		sink = new BlockingSink( state, ctx.res, task, delay );
	}
	let outcome: Outcome;
	try {
		switch ( app.mode ) {
			case 'agent-chat':
				outcome = await runAgent( env, sink );
				break;
			case 'advanced-chat':
				outcome = await runChatflow( env, sink );
				break;
			case 'workflow':
				outcome = await runWorkflow( env, sink );
				break;
			default:
				outcome = await runChatOrCompletion( env, sink );
		}
	} finally {
		task.finished = true;
		if ( g.streaming ) {
			sink.end();
		}
	}
	if ( g.streaming ) {
		return;
	}
	switch ( outcome.kind ) {
		case 'message': {
			const body: Record< string, unknown > = {
				event: 'message',
				task_id: task.id,
				id: message?.id,
				message_id: message?.id,
			};
			if ( app.mode !== 'completion' ) {
				body.conversation_id = conversation?.id;
			}
			body.mode = app.mode;
			body.answer = outcome.answer;
			body.metadata = outcome.metadata;
			body.created_at = env.createdAt;
			sendPyJson( ctx, body );
			return;
		}
		case 'workflow':
			sendPyJson( ctx, {
				task_id: task.id,
				workflow_run_id: run?.id,
				data: outcome.data,
			} );
			return;
		case 'error':
			sendError(
				ctx,
				new HttpError( outcome.status, outcome.code, outcome.message )
			);
			return;
		default:
			ctx.record.status = 0;
	}
}

export async function chatMessages( ctx: Ctx ): Promise< void > {
	const { app, endUser, body } = need( ctx );
	if ( ! isChatLike( app ) ) {
		throw notChatApp();
	}
	const p = validateModel( 'ChatRequestPayload', body, [
		[ 'inputs', { kind: 'dict', required: true } ],
		[ 'query', { kind: 'str', required: true } ],
		[ 'files', FILES ],
		[ 'response_mode', RESPONSE_MODE ],
		[
			'conversation_id',
			{
				kind: 'uuidOrBlank',
				error: 'conversation_id must be a valid UUID',
			},
		],
		[ 'retriever_from', { kind: 'str', required: false } ],
		[ 'auto_generate_name', { kind: 'bool', required: false } ],
		[ 'workflow_id', { kind: 'str', required: false, nullable: true } ],
	] );
	const streaming = p.response_mode === 'streaming';
	if (
		app.mode === 'advanced-chat' &&
		typeof p.workflow_id === 'string' &&
		p.workflow_id
	) {
		checkWorkflowId( app, p.workflow_id );
	}
	if ( app.mode === 'agent-chat' && ! streaming ) {
		throw invalidParam( 'Agent Chat App does not support blocking mode' );
	}
	const query = String( p.query ).replace( /\u0000/g, '' );
	if ( ! query ) {
		throw invalidParam( 'query is required' );
	}
	const { directives, cleaned } = parseDirectives( query );
	let conversation: Conversation | null = null;
	if ( typeof p.conversation_id === 'string' ) {
		conversation =
			ctx.state.store.ownConversation(
				app,
				endUser,
				p.conversation_id
			) ?? null;
		if ( ! conversation ) {
			throw notFound(
				withDidYouMean(
					'Conversation Not Exists.',
					ctx.path,
					didYouMeanFor( ctx.path )
				)
			);
		}
	}
	const inputs = validateInputs(
		app,
		p.inputs as Record< string, unknown >,
		ctx.state.store
	);
	const files = resolveFiles( app, p.files, ctx.state.store );
	await generate( ctx, {
		query,
		text: cleaned,
		directives,
		inputs,
		files,
		conversation,
		streaming,
		autoName: p.auto_generate_name !== false,
	} );
}

export async function completionMessages( ctx: Ctx ): Promise< void > {
	const { app, body } = need( ctx );
	if ( app.mode !== 'completion' ) {
		throw appUnavailable();
	}
	const p = validateModel( 'CompletionRequestPayload', body, [
		[ 'inputs', { kind: 'dict', required: true } ],
		[ 'query', { kind: 'str', required: false } ],
		[ 'files', FILES ],
		[ 'response_mode', RESPONSE_MODE ],
		[ 'retriever_from', { kind: 'str', required: false } ],
	] );
	const inputs = validateInputs(
		app,
		p.inputs as Record< string, unknown >,
		ctx.state.store
	);
	const files = resolveFiles( app, p.files, ctx.state.store );
	const bodyQuery =
		typeof p.query === 'string' ? p.query.replace( /\u0000/g, '' ) : '';
	const prompt =
		typeof inputs.query === 'string' && inputs.query
			? inputs.query
			: bodyQuery;
	const { directives, cleaned } = parseDirectives( prompt );
	await generate( ctx, {
		query: bodyQuery,
		text: cleaned,
		directives,
		inputs,
		files,
		conversation: null,
		streaming: p.response_mode === 'streaming',
		autoName: false,
	} );
}

async function workflowRunCommon(
	ctx: Ctx,
	byId: string | null
): Promise< void > {
	const { app, body } = need( ctx );
	if ( app.mode !== 'workflow' ) {
		throw notWorkflowApp();
	}
	const p = validateModel( 'WorkflowRunPayload', body, [
		[ 'inputs', { kind: 'dict', required: true } ],
		[ 'files', FILES ],
		[ 'response_mode', RESPONSE_MODE ],
	] );
	if ( byId !== null ) {
		checkWorkflowId( app, byId );
	}
	const inputs = validateInputs(
		app,
		p.inputs as Record< string, unknown >,
		ctx.state.store
	);
	const files = resolveFiles( app, p.files, ctx.state.store );
	let prompt = typeof body.query === 'string' ? body.query : '';
	if ( typeof inputs.query === 'string' && inputs.query ) {
		prompt = inputs.query;
	}
	const { directives, cleaned } = parseDirectives( prompt );
	await generate( ctx, {
		query: prompt,
		text: cleaned,
		directives,
		inputs,
		files,
		conversation: null,
		streaming: p.response_mode === 'streaming',
		autoName: false,
	} );
}

export function workflowRun( ctx: Ctx ): Promise< void > {
	return workflowRunCommon( ctx, null );
}

export function workflowRunById( ctx: Ctx ): Promise< void > {
	return workflowRunCommon( ctx, ctx.params.workflow_id ?? '' );
}

function stopTask( ctx: Ctx, endpoint: StopRecord[ 'endpoint' ] ): void {
	const { app, endUser, user } = need( ctx );
	const taskId = ctx.params.task_id ?? '';
	const store = ctx.state.store;
	const task = store.tasks.get( taskId );
	const owner = !! task && task.endUserId === endUser.id;
	// Chat/completion stops only apply for the owner (§4); the workflow stop is not owner-checked (§6.5).
	const effective =
		!! task &&
		! task.finished &&
		! task.stopRequested &&
		( endpoint === 'workflow' || owner );
	if ( task && effective ) {
		store.requestStop( task );
	}
	ctx.state.recorder.stops.push( {
		seq: ctx.record.seq,
		time: Date.now(),
		endpoint,
		appKey: app.key,
		taskId,
		user,
		known: !! task,
		owner,
		effective,
	} );
	sendJson( ctx, 200, { result: 'success' } );
}

export function chatStop( ctx: Ctx ): void {
	const { app } = need( ctx );
	if ( ! isChatLike( app ) ) {
		throw notChatApp();
	}
	stopTask( ctx, 'chat' );
}

export function completionStop( ctx: Ctx ): void {
	const { app } = need( ctx );
	if ( app.mode !== 'completion' ) {
		throw appUnavailable();
	}
	stopTask( ctx, 'completion' );
}

export function workflowStop( ctx: Ctx ): void {
	const { app } = need( ctx );
	if ( app.mode !== 'workflow' ) {
		throw notWorkflowApp();
	}
	stopTask( ctx, 'workflow' );
}

export function workflowRunDetail( ctx: Ctx ): void {
	const app = ctx.app;
	if ( ! app ) {
		throw new Error( 'route requires an app' );
	}
	if ( app.mode !== 'workflow' && app.mode !== 'advanced-chat' ) {
		throw notWorkflowApp();
	}
	const run = ctx.state.store.runs.get( ctx.params.workflow_run_id ?? '' );
	if ( ! run || run.appId !== app.id ) {
		sendJson( ctx, 200, {
			id: null,
			workflow_id: null,
			status: null,
			inputs: null,
			outputs: null,
			error: null,
			total_steps: null,
			total_tokens: null,
			created_at: null,
			finished_at: null,
			elapsed_time: null,
		} );
		return;
	}
	sendJson( ctx, 200, {
		id: run.id,
		workflow_id: run.workflowId,
		status: run.status,
		inputs: pyJsonDumps( run.inputs ),
		outputs: pyJsonDumps( run.outputs ),
		error: run.error,
		total_steps: run.totalSteps,
		total_tokens: run.totalTokens,
		created_at: run.createdAt,
		finished_at: run.finishedAt,
		elapsed_time: run.elapsedTime,
	} );
}

export function workflowLogs( ctx: Ctx ): void {
	const app = ctx.app;
	if ( ! app ) {
		throw new Error( 'route requires an app' );
	}
	const q = validateModel( 'WorkflowLogQuery', queryDict( ctx.query ), [
		[ 'keyword', { kind: 'str', required: false } ],
		[
			'status',
			{
				kind: 'literal',
				values: [ 'succeeded', 'failed', 'stopped' ],
				required: false,
			},
		],
		[ 'created_by_end_user_session_id', { kind: 'str', required: false } ],
		[ 'page', { kind: 'int', required: false, min: 1, max: 99999 } ],
		[ 'limit', { kind: 'int', required: false, min: 1, max: 100 } ],
	] );
	const page = ( q.page as number | undefined ) ?? 1;
	const limit = ( q.limit as number | undefined ) ?? 20;
	const store = ctx.state.store;
	let runs = [ ...store.runs.values() ]
		.filter( ( r ) => r.appId === app.id )
		.sort( ( a, b ) => b.order - a.order );
	if ( q.status ) {
		runs = runs.filter( ( r ) => r.status === q.status );
	}
	if ( q.created_by_end_user_session_id ) {
		runs = runs.filter(
			( r ) => r.user === q.created_by_end_user_session_id
		);
	}
	if ( q.keyword ) {
		const k = String( q.keyword ).toLowerCase();
		runs = runs.filter(
			( r ) =>
				pyJsonDumps( r.inputs ).toLowerCase().includes( k ) ||
				pyJsonDumps( r.outputs ).toLowerCase().includes( k )
		);
	}
	const slice = runs.slice( ( page - 1 ) * limit, page * limit );
	sendJson( ctx, 200, {
		page,
		limit,
		total: runs.length,
		has_more: page * limit < runs.length,
		data: slice.map( ( r ) => {
			const eu = store.endUserById( r.endUserId );
			return {
				id: randomUUID(),
				workflow_run: {
					id: r.id,
					version: r.workflowId,
					status: r.status,
					triggered_from: 'app-run',
					error: r.error,
					elapsed_time: r.elapsedTime,
					total_tokens: r.totalTokens,
					total_steps: r.totalSteps,
					created_at: r.createdAt,
					finished_at: r.finishedAt,
					exceptions_count: 0,
				},
				details: null,
				created_from: 'service-api',
				created_by_role: 'end_user',
				created_by_account: null,
				created_by_end_user: eu
					? {
							id: eu.id,
							type: 'service_api',
							is_anonymous: eu.isAnonymous,
							session_id: eu.sessionId,
						}
					: null,
				created_at: r.createdAt,
			};
		} ),
	} );
}
