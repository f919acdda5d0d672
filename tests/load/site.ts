/**
 * What the command-line tests of tests/load share: an admin session on a test site (cookies and a
 * REST nonce, as the settings screen has), the plugin's settings route, and a visitor's chat
 * message sent like the chat app sends it.
 */

type Json = Record< string, unknown >;

/** The settings the load scripts change (limits, budget, who may chat), restored afterwards. */
export const PROTECTION = [
	'limit_visitor_minute',
	'limit_visitor_day',
	'limit_ip_minute',
	'limit_ip_day',
	'streams_visitor',
	'streams_ip',
	'streams_site',
	'daily_message_cap',
	'daily_token_budget',
	'who_may_chat',
] as const;

/** Every limit and the budget off, everyone may chat. */
export const UNLIMITED: Json = {
	limit_visitor_minute: 0,
	limit_visitor_day: 0,
	limit_ip_minute: 0,
	limit_ip_day: 0,
	streams_visitor: 0,
	streams_ip: 0,
	streams_site: 0,
	daily_message_cap: 0,
	daily_token_budget: 0,
	who_may_chat: 'everyone',
};

export const sleep = ( ms: number ) =>
	new Promise( ( resolve ) => setTimeout( resolve, ms ) );

/**
 * Whether something answers at the URL without a server error.
 * @param url
 */
export async function answers( url: string ): Promise< boolean > {
	try {
		const response = await fetch( url, { redirect: 'manual' } );
		return response.status < 500;
	} catch {
		return false;
	}
}

/**
 * Cookie header value from Set-Cookie headers, merged over what was there.
 * @param jar
 * @param response
 */
export function mergeCookies( jar: Map< string, string >, response: Response ) {
	for ( const line of response.headers.getSetCookie() ) {
		const pair = line.split( ';' )[ 0 ] ?? '';
		const at = pair.indexOf( '=' );
		jar.set( pair.slice( 0, at ).trim(), pair.slice( at + 1 ).trim() );
	}
}

export function cookieHeader( jar: Map< string, string > ) {
	return [ ...jar ].map( ( [ k, v ] ) => `${ k }=${ v }` ).join( '; ' );
}

export interface AdminSession {
	base: string;
	jar: Map< string, string >;
	nonce: string;
}

/**
 * Logs in as admin; returns the cookie jar and a REST nonce.
 * @param base The site's URL.
 */
export async function adminSession( base: string ): Promise< AdminSession > {
	const jar = new Map< string, string >( [
		[ 'wordpress_test_cookie', 'WP%20Cookie%20check' ],
	] );
	const login = await fetch( `${ base }/wp-login.php`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			'Content-Type': 'application/x-www-form-urlencoded',
			Cookie: cookieHeader( jar ),
		},
		body: new URLSearchParams( {
			log: 'admin',
			pwd: 'password',
			testcookie: '1',
			redirect_to: `${ base }/wp-admin/`,
		} ),
	} );
	mergeCookies( jar, login );
	const nonce = await (
		await fetch( `${ base }/wp-admin/admin-ajax.php?action=rest-nonce`, {
			headers: { Cookie: cookieHeader( jar ) },
		} )
	).text();
	if ( ! /^[0-9a-f]{10}$/.test( nonce.trim() ) ) {
		throw new Error( `Admin login failed (nonce answer: ${ nonce } )` );
	}
	return { base, jar, nonce: nonce.trim() };
}

/**
 * Reads (and, with an update, first writes) the plugin's settings as the admin.
 * @param session
 * @param update
 */
export async function settings(
	session: AdminSession,
	update?: Json
): Promise< Json > {
	const response = await fetch(
		`${ session.base }/?rest_route=/dify-chatbot/v1/settings`,
		{
			method: update ? 'POST' : 'GET',
			headers: {
				'Content-Type': 'application/json',
				'X-WP-Nonce': session.nonce,
				Cookie: cookieHeader( session.jar ),
			},
			body: update ? JSON.stringify( update ) : undefined,
		}
	);
	const body = ( await response.json() ) as Json;
	if ( response.status !== 200 ) {
		throw new Error(
			`settings: HTTP ${ response.status } ${ JSON.stringify( body ) }`
		);
	}
	return body;
}

export interface ChatResult {
	status: number;
	retryAfter: string | null;
	setCookie: string[];
	body: string;
	/** The php-fpm node that answered (bin/stacks/nginx.conf's header), '' without one. */
	node: string;
	/** The data events of a streamed answer. */
	events: Array< Record< string, unknown > >;
}

/**
 * One chat message from a visitor (their cookie, '' for a new visitor), as JSON or streamed.
 * @param base
 * @param cookie
 * @param body
 * @param stream
 * @param headers Extra request headers (an X-Forwarded-For, say).
 */
export async function chat(
	base: string,
	cookie: string,
	body: Json,
	stream = false,
	headers: Record< string, string > = {}
): Promise< ChatResult > {
	const response = await fetch(
		`${ base }/?rest_route=/dify-chatbot/v1/chat`,
		{
			method: 'POST',
			headers: {
				'Content-Type': 'application/json',
				Accept: stream ? 'text/event-stream' : 'application/json',
				...( cookie ? { Cookie: cookie } : {} ),
				...headers,
			},
			body: JSON.stringify( body ),
		}
	);
	const text = await response.text();
	const events = stream
		? text
				.split( '\n' )
				.filter( ( line ) => line.startsWith( 'data: ' ) )
				.map( ( line ) => JSON.parse( line.slice( 6 ) ) as Json )
		: [];
	return {
		status: response.status,
		retryAfter: response.headers.get( 'retry-after' ),
		setCookie: response.headers.getSetCookie(),
		body: text,
		node: nodeName( response.headers.get( 'x-dify-chatbot-upstream' ) ),
		events,
	};
}

/**
 * "node1" from nginx's upstream address (unix:/…/fpm1/php-fpm.sock), '' without one.
 * @param upstream
 */
export function nodeName( upstream: string | null ): string {
	const match = /fpm(\d+)\/php-fpm\.sock/.exec( upstream ?? '' );
	return match ? `node${ match[ 1 ] }` : '';
}

/**
 * The visitor cookie (name=value) a chat answer set, '' when none.
 * @param result
 */
export function visitorCookie( result: ChatResult ): string {
	return (
		result.setCookie
			.map( ( line ) => line.split( ';' )[ 0 ] ?? '' )
			.find( ( pair ) => pair.startsWith( 'dify_chatbot_visitor=' ) ) ??
		''
	);
}

/**
 * The emulator's record of chat requests since a sequence number.
 * @param emulator The emulator's origin.
 * @param since
 */
export async function emulatorChats( emulator: string, since: number ) {
	const response = await fetch(
		`${ emulator }/__emulator/requests?path=/chat-messages&since=${ since }`
	);
	return ( await response.json() ) as {
		lastSeq: number;
		requests: Array< {
			method: string;
			path: string;
			user?: string;
			body?: Json;
		} >;
	};
}

/**
 * Puts the protection settings back as they were before a script changed them.
 * @param session
 * @param before  The settings as read before.
 */
export async function restoreProtection(
	session: AdminSession,
	before: Json
): Promise< void > {
	const restore: Json = {};
	for ( const name of PROTECTION ) {
		restore[ name ] = before[ name ];
	}
	await settings( session, restore );
}
