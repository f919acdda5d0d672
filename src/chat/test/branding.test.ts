// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { describe, expect, it } from '@jest/globals';

import { applyAccent, parseSite, textOn } from '../branding';

describe( 'the app’s branding', () => {
	it( 'reads what the server sent', () => {
		expect(
			parseSite( {
				title: ' Emulator Chat ',
				icon: { type: 'emoji', emoji: '🤖', background: '#FFEAD5' },
				chat_color_theme: '#1C64F2',
				input_placeholder: 'Ask…',
				custom_disclaimer: '<b>Markup</b> is text',
				privacy_policy: 'https://example.com/privacy',
				copyright: '© 2026',
				show_workflow_steps: false,
			} )
		).toEqual( {
			title: 'Emulator Chat',
			icon: { type: 'emoji', emoji: '🤖', background: '#FFEAD5' },
			color: '#1C64F2',
			placeholder: 'Ask…',
			disclaimer: '<b>Markup</b> is text',
			privacyPolicy: 'https://example.com/privacy',
			copyright: '© 2026',
		} );
	} );

	it( 'drops what it cannot show safely', () => {
		const site = parseSite( {
			title: 7,
			icon: { type: 'image', url: 'javascript:alert(1)' },
			chat_color_theme: 'red;background:url(x)',
			privacy_policy: 'javascript:alert(1)',
		} );
		expect( site.title ).toBe( '' );
		expect( site.icon ).toBeNull();
		expect( site.color ).toBe( '' );
		expect( site.privacyPolicy ).toBe( '' );
		expect(
			parseSite( {
				icon: { type: 'image', url: 'https://d.test/i.png' },
			} ).icon
		).toEqual( { type: 'image', url: 'https://d.test/i.png' } );
		expect( parseSite( null ).title ).toBe( '' );
	} );

	it( 'picks a readable text colour for the accent', () => {
		expect( textOn( '#1C64F2' ) ).toBe( '#ffffff' );
		expect( textOn( '#FFEAD5' ) ).toBe( '#000000' );
		expect( textOn( '#fff' ) ).toBe( '#000000' );
	} );

	it( 'gives the chat the app’s colour only when none is set', () => {
		const root = document.createElement( 'div' );
		applyAccent( root, '#1C64F2' );
		expect( root.classList.contains( 'has-accent' ) ).toBe( true );
		expect( root.style.getPropertyValue( '--dify-chatbot-accent' ) ).toBe(
			'#1C64F2'
		);

		const styled = document.createElement( 'div' );
		styled.classList.add( 'has-accent' );
		styled.style.setProperty( '--dify-chatbot-accent', '#000000' );
		applyAccent( styled, '#1C64F2' );
		expect( styled.style.getPropertyValue( '--dify-chatbot-accent' ) ).toBe(
			'#000000'
		);

		const plain = document.createElement( 'div' );
		applyAccent( plain, '' );
		expect( plain.classList.contains( 'has-accent' ) ).toBe( false );
	} );
} );
