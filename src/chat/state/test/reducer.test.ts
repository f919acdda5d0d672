// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { describe, expect, it } from '@jest/globals';

import { citationsOf } from '../../api/parse';
import { canRetry, isBusy } from '../messages';
import { initialState, reducer } from '../reducer';
import type { ChatAction, ChatState } from '../types';

function run(
	actions: ChatAction[],
	state: ChatState = initialState()
): ChatState {
	return actions.reduce( reducer, state );
}

const ask: ChatAction = {
	type: 'send',
	query: 'Hi?',
	userId: 'u1',
	answerId: 'a1',
};

describe( 'conversation reducer', () => {
	it( 'adds the question and a pending answer', () => {
		const state = run( [ ask ] );
		expect( state.messages ).toEqual( [
			expect.objectContaining( {
				id: 'u1',
				role: 'user',
				text: 'Hi?',
				status: 'done',
			} ),
			expect.objectContaining( {
				id: 'a1',
				role: 'assistant',
				text: '',
				status: 'pending',
				query: 'Hi?',
			} ),
		] );
		expect( isBusy( state ) ).toBe( true );
	} );

	it( 'streams text into the answer and finishes it', () => {
		const state = run( [
			ask,
			{
				type: 'meta',
				answerId: 'a1',
				conversationId: 'c1',
				messageId: 'm1',
				taskId: 't1',
			},
			{ type: 'append', answerId: 'a1', text: 'Hel' },
			{ type: 'append', answerId: 'a1', text: 'lo' },
		] );
		expect( state.messages[ 1 ] ).toMatchObject( {
			text: 'Hello',
			status: 'streaming',
			taskId: 't1',
			messageId: 'm1',
		} );
		expect( state.conversationId ).toBe( 'c1' );
		expect( state.taskId ).toBe( 't1' );
		expect( state.announcement ).toBeNull();

		const done = reducer( state, {
			type: 'end',
			answerId: 'a1',
			conversationId: 'c1',
			messageId: 'm1',
		} );
		expect( done.messages[ 1 ] ).toMatchObject( {
			status: 'done',
			taskId: null,
		} );
		expect( done.taskId ).toBeNull();
		expect( done.announcement ).toEqual( { id: 1, text: 'Hello' } );
		expect( isBusy( done ) ).toBe( false );
	} );

	it( 'gives only the changed message a new object', () => {
		const first = run( [
			ask,
			{
				type: 'end',
				answerId: 'a1',
				conversationId: 'c1',
				messageId: null,
			},
			{ type: 'send', query: 'More?', userId: 'u2', answerId: 'a2' },
		] );
		const next = reducer( first, {
			type: 'append',
			answerId: 'a2',
			text: 'x',
		} );
		expect( next.messages ).not.toBe( first.messages );
		for ( let i = 0; i < 3; i++ ) {
			expect( next.messages[ i ] ).toBe( first.messages[ i ] );
		}
		expect( next.messages[ 3 ] ).not.toBe( first.messages[ 3 ] );
	} );

	it( 'replaces the whole answer on message_replace', () => {
		const state = run( [
			ask,
			{ type: 'append', answerId: 'a1', text: 'Bad words' },
			{ type: 'replace', answerId: 'a1', text: 'Moderated.' },
		] );
		expect( state.messages[ 1 ]?.text ).toBe( 'Moderated.' );
	} );

	it( 'refuses a second question while an answer is on its way', () => {
		const state = run( [ ask ] );
		expect(
			reducer( state, {
				type: 'send',
				query: 'Again',
				userId: 'u2',
				answerId: 'a2',
			} )
		).toBe( state );
	} );

	it( 'keeps the conversation id until a new one comes', () => {
		const state = run(
			[
				ask,
				{
					type: 'meta',
					answerId: 'a1',
					conversationId: null,
					messageId: null,
					taskId: 't',
				},
			],
			initialState( 'stored' )
		);
		expect( state.conversationId ).toBe( 'stored' );
	} );

	it( 'fails an answer with a message, announced once, and allows Retry', () => {
		const failed = run( [
			ask,
			{ type: 'append', answerId: 'a1', text: 'Part' },
			{
				type: 'fail',
				answerId: 'a1',
				error: 'The answer was cut off. Please try again.',
			},
		] );
		expect( failed.messages[ 1 ] ).toMatchObject( {
			status: 'error',
			text: 'Part',
			error: 'The answer was cut off. Please try again.',
		} );
		expect( failed.announcement?.text ).toBe(
			'The answer was cut off. Please try again.'
		);
		expect( canRetry( failed, 'a1' ) ).toBe( true );

		const retried = reducer( failed, {
			type: 'retry',
			answerId: 'a1',
			newAnswerId: 'a1b',
		} );
		expect( retried.messages ).toHaveLength( 2 );
		expect( retried.messages[ 1 ] ).toMatchObject( {
			id: 'a1b',
			status: 'pending',
			text: '',
			error: null,
			query: 'Hi?',
		} );
		expect( isBusy( retried ) ).toBe( true );
	} );

	it( 'retries only the last answer, and only if it failed', () => {
		const state = run( [
			ask,
			{ type: 'fail', answerId: 'a1', error: 'Oops' },
			{ type: 'send', query: 'Next', userId: 'u2', answerId: 'a2' },
			{
				type: 'end',
				answerId: 'a2',
				conversationId: null,
				messageId: null,
			},
		] );
		expect( canRetry( state, 'a1' ) ).toBe( false );
		expect(
			reducer( state, {
				type: 'retry',
				answerId: 'a1',
				newAnswerId: 'x',
			} )
		).toBe( state );
		expect(
			reducer( state, {
				type: 'retry',
				answerId: 'a2',
				newAnswerId: 'x',
			} )
		).toBe( state );
	} );

	it( 'forgets a conversation the server no longer knows', () => {
		const state = run(
			[
				ask,
				{
					type: 'fail',
					answerId: 'a1',
					error: 'Gone',
					forgetConversation: true,
				},
			],
			initialState( 'c-old' )
		);
		expect( state.conversationId ).toBeNull();
	} );

	it( 'stops an answer and ignores late events for it', () => {
		const stopped = run( [
			ask,
			{ type: 'append', answerId: 'a1', text: 'Some' },
			{ type: 'stop', answerId: 'a1' },
		] );
		expect( stopped.messages[ 1 ] ).toMatchObject( {
			status: 'stopped',
			text: 'Some',
		} );
		expect( isBusy( stopped ) ).toBe( false );
		expect(
			reducer( stopped, {
				type: 'append',
				answerId: 'a1',
				text: ' more',
			} )
		).toBe( stopped );
		expect(
			reducer( stopped, {
				type: 'end',
				answerId: 'a1',
				conversationId: 'c',
				messageId: null,
			} )
		).toBe( stopped );
		expect(
			reducer( stopped, {
				type: 'append',
				answerId: 'unknown',
				text: 'x',
			} )
		).toBe( stopped );
	} );

	it( 'announces each finished answer, even the same words twice', () => {
		const state = run( [
			ask,
			{ type: 'append', answerId: 'a1', text: 'Yes' },
			{
				type: 'end',
				answerId: 'a1',
				conversationId: null,
				messageId: null,
			},
			{ type: 'send', query: 'Sure?', userId: 'u2', answerId: 'a2' },
			{ type: 'append', answerId: 'a2', text: 'Yes' },
			{
				type: 'end',
				answerId: 'a2',
				conversationId: null,
				messageId: null,
			},
		] );
		expect( state.announcement ).toEqual( { id: 2, text: 'Yes' } );
	} );

	it( 'starts over on reset', () => {
		const state = run( [
			ask,
			{
				type: 'end',
				answerId: 'a1',
				conversationId: 'c1',
				messageId: null,
			},
			{ type: 'reset' },
		] );
		expect( state ).toEqual( initialState() );
	} );
} );

describe( 'citations, agent thoughts and files', () => {
	it( 'keeps the citations of message_end, trimmed to what is shown', () => {
		const citations = citationsOf( [
			{
				position: 1,
				document_name: 'Guide.pdf',
				content: 'Snippet one',
				score: 0.91,
				dataset_id: 'x',
			},
			{ position: 2, title: 'Second', content: 'Two', score: null },
			'not an object',
			{ position: 3 },
		] );
		expect( citations ).toEqual( [
			{
				position: 1,
				documentName: 'Guide.pdf',
				content: 'Snippet one',
				score: 0.91,
			},
			{
				position: 2,
				documentName: 'Second',
				content: 'Two',
				score: null,
			},
		] );
		const state = run( [
			ask,
			{ type: 'append', answerId: 'a1', text: 'Answer' },
			{
				type: 'end',
				answerId: 'a1',
				conversationId: 'c1',
				messageId: 'm1',
				citations,
			},
		] );
		expect( state.messages[ 1 ]?.citations ).toEqual( citations );
		expect( citationsOf( [] ) ).toEqual( [] );
		expect( citationsOf( null ) ).toEqual( [] );
	} );

	it( 'collects agent thoughts by id, updating a re-sent one in place', () => {
		const state = run( [
			ask,
			{
				type: 'thought',
				answerId: 'a1',
				id: 't1',
				position: 1,
				tools: [],
			},
			{
				type: 'thought',
				answerId: 'a1',
				id: 't1',
				position: 1,
				tools: [ 'web_search', 'image_generator' ],
			},
			{
				type: 'thought',
				answerId: 'a1',
				id: 't2',
				position: 2,
				tools: [ 'current_time' ],
			},
		] );
		expect( state.messages[ 1 ]?.thoughts ).toEqual( [
			{
				id: 't1',
				position: 1,
				tools: [ 'web_search', 'image_generator' ],
			},
			{ id: 't2', position: 2, tools: [ 'current_time' ] },
		] );
	} );

	it( 'shows http(s) files once and drops any other link', () => {
		const file = ( id: string, url: string ): ChatAction => ( {
			type: 'file',
			answerId: 'a1',
			id,
			url,
			fileType: 'image',
		} );
		const state = run( [
			ask,
			file( 'f1', 'https://dify.example/files/tools/f1.png?sign=x' ),
			file( 'f1', 'https://dify.example/files/tools/f1.png?sign=x' ),
			file( 'f2', 'javascript:alert(1)' ),
			file( 'f3', 'data:image/png;base64,AAAA' ),
			file( 'f4', '/files/tools/f4.png' ),
		] );
		expect( state.messages[ 1 ]?.files ).toEqual( [
			{
				id: 'f1',
				url: 'https://dify.example/files/tools/f1.png?sign=x',
				type: 'image',
			},
		] );
	} );

	it( 'message_replace replaces the answer written so far', () => {
		const state = run( [
			ask,
			{ type: 'append', answerId: 'a1', text: 'Something rude' },
			{ type: 'replace', answerId: 'a1', text: 'Moderated.' },
			{ type: 'append', answerId: 'a1', text: '' },
		] );
		expect( state.messages[ 1 ]?.text ).toBe( 'Moderated.' );
	} );

	it( 'late thoughts and files after the end are ignored', () => {
		const state = run( [
			ask,
			{
				type: 'end',
				answerId: 'a1',
				conversationId: 'c1',
				messageId: 'm1',
			},
			{
				type: 'thought',
				answerId: 'a1',
				id: 't1',
				position: 1,
				tools: [ 'x' ],
			},
			{
				type: 'file',
				answerId: 'a1',
				id: 'f1',
				url: 'https://x.test/a.png',
				fileType: 'image',
			},
		] );
		expect( state.messages[ 1 ]?.thoughts ).toEqual( [] );
		expect( state.messages[ 1 ]?.files ).toEqual( [] );
		expect( state.messages[ 1 ]?.citations ).toEqual( [] );
	} );
} );

describe( 'reasoning', () => {
	it( 'collects the reasoning apart from the text, and none after the end', () => {
		const state = run( [
			ask,
			{ type: 'reasoning', answerId: 'a1', text: 'Weigh' },
			{ type: 'reasoning', answerId: 'a1', text: ' it.' },
			{ type: 'append', answerId: 'a1', text: 'Yes.' },
			{
				type: 'end',
				answerId: 'a1',
				conversationId: 'c1',
				messageId: 'm1',
			},
			{ type: 'reasoning', answerId: 'a1', text: ' Late.' },
		] );
		expect( state.messages[ 1 ] ).toMatchObject( {
			text: 'Yes.',
			reasoning: 'Weigh it.',
			status: 'done',
		} );
	} );

	it( 'keeps the reasoning of a restored answer', () => {
		const state = run( [
			{
				type: 'restore',
				conversationId: 'c1',
				turns: [
					{
						query: 'Q?',
						answer: 'A.',
						reasoning: 'Because.',
						messageId: 'm1',
						citations: [],
						files: [],
					},
				],
			},
		] );
		expect( state.messages[ 1 ]?.reasoning ).toBe( 'Because.' );
		expect( state.messages[ 0 ]?.reasoning ).toBeUndefined();
	} );
} );

describe( 'workflow steps', () => {
	it( 'keeps one row per node, updated as it goes, rounds kept', () => {
		const step = {
			type: 'step' as const,
			answerId: 'a1',
			nodeId: 'it',
			title: 'Each',
			status: 'running',
			elapsed: null,
			rounds: 0,
		};
		const state = run( [
			ask,
			{ ...step, nodeId: 'llm', title: 'LLM' },
			step,
			{ ...step, rounds: 2 },
			{ ...step, status: 'succeeded', elapsed: 1.5 },
		] );
		expect( state.messages[ 1 ]?.steps ).toEqual( [
			{
				nodeId: 'llm',
				title: 'LLM',
				status: 'running',
				elapsed: null,
				rounds: 0,
			},
			{
				nodeId: 'it',
				title: 'Each',
				status: 'succeeded',
				elapsed: 1.5,
				rounds: 2,
			},
		] );
	} );
} );

describe( 'restoring history', () => {
	const turns = [
		{
			query: 'First?',
			answer: 'One',
			messageId: 'm1',
			citations: [],
			files: [ { id: 'f', url: 'javascript:x', type: 'image' } ],
		},
		{
			query: 'Second?',
			answer: 'Two',
			messageId: 'm2',
			citations: [],
			files: [],
		},
	];

	it( 'puts the turns into an empty chat, oldest first', () => {
		const state = run( [
			{ type: 'restore', conversationId: 'c1', turns },
		] );
		expect(
			state.messages.map( ( m ) => [ m.role, m.text, m.status ] )
		).toEqual( [
			[ 'user', 'First?', 'done' ],
			[ 'assistant', 'One', 'done' ],
			[ 'user', 'Second?', 'done' ],
			[ 'assistant', 'Two', 'done' ],
		] );
		expect( state.messages[ 1 ]?.messageId ).toBe( 'm1' );
		expect( state.messages[ 1 ]?.files ).toEqual( [] );
		expect( state.conversationId ).toBe( 'c1' );
		expect( isBusy( state ) ).toBe( false );
	} );

	it( 'never mixes history into a chat that already has messages', () => {
		const before = run( [ ask ] );
		expect(
			reducer( before, { type: 'restore', conversationId: 'c1', turns } )
		).toBe( before );
	} );
} );

describe( 'attached files', () => {
	const file = {
		type: 'image',
		transfer_method: 'local_file' as const,
		upload_file_id: 'e0000000-0000-4000-8000-000000000009',
	};
	const withFiles: ChatAction = {
		...ask,
		attachments: [ { name: 'cat.png', url: 'blob:x' } ],
		files: [ file ],
	};

	it( 'shows them with the question and keeps them for the answer’s retry', () => {
		const state = run( [
			withFiles,
			{ type: 'fail', answerId: 'a1', error: 'Down.' },
			{ type: 'retry', answerId: 'a1', newAnswerId: 'a2' },
		] );
		expect( state.messages[ 0 ]?.attachments ).toEqual( [
			{ name: 'cat.png', url: 'blob:x' },
		] );
		expect( state.messages[ 1 ] ).toMatchObject( {
			id: 'a2',
			status: 'pending',
			sent: [ file ],
		} );
	} );

	it( 'are none for a question without files', () => {
		const state = run( [ ask ] );
		expect( state.messages[ 0 ]?.attachments ).toBeUndefined();
		expect( state.messages[ 1 ]?.sent ).toBeUndefined();
	} );
} );
