/**
 * Several web nodes (bin/stacks/test-nodes.sh: one nginx whose upstream alternates between two
 * php-fpm nodes, one MariaDB, with or without the Redis object cache): what must hold when one
 * visitor's consecutive requests land on different nodes.
 *
 * - A conversation goes on: the second message, answered by the other node, continues the first
 *   one's conversation as the same Dify user (the visitor cookie is signed with the site's salts,
 *   the same on every node), and the visitor's conversation list, from a node again, shows it.
 * - The daily token budget is one site-wide count: spent on one node, it refuses on the other, and
 *   exactly the answers the budget allowed reached Dify.
 * - The stream caps: more concurrent streams from one visitor than its cap, over both nodes,
 *   admit exactly the cap.
 * - (The rate-limit race runs separately: tests/load/rate-limit-race.ts with RACE_SERVERS.)
 *
 *   MULTI_NODE_URL=http://127.0.0.1:8972 MULTI_NODE_EMULATOR_URL=http://127.0.0.1:8973 \
 *     node_modules/.bin/tsx tests/load/multi-node.ts
 *
 * Exit code 1 when a check fails. The settings are restored afterwards.
 */
/* eslint-disable no-console -- a command-line script: it reports on the console. */
import {
	adminSession,
	chat,
	emulatorChats,
	restoreProtection,
	settings,
	UNLIMITED,
	visitorCookie,
	type AdminSession,
} from './site';

const WP = process.env.MULTI_NODE_URL ?? 'http://127.0.0.1:8972';
const EMULATOR = (
	process.env.MULTI_NODE_EMULATOR_URL ?? 'http://127.0.0.1:8973'
).replace( /\/v1\/?$/, '' );

type Json = Record< string, unknown >;

interface Check {
	name: string;
	run: ( session: AdminSession ) => Promise< string >;
}

class Failure extends Error {}

function expect( condition: boolean, message: string ): void {
	if ( ! condition ) {
		throw new Failure( message );
	}
}

/**
 * A conversation whose consecutive messages are answered by different nodes.
 */
async function conversationAcrossNodes(): Promise< string > {
	const since = ( await emulatorChats( EMULATOR, 1e12 ) ).lastSeq;
	const first = await chat(
		WP,
		'',
		{ query: 'Hello from node to node #delay:1' },
		true
	);
	expect( first.status === 200, `first message: HTTP ${ first.status }` );
	const cookie = visitorCookie( first );
	const conversation = String(
		first.events.find( ( e ) => e.conversation_id )?.conversation_id ?? ''
	);
	expect(
		cookie !== '' && conversation !== '',
		'no visitor cookie or conversation'
	);

	const second = await chat(
		WP,
		cookie,
		{ query: 'And again #delay:1', conversation_id: conversation },
		true
	);
	expect( second.status === 200, `second message: HTTP ${ second.status }` );
	expect(
		first.node !== '' && second.node !== '' && first.node !== second.node,
		`both messages were answered by ${ first.node || 'an unnamed node' } (is the upstream round robin?)`
	);
	const continued = second.events.find( ( e ) => e.event === 'message_end' );
	expect(
		continued?.conversation_id === conversation,
		`the second answer is in conversation ${ String( continued?.conversation_id ) }, not ${ conversation }`
	);
	const [ one, two ] = (
		await emulatorChats( EMULATOR, since )
	).requests.filter( ( r ) => r.method === 'POST' );
	expect(
		( two?.body as Json | undefined )?.conversation_id === conversation &&
			two?.user !== undefined &&
			two.user === one?.user,
		'Dify did not get the same user and conversation from the other node'
	);

	const list = await fetch(
		`${ WP }/?rest_route=/dify-chatbot/v1/conversations`,
		{ headers: { Cookie: cookie } }
	);
	const body = ( await list.json() ) as { data?: Array< { id: string } > };
	expect(
		list.status === 200 &&
			( body.data ?? [] ).some( ( c ) => c.id === conversation ),
		`the conversation list (HTTP ${ list.status }) does not show the conversation`
	);
	return `messages answered by ${ first.node } then ${ second.node }, one conversation, one Dify user`;
}

/**
 * The daily token budget, spent across nodes.
 * @param session
 */
async function budgetAcrossNodes( session: AdminSession ): Promise< string > {
	const question = { query: 'What does a budget cost? #delay:1' };
	const used = async () =>
		Number(
			( ( await settings( session ) ).usage as Json | undefined )
				?.tokens_today ?? NaN
		);
	// A budget far above one answer first, to learn what an answer costs (the usage row's
	// tokens, which the budget reads).
	await settings( session, { daily_token_budget: 1000000 } );
	const before = await used();
	const probe = await chat( WP, '', question );
	expect( probe.status === 200, `probe: HTTP ${ probe.status }` );
	const cookie = visitorCookie( probe );
	const afterProbe = await used();
	const perAnswer = afterProbe - before;
	expect(
		perAnswer > 0,
		`no tokens counted for an answer (${ before } → ${ afterProbe })`
	);
	// Room for exactly two more answers of this size.
	await settings( session, {
		daily_token_budget: afterProbe + 2 * perAnswer,
	} );

	const since = ( await emulatorChats( EMULATOR, 1e12 ) ).lastSeq;
	const results = [];
	for ( let i = 0; i < 4; i++ ) {
		results.push( await chat( WP, cookie, question ) );
	}
	const statuses = results.map( ( r ) => r.status );
	const reached = ( await emulatorChats( EMULATOR, since ) ).requests.filter(
		( r ) => r.method === 'POST'
	).length;
	const nodes = new Set( results.map( ( r ) => r.node ) );
	expect(
		statuses.join( ',' ) === '200,200,503,503',
		`statuses ${ statuses.join( ',' ) }, expected 200,200,503,503`
	);
	expect( reached === 2, `${ reached } messages reached Dify, expected 2` );
	expect( nodes.size > 1, `every message was answered by one node` );
	expect(
		( await used() ) === afterProbe + 2 * perAnswer,
		'the day’s count is not the sum of what the answers reported'
	);
	return `${ perAnswer } tokens per answer; 2 answered, then 503 on ${ [ ...nodes ].join( ' and ' ) }; Dify got 2`;
}

/**
 * The concurrent-answer caps, across nodes: one visitor opens more streams than its cap at once,
 * spread over both nodes; exactly the cap is admitted (and reaches the emulator), the rest get a
 * 429 with Retry-After before any upstream call — the slots are counted atomically in the shared
 * database like the rate limits, with and without the object cache. When the answers have ended,
 * every slot is given back (the settings route shows no answer running).
 * @param session
 */
async function streamCaps( session: AdminSession ): Promise< string > {
	const CAP = 3;
	const STREAMS = 8;
	const probe = await chat( WP, '', { query: 'Hello #delay:1' } );
	expect( probe.status === 200, `probe: HTTP ${ probe.status }` );
	const cookie = visitorCookie( probe );
	await settings( session, { streams_visitor: CAP } );
	try {
		const since = ( await emulatorChats( EMULATOR, 1e12 ) ).lastSeq;
		// Long enough (about 3 s each) that every admitted answer is still running when the last request arrives.
		const results = await Promise.all(
			Array.from( { length: STREAMS }, ( _, i ) =>
				chat(
					WP,
					cookie,
					{ query: `Stream cap race ${ i } #delay:150` },
					true
				)
			)
		);
		const admitted = results.filter( ( r ) => r.status === 200 );
		const refused = results.filter( ( r ) => r.status === 429 );
		const reached = (
			await emulatorChats( EMULATOR, since )
		).requests.filter( ( r ) => r.method === 'POST' ).length;
		const nodes = new Set( results.map( ( r ) => r.node ) );
		expect(
			admitted.length === CAP && refused.length === STREAMS - CAP,
			`statuses ${ results.map( ( r ) => r.status ).join( ',' ) }: expected ${ CAP } × 200 and ${ STREAMS - CAP } × 429`
		);
		expect(
			refused.every( ( r ) => Number( r.retryAfter ) > 0 ),
			'a refusal without Retry-After'
		);
		expect(
			reached === CAP,
			`${ reached } messages reached Dify, expected ${ CAP }`
		);
		expect( nodes.size > 1, 'every request was answered by one node' );
		const running = Number(
			( ( await settings( session ) ).usage as Json | undefined )
				?.streams_running ?? NaN
		);
		expect(
			running === 0,
			`${ running } answers still counted as running after they ended`
		);
		return `${ STREAMS } streams at once from one visitor on ${ [ ...nodes ].join( ' and ' ) }: ${ CAP } admitted, ${ refused.length } refused with 429; Dify got ${ reached }; all slots given back`;
	} finally {
		await settings( session, { streams_visitor: 0 } );
	}
}

const CHECKS: Check[] = [
	{ name: 'conversation across nodes', run: conversationAcrossNodes },
	{ name: 'budget across nodes', run: budgetAcrossNodes },
	{ name: 'stream caps across nodes', run: streamCaps },
];

async function main(): Promise< void > {
	const session = await adminSession( WP );
	const before = await settings( session );
	let failed = 0;
	try {
		await settings( session, UNLIMITED );
		for ( const check of CHECKS ) {
			try {
				console.log(
					`  ok ${ check.name }: ${ await check.run( session ) }`
				);
			} catch ( error ) {
				failed++;
				console.log(
					`  FAIL ${ check.name }: ${ error instanceof Error ? error.message : String( error ) }`
				);
			}
			// Each check starts from no budget.
			await settings( session, { daily_token_budget: 0 } );
		}
	} finally {
		await restoreProtection( session, before );
	}
	console.log( failed ? `multi-node: ${ failed } failed` : 'multi-node: OK' );
	process.exitCode = failed ? 1 : 0;
}

main().catch( ( error: unknown ) => {
	console.error( error instanceof Error ? error.message : error );
	process.exitCode = 1;
} );
