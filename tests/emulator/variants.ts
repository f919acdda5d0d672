/**
 * Behaviours that differ between Dify versions or that Dify's own documents
 * leave open. The default profile is Dify 1.16 as its documentation describes
 * it; the `1.12.1` profile restores what that release's code did. A variant
 * is chosen when the emulator starts (option or DIFY_EMULATOR_PROFILE /
 * DIFY_EMULATOR_VARIANTS), changed at run time through the loopback-only
 * `/__emulator/variants` endpoint, or overridden for one request with the
 * `#variant:NAME:VALUE` / `#profile:NAME` directives.
 */

export const VARIANT_CHOICES = {
	/** Chatflow success: which terminal event comes first (1.13.1 flipped it). */
	chatflow_order: [ 'message_end_first', 'workflow_finished_first' ],
	/** GET /workflows/run/{unknown id}: 404, or 200 with every field null. */
	run_detail_unknown: [ '404', 'null_200' ],
	/** GET /workflows/run/{id}: `outputs` as an object or as a JSON string. */
	run_detail_outputs: [ 'object', 'string' ],
	/** DELETE /conversations/{id} of an unknown or foreign conversation: 404, or 204 without a check. */
	conversation_delete: [ '404', '204' ],
	/** The concurrency cap (`concurrency_limit` > 0, or `#fault:busy`): 429 `too_many_requests` or 400 `invalid_param`. */
	concurrency_error: [ '429', '400' ],
	/** Feedback on a message of a New Agent (`agent`) app. */
	agent_feedback: [ 'accepted', 'rejected' ],
	/** Order of the messages inside one page of GET /messages. */
	message_order: [ 'oldest_first', 'newest_first' ],
	/** `parent_message_id` of messages created through the API. */
	parent_message_id: [ 'zero_uuid', 'null' ],
	/** Who may reference an upload: the uploading end user, or anyone in the workspace. */
	upload_ownership: [ 'user', 'tenant' ],
	/** A chatflow referencing another user's upload: HTTP 400, or a 200 stream that stays silent. */
	upload_mismatch: [ 'error', 'silent' ],
	/** Upload filenames: only `/` and `\` refused, or also `: * ? " < > |`. */
	upload_filename: [ 'slashes', 'strict' ],
	/** Message of 413 `file_too_large`: empty, or the literal `File size exceeded. {message}`. */
	file_too_large_message: [ 'empty', 'placeholder' ],
	/** Chat-app text deltas labelled `message_file` when the user attached files (1.11.2–1.12.x). */
	message_file_deltas: [ 'off', 'on' ],
	/** /audio-to-text with speech-to-text off. */
	speech_to_text_error: [ 'speech_to_text_disabled', 'invalid_param' ],
	/** Error texts of GET /files/{id}/preview. */
	preview_messages: [ 'current', 'legacy' ],
	/** Running a pinned workflow version (Cloud Sandbox refuses it with 403). */
	pinned_versions: [ 'allowed', 'forbidden' ],
	/** A resumed run starts with `workflow_started` (`reason: resumption`) before `human_input_form_filled`. */
	resume_workflow_started: [ 'off', 'on' ],
	/** What a subscriber of GET /workflow/{id}/events gets of the part already sent: everything since the run (re)started, or nothing. */
	resume_replay: [ 'segment', 'none' ],
	/** Human Input submit: `{}` at once (the run resumes in the background), or only once the resumed run has ended — a client that then follows it finds a finished run. */
	form_submit: [ 'at_once', 'after_run' ],
	/** Human Input submit: paragraphs may be left out (the docs), or every input must be present (the code). */
	form_required: [ 'docs', 'code' ],
	/** Chatflow/workflow runs when the client goes away: keep running (Celery worker, 1.13+), or stop. */
	detached_runs: [ 'continue', 'stop' ],
	/** `X-Version` header and `server_version` of GET /v1/. */
	server_version: [ '1.16.0', '1.12.1' ],
} as const;

export type VariantName = keyof typeof VARIANT_CHOICES;

export type Variants = {
	-readonly [ K in VariantName ]: ( typeof VARIANT_CHOICES )[ K ][ number ];
} & {
	/** Active streaming runs per app before the concurrency error (0 = no cap). */
	concurrency_limit: number;
};

/** Dify 1.16 as documented: the first choice of every variant. */
export function defaultVariants(): Variants {
	const out: Record< string, string | number > = { concurrency_limit: 0 };
	for ( const [ name, choices ] of Object.entries( VARIANT_CHOICES ) ) {
		out[ name ] = choices[ 0 ];
	}
	return out as Variants;
}

export const PROFILES: Record< string, Partial< Variants > > = {
	'1.16': {},
	'1.12.1': {
		chatflow_order: 'workflow_finished_first',
		run_detail_unknown: 'null_200',
		run_detail_outputs: 'string',
		conversation_delete: '204',
		concurrency_error: '400',
		upload_ownership: 'tenant',
		upload_filename: 'strict',
		file_too_large_message: 'placeholder',
		message_file_deltas: 'on',
		speech_to_text_error: 'invalid_param',
		preview_messages: 'legacy',
		detached_runs: 'stop',
		server_version: '1.12.1',
	},
};

export class VariantError extends Error {}

/**
 * Checks one name/value pair; returns the typed value.
 * @param name
 * @param value
 */
export function checkVariant( name: string, value: unknown ): string | number {
	if ( name === 'concurrency_limit' ) {
		const n = typeof value === 'string' ? Number( value ) : value;
		if (
			typeof n !== 'number' ||
			! Number.isInteger( n ) ||
			n < 0 ||
			n > 1000
		) {
			throw new VariantError(
				'concurrency_limit must be an integer from 0 to 1000.'
			);
		}
		return n;
	}
	if ( ! Object.prototype.hasOwnProperty.call( VARIANT_CHOICES, name ) ) {
		throw new VariantError( `Unknown variant "${ name }".` );
	}
	const choices: readonly string[] = VARIANT_CHOICES[ name as VariantName ];
	const text = typeof value === 'string' ? value.toLowerCase() : value;
	if ( typeof text !== 'string' || ! choices.includes( text ) ) {
		throw new VariantError(
			`Variant "${ name }" is one of: ${ choices.join( ', ' ) }.`
		);
	}
	return text;
}

/**
 * Validated partial variants from a JSON object (the control endpoint).
 * @param input
 */
export function parseVariantObject(
	input: Record< string, unknown >
): Partial< Variants > {
	const out: Record< string, string | number > = {};
	for ( const [ name, value ] of Object.entries( input ) ) {
		out[ name ] = checkVariant( name, value );
	}
	return out as Partial< Variants >;
}

export function profileVariants( profile: string ): Partial< Variants > {
	const p = PROFILES[ profile ];
	if ( ! p ) {
		throw new VariantError(
			`Unknown profile "${ profile }" (one of: ${ Object.keys( PROFILES ).join( ', ' ) }).`
		);
	}
	return p;
}

/**
 * `name=value,name=value` (DIFY_EMULATOR_VARIANTS).
 * @param text
 */
export function parseVariantList( text: string ): Partial< Variants > {
	const out: Record< string, unknown > = {};
	for ( const part of text.split( ',' ) ) {
		const item = part.trim();
		if ( ! item ) {
			continue;
		}
		const eq = item.indexOf( '=' );
		if ( eq < 1 ) {
			throw new VariantError( `Expected name=value, got "${ item }".` );
		}
		out[ item.slice( 0, eq ).trim() ] = item.slice( eq + 1 ).trim();
	}
	return parseVariantObject( out );
}

/**
 * The variants a server starts with: the profile, then explicit variants.
 * @param profile
 * @param variants
 */
export function startVariants(
	profile: string | undefined,
	variants: Partial< Variants > | undefined
): Variants {
	return {
		...defaultVariants(),
		...profileVariants( profile ?? '1.16' ),
		...parseVariantObject( { ...variants } ),
	};
}
