/**
 * The input form's parsing and checks (the browser's copy of Dify's rules).
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { describe, expect, it } from '@jest/globals';

import {
	initialValues,
	inputsToSend,
	parseForm,
	validateInputs,
	type FormControl,
} from '../inputs';

const FORM_JSON = [
	{
		'text-input': {
			variable: 'name',
			label: 'Your name',
			required: true,
			max_length: 5,
		},
	},
	{ paragraph: { variable: 'bio', label: '', required: false } },
	{
		select: {
			variable: 'tone',
			label: 'Tone',
			required: true,
			options: [ 'a', 'b', 7 ],
			default: 'a',
		},
	},
	{ number: { variable: 'count', label: 'Count', default: 3 } },
	{ checkbox: { variable: 'ok', label: 'OK', default: true } },
	{ 'text-input': { variable: 'secret', label: 'Site', hide: true } },
	{
		file: {
			variable: 'doc',
			label: 'Doc',
			allowed_file_types: [ 'document' ],
			allowed_file_extensions: [],
			allowed_file_upload_methods: [ 'local_file' ],
		},
	},
	{ 'file-list': { variable: 'docs', label: 'Docs', max_length: 2 } },
	{ json_object: { variable: 'data', label: 'Data' } },
	{ external_data_tool: { variable: 'x' } },
	{ 'text-input': { label: 'No variable' } },
	'garbage',
	{ 'text-input': { variable: 'a' }, extra: {} },
];

describe( 'parseForm', () => {
	it( 'keeps the fields a visitor fills in, with defaults for missing keys', () => {
		const form = parseForm( FORM_JSON );
		expect( form.map( ( c ) => c.variable ) ).toEqual( [
			'name',
			'bio',
			'tone',
			'count',
			'ok',
			'doc',
			'docs',
			'a',
		] );
		expect( form[ 0 ] ).toEqual( {
			type: 'text-input',
			variable: 'name',
			label: 'Your name',
			required: true,
			maxLength: 5,
			options: [],
			default: undefined,
			fileTypes: [],
			fileExtensions: [],
			fileMethods: [],
		} );
		// An empty label falls back to the variable; non-string options are dropped.
		expect( form[ 1 ]?.label ).toBe( 'bio' );
		expect( form[ 2 ]?.options ).toEqual( [ 'a', 'b' ] );
		expect( form[ 5 ] ).toMatchObject( {
			type: 'file',
			fileTypes: [ 'document' ],
			fileMethods: [ 'local_file' ],
		} );
		expect( form[ 6 ] ).toMatchObject( {
			type: 'file-list',
			maxLength: 2,
		} );
	} );

	it( 'is empty for anything but a list', () => {
		expect( parseForm( null ) ).toEqual( [] );
		expect( parseForm( { 'text-input': {} } ) ).toEqual( [] );
	} );
} );

describe( 'values', () => {
	const form = parseForm( FORM_JSON );

	it( 'start from what was kept, else from the app’s defaults', () => {
		expect( initialValues( form, null ) ).toEqual( {
			name: '',
			bio: '',
			tone: 'a',
			count: '3',
			ok: true,
			doc: [],
			docs: [],
			a: '',
		} );
		expect(
			initialValues( form, { name: 'Bo', ok: false, count: 4 as never } )
		).toMatchObject( { name: 'Bo', ok: false, count: '3' } );
	} );

	it( 'are sent without empty fields, numbers as numbers', () => {
		expect(
			inputsToSend( form, {
				name: 'Bo',
				bio: '',
				tone: 'b',
				count: '2.5',
				ok: false,
			} )
		).toEqual( { name: 'Bo', tone: 'b', count: 2.5, ok: false } );
	} );
} );

describe( 'validateInputs', () => {
	const form: FormControl[] = parseForm( FORM_JSON );
	const valid = { name: 'Bo', tone: 'a', count: '', ok: false };

	it( 'accepts a complete form', () => {
		expect( validateInputs( form, valid ) ).toEqual( {} );
	} );

	it( 'names each problem by field', () => {
		expect(
			validateInputs( form, {
				name: '',
				tone: 'c',
				count: 'many',
				ok: false,
			} )
		).toEqual( {
			name: 'This field is required.',
			tone: 'Choose one of the options.',
			count: 'Enter a number.',
		} );
	} );

	it( 'counts characters as Dify does (an emoji is one)', () => {
		expect(
			validateInputs( form, { ...valid, name: '😀😀😀😀😀' } )
		).toEqual( {} );
		expect( validateInputs( form, { ...valid, name: 'Bobbie' } ) ).toEqual(
			{ name: 'At most 5 characters.' }
		);
	} );

	it( 'treats a missing required select as required, not as a wrong option', () => {
		expect( validateInputs( form, { name: 'Bo' } ) ).toEqual( {
			tone: 'This field is required.',
		} );
	} );
} );

describe( 'file fields', () => {
	const form = parseForm( FORM_JSON ).map( ( c ) =>
		c.variable === 'doc' ? { ...c, required: true } : c
	);
	const file = ( id: string ) => ( {
		type: 'document',
		transfer_method: 'local_file' as const,
		upload_file_id: id,
		name: `${ id }.pdf`,
	} );

	it( 'a required file field needs a file', () => {
		expect(
			validateInputs( form, { name: 'Bo', tone: 'a', doc: [] } )
		).toEqual( { doc: 'Add a file.' } );
		expect(
			validateInputs( form, {
				name: 'Bo',
				tone: 'a',
				doc: [ file( 'f1' ) ],
			} )
		).toEqual( {} );
	} );

	it( 'sends one file object for a file field and a list for a file list, without names', () => {
		expect(
			inputsToSend( form, {
				doc: [ file( 'f1' ) ],
				docs: [ file( 'f2' ), file( 'f3' ) ],
			} )
		).toEqual( {
			doc: {
				type: 'document',
				transfer_method: 'local_file',
				upload_file_id: 'f1',
			},
			docs: [
				{
					type: 'document',
					transfer_method: 'local_file',
					upload_file_id: 'f2',
				},
				{
					type: 'document',
					transfer_method: 'local_file',
					upload_file_id: 'f3',
				},
			],
		} );
		expect( inputsToSend( form, { doc: [], docs: [] } ) ).toEqual( {} );
	} );
} );
