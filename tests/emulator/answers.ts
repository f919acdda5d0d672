/**
 * Deterministic answers: the same query (and turn) always gives the same text.
 * The default answer has markdown variety (heading, lists, inline code, fenced
 * code, link, table) so renderers can be exercised without special prompts.
 */
/* eslint-disable no-bitwise -- checksums and pixel maths */

export function hash32( text: string ): number {
	// FNV-1a
	let h = 0x811c9dc5;
	for ( let i = 0; i < text.length; i++ ) {
		h ^= text.charCodeAt( i );
		h = Math.imul( h, 0x01000193 ) >>> 0;
	}
	return h >>> 0;
}

function pick< T >( list: readonly T[], seed: number, salt: number ): T {
	const item = list[ ( seed + salt * 7919 ) % list.length ];
	if ( item === undefined ) {
		throw new Error( 'empty list' );
	}
	return item;
}

/**
 * The "topic" of a query: its longest plain word, or a neutral fallback.
 * @param query
 */
export function topicOf( query: string ): string {
	const words = query.match( /[A-Za-z][A-Za-z0-9_-]{2,}/g ) ?? [];
	let best = '';
	for ( const w of words ) {
		if ( w.length > best.length ) {
			best = w;
		}
	}
	return best ? best.toLowerCase().slice( 0, 32 ) : 'your question';
}

const OPENERS = [
	'Here is a structured answer',
	'Good question — here is what I found',
	'Let me break that down',
	'Sure, here is an overview',
] as const;

const BULLETS = [
	'Streaming keeps the first token fast',
	'Conversations are private to each user',
	'Every answer is deterministic in the emulator',
	'Markdown is rendered safely by the client',
	'Errors arrive as JSON or as an `error` event',
	'Keep-alive pings may arrive at any time',
	'Files are referenced by their upload id',
] as const;

const STEPS = [
	'Send the question with `response_mode: "streaming"`',
	'Read the `task_id` from the first event',
	'Append every `answer` delta to the message',
	'Finish when `message_end` arrives',
	'Store the `conversation_id` for the next turn',
	'Ask for suggested questions afterwards',
] as const;

const LINKS = [
	[ 'Dify documentation', 'https://docs.dify.ai/' ],
	[ 'WordPress developer resources', 'https://developer.wordpress.org/' ],
	[
		'MDN: Server-sent events',
		'https://developer.mozilla.org/en-US/docs/Web/API/Server-sent_events',
	],
] as const;

function codeBlock( seed: number, topic: string ): string {
	const variant = seed % 3;
	if ( variant === 0 ) {
		return [
			'```ts',
			`const topic = '${ topic }';`,
			"const words = topic.split(' ');",
			'console.log(`${words.length} word(s)`);',
			'```',
		].join( '\n' );
	}
	if ( variant === 1 ) {
		return [
			'```python',
			`topic = "${ topic }"`,
			'for i, word in enumerate(topic.split()):',
			'    print(i, word)',
			'```',
		].join( '\n' );
	}
	return [
		'```bash',
		`echo "${ topic }" | wc -c`,
		'curl -sN "$DIFY_BASE/chat-messages" -H "Authorization: Bearer $KEY"',
		'```',
	].join( '\n' );
}

export function defaultAnswer(
	query: string,
	turn: number,
	flavour: string
): string {
	const seed = hash32( query );
	const topic = topicOf( query );
	const checksum = seed.toString( 16 ).padStart( 8, '0' );
	const words = query.trim() ? query.trim().split( /\s+/ ).length : 0;
	const bullets = [
		pick( BULLETS, seed, 1 ),
		pick( BULLETS, seed, 2 ),
		pick( BULLETS, seed, 3 ),
	];
	const steps = [
		pick( STEPS, seed, 4 ),
		pick( STEPS, seed, 5 ),
		pick( STEPS, seed, 6 ),
	];
	const [ linkText, linkUrl ] = pick( LINKS, seed, 8 );
	return [
		`## ${ flavour } answer about ${ topic }`,
		'',
		`${ pick( OPENERS, seed, 0 ) } (turn ${ turn } of this conversation). The key term is \`${ topic }\`.`,
		'',
		...bullets.map( ( b ) => `- ${ b }` ),
		'',
		...steps.map( ( s, i ) => `${ i + 1 }. ${ s }` ),
		'',
		codeBlock( seed, topic ),
		'',
		`Read more in the [${ linkText }](${ linkUrl }).`,
		'',
		'| Property | Value |',
		'| --- | --- |',
		`| Words in the question | ${ words } |`,
		`| Characters | ${ query.length } |`,
		`| Checksum | \`${ checksum }\` |`,
		`| Turn | ${ turn } |`,
	].join( '\n' );
}

export const XSS_CORPUS = [
	'XSS test corpus (emulator). None of the following may execute:',
	'',
	'<script>alert(1)</script>',
	'',
	'<img src=x onerror=alert(1)>',
	'',
	'[x](javascript:alert(1))',
	'',
	'[d](data:text/html,<script>alert(1)</script>)',
	'',
	'<svg onload=alert(1)>',
	'',
	'<iframe src=javascript:alert(1)>',
	'',
	'<a href="javascript:alert(1)">click me</a>',
	'',
	'![img](x" onerror="alert(1))',
	'',
	'<details open ontoggle=alert(1)>',
	'',
	'"><script>alert(document.cookie)</script>',
	'',
	'<style>body{display:none}</style>',
	'',
	'**unclosed bold and `unclosed code',
	'',
	'```html',
	'<script>alert("inside an unterminated fence")</script>',
].join( '\n' );

const LOREM = [
	'The emulator produces long answers for benchmarks.',
	'Each paragraph is deterministic and plain ASCII.',
	'Relays should forward every event without buffering the whole answer.',
	'Browsers should render incrementally and stay responsive.',
	'Memory use should not grow with the length of the answer.',
	'Markdown parsers see headings, lists and code from time to time.',
] as const;

/**
 * About `kb` KiB of markdown (exactly kb * 1024 characters, ASCII).
 * @param kb
 */
export function longAnswer( kb: number ): string {
	const target = kb * 1024;
	const parts: string[] = [];
	let size = 0;
	let i = 0;
	while ( size < target ) {
		let chunk: string;
		if ( i % 20 === 0 ) {
			chunk = `\n\n### Section ${ i / 20 + 1 }\n\n`;
		} else if ( i % 7 === 0 ) {
			chunk = `\n- item ${ i }: \`value_${ i }\`\n`;
		} else {
			chunk = ( LOREM[ i % LOREM.length ] ?? '' ) + ' ';
		}
		parts.push( chunk );
		size += chunk.length;
		i++;
	}
	return parts.join( '' ).slice( 0, target );
}

/**
 * Exactly `size` ASCII characters of prose (the `#fault:big` event).
 * @param size
 */
export function bigText( size: number ): string {
	const unit = 'This is one very large SSE event used to test buffering. ';
	return unit.repeat( Math.ceil( size / unit.length ) ).slice( 0, size );
}

/**
 * Split an answer into small deltas: one word (with its leading blank) each,
 * long words in pieces of at most `max` characters.
 * @param text
 * @param max
 */
export function chunkText( text: string, max = 8 ): string[] {
	const tokens = text.match( /\s*\S+|\s+/g ) ?? [];
	const out: string[] = [];
	for ( const token of tokens ) {
		for ( let i = 0; i < token.length; i += max ) {
			out.push( token.slice( i, i + max ) );
		}
	}
	return out;
}

/**
 * Bigger deltas (about `size` characters, split at blanks) for long answers.
 * @param text
 * @param size
 */
export function chunkLong( text: string, size = 64 ): string[] {
	const out: string[] = [];
	let i = 0;
	while ( i < text.length ) {
		let end = Math.min( text.length, i + size );
		const blank = text.lastIndexOf( ' ', end );
		if ( end < text.length && blank > i + size / 2 ) {
			end = blank + 1;
		}
		out.push( text.slice( i, end ) );
		i = end;
	}
	return out;
}

export function suggestedQuestions( query: string, answer: string ): string[] {
	const topic = topicOf( query );
	const seed = hash32( query + answer.length );
	const templates = [
		`Can you explain ${ topic } in more detail?`,
		`What are common mistakes with ${ topic }?`,
		`Show me an example of ${ topic }.`,
		`How does ${ topic } compare to the alternatives?`,
		`Where can I read more about ${ topic }?`,
	];
	const first = seed % templates.length;
	return [ 0, 1, 2 ].map(
		( i ) =>
			templates[ ( first + i ) % templates.length ] ??
			templates[ 0 ] ??
			''
	);
}

/**
 * An "LLM-generated" conversation title (deterministic).
 * @param query
 */
export function generatedName( query: string ): string {
	const words = query
		.replace( /[^\p{L}\p{N}\s'-]/gu, ' ' )
		.trim()
		.split( /\s+/ )
		.filter( Boolean )
		.slice( 0, 6 );
	if ( ! words.length ) {
		return 'New conversation';
	}
	const title = words.join( ' ' );
	return ( title.charAt( 0 ).toUpperCase() + title.slice( 1 ) ).slice(
		0,
		47
	);
}

/**
 * Dify's provisional name: the first 20 characters of the query + `…`.
 * @param query
 */
export function provisionalName( query: string ): string {
	const chars = Array.from( query );
	return chars.length > 20 ? chars.slice( 0, 20 ).join( '' ) + '…' : query;
}
