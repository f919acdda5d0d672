/**
 * Human Input forms (Dify 1.14+ service API): GET and POST
 * /form/human_input/{form_token}. The GET body is stdlib JSON with UTF-8
 * kept (`json.dumps(…, ensure_ascii=False)`); a POST answers `{}` and
 * resumes the run on the chosen action's branch.
 */
import type { AppDef } from '../apps';
import { difyHeaders, sendJson, sleep, type Ctx } from '../context';
import { HttpError, MSG_1_16, badRequest, notFound } from '../errors';
import {
	actionTitle,
	formDefinitionJson,
	renderContent,
	validateSubmission,
} from '../human-input';
import { pyJsonDumps } from '../json';
import type { EndUser, HumanInputForm } from '../store';
import { validateModel } from '../validate';

function need( ctx: Ctx ): { app: AppDef; endUser: EndUser | null } {
	if ( ! ctx.app ) {
		throw new Error( 'route requires an app' );
	}
	return { app: ctx.app, endUser: ctx.endUser };
}

/**
 * The form behind a token, if it belongs to this app and is web-app delivered.
 * @param ctx
 * @param app
 */
function findForm( ctx: Ctx, app: AppDef ): HumanInputForm {
	const form = ctx.state.store.formByToken( ctx.params.form_token ?? '' );
	if ( ! form || form.appId !== app.id || form.recipient === 'email' ) {
		throw notFound( MSG_1_16.formNotFound );
	}
	return form;
}

/**
 * 412 once submitted (whoever did) or expired.
 * @param form
 */
function ensureActive( form: HumanInputForm ): void {
	if ( form.status === 'submitted' ) {
		throw new HttpError(
			412,
			'human_input_form_submitted',
			`This form has already been submitted by another user, form_id=${ form.id }`
		);
	}
	if ( form.status === 'timeout' || form.expiresAtMs <= Date.now() ) {
		throw new HttpError(
			412,
			'human_input_form_expired',
			`This form has expired, form_id=${ form.id }`
		);
	}
}

export function formGet( ctx: Ctx ): void {
	const { app } = need( ctx );
	const form = findForm( ctx, app );
	ensureActive( form );
	const body = Buffer.from(
		pyJsonDumps( formDefinitionJson( form ), false ),
		'utf8'
	);
	ctx.record.status = 200;
	ctx.res.writeHead( 200, {
		...difyHeaders( ctx.req, ctx.state ),
		'Content-Type': 'application/json',
		'Content-Length': String( body.length ),
	} );
	ctx.res.end( body );
}

export async function formPost( ctx: Ctx ): Promise< void > {
	const { app, endUser } = need( ctx );
	if ( ! endUser ) {
		throw new Error( 'route requires a user' );
	}
	const p = validateModel( 'HumanInputFormSubmitPayload', ctx.json ?? {}, [
		[ 'inputs', { kind: 'dict', required: true } ],
		[ 'action', { kind: 'str', required: true } ],
	] );
	const form = findForm( ctx, app );
	if ( form.recipient === 'broken' ) {
		throw badRequest( MSG_1_16.formRecipientInvalid );
	}
	ensureActive( form );
	const action = String( p.action );
	const data = p.inputs as Record< string, unknown >;
	const run = ctx.state.store.runs.get( form.runId );
	validateSubmission( form, action, data, endUser, ctx.state.store, {
		...ctx.state.variants,
		...run?.variants,
	} );
	form.status = 'submitted';
	form.submission = {
		actionId: action,
		actionText: actionTitle( form, action ),
		data,
		renderedContent: renderContent( form, data ),
		endUserId: endUser.id,
	};
	for ( const wake of [ ...( ctx.state.formWakers.get( form.id ) ?? [] ) ] ) {
		wake();
	}
	const variants = { ...ctx.state.variants, ...run?.variants };
	if ( run && variants.form_submit === 'after_run' ) {
		// The run outpaces the client: it has ended before the client can follow it.
		for (
			let waited = 0;
			( run.status === 'running' || run.status === 'paused' ) &&
			waited < 30_000 &&
			! ctx.state.closing;
			waited += 20
		) {
			await sleep( ctx.state, 20 );
		}
	}
	sendJson( ctx, 200, {} );
}
