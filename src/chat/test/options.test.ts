// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { describe, expect, it } from '@jest/globals';

import { parseOptions, readConfig } from '../options';

describe( 'parseOptions', () => {
	it( 'reads the options the server wrote', () => {
		expect(
			parseOptions(
				'{"bot":"sales","responseMode":"blocking","layout":"bubble","title":"Ask us","placeholder":"Your question","height":"60vh","position":"left","post":12}'
			)
		).toEqual( {
			bot: 'sales',
			responseMode: 'blocking',
			layout: 'bubble',
			title: 'Ask us',
			placeholder: 'Your question',
			height: '60vh',
			position: 'left',
			post: 12,
		} );
	} );

	it.each( [
		null,
		'',
		'not json',
		'[]',
		'{"layout":"popup","height":"calc(1px)","position":7}',
		'{"post":-3}',
		'{"post":"12"}',
		'{"post":1.5}',
		'{"responseMode":"fast"}',
	] )( 'falls back to defaults for %p', ( raw ) => {
		expect( parseOptions( raw ) ).toEqual( {
			bot: '',
			// The page configuration's mode.
			responseMode: null,
			layout: 'inline',
			title: '',
			placeholder: '',
			height: '480px',
			position: 'right',
			post: 0,
		} );
	} );
} );

describe( 'readConfig', () => {
	it( 'fills in what is missing', () => {
		expect( readConfig( undefined ) ).toEqual( {
			restUrl: '/wp-json/dify-chatbot/v1/',
			nonce: '',
			nonceEndpoint: '',
			template: 'dify-chatbot-app-scripts',
			user: 0,
			responseMode: 'streaming',
			// No image loads until the page says from where.
			imageOrigins: [],
			l10n: { openChat: '' },
		} );
	} );

	it( 'keeps only origins among the image origins', () => {
		expect(
			readConfig( {
				imageOrigins: [
					'https://dify.example',
					'http://127.0.0.1:8788',
					'https://x.example/path',
					'javascript:alert(1)',
					42,
				] as unknown as string[],
			} ).imageOrigins
		).toEqual( [ 'https://dify.example', 'http://127.0.0.1:8788' ] );
	} );

	it( 'keeps a plain-permalink REST URL working', () => {
		expect(
			readConfig( {
				restUrl: 'https://x.test/index.php?rest_route=/dify-chatbot/v1',
			} ).restUrl + 'chat'
		).toBe( 'https://x.test/index.php?rest_route=/dify-chatbot/v1/chat' );
	} );
} );
