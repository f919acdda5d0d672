/*
 * @jest-environment node
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { describe, expect, it } from '@jest/globals';

import {
	ChatError,
	ERROR_ABORTED,
	ERROR_CONVERSATION_NOT_FOUND,
} from '../../api/errors';
import type { ChatUpdate } from '../../api/types';
import { actionOf, failureOf } from '../answer-actions';
import { initialState, reducer } from '../reducer';
import type { ChatAction } from '../types';

describe( 'actionOf: an answer update as a reducer action', () => {
	it.each< [ string, ChatUpdate, ChatAction ] >( [
		[
			'meta',
			{
				type: 'meta',
				conversationId: 'c1',
				messageId: 'm1',
				taskId: 't1',
			},
			{
				type: 'meta',
				answerId: 'a1',
				conversationId: 'c1',
				messageId: 'm1',
				taskId: 't1',
			},
		],
		[
			'append',
			{ type: 'append', text: 'Hel' },
			{ type: 'append', answerId: 'a1', text: 'Hel' },
		],
		[
			'replace',
			{ type: 'replace', text: 'Whole' },
			{ type: 'replace', answerId: 'a1', text: 'Whole' },
		],
		[
			'thought',
			{ type: 'thought', id: 'th1', position: 2, tools: [ 'search' ] },
			{
				type: 'thought',
				answerId: 'a1',
				id: 'th1',
				position: 2,
				tools: [ 'search' ],
			},
		],
		[
			'file',
			{
				type: 'file',
				id: 'f1',
				url: 'https://x.test/f1.png',
				fileType: 'image',
			},
			{
				type: 'file',
				answerId: 'a1',
				id: 'f1',
				url: 'https://x.test/f1.png',
				fileType: 'image',
			},
		],
	] )( '%s', ( _name, update, action ) => {
		expect( actionOf( update, 'a1' ) ).toEqual( action );
	} );

	it( 'ends the answer with the citations read from its metadata', () => {
		expect(
			actionOf(
				{
					type: 'end',
					conversationId: 'c1',
					messageId: 'm1',
					metadata: {
						retrieverResources: [
							{
								position: 1,
								document_name: 'Guide.pdf',
								content: 'Snippet',
								score: 0.5,
							},
							'not a resource',
						],
						usage: null,
					},
				},
				'a1'
			)
		).toEqual( {
			type: 'end',
			answerId: 'a1',
			conversationId: 'c1',
			messageId: 'm1',
			citations: [
				{
					position: 1,
					documentName: 'Guide.pdf',
					content: 'Snippet',
					score: 0.5,
				},
			],
		} );
	} );

	it( 'leaves audio out: it is played, not shown', () => {
		expect( actionOf( { type: 'audio', audio: 'SUQz' }, 'a1' ) ).toBeNull();
	} );

	it( 'gives actions the reducer writes the answer with', () => {
		const updates: ChatUpdate[] = [
			{
				type: 'meta',
				conversationId: 'c1',
				messageId: 'm1',
				taskId: 't1',
			},
			{ type: 'append', text: 'Hel' },
			{ type: 'audio', audio: 'SUQz' },
			{ type: 'append', text: 'lo' },
			{
				type: 'end',
				conversationId: 'c1',
				messageId: 'm1',
				metadata: { retrieverResources: [], usage: null },
			},
		];
		let state = reducer( initialState(), {
			type: 'send',
			query: 'Hi',
			userId: 'u1',
			answerId: 'a1',
		} );
		for ( const update of updates ) {
			const action = actionOf( update, 'a1' );
			state = action ? reducer( state, action ) : state;
		}
		expect( state.conversationId ).toBe( 'c1' );
		expect( state.messages[ 1 ] ).toMatchObject( {
			text: 'Hello',
			status: 'done',
			messageId: 'm1',
			taskId: null,
		} );
	} );
} );

describe( 'failureOf: a failed answer as a reducer action', () => {
	it( 'marks an answer the chat cancelled as stopped', () => {
		expect( failureOf( new ChatError( ERROR_ABORTED, '' ), 'a1' ) ).toEqual(
			{ type: 'stop', answerId: 'a1' }
		);
	} );

	it( 'fails with the error’s message and its Retry-After', () => {
		expect(
			failureOf( new ChatError( 'http_429', 'Too many.', 429, 12 ), 'a1' )
		).toEqual( {
			type: 'fail',
			answerId: 'a1',
			error: 'Too many.',
			retryAfter: 12,
			forgetConversation: false,
		} );
	} );

	it( 'forgets a conversation the server no longer knows', () => {
		expect(
			failureOf(
				new ChatError( ERROR_CONVERSATION_NOT_FOUND, 'Gone.', 404 ),
				'a1'
			)
		).toMatchObject( { type: 'fail', forgetConversation: true } );
	} );

	it( 'says something plain for an error without a message, or not a ChatError', () => {
		const plain = {
			type: 'fail',
			answerId: 'a1',
			error: 'Something went wrong. Please try again.',
			retryAfter: null,
			forgetConversation: false,
		};
		expect( failureOf( new TypeError( 'x is undefined' ), 'a1' ) ).toEqual(
			plain
		);
		expect( failureOf( new ChatError( 'odd', '' ), 'a1' ) ).toEqual(
			plain
		);
	} );
} );
