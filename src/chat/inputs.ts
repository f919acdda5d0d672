/**
 * The app's input form (Dify's `user_input_form`): which fields a visitor fills in before the
 * first message, and the checks Dify makes on them (required, length in characters, one of the
 * options, a number), so a mistake is pointed out on the field instead of coming back as a
 * failed answer. The server checks again (includes/Dify/Input_Form.php): this copy is for the
 * visitor's convenience, not for safety.
 */
import { __, _n, sprintf } from '@wordpress/i18n';

import { record } from './api/json';

export type ControlType =
	| 'text-input'
	| 'paragraph'
	| 'select'
	| 'number'
	| 'checkbox'
	| 'file'
	| 'file-list'
	| 'json_object';

/** One field of the form. */
export interface FormControl {
	type: ControlType;
	variable: string;
	label: string;
	required: boolean;
	/** Characters for text, files for a file list; 0 = no limit. */
	maxLength: number;
	options: string[];
	default: unknown;
	/** File fields: Dify's types, extensions and upload methods they take. */
	fileTypes: string[];
	fileExtensions: string[];
	fileMethods: string[];
}

/** An uploaded file in a file field: Dify's file object, plus its name for the form. */
export interface FormFileValue {
	type: string;
	transfer_method: 'local_file';
	upload_file_id: string;
	name: string;
}

export type InputValue = string | boolean | FormFileValue[];
export type InputValues = Record< string, InputValue >;

/** Controls the chat can render. A JSON object is for developers, not visitors. */
const RENDERED: ControlType[] = [
	'text-input',
	'paragraph',
	'select',
	'number',
	'checkbox',
	'file',
	'file-list',
];

/**
 * Whether a control takes files.
 * @param control
 */
export function isFileControl( control: FormControl ): boolean {
	return control.type === 'file' || control.type === 'file-list';
}

function strings( value: unknown ): string[] {
	return Array.isArray( value )
		? value.filter( ( v ): v is string => typeof v === 'string' )
		: [];
}

/**
 * The fields a visitor fills in, from the parameters route's `user_input_form`: hidden ones
 * (Dify's `hide`, or filled in by the site on the server) and types the chat cannot render are
 * left out.
 *
 * @param json `user_input_form`: one-key objects `{ type: control }`.
 */
export function parseForm( json: unknown ): FormControl[] {
	if ( ! Array.isArray( json ) ) {
		return [];
	}
	const controls: FormControl[] = [];
	for ( const item of json ) {
		const entry = record( item );
		const type = entry ? Object.keys( entry )[ 0 ] : undefined;
		const control = type ? record( entry?.[ type ] ) : null;
		if (
			! control ||
			! RENDERED.includes( type as ControlType ) ||
			control.hide === true ||
			typeof control.variable !== 'string' ||
			control.variable === ''
		) {
			continue;
		}
		controls.push( {
			type: type as ControlType,
			variable: control.variable,
			label:
				typeof control.label === 'string' && control.label !== ''
					? control.label
					: control.variable,
			required: control.required === true,
			maxLength:
				typeof control.max_length === 'number' && control.max_length > 0
					? Math.floor( control.max_length )
					: 0,
			options: strings( control.options ),
			default: control.default,
			fileTypes: strings( control.allowed_file_types ),
			fileExtensions: strings( control.allowed_file_extensions ),
			fileMethods: strings( control.allowed_file_upload_methods ),
		} );
	}
	return controls;
}

/**
 * Starting values: what the visitor entered before (kept in this browser), else the app's
 * defaults.
 *
 * @param controls The form.
 * @param saved    Values kept from an earlier visit.
 */
export function initialValues(
	controls: FormControl[],
	saved: InputValues | null
): InputValues {
	const values: InputValues = {};
	for ( const control of controls ) {
		const kept = saved?.[ control.variable ];
		if ( isFileControl( control ) ) {
			// Uploads are not kept across page views: they are picked again when needed.
			values[ control.variable ] = [];
		} else if ( control.type === 'checkbox' ) {
			values[ control.variable ] =
				typeof kept === 'boolean' ? kept : control.default === true;
		} else if ( typeof kept === 'string' ) {
			values[ control.variable ] = kept;
		} else {
			values[ control.variable ] =
				typeof control.default === 'string' ||
				typeof control.default === 'number'
					? String( control.default )
					: '';
		}
	}
	return values;
}

/**
 * Problems with the values, by variable; empty when the form may be sent.
 *
 * @param controls The form.
 * @param values   The visitor's values.
 */
export function validateInputs(
	controls: FormControl[],
	values: InputValues
): Record< string, string > {
	const errors: Record< string, string > = {};
	for ( const control of controls ) {
		const value = values[ control.variable ];
		const empty =
			value === undefined ||
			value === '' ||
			( Array.isArray( value ) && value.length === 0 );
		if ( control.type === 'checkbox' ) {
			continue;
		}
		if ( isFileControl( control ) ) {
			if ( empty && control.required ) {
				errors[ control.variable ] = __(
					'Add a file.',
					'dify-chatbot'
				);
			}
			continue;
		}
		if ( empty || typeof value !== 'string' ) {
			if ( control.required ) {
				errors[ control.variable ] = __(
					'This field is required.',
					'dify-chatbot'
				);
			}
			continue;
		}
		if (
			( control.type === 'text-input' || control.type === 'paragraph' ) &&
			control.maxLength > 0 &&
			// Characters as Dify counts them (code points), not UTF-16 units.
			Array.from( value ).length > control.maxLength
		) {
			errors[ control.variable ] = sprintf(
				/* translators: %d: a number of characters. */
				_n(
					'At most %d character.',
					'At most %d characters.',
					control.maxLength,
					'dify-chatbot'
				),
				control.maxLength
			);
		} else if (
			control.type === 'select' &&
			! control.options.includes( value )
		) {
			errors[ control.variable ] = __(
				'Choose one of the options.',
				'dify-chatbot'
			);
		} else if (
			control.type === 'number' &&
			( value.trim() === '' || ! Number.isFinite( Number( value ) ) )
		) {
			errors[ control.variable ] = __(
				'Enter a number.',
				'dify-chatbot'
			);
		}
	}
	return errors;
}

/**
 * The values to send: empty optional fields left out (Dify then uses its defaults), numbers as
 * numbers.
 *
 * @param controls The form.
 * @param values   The visitor's values.
 */
export function inputsToSend(
	controls: FormControl[],
	values: InputValues
): Record< string, unknown > {
	const inputs: Record< string, unknown > = {};
	for ( const control of controls ) {
		const value = values[ control.variable ];
		if (
			value === undefined ||
			value === '' ||
			( Array.isArray( value ) && value.length === 0 )
		) {
			continue;
		}
		if ( Array.isArray( value ) ) {
			// Dify's file objects, without the name the form shows.
			const files = value.map( ( { name, ...file } ) => file );
			inputs[ control.variable ] =
				control.type === 'file' ? files[ 0 ] : files;
			continue;
		}
		inputs[ control.variable ] =
			control.type === 'number' && typeof value === 'string'
				? Number( value )
				: value;
	}
	return inputs;
}
