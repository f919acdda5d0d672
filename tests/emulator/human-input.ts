/**
 * Human Input nodes (Dify 1.13+): the form a paused run waits at, its shape in
 * `human_input_required` / `workflow_paused` / GET /form/human_input/{token} /
 * `extra_contents`, and the checks of a submission.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { topicOf } from './answers';
import { HttpError } from './errors';
import { isPlainObject } from './json';
import {
	nowSeconds,
	type EndUser,
	type HumanInputForm,
	type Store,
} from './store';
import type { Variants } from './variants';
import { normalizeUuid } from './validate';

/** A Human Input node waits three days unless configured otherwise. */
export const DEFAULT_FORM_SECONDS = 3 * 86400;

const ACTIONS: HumanInputForm[ 'actions' ] = [
	{ id: 'approve', title: 'Approve', button_style: 'primary' },
	{ id: 'revise', title: 'Request changes', button_style: 'default' },
	{ id: 'escalate', title: 'Escalate', button_style: 'accent' },
	{ id: 'skip', title: 'Skip review', button_style: 'ghost' },
];

const FILE_RULES = {
	allowed_file_types: [ 'image', 'document' ],
	allowed_file_extensions: [],
	allowed_file_upload_methods: [ 'local_file', 'remote_url' ],
};

/**
 * The form's fields as Dify dumps them (`FormInputConfig`).
 * @param kind
 * @param draftSelector Where the comment's default comes from (the draft LLM's text).
 */
function formInputs(
	kind: 'full' | 'simple',
	draftSelector: string[]
): Array< Record< string, unknown > > {
	const inputs: Array< Record< string, unknown > > = [
		{
			type: 'paragraph',
			output_variable_name: 'comment',
			default: { type: 'variable', selector: draftSelector, value: '' },
		},
		{
			type: 'select',
			output_variable_name: 'priority',
			option_source: {
				type: 'constant',
				selector: [],
				value: [ 'low', 'normal', 'high' ],
			},
		},
	];
	if ( kind === 'full' ) {
		inputs.push(
			{ type: 'file', output_variable_name: 'attachment', ...FILE_RULES },
			{
				type: 'file-list',
				output_variable_name: 'evidence',
				...FILE_RULES,
				number_limits: 3,
			}
		);
	}
	return inputs;
}

export interface NewForm {
	appId: string;
	runId: string;
	messageId: string | null;
	nodeId: string;
	nodeTitle: string;
	/** Which pause of the run this is (1-based). */
	round: number;
	kind: 'full' | 'simple';
	delivery: 'webapp' | 'email' | 'broken';
	query: string;
	/** The draft the reviewer sees (the paragraph's resolved default). */
	draft: string;
	draftSelector: string[];
	expireSeconds: number;
}

export function createForm( store: Store, f: NewForm ): HumanInputForm {
	const topic = topicOf( f.query );
	const fileLines =
		f.kind === 'full'
			? '\n- Attachment: {{#$output.attachment#}}\n- Evidence: {{#$output.evidence#}}'
			: '';
	const form: HumanInputForm = {
		id: randomUUID(),
		token:
			f.delivery === 'email'
				? null
				: randomBytes( 16 ).toString( 'base64url' ),
		appId: f.appId,
		runId: f.runId,
		messageId: f.messageId,
		nodeId: f.nodeId,
		nodeTitle: f.nodeTitle,
		kind: f.kind,
		recipient: f.delivery,
		formContent:
			`## ${ f.round > 1 ? 'Final check' : 'Review the draft' }\n\n` +
			`The visitor asked: “${ f.query }”\n\n` +
			`The assistant drafted an answer about **${ topic }**. Approve it, or ask for changes.\n\n` +
			`- Comment: {{#$output.comment#}}\n- Priority: {{#$output.priority#}}${ fileLines }`,
		inputs: formInputs( f.kind, f.draftSelector ),
		actions: ACTIONS.map( ( a ) => ( { ...a } ) ),
		resolvedDefaults: { comment: f.draft },
		expirationTime: Math.floor(
			( Date.now() + f.expireSeconds * 1000 ) / 1000
		),
		expiresAtMs: Date.now() + f.expireSeconds * 1000,
		createdAt: nowSeconds(),
		status: 'waiting',
		submission: null,
	};
	store.forms.set( form.id, form );
	return form;
}

/**
 * `human_input_required.data` (and, with `TYPE`, a `workflow_paused` reason).
 * @param form
 */
export function formEventData(
	form: HumanInputForm
): Record< string, unknown > {
	return {
		form_id: form.id,
		node_id: form.nodeId,
		node_title: form.nodeTitle,
		form_content: form.formContent,
		inputs: form.inputs,
		actions: form.actions,
		display_in_ui: false,
		form_token: form.token,
		resolved_default_values: form.resolvedDefaults,
		expiration_time: form.expirationTime,
	};
}

export function pausedReason(
	form: HumanInputForm
): Record< string, unknown > {
	return {
		TYPE: 'human_input_required',
		form_id: form.id,
		form_token: form.token,
		form_content: form.formContent,
		inputs: form.inputs,
		actions: form.actions,
		node_id: form.nodeId,
		node_title: form.nodeTitle,
		resolved_default_values: form.resolvedDefaults,
		expiration_time: form.expirationTime,
	};
}

/**
 * GET /form/human_input/{token}: `user_actions` here, `actions` in events.
 * @param form
 */
export function formDefinitionJson(
	form: HumanInputForm
): Record< string, unknown > {
	return {
		form_content: form.formContent,
		inputs: form.inputs,
		resolved_default_values: form.resolvedDefaults,
		user_actions: form.actions,
		expiration_time: form.expirationTime,
	};
}

/**
 * `form_content` with the submitted values in place of `{{#$output.x#}}`.
 * @param form
 * @param data
 */
export function renderContent(
	form: HumanInputForm,
	data: Record< string, unknown >
): string {
	return form.formContent.replace(
		/\{\{#\$output\.([A-Za-z_][A-Za-z0-9_]{0,29})#\}\}/g,
		( _m, name: string ) => {
			const value = data[ name ];
			if ( value === undefined || value === null ) {
				return '';
			}
			const input = form.inputs.find(
				( i ) => i.output_variable_name === name
			);
			if ( input?.type === 'file' ) {
				return '[file]';
			}
			if ( input?.type === 'file-list' ) {
				return `[${ Array.isArray( value ) ? value.length : 0 } files]`;
			}
			return typeof value === 'string' ? value : JSON.stringify( value );
		}
	);
}

export function formFilledData(
	form: HumanInputForm
): Record< string, unknown > {
	return {
		node_id: form.nodeId,
		node_title: form.nodeTitle,
		rendered_content: form.submission?.renderedContent ?? '',
		action_id: form.submission?.actionId ?? '',
		action_text: form.submission?.actionText ?? '',
		submitted_data: form.submission?.data ?? null,
	};
}

/**
 * One `extra_contents` item of GET /messages.
 * @param form
 */
export function extraContent(
	form: HumanInputForm
): Record< string, unknown > {
	const s = form.submission;
	return {
		type: 'human_input',
		workflow_run_id: form.runId,
		submitted: s !== null,
		form_definition: formEventData( form ),
		form_submission_data: s
			? {
					node_id: form.nodeId,
					node_title: form.nodeTitle,
					rendered_content: s.renderedContent,
					action_id: s.actionId,
					action_text: s.actionText,
				}
			: null,
	};
}

export const invalidFormData = ( message: string ): HttpError =>
	new HttpError( 400, 'invalid_form_data', message );

/**
 * Dify resolves the file mappings of a submission as the submitting user.
 * @param name
 * @param input
 * @param value
 * @param owner
 * @param store
 * @param v
 */
function checkFileMapping(
	name: string,
	input: Record< string, unknown >,
	value: Record< string, unknown >,
	owner: EndUser,
	store: Store,
	v: Variants
): void {
	const types = ( input.allowed_file_types as string[] ) ?? [];
	const methods = ( input.allowed_file_upload_methods as string[] ) ?? [];
	const type = value.type;
	const method = value.transfer_method;
	if (
		typeof type !== 'string' ||
		! [ 'image', 'document', 'audio', 'video', 'custom' ].includes( type )
	) {
		throw invalidFormData(
			`Invalid value for file input '${ name }': unsupported file type`
		);
	}
	if ( method !== 'local_file' && method !== 'remote_url' ) {
		throw invalidFormData(
			`Invalid value for file input '${ name }': unsupported transfer method`
		);
	}
	if ( ! types.includes( type ) || ! methods.includes( method ) ) {
		throw invalidFormData(
			`Invalid value for file input '${ name }': file is not allowed by config`
		);
	}
	if ( method === 'remote_url' ) {
		const url = value.url;
		if ( typeof url !== 'string' || ! /^https?:\/\//.test( url ) ) {
			throw invalidFormData( `Invalid file url for input '${ name }'` );
		}
		if ( url.includes( 'emulator-fetch-fails' ) ) {
			throw invalidFormData(
				`Failed to fetch remote file for input '${ name }': ${ url }`
			);
		}
		return;
	}
	const id =
		typeof value.upload_file_id === 'string'
			? normalizeUuid( value.upload_file_id )
			: null;
	const upload = id ? store.uploads.get( id ) : undefined;
	if (
		! upload ||
		( v.upload_ownership === 'user' && upload.createdBy !== owner.id )
	) {
		throw new HttpError( 400, 'invalid_param', 'Invalid upload file' );
	}
}

/**
 * Dify's checks of a submission, in its order: the action, the presence of
 * the inputs, then each value. Files must belong to the submitting user.
 * @param form
 * @param action
 * @param data
 * @param owner
 * @param store
 * @param v
 */
export function validateSubmission(
	form: HumanInputForm,
	action: string,
	data: Record< string, unknown >,
	owner: EndUser,
	store: Store,
	v: Variants
): void {
	if ( ! form.actions.some( ( a ) => a.id === action ) ) {
		throw invalidFormData( `Invalid action: ${ action }` );
	}
	const missing = form.inputs
		.filter(
			( i ) =>
				! ( v.form_required === 'docs' && i.type === 'paragraph' ) &&
				! Object.prototype.hasOwnProperty.call(
					data,
					String( i.output_variable_name )
				)
		)
		.map( ( i ) => String( i.output_variable_name ) );
	if ( missing.length ) {
		throw invalidFormData(
			`Missing required inputs: ${ missing.join( ', ' ) }`
		);
	}
	for ( const [ name, value ] of Object.entries( data ) ) {
		const input = form.inputs.find(
			( i ) => i.output_variable_name === name
		);
		if ( ! input ) {
			continue;
		}
		if ( input.type === 'paragraph' ) {
			if ( typeof value !== 'string' && value !== null ) {
				throw invalidFormData(
					`Invalid value for paragraph input '${ name }': expected string`
				);
			}
		} else if ( input.type === 'select' ) {
			const options = (
				input.option_source as { value: string[] } | undefined
			 )?.value;
			if ( typeof value !== 'string' ) {
				throw invalidFormData(
					`Invalid value for select input '${ name }': expected string`
				);
			}
			if ( options && ! options.includes( value ) ) {
				throw invalidFormData(
					`Invalid value for select input '${ name }': ${ value }`
				);
			}
		} else if ( input.type === 'file' ) {
			if ( ! isPlainObject( value ) ) {
				throw invalidFormData(
					`Invalid value for file input '${ name }': expected mapping`
				);
			}
			checkFileMapping( name, input, value, owner, store, v );
		} else if ( input.type === 'file-list' ) {
			if ( ! Array.isArray( value ) ) {
				throw invalidFormData(
					`Invalid value for file list input '${ name }': expected list`
				);
			}
			if ( value.some( ( item ) => ! isPlainObject( item ) ) ) {
				throw invalidFormData(
					`Invalid value for file list input '${ name }': expected list of mappings`
				);
			}
			for ( const item of value as Array< Record< string, unknown > > ) {
				checkFileMapping( name, input, item, owner, store, v );
			}
			const limit = Number( input.number_limits ?? 0 );
			if ( limit > 0 && value.length > limit ) {
				throw invalidFormData(
					`Invalid value for file list input '${ name }': exceeds number limit`
				);
			}
		}
	}
}

export function actionTitle( form: HumanInputForm, action: string ): string {
	return form.actions.find( ( a ) => a.id === action )?.title ?? action;
}
