// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { beforeEach, describe, expect, it } from '@jest/globals';

import { readConfig } from '../options';
import {
	conversationKey,
	forgetConversations,
	inputsKey,
	visitorOf,
} from '../storage';

const config = { ...readConfig( {} ), user: 3 };

describe( 'conversation keys', () => {
	beforeEach( () => window.localStorage.clear() );

	it( 'keeps the default bot’s key as it was, and gives another bot its own', () => {
		const path = window.location.pathname;
		expect( conversationKey( config, 'dify-chatbot-1' ) ).toBe(
			`difyChatbot:conv:3:${ path }:dify-chatbot-1`
		);
		expect( conversationKey( config, 'dify-chatbot-1', 'sales' ) ).toBe(
			`difyChatbot:conv@sales:3:${ path }:dify-chatbot-1`
		);
		expect(
			inputsKey( conversationKey( config, 'dify-chatbot-1', 'sales' ) )
		).toBe( `difyChatbot:inputs@sales:3:${ path }:dify-chatbot-1` );
	} );

	it( 'tells two chats of a page apart, and the same chat with another bot', () => {
		const keys = new Set( [
			conversationKey( config, 'dify-chatbot-1' ),
			conversationKey( config, 'dify-chatbot-2' ),
			conversationKey( config, 'dify-chatbot-1', 'sales' ),
			conversationKey( config, 'dify-chatbot-2', 'sales' ),
			conversationKey( config, 'dify-chatbot-1', 'support' ),
		] );
		expect( keys.size ).toBe( 5 );
		expect(
			visitorOf( conversationKey( config, 'dify-chatbot-1', 'sales' ) )
		).toBe(
			visitorOf( conversationKey( config, 'dify-chatbot-2', 'sales' ) )
		);
		expect(
			visitorOf( conversationKey( config, 'dify-chatbot-1', 'sales' ) )
		).not.toBe( visitorOf( conversationKey( config, 'dify-chatbot-1' ) ) );
	} );

	it( 'forgets one bot’s conversations and form values only', () => {
		const sales = 'difyChatbot:conv@sales:3:/a/:dify-chatbot-1';
		const kept = {
			'difyChatbot:conv:3:/a/:dify-chatbot-1': 'c1',
			'difyChatbot:inputs:3:/a/:dify-chatbot-1': '{}',
			'difyChatbot:conv@support:3:/a/:dify-chatbot-2': 'c2',
			'difyChatbot:conv@sales:4:/a/:dify-chatbot-1': 'c3',
			'difyChatbot:conv@sales-eu:3:/a/:dify-chatbot-1': 'c4',
		};
		Object.entries( kept ).forEach( ( [ key, value ] ) =>
			window.localStorage.setItem( key, value )
		);
		window.localStorage.setItem( sales, 'c5' );
		window.localStorage.setItem(
			'difyChatbot:conv@sales:3:/b/:dify-chatbot-9',
			'c6'
		);
		window.localStorage.setItem( inputsKey( sales ), '{"a":"b"}' );

		forgetConversations( sales );

		const left: Record< string, string | null > = {};
		for ( let i = 0; i < window.localStorage.length; i++ ) {
			const key = window.localStorage.key( i ) ?? '';
			left[ key ] = window.localStorage.getItem( key );
		}
		expect( left ).toEqual( kept );
	} );
} );
