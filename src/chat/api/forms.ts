/**
 * A Dify Human Input form as the plugin hands it to the browser (`human_input_required.data`, or
 * `extra_contents[].form_definition` of the history): its Markdown, fields, buttons, defaults and
 * expiry, and `form` — the server's handle for it (Dify's token never reaches the browser).
 */
import type { FormFileValue } from '../inputs';
import { record, str } from './json';

export type FormFieldType = 'paragraph' | 'select' | 'file' | 'file-list';

export interface HumanFormField {
	type: FormFieldType;
	name: string;
	/** A select's options; null when Dify fills them from a variable (a free text then). */
	options: string[] | null;
	/** File fields: Dify's file types (`image`, `document`, …). */
	fileTypes: string[];
	/** File fields: the extensions a `custom` file may have. */
	extensions: string[];
	/** File fields: how files may be given (`local_file`, `remote_url`). */
	methods: string[];
	/** File fields: the most files (1 for `file`). */
	max: number;
}

/** A field's value while the visitor fills in the form: text, or the files uploaded for it. */
export type HumanFormValue = string | FormFileValue[];

export interface HumanFormAction {
	id: string;
	title: string;
	/** `primary`, `default`, `accent` or `ghost`. */
	style: string;
}

export interface HumanForm {
	/** The plugin's handle (for `POST forms/{form}`). */
	handle: string;
	title: string;
	/** Markdown, with `{{#$output.name#}}` where a field's value goes. */
	content: string;
	fields: HumanFormField[];
	actions: HumanFormAction[];
	defaults: Record< string, string >;
	/** Unix seconds, or null. */
	expiresAt: number | null;
}

const TYPES: FormFieldType[] = [ 'paragraph', 'select', 'file', 'file-list' ];
const STYLES = [ 'primary', 'default', 'accent', 'ghost' ];

/**
 * Strings of a list.
 *
 * @param value Any JSON value.
 */
function strings( value: unknown ): string[] {
	return Array.isArray( value )
		? value.filter( ( v ): v is string => typeof v === 'string' )
		: [];
}

/**
 * The form in a value, or null when it is not one (no handle, no buttons).
 *
 * @param value `data` of `human_input_required`, or a history `form_definition`.
 */
export function formOf( value: unknown ): HumanForm | null {
	const data = record( value );
	const handle = str( data?.form );
	if ( ! data || ! handle || ! /^[A-Za-z0-9_-]{16,128}$/.test( handle ) ) {
		return null;
	}
	const fields: HumanFormField[] = [];
	for ( const item of Array.isArray( data.inputs ) ? data.inputs : [] ) {
		const field = record( item );
		const type = str( field?.type ) as FormFieldType | null;
		const name = str( field?.output_variable_name );
		if ( ! field || ! type || ! TYPES.includes( type ) || ! name ) {
			continue;
		}
		fields.push( {
			type,
			name,
			options: Array.isArray( field.options )
				? strings( field.options )
				: null,
			fileTypes: strings( field.allowed_file_types ),
			extensions: strings( field.allowed_file_extensions ),
			methods: strings( field.allowed_file_upload_methods ),
			max:
				typeof field.number_limits === 'number'
					? field.number_limits
					: 1,
		} );
	}
	const actions: HumanFormAction[] = [];
	for ( const item of Array.isArray( data.actions ) ? data.actions : [] ) {
		const action = record( item );
		const id = str( action?.id );
		if ( ! action || ! id ) {
			continue;
		}
		const style = str( action.button_style ) ?? 'default';
		actions.push( {
			id,
			title: str( action.title ) ?? id,
			style: STYLES.includes( style ) ? style : 'default',
		} );
	}
	if ( ! actions.length ) {
		return null;
	}
	const defaults: Record< string, string > = {};
	const given = record( data.resolved_default_values ) ?? {};
	for ( const field of fields ) {
		const preset = given[ field.name ];
		if ( typeof preset === 'string' ) {
			defaults[ field.name ] = preset;
		}
	}
	return {
		handle,
		title: str( data.node_title ) ?? '',
		content: typeof data.form_content === 'string' ? data.form_content : '',
		fields,
		actions,
		defaults,
		expiresAt:
			typeof data.expiration_time === 'number'
				? data.expiration_time
				: null,
	};
}

/**
 * The form's Markdown for display: each `{{#$output.name#}}` placeholder (filled in by Dify once
 * the form is answered) shows the field's name instead.
 *
 * @param form The form.
 */
export function formText( form: HumanForm ): string {
	return form.content.replace(
		/\{\{#\$output\.([A-Za-z_][A-Za-z0-9_]*)#\}\}/g,
		'_$1_'
	);
}

/**
 * The pending form of a history message (`extra_contents`), or null.
 *
 * @param value A history message's `extra_contents`.
 */
export function pendingFormOf( value: unknown ): HumanForm | null {
	for ( const item of Array.isArray( value ) ? value : [] ) {
		const content = record( item );
		if ( content?.type === 'human_input' && content.submitted === false ) {
			const form = formOf( content.form_definition );
			if ( form ) {
				return form;
			}
		}
	}
	return null;
}

/**
 * Whether a field takes files.
 *
 * @param field The field.
 */
export function isFileField( field: HumanFormField ): boolean {
	return field.type === 'file' || field.type === 'file-list';
}

/**
 * The values a form starts with: paragraphs with their defaults, selects with their default or
 * first option, file fields with no file.
 *
 * @param form The form.
 */
export function initialFormValues(
	form: HumanForm
): Record< string, HumanFormValue > {
	const values: Record< string, HumanFormValue > = {};
	for ( const field of form.fields ) {
		if ( isFileField( field ) ) {
			values[ field.name ] = [];
		} else if ( field.type === 'paragraph' ) {
			values[ field.name ] = form.defaults[ field.name ] ?? '';
		} else {
			values[ field.name ] =
				form.defaults[ field.name ] ?? field.options?.[ 0 ] ?? '';
		}
	}
	return values;
}

/**
 * The `inputs` of an answer, in the shape Dify takes for a form: text for paragraphs and selects,
 * one file object for a `file` field (left out while it has none, so the server says it is
 * missing), a list of them for a `file-list`. A file object is Dify's
 * `{ type, transfer_method: "local_file", upload_file_id }` — the name shown in the form stays
 * in the browser.
 *
 * @param form   The form.
 * @param values The visitor's values.
 */
export function formInputs(
	form: HumanForm,
	values: Record< string, HumanFormValue >
): Record< string, unknown > {
	const inputs: Record< string, unknown > = {};
	for ( const field of form.fields ) {
		const value = values[ field.name ];
		if ( isFileField( field ) ) {
			const files = ( Array.isArray( value ) ? value : [] ).map(
				( file ) => ( {
					type: file.type,
					transfer_method: file.transfer_method,
					upload_file_id: file.upload_file_id,
				} )
			);
			if ( field.type === 'file-list' ) {
				inputs[ field.name ] = files;
			} else if ( files.length ) {
				inputs[ field.name ] = files[ 0 ];
			}
		} else {
			inputs[ field.name ] = typeof value === 'string' ? value : '';
		}
	}
	return inputs;
}
