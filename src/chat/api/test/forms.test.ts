/*
 * @jest-environment node
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { describe, expect, it } from '@jest/globals';

import { createClient } from '../client';
import {
	formInputs,
	formOf,
	formText,
	initialFormValues,
	pendingFormOf,
} from '../forms';
import { parseHistory } from '../parse';
import { REST, config, sse, envelope, mockFetch } from './utils/fetch';
import { collect, frame } from './utils/streams';

const HANDLE = 'Ab0_-'.repeat( 8 ) + 'xyz';

/** A form as the plugin sends it (`human_input_required.data`). */
const DATA = {
	node_id: 'human_input_1',
	node_title: 'Approval',
	form_content: '## Review\n\n- Comment: {{#$output.comment#}}',
	inputs: [
		{ type: 'paragraph', output_variable_name: 'comment' },
		{
			type: 'select',
			output_variable_name: 'priority',
			options: [ 'low', 'high' ],
		},
		{
			type: 'file-list',
			output_variable_name: 'evidence',
			allowed_file_types: [ 'image' ],
			allowed_file_extensions: [ '.heic', 7 ],
			allowed_file_upload_methods: [ 'local_file', 'remote_url' ],
			number_limits: 3,
		},
		{ type: 'password', output_variable_name: 'x' },
	],
	actions: [
		{ id: 'approve', title: 'Approve', button_style: 'primary' },
		{ id: 'odd', title: '', button_style: 'neon' },
	],
	resolved_default_values: { comment: 'Draft', other: 'x' },
	expiration_time: 1900000000,
	form: HANDLE,
};

describe( 'Human Input forms', () => {
	it( 'reads the form the plugin sends, and nothing without a handle or buttons', () => {
		expect( formOf( DATA ) ).toEqual( {
			handle: HANDLE,
			title: 'Approval',
			content: DATA.form_content,
			fields: [
				{
					type: 'paragraph',
					name: 'comment',
					options: null,
					fileTypes: [],
					extensions: [],
					methods: [],
					max: 1,
				},
				{
					type: 'select',
					name: 'priority',
					options: [ 'low', 'high' ],
					fileTypes: [],
					extensions: [],
					methods: [],
					max: 1,
				},
				{
					type: 'file-list',
					name: 'evidence',
					options: null,
					fileTypes: [ 'image' ],
					extensions: [ '.heic' ],
					methods: [ 'local_file', 'remote_url' ],
					max: 3,
				},
			],
			actions: [
				{ id: 'approve', title: 'Approve', style: 'primary' },
				{ id: 'odd', title: 'odd', style: 'default' },
			],
			defaults: { comment: 'Draft' },
			expiresAt: 1900000000,
		} );
		expect( formOf( { ...DATA, form: undefined } ) ).toBeNull();
		expect( formOf( { ...DATA, form: 'short' } ) ).toBeNull();
		expect( formOf( { ...DATA, form: '../' + HANDLE } ) ).toBeNull();
		expect( formOf( { ...DATA, actions: [] } ) ).toBeNull();
		expect( formOf( 'x' ) ).toBeNull();
		expect( formText( formOf( DATA )! ) ).toBe(
			'## Review\n\n- Comment: _comment_'
		);
	} );

	it( 'starts file fields empty and sends their files as Dify takes them: one object for file, a list for file-list', () => {
		const form = formOf( {
			...DATA,
			inputs: [
				...DATA.inputs,
				{
					type: 'file',
					output_variable_name: 'attachment',
					allowed_file_types: [ 'document' ],
				},
			],
		} )!;
		const values = initialFormValues( form );
		expect( values ).toEqual( {
			comment: 'Draft',
			priority: 'low',
			evidence: [],
			attachment: [],
		} );
		// A file field without a file is left out (the server names it as missing);
		// an empty file-list is an empty list.
		expect( formInputs( form, values ) ).toEqual( {
			comment: 'Draft',
			priority: 'low',
			evidence: [],
		} );
		const file = ( id: string, type: string ) => ( {
			type,
			transfer_method: 'local_file' as const,
			upload_file_id: id,
			name: `${ id }.bin`,
		} );
		expect(
			formInputs( form, {
				...values,
				comment: 'Fine',
				evidence: [ file( 'e1', 'image' ), file( 'e2', 'image' ) ],
				attachment: [ file( 'a1', 'document' ) ],
			} )
		).toEqual( {
			comment: 'Fine',
			priority: 'low',
			evidence: [
				{
					type: 'image',
					transfer_method: 'local_file',
					upload_file_id: 'e1',
				},
				{
					type: 'image',
					transfer_method: 'local_file',
					upload_file_id: 'e2',
				},
			],
			attachment: {
				type: 'document',
				transfer_method: 'local_file',
				upload_file_id: 'a1',
			},
		} );
	} );

	it( 'a paused stream yields the form and ends without an error', async () => {
		const body =
			frame( {
				event: 'message',
				...envelope,
				task_id: 't1',
				answer: 'Draft.',
			} ) +
			frame( {
				event: 'human_input_required',
				...envelope,
				task_id: 't1',
				data: DATA,
			} ) +
			frame( {
				event: 'workflow_paused',
				...envelope,
				task_id: 't1',
				data: { status: 'paused' },
			} );
		const client = createClient( config(), mockFetch( [ sse( body ) ] ) );
		const updates = await collect( client.chat( { query: 'Approve' } ) );
		expect( updates.map( ( u ) => u.type ) ).toEqual( [
			'meta',
			'append',
			'form',
			'end',
		] );
	} );

	it( 'answers a form by its handle and yields the resumed answer', async () => {
		const body =
			frame( {
				event: 'human_input_form_filled',
				...envelope,
				task_id: 't2',
				data: { action_id: 'approve' },
			} ) +
			frame( {
				event: 'message',
				...envelope,
				task_id: 't2',
				answer: 'Approved.',
			} ) +
			frame( {
				event: 'message_end',
				...envelope,
				task_id: 't2',
				id: 'm1',
				metadata: {},
			} );
		const fetchMock = mockFetch( [ sse( body ) ] );
		const client = createClient( config(), fetchMock );
		const updates = await collect(
			client.answerForm( HANDLE, {
				action: 'approve',
				inputs: { priority: 'low' },
			} )
		);
		expect( updates.map( ( u ) => u.type ) ).toEqual( [
			'meta',
			'append',
			'end',
		] );
		const [ url, init ] = fetchMock.mock.calls[ 0 ] ?? [];
		expect( url ).toBe( REST + 'forms/' + HANDLE );
		expect( JSON.parse( String( init?.body ) ) ).toEqual( {
			action: 'approve',
			inputs: { priority: 'low' },
		} );
	} );

	it( 'restores a pending form from the history, not an answered one', () => {
		const turns = parseHistory( {
			data: [
				{
					id: 'm1',
					query: 'q',
					answer: 'a',
					extra_contents: [
						{
							type: 'human_input',
							submitted: true,
							form_submission_data: { action_id: 'approve' },
						},
						{
							type: 'human_input',
							submitted: false,
							form_definition: DATA,
						},
					],
				},
				{ id: 'm2', query: 'q', answer: 'a' },
			],
		} );
		expect( turns[ 0 ]?.form?.handle ).toBe( HANDLE );
		expect( turns[ 1 ]?.form ).toBeUndefined();
		expect(
			pendingFormOf( [
				{ type: 'human_input', submitted: true, form_definition: DATA },
			] )
		).toBeNull();
	} );
} );
