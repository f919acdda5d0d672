/**
 * Dify's error model (dify-api.md §3): JSON `{code, message, status}` bodies,
 * the `unknown` 500 variant, pydantic-style validation texts and the HTML
 * pages that are not Dify JSON at all (Flask 404, nginx 413/502/504).
 */
import { pyRepr, pyTypeName } from './json';

export const MSG = {
	authMissing:
		"Authorization header must be provided and start with 'Bearer'",
	authScheme: "Authorization scheme must be 'Bearer'",
	tokenInvalid: 'Access token is invalid',
	appDisabled: "The app's API service has been disabled.",
	userRequired: 'Arg user must be provided.',
	unsupportedMediaType:
		"Did not attempt to load JSON data because the request Content-Type was not 'application/json'.",
	badRequest:
		'The browser (or proxy) sent a request that this server could not understand.',
	internal:
		'The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.',
	methodNotAllowed: 'The method is not allowed for the requested URL.',
	modeMismatch: 'Please check if your app mode matches the right API route.',
	appUnavailable: 'App unavailable, please check your app configurations.',
	forbiddenDefault:
		"You don't have the permission to access the requested resource. It is either read-protected or not readable by the server.",
} as const;

/** Default messages of the 400 codes (§3.2), used by `#fault:400:<code>`. */
export const DEFAULT_400_MESSAGES: Record< string, string > = {
	invalid_param: 'Emulated invalid_param error (#fault:400:invalid_param).',
	app_unavailable: MSG.appUnavailable,
	not_chat_app: MSG.modeMismatch,
	not_workflow_app: MSG.modeMismatch,
	not_completion_app:
		'Please check if your Completion app mode matches the right API route.',
	conversation_completed:
		'The conversation has ended. Please start a new conversation.',
	provider_not_initialize:
		'No valid model provider credentials found. Please go to Settings -> Model Provider to complete your provider credentials.',
	provider_quota_exceeded:
		'Your quota for Dify Hosted OpenAI has been exhausted. Please go to Settings -> Model Provider to complete your own provider credentials.',
	model_currently_not_support:
		'Dify Hosted OpenAI trial currently not support the GPT-4 model.',
	completion_request_error: 'Completion request failed.',
	bad_request: MSG.badRequest,
	no_file_uploaded: 'Please upload your file.',
	too_many_files: 'Only one file is allowed.',
	filename_not_exists_error: 'The specified filename does not exist.',
	no_audio_uploaded: 'Please upload your audio.',
	provider_not_support_speech_to_text: 'Provider not support speech to text.',
	agent_not_published:
		'Agent has not been published. Please publish the Agent before using the API.',
	speech_to_text_disabled: 'Speech to text is disabled.',
	invalid_form_data: 'Missing required inputs: comment',
};

/** Texts of the codes Dify 1.13–1.16 added (and `#fault:<status>:<code>` uses). */
export const MSG_1_16 = {
	agentStreamingOnly: 'Agent App only supports streaming response mode.',
	agentNoBoundAgent: 'Agent App has no bound Agent',
	agentNotPublished:
		'Agent has not been published. Please publish the Agent before using the API.',
	speechToTextDisabled: 'Speech to text is disabled.',
	versionNotAllowed:
		'Workflow version execution is not available on your current plan. Please upgrade to a paid plan.',
	endUserNotFound: 'End user not found.',
	formNotFound: 'Form not found',
	runNotFound: 'Workflow run not found',
	runDetailNotFound: 'Workflow run not found.',
	tooManyRequests: 'Too many requests. Please try again later.',
	rateLimit: 'Rate Limit Error',
	invalidUploadFile: 'Invalid upload file',
	formRecipientInvalid: 'Form recipient type is invalid',
	conversationNotExists: 'Conversation Not Exists.',
} as const;

/** Default messages for `#fault:<status>:<code>` beyond 400. */
export const DEFAULT_MESSAGES: Record< string, string > = {
	too_many_requests: MSG_1_16.tooManyRequests,
	rate_limit_error: MSG_1_16.rateLimit,
	workflow_version_execution_not_allowed: MSG_1_16.versionNotAllowed,
	forbidden: "The app's API service has been disabled.",
	end_user_not_found: MSG_1_16.endUserNotFound,
	not_found: MSG_1_16.formNotFound,
	human_input_form_submitted:
		'This form has already been submitted by another user, form_id=e0000000-0000-4000-8000-0000000f0000',
	human_input_form_expired:
		'This form has expired, form_id=e0000000-0000-4000-8000-0000000f0000',
	completion_request_error: 'Completion request failed.',
	internal_server_error: MSG.internal,
};

export interface HttpErrorExtra {
	headers?: Record< string, string >;
	/** Send this HTML page instead of a JSON body. */
	html?: string;
	/** `unknown` 500s put `message` first. */
	unknownOrder?: boolean;
	/** Omit Dify's X-Version/X-Env headers (errors produced by a proxy). */
	proxy?: boolean;
}

export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly extra: HttpErrorExtra = {}
	) {
		super( message );
	}

	body(): Record< string, unknown > {
		return this.extra.unknownOrder
			? { message: this.message, code: this.code, status: this.status }
			: { code: this.code, message: this.message, status: this.status };
	}
}

export const invalidParam = ( message: string ): HttpError =>
	new HttpError( 400, 'invalid_param', message );
export const badRequest = ( message: string = MSG.badRequest ): HttpError =>
	new HttpError( 400, 'bad_request', message );
export const notFound = ( message: string ): HttpError =>
	new HttpError( 404, 'not_found', message );
export const forbidden = ( message: string ): HttpError =>
	new HttpError( 403, 'forbidden', message );
export const unauthorized = ( message: string ): HttpError =>
	new HttpError( 401, 'unauthorized', message, {
		headers: { 'WWW-Authenticate': 'Bearer realm="api"' },
	} );
export const notChatApp = (): HttpError =>
	new HttpError( 400, 'not_chat_app', MSG.modeMismatch );
export const notWorkflowApp = (): HttpError =>
	new HttpError( 400, 'not_workflow_app', MSG.modeMismatch );
export const appUnavailable = (): HttpError =>
	new HttpError( 400, 'app_unavailable', MSG.appUnavailable );
export const internalServerError = (): HttpError =>
	new HttpError( 500, 'internal_server_error', MSG.internal );
export const unknownError = (): HttpError =>
	new HttpError( 500, 'unknown', 'Internal Server Error', {
		unknownOrder: true,
	} );
export const unsupportedMediaType = (): HttpError =>
	new HttpError( 415, 'unsupported_media_type', MSG.unsupportedMediaType );
export const methodNotAllowed = ( allow: string ): HttpError =>
	new HttpError( 405, 'method_not_allowed', MSG.methodNotAllowed, {
		headers: { Allow: allow },
	} );

/**
 * flask-restx's ERROR_404_HELP suffix (§3.3).
 * @param message
 * @param path
 * @param candidates
 */
export function withDidYouMean(
	message: string,
	path: string,
	candidates: string[]
): string {
	return `${ message } You have requested this URI [${ path }] but did you mean ${ candidates.join( ' or ' ) } ?`;
}

export const FLASK_404_HTML =
	'<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n' +
	'<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';

export const htmlNotFound = (): HttpError =>
	new HttpError( 404, 'not_found', 'Not Found', { html: FLASK_404_HTML } );

export function nginxPage( status: number, text: string ): string {
	return (
		`<html>\r\n<head><title>${ status } ${ text }</title></head>\r\n<body>\r\n` +
		`<center><h1>${ status } ${ text }</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
	);
}

export const NGINX_TEXTS: Record< number, string > = {
	413: 'Request Entity Too Large',
	502: 'Bad Gateway',
	504: 'Gateway Time-out',
};

export function nginxError( status: 413 | 502 | 504 ): HttpError {
	const text = NGINX_TEXTS[ status ] ?? 'Error';
	return new HttpError( status, 'nginx', text, {
		html: nginxPage( status, text ),
		proxy: true,
	} );
}

// ---------------------------------------------------------------------------
// pydantic-style validation messages (Dify 1.11+ payload models).

export interface PydanticIssue {
	loc: Array< string | number >;
	msg: string;
	type: string;
	input: unknown;
}

function truncatedRepr( value: unknown ): string {
	const repr = pyRepr( value );
	const chars = Array.from( repr );
	if ( chars.length > 50 ) {
		return (
			chars.slice( 0, 25 ).join( '' ) +
			'...' +
			chars.slice( chars.length - 24 ).join( '' )
		);
	}
	return repr;
}

export const PYDANTIC_VERSION = '2.11';

export function pydanticMessage(
	model: string,
	issues: PydanticIssue[]
): string {
	const lines = [
		`${ issues.length } validation error${ issues.length === 1 ? '' : 's' } for ${ model }`,
	];
	for ( const issue of issues ) {
		if ( issue.loc.length ) {
			lines.push( issue.loc.join( '.' ) );
		}
		lines.push(
			`  ${ issue.msg } [type=${ issue.type }, input_value=${ truncatedRepr( issue.input ) }, input_type=${ pyTypeName( issue.input ) }]`
		);
		lines.push(
			`    For further information visit https://errors.pydantic.dev/${ PYDANTIC_VERSION }/v/${ issue.type }`
		);
	}
	return lines.join( '\n' );
}

export function pydanticError(
	model: string,
	issues: PydanticIssue[]
): HttpError {
	return invalidParam( pydanticMessage( model, issues ) );
}
