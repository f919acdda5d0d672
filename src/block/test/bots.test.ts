// eslint-disable-next-line import/no-extraneous-dependencies -- ships with jest; typed, unlike its globals (no @types/jest).
import { beforeEach, describe, expect, it, jest } from '@jest/globals';

jest.mock( '@wordpress/api-fetch', () => ( {
	__esModule: true,
	default: jest.fn(),
} ) );

import apiFetch from '@wordpress/api-fetch';

import { botOptions, loadBots, parseBots, resetBots } from '../bots';

const fetchMock = apiFetch as unknown as jest.Mock<
	( options: { path: string } ) => Promise< unknown >
>;

describe( 'the inspector’s bots', () => {
	beforeEach( () => {
		resetBots();
		fetchMock.mockReset();
	} );

	it( 'lists the bots of the editor route, the default one being the empty choice', async () => {
		fetchMock.mockResolvedValue( [
			{ slug: 'default', name: 'Default' },
			{ slug: 'sales', name: 'Sales' },
			{ slug: 'help', name: '  ' },
		] );
		const bots = await loadBots();
		expect( fetchMock ).toHaveBeenCalledWith( {
			path: '/dify-chatbot/v1/bots',
		} );
		expect( bots ).toEqual( [
			{ slug: 'sales', name: 'Sales' },
			{ slug: 'help', name: 'help' },
		] );
		expect( botOptions( bots, '' ) ).toEqual( [
			{ label: 'Default', value: '' },
			{ label: 'Sales', value: 'sales' },
			{ label: 'help', value: 'help' },
		] );
		// Asked once for every block of the post.
		await loadBots();
		expect( fetchMock ).toHaveBeenCalledTimes( 1 );
	} );

	it( 'offers the default bot only when the route is missing or fails', async () => {
		fetchMock.mockRejectedValue( {
			code: 'rest_no_route',
			message: 'No route was found matching the URL and request method.',
		} );
		const bots = await loadBots();
		expect( bots ).toEqual( [] );
		expect( botOptions( bots, '' ) ).toEqual( [
			{ label: 'Default', value: '' },
		] );
	} );

	it.each( [ null, {}, 'x', [ 3, { slug: 5, name: 'n' }, { name: 'x' } ] ] )(
		'reads nothing from a malformed answer (%p)',
		( value ) => {
			expect( parseBots( value ) ).toEqual( [] );
		}
	);

	it( 'keeps a bot the block names that is not listed, marked', () => {
		expect(
			botOptions( [ { slug: 'sales', name: 'Sales' } ], 'gone' )
		).toEqual( [
			{ label: 'Default', value: '' },
			{ label: 'Sales', value: 'sales' },
			{ label: 'gone (not found)', value: 'gone' },
		] );
	} );
} );
