/**
 * Generation endpoints (§6): chat-messages, completion-messages, workflows/run
 * (+ by id), the three stop endpoints, workflow run detail and logs.
 */
import { randomUUID } from 'node:crypto';
import { generatedName, provisionalName } from '../answers';
import { isChatLike, isWorkflowBased, type AppDef } from '../apps';
import {
	ChannelSink,
	RunChannel,
	SseSubscriber,
	type RunRuntime,
} from '../channel';
import {
	publicOrigin,
	sendError,
	sendJson,
	sendPyJson,
	sleep,
	type Ctx,
} from '../context';
import { parseDirectives, type Directives } from '../directives';
import {
	HttpError,
	MSG_1_16,
	appUnavailable,
	badRequest,
	invalidParam,
	notChatApp,
	notFound,
	notWorkflowApp,
	withDidYouMean,
} from '../errors';
import { runFlow } from '../flows';
import { pyJsonDumps } from '../json';
import {
	runAgent,
	runChatOrCompletion,
	uploadPreviewUrl,
	type Outcome,
	type RunEnv,
} from '../modes';
import { runNewAgent } from '../new-agent';
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
	OwnershipError,
	normalizeUuid,
	queryDict,
	resolveFiles,
	validateInputs,
	validateModel,
	type FileAccess,
	type ResolvedFile,
	type Spec,
} from '../validate';
import type { Variants } from '../variants';
import { applyHttpFault, concurrencyError, didYouMeanFor } from './faults';

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

function checkWorkflowId( app: AppDef, raw: string, v: Variants ): void {
	const id = normalizeUuid( raw );
	if ( ! id ) {
		throw badRequest( `Invalid workflow_id format: '${ raw }'. ` );
	}
	if ( v.pinned_versions === 'forbidden' ) {
		throw new HttpError(
			403,
			'workflow_version_execution_not_allowed',
			MSG_1_16.versionNotAllowed
		);
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

function variantsOf( ctx: Ctx, d: Directives ): Variants {
	return { ...ctx.state.variants, ...d.variants };
}

function accessOf( ctx: Ctx, d: Directives ): FileAccess {
	const { endUser } = need( ctx );
	return {
		owner: endUser,
		ownership: variantsOf( ctx, d ).upload_ownership,
	};
}

/**
 * Dify 1.14.x: a chatflow that references another user's upload fails inside
 * the worker, and the HTTP stream stays open without data (pings only) until
 * Dify's idle timeout, the client leaving or `#fault:pings:SECONDS`.
 * @param ctx
 * @param d
 */
async function silentStream( ctx: Ctx, d: Directives ): Promise< void > {
	const state = ctx.state;
	const sub = new SseSubscriber(
		state,
		ctx.res,
		new Set(),
		d.pingMs ?? state.options.pingMs
	);
	sub.start( ctx.req );
	ctx.record.status = 200;
	const wake = new Set< () => void >();
	ctx.res.on( 'close', () => {
		for ( const w of [ ...wake ] ) {
			w();
		}
	} );
	await sleep( state, ( d.pingsSeconds ?? 300 ) * 1000, wake );
	sub.close();
}

/**
 * Validates inputs and files; another user's upload in a chatflow may turn
 * into the silent stream (null) instead of the 400.
 * @param ctx
 * @param app
 * @param d
 * @param rawInputs
 * @param rawFiles
 */
function checkInputsAndFiles(
	ctx: Ctx,
	app: AppDef,
	d: Directives,
	rawInputs: Record< string, unknown >,
	rawFiles: unknown
): { inputs: Record< string, unknown >; files: ResolvedFile[] } | null {
	const access = accessOf( ctx, d );
	try {
		return {
			inputs: validateInputs( app, rawInputs, ctx.state.store, access ),
			files: resolveFiles( app, rawFiles, ctx.state.store, access ),
		};
	} catch ( err ) {
		if (
			err instanceof OwnershipError &&
			app.mode === 'advanced-chat' &&
			variantsOf( ctx, d ).upload_mismatch === 'silent'
		) {
			return null;
		}
		throw err;
	}
}

async function generate( ctx: Ctx, g: GenRequest ): Promise< void > {
	const { app } = need( ctx );
	// HTTP-level fault directives apply after validation, before any record is created.
	if ( await applyHttpFault( ctx, app, g.directives ) ) {
		return;
	}
	const v = variantsOf( ctx, g.directives );
	const active = ctx.state.activeRequests;
	const running = active.get( app.id ) ?? 0;
	if ( v.concurrency_limit > 0 && running >= v.concurrency_limit ) {
		throw concurrencyError( app, v.concurrency_error, v.concurrency_limit );
	}
	active.set( app.id, running + 1 );
	try {
		await startRun( ctx, g, v );
	} finally {
		active.set( app.id, Math.max( 0, ( active.get( app.id ) ?? 1 ) - 1 ) );
	}
}

async function startRun(
	ctx: Ctx,
	g: GenRequest,
	variants: Variants
): Promise< void > {
	const { app, endUser, user } = need( ctx );
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
	if ( isWorkflowBased( app ) ) {
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
			pausedNodes: [],
			files: [],
			variants: g.directives.variants,
		};
		store.runs.set( run.id, run );
		if ( message ) {
			message.workflowRunId = run.id;
		}
	}
	const d = g.directives;
	let delay = state.options.delayMs;
	if ( d.delayMs !== null ) {
		delay = d.delayMs;
	} else if ( d.slow ) {
		delay = 500;
	} else if ( d.longKb ) {
		delay = 0;
	}
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
		variants,
		delayMs: delay,
	};
	const outcome = run
		? await startFlow( ctx, env, g.streaming, run )
		: await startAnswer( ctx, env, g.streaming );
	if ( g.streaming ) {
		return;
	}
	respondBlocking( ctx, env, outcome );
}

/**
 * A chatflow/workflow run on its channel; resolves at its first pause or its end.
 * @param ctx
 * @param env
 * @param streaming
 * @param run
 */
function startFlow(
	ctx: Ctx,
	env: RunEnv,
	streaming: boolean,
	run: WorkflowRun
): Promise< Outcome > {
	const state = ctx.state;
	const pingMs = env.directives.pingMs ?? state.options.pingMs;
	const rt: RunRuntime = {
		channel: new RunChannel(),
		snapshot: [],
		pending: [],
		pingMs,
	};
	state.runtimes.set( run.id, rt );
	let sink: Sink;
	if ( streaming ) {
		// The request's own stream ends when the run pauses; the run goes on.
		const sub = new SseSubscriber(
			state,
			ctx.res,
			new Set( [ 'workflow_paused' ] ),
			pingMs
		);
		sub.start( ctx.req );
		ctx.record.status = 200;
		rt.channel.attach( sub, false );
		sink = new ChannelSink(
			state,
			rt.channel,
			env.task,
			env.delayMs,
			env.variants.detached_runs === 'stop' ? sub : null
		);
	} else {
		sink = new BlockingSink( state, ctx.res, env.task, env.delayMs );
	}
	return new Promise< Outcome >( ( resolve ) => {
		runFlow( env, sink, rt, { onPause: resolve } ).then(
			resolve,
			( err: unknown ) => {
				process.stderr.write(
					`[dify-emulator] run ${ run.id }: ${ err instanceof Error ? ( err.stack ?? err.message ) : String( err ) }\n`
				);
				rt.channel.end();
				state.runtimes.delete( run.id );
				resolve( { kind: 'gone' } );
			}
		);
	} );
}

/**
 * Chat, completion, agent-chat and New Agent answers on the request's own stream.
 * @param ctx
 * @param env
 * @param streaming
 */
async function startAnswer(
	ctx: Ctx,
	env: RunEnv,
	streaming: boolean
): Promise< Outcome > {
	const { state } = ctx;
	const { app, task } = env;
	const d = env.directives;
	const delay = env.delayMs;
	let sink: Sink;
	if ( streaming ) {
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
	try {
		switch ( app.mode ) {
			case 'agent-chat':
				return await runAgent( env, sink );
			case 'agent':
				return await runNewAgent( env, sink );
			default:
				return await runChatOrCompletion( env, sink );
		}
	} finally {
		task.finished = true;
		if ( streaming ) {
			sink.end();
		}
	}
}

function respondBlocking( ctx: Ctx, env: RunEnv, outcome: Outcome ): void {
	const { app, message, conversation, run } = env;
	const task = env.task;
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
		checkWorkflowId( app, p.workflow_id, ctx.state.variants );
	}
	if ( app.mode === 'agent-chat' && ! streaming ) {
		throw invalidParam( 'Agent Chat App does not support blocking mode' );
	}
	if ( app.mode === 'agent' ) {
		if ( ! streaming ) {
			throw badRequest( MSG_1_16.agentStreamingOnly );
		}
		if ( ! app.published ) {
			throw new HttpError(
				400,
				'agent_not_published',
				MSG_1_16.agentNotPublished
			);
		}
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
	const checked = checkInputsAndFiles(
		ctx,
		app,
		directives,
		p.inputs as Record< string, unknown >,
		p.files
	);
	if ( ! checked ) {
		await silentStream( ctx, directives );
		return;
	}
	const { inputs, files } = checked;
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
	const bodyQuery =
		typeof p.query === 'string' ? p.query.replace( /\u0000/g, '' ) : '';
	const rawInputs = p.inputs as Record< string, unknown >;
	const prompt =
		typeof rawInputs.query === 'string' && rawInputs.query
			? rawInputs.query.replace( /\u0000/g, '' )
			: bodyQuery;
	const { directives, cleaned } = parseDirectives( prompt );
	const { inputs, files } = checkInputsAndFiles(
		ctx,
		app,
		directives,
		rawInputs,
		p.files
	) ?? { inputs: {}, files: [] };
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
		checkWorkflowId( app, byId, ctx.state.variants );
	}
	const rawInputs = p.inputs as Record< string, unknown >;
	let prompt = typeof body.query === 'string' ? body.query : '';
	if ( typeof rawInputs.query === 'string' && rawInputs.query ) {
		prompt = rawInputs.query.replace( /\u0000/g, '' );
	}
	const { directives, cleaned } = parseDirectives( prompt );
	const { inputs, files } = checkInputsAndFiles(
		ctx,
		app,
		directives,
		rawInputs,
		p.files
	) ?? { inputs: {}, files: [] };
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
	if ( ! isWorkflowBased( app ) ) {
		throw notWorkflowApp();
	}
	const v = ctx.state.variants;
	const run = ctx.state.store.runs.get( ctx.params.workflow_run_id ?? '' );
	if ( ! run || run.appId !== app.id ) {
		if ( v.run_detail_unknown === '404' ) {
			throw notFound( MSG_1_16.runDetailNotFound );
		}
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
		// `inputs` stays a JSON string; `outputs` became an object.
		inputs: pyJsonDumps( run.inputs ),
		outputs:
			v.run_detail_outputs === 'object'
				? run.outputs
				: pyJsonDumps( run.outputs ),
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
				values: [ 'succeeded', 'failed', 'stopped', 'paused' ],
				required: false,
			},
		],
		[ 'created_by_end_user_session_id', { kind: 'str', required: false } ],
		[ 'created_by_account', { kind: 'str', required: false } ],
		[ 'page', { kind: 'int', required: false, min: 1, max: 99999 } ],
		[ 'limit', { kind: 'int', required: false, min: 1, max: 100 } ],
	] );
	if ( typeof q.created_by_account === 'string' && q.created_by_account ) {
		// Runs started by console accounts are filtered by e-mail; the emulator has no accounts.
		throw invalidParam( `Account not found: ${ q.created_by_account }` );
	}
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
