/**
 * Per-mode event sequences of the easy-UI apps — chat, completion and the
 * classic agent-chat — and the pieces every runner shares (envelopes, text
 * streaming with faults, usage, TTS). Chatflow/workflow runs are in flows.ts,
 * the New Agent in new-agent.ts. Each runner writes to a Sink (SSE or
 * blocking) and returns an Outcome for the blocking response.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { AppDef } from './apps';
import {
	XSS_CORPUS,
	bigText,
	chunkLong,
	chunkText,
	defaultAnswer,
	hash32,
	longAnswer,
	topicOf,
} from './answers';
import type { EmulatorState } from './context';
import type { Directives } from './directives';
import { makePng, mp3ForText } from './media';
import { LEAKY_PROVIDER_ERROR, secondsSince } from './nodes';
import { taggedChunks } from './reasoning';
import { GoneSignal, StopSignal, type Sink } from './stream';
import {
	nowSeconds,
	type AgentThought,
	type Conversation,
	type EndUser,
	type Message,
	type MessageFile,
	type Task,
	type WorkflowRun,
} from './store';
import type { ResolvedFile } from './validate';
import type { Variants } from './variants';

export interface RunEnv {
	state: EmulatorState;
	app: AppDef;
	endUser: EndUser;
	user: string;
	task: Task;
	directives: Directives;
	/** The query text with directives removed. */
	text: string;
	inputs: Record< string, unknown >;
	userFiles: ResolvedFile[];
	conversation: Conversation | null;
	message: Message | null;
	run: WorkflowRun | null;
	createdAt: number;
	startedMs: number;
	/** Origin for file links, '' for relative links. */
	fileBase: string;
	/** The server's variants with this request's `#variant:` overrides. */
	variants: Variants;
	/** The per-event delay of this run. */
	delayMs: number;
}

export type Outcome =
	| { kind: 'message'; answer: string; metadata: Record< string, unknown > }
	| { kind: 'workflow'; data: Record< string, unknown > }
	| { kind: 'error'; code: string; status: number; message: string }
	| { kind: 'dropped' }
	| { kind: 'gone' };

export const ERROR_EVENT_MESSAGE =
	'[emulator] Model provider error (emulated by #fault:error-event)';
export const RUN_FAILED_ERROR =
	'[emulator] LLM node failed (emulated by #fault:run-failed)';
export const REPLACEMENT_ANSWER =
	'This answer was replaced by output moderation. (emulated by #replace)';

/** A stream fault ends the answer with an error (error-event, run-failed). */
export class FailSignal extends Error {}
/** A stream fault cuts the connection. */
export class DropSignal extends Error {}

/**
 * The text of a failing model: Dify's own, or with internal details (`#leak`).
 * @param env
 */
export function errorEventMessage( env: RunEnv ): string {
	return env.directives.leak ? LEAKY_PROVIDER_ERROR : ERROR_EVENT_MESSAGE;
}

const FILES_SECRET = 'dify-emulator-files-secret';

function sign( kind: string, id: string ): string {
	const ts = nowSeconds();
	const nonce = randomBytes( 16 ).toString( 'hex' );
	const sig = createHmac( 'sha256', FILES_SECRET )
		.update( `${ kind }|${ id }|${ ts }|${ nonce }` )
		.digest( 'base64' )
		.replace( /\+/g, '-' )
		.replace( /\//g, '_' );
	return `timestamp=${ ts }&nonce=${ nonce }&sign=${ sig }`;
}

export function toolFileUrl( base: string, id: string, ext: string ): string {
	return `${ base }/files/tools/${ id }${ ext }?${ sign( 'file-preview', id ) }`;
}

export function uploadPreviewUrl( base: string, id: string ): string {
	return `${ base }/files/${ id }/file-preview?${ sign( 'file-preview', id ) }`;
}

function fmt7( units: number ): string {
	const s = String( units ).padStart( 8, '0' );
	return `${ s.slice( 0, -7 ) }.${ s.slice( -7 ) }`;
}

/**
 * §9.4 usage: ints for tokens, decimal strings for prices, float latency.
 * @param prompt
 * @param answer
 * @param turn
 * @param latency
 * @param timing
 */
export function usageFor(
	prompt: string,
	answer: string,
	turn: number,
	latency: number,
	timing: boolean
): Record< string, unknown > {
	const promptTokens =
		20 + Math.ceil( prompt.length / 4 ) + 30 * Math.max( 0, turn - 1 );
	const completionTokens = Math.ceil( answer.length / 4 );
	const promptPrice = Math.round( promptTokens * 1.5 );
	const completionPrice = completionTokens * 6;
	return {
		prompt_tokens: promptTokens,
		prompt_unit_price: '0.15',
		prompt_price_unit: '0.000001',
		prompt_price: fmt7( promptPrice ),
		completion_tokens: completionTokens,
		completion_unit_price: '0.6',
		completion_price_unit: '0.000001',
		completion_price: fmt7( completionPrice ),
		total_tokens: promptTokens + completionTokens,
		total_price: fmt7( promptPrice + completionPrice ),
		currency: 'USD',
		latency,
		time_to_first_token: timing
			? Number( ( latency / 4 + 0.000321 ).toFixed( 6 ) )
			: null,
		time_to_generate: timing
			? Number( ( ( latency * 3 ) / 4 + 0.000123 ).toFixed( 6 ) )
			: null,
	};
}

/**
 * Two citations (stream/blocking flavour, §9.5).
 * @param query
 */
export function retrieverResources(
	query: string
): Array< Record< string, unknown > > {
	const topic = topicOf( query );
	const seed = hash32( query );
	return [
		{
			position: 1,
			dataset_id: 'e0000000-0000-4000-8000-00000000da01',
			dataset_name: 'Emulator Knowledge',
			document_id: 'e0000000-0000-4000-8000-00000000d0c1',
			document_name: 'getting-started.md',
			data_source_type: 'upload_file',
			segment_id: 'e0000000-0000-4000-8000-0000000005e1',
			retriever_from: 'api',
			score: 0.8731,
			hit_count: 3 + ( seed % 5 ),
			word_count: 142,
			segment_position: 2,
			index_node_hash: 'a3f1c2' + seed.toString( 16 ).padStart( 8, '0' ),
			content: `Getting started: how ${ topic } works with the Dify service API, streaming and conversations.`,
			page: null,
			doc_metadata: null,
			title: 'getting-started.md',
			files: null,
			summary: null,
		},
		{
			position: 2,
			dataset_id: 'e0000000-0000-4000-8000-00000000da01',
			dataset_name: 'Emulator Knowledge',
			document_id: 'e0000000-0000-4000-8000-00000000d0c2',
			document_name: 'faq.pdf',
			data_source_type: 'upload_file',
			segment_id: 'e0000000-0000-4000-8000-0000000005e2',
			retriever_from: 'api',
			score: 0.6412,
			hit_count: 1,
			word_count: 88,
			segment_position: 7,
			index_node_hash: 'b4e2d3' + seed.toString( 16 ).padStart( 8, '0' ),
			content: `FAQ: common questions about ${ topic }, with <b>markup</b> that clients must escape.`,
			page: 3,
			doc_metadata: null,
			title: 'faq.pdf',
			files: null,
			summary: null,
		},
	];
}

function flavourOf( app: AppDef ): string {
	switch ( app.mode ) {
		case 'agent-chat':
			return 'Agent';
		case 'agent':
			return 'New Agent';
		case 'advanced-chat':
			return 'Chatflow';
		case 'completion':
			return 'Completion';
		case 'workflow':
			return 'Workflow';
		default:
			return 'Chat';
	}
}

export function turnOf( env: RunEnv ): number {
	return env.conversation ? env.conversation.dialogueCount : 1;
}

function moderationHit( env: RunEnv ): string | null {
	const m = env.app.moderation;
	if ( ! m ) {
		return null;
	}
	const lower = env.text.toLowerCase();
	return m.keywords.some( ( k ) => lower.includes( k.toLowerCase() ) )
		? m.presetResponse
		: null;
}

/**
 * The answer's deltas; with `#reasoning` (and no separate reasoning events)
 * the model's thinking comes first, inline in `<think>` tags.
 * @param env
 * @param inline Put the reasoning inline (false when it streams as `reasoning_chunk`).
 */
export function answerChunks( env: RunEnv, inline = true ): string[] {
	const plain = plainChunks( env );
	return inline && env.directives.reasoning
		? taggedChunks( env.text, plain )
		: plain;
}

function plainChunks( env: RunEnv ): string[] {
	const d = env.directives;
	if ( d.echo ) {
		return chunkText( env.text );
	}
	if ( d.xss ) {
		return chunkText( XSS_CORPUS );
	}
	if ( d.longKb ) {
		return chunkLong( longAnswer( d.longKb ) );
	}
	const preset = moderationHit( env );
	if ( preset ) {
		return Array.from( preset );
	}
	return chunkText(
		defaultAnswer( env.text, turnOf( env ), flavourOf( env.app ) )
	);
}

/**
 * Envelope keys in order, then the event's own fields (Python dict.update semantics).
 * @param env
 */
export type Envelope = (
	event: string,
	own: Record< string, unknown >
) => Record< string, unknown >;

export function envelopeFor( env: RunEnv ): Envelope {
	let base: Record< string, unknown >;
	if ( env.app.mode === 'workflow' ) {
		base = { event: '', workflow_run_id: env.run ? env.run.id : null };
	} else if ( env.app.mode === 'completion' ) {
		base = {
			event: '',
			message_id: env.message?.id ?? null,
			created_at: env.createdAt,
		};
	} else {
		base = {
			event: '',
			conversation_id: env.conversation?.id ?? null,
			message_id: env.message?.id ?? null,
			created_at: env.createdAt,
		};
	}
	return ( event, own ) => {
		const out: Record< string, unknown > = { ...base, event };
		for ( const [ k, v ] of Object.entries( own ) ) {
			out[ k ] = v;
		}
		return out;
	};
}

export function errorEvent(
	mk: Envelope,
	code: string,
	status: number,
	message: string
): Record< string, unknown > {
	return mk( 'error', { code, status, message } );
}

/**
 * Stream the text deltas, injecting stream faults after the third delta.
 * A sink whose run outlives the connection (a workflow run) only loses its
 * subscribers on `#fault:drop`; the run goes on.
 * @param env
 * @param sink
 * @param chunks
 * @param emit
 * @param atPoint
 * @param faults  Inject the stream faults (only the run's first text does).
 */
export async function streamText(
	env: RunEnv,
	sink: Sink,
	chunks: string[],
	emit: ( delta: string ) => Promise< void >,
	atPoint?: () => Promise< void >,
	faults = true
): Promise< void > {
	const d = env.directives;
	const point = faults ? Math.min( 3, chunks.length ) : -1;
	for ( let i = 0; i <= chunks.length; i++ ) {
		if ( i === point ) {
			if ( d.malformed ) {
				await sink.raw( 'data: {not json\n\n' );
				await sink.raw( 'this line has no data prefix\n\n' );
			}
			if ( d.big ) {
				await emit( bigText( 65536 ) );
			}
			if ( d.errorEvent || d.runFailed ) {
				throw new FailSignal();
			}
			if ( d.drop ) {
				if ( ! sink.survivesDrop ) {
					throw new DropSignal();
				}
				sink.drop();
			}
			if ( atPoint ) {
				await atPoint();
			}
		}
		const c = chunks[ i ];
		if ( c !== undefined ) {
			await emit( c );
		}
	}
}

export function createToolImage( env: RunEnv ): {
	file: MessageFile;
	toolFileId: string;
} {
	const toolFileId = randomUUID();
	const png = makePng( hash32( env.text + toolFileId ) );
	env.state.store.toolFiles.set( toolFileId, {
		id: toolFileId,
		extension: '.png',
		mimeType: 'image/png',
		data: png,
	} );
	const file: MessageFile = {
		id: randomUUID(),
		filename: `${ toolFileId }.png`,
		type: 'image',
		url: toolFileUrl( env.fileBase, toolFileId, '.png' ),
		mimeType: 'image/png',
		size: png.length,
		transferMethod: 'tool_file',
		belongsTo: 'assistant',
		uploadFileId: null,
	};
	env.message?.messageFiles.push( file );
	return { file, toolFileId };
}

export function toolFileDict(
	_env: RunEnv,
	file: MessageFile,
	toolFileId: string
): Record< string, unknown > {
	return {
		dify_model_identity: '__dify__file__',
		id: null,
		tenant_id: 'e0000000-0000-4000-8000-0000000000ff',
		type: 'image',
		transfer_method: 'tool_file',
		remote_url: null,
		related_id: toolFileId,
		filename: file.filename,
		extension: '.png',
		mime_type: 'image/png',
		size: file.size,
		url: file.url,
	};
}

export async function sendTts(
	env: RunEnv,
	sink: Sink,
	mk: Envelope,
	text: string
): Promise< void > {
	const d = env.directives;
	const auto = env.app.tts.enabled && env.app.tts.autoPlay === 'enabled';
	if ( ! sink.streaming || ! ( d.tts || auto ) ) {
		return;
	}
	const b64 = mp3ForText( text ).toString( 'base64' );
	const size = 4096;
	for ( let i = 0; i < b64.length; i += size ) {
		await sink.sendTail(
			mk( 'tts_message', {
				task_id: env.task.id,
				audio: b64.slice( i, i + size ),
			} )
		);
	}
	await sink.sendTail(
		mk( 'tts_message_end', { task_id: env.task.id, audio: '' } )
	);
}

export function finishMessage(
	env: RunEnv,
	answer: string,
	status: 'normal' | 'error',
	error: string | null
): void {
	const m = env.message;
	if ( m ) {
		m.answer = answer;
		m.status = status;
		m.error = error;
	}
	env.task.finished = true;
}

/**
 * `message_end.metadata`; also what GET /messages shows as the cost.
 * @param env
 * @param answer
 * @param citations
 */
export function messageMetadata(
	env: RunEnv,
	answer: string,
	citations: boolean
): Record< string, unknown > {
	const resources =
		citations && env.app.retrieverResource
			? retrieverResources( env.text )
			: [];
	const usage = usageFor(
		env.text,
		answer,
		turnOf( env ),
		secondsSince( env.startedMs ),
		env.app.mode === 'advanced-chat'
	);
	if ( env.message ) {
		env.message.retrieverResources = resources;
		env.message.usage = {
			messageTokens: Number( usage.prompt_tokens ),
			answerTokens: Number( usage.completion_tokens ),
			totalTokens: Number( usage.total_tokens ),
			latency: Number( usage.latency ),
			totalPrice: String( usage.total_price ),
			currency: String( usage.currency ),
		};
	}
	if ( env.app.mode === 'agent' ) {
		// A New Agent reports usage only: no citations, no annotation slot.
		return { usage };
	}
	return {
		annotation_reply: null,
		retriever_resources: resources,
		usage,
	};
}

/**
 * Chat, agent and completion share the tail handling of stop/fail/drop/gone.
 * @param err
 * @param env
 * @param sink
 * @param mk
 * @param answer
 * @param end
 */
export async function settle(
	err: unknown,
	env: RunEnv,
	sink: Sink,
	mk: Envelope,
	answer: string,
	end: ( answer: string ) => Promise< Outcome >
): Promise< Outcome > {
	if ( err instanceof StopSignal ) {
		return end( answer );
	}
	if ( err instanceof FailSignal ) {
		const d = env.directives;
		const message = errorEventMessage( env );
		finishMessage( env, answer, 'error', message );
		await sink.sendTail(
			errorEvent( mk, d.errorEventCode, d.errorEventStatus, message )
		);
		return {
			kind: 'error',
			code: d.errorEventCode,
			status: d.errorEventStatus,
			message,
		};
	}
	if ( err instanceof DropSignal ) {
		finishMessage( env, answer, 'normal', null );
		sink.drop();
		return { kind: 'dropped' };
	}
	if ( err instanceof GoneSignal ) {
		finishMessage( env, answer, 'normal', null );
		return { kind: 'gone' };
	}
	throw err;
}

export async function pingPhase( env: RunEnv, sink: Sink ): Promise< void > {
	const d = env.directives;
	if ( d.pingsSeconds === null ) {
		return;
	}
	const o = env.state.options;
	const interval = d.pingMs ?? ( o.pingExplicit ? o.pingMs : 1000 );
	await sink.pingPhase( d.pingsSeconds * 1000, interval );
}

// ---------------------------------------------------------------------------
// chat + completion (easy-UI pipeline)

export async function runChatOrCompletion(
	env: RunEnv,
	sink: Sink
): Promise< Outcome > {
	const mk = envelopeFor( env );
	const msg = env.message as Message;
	const d = env.directives;
	let answer = '';
	// 1.11.2–1.12.x labelled the deltas message_file when the user attached files (gone in 1.13).
	const deltaName =
		env.variants.message_file_deltas === 'on' &&
		env.app.mode === 'chat' &&
		env.userFiles.length > 0
			? 'message_file'
			: 'message';
	const end = async ( finalAnswer: string ): Promise< Outcome > => {
		const metadata = messageMetadata( env, finalAnswer, true );
		finishMessage( env, finalAnswer, 'normal', null );
		await sink.sendTail(
			mk( 'message_end', {
				task_id: env.task.id,
				id: msg.id,
				metadata,
				files: null,
			} )
		);
		await sendTts( env, sink, mk, finalAnswer );
		return { kind: 'message', answer: finalAnswer, metadata };
	};
	try {
		await pingPhase( env, sink );
		await streamText(
			env,
			sink,
			answerChunks( env ),
			async ( delta ) => {
				await sink.send(
					mk( deltaName, {
						task_id: env.task.id,
						id: msg.id,
						answer: delta,
						from_variable_selector: null,
					} )
				);
				answer += delta;
			},
			d.files
				? async () => {
						const { file } = createToolImage( env );
						await sink.send(
							mk( 'message_file', {
								task_id: env.task.id,
								id: file.id,
								type: 'image',
								belongs_to: 'assistant',
								url: file.url,
							} )
						);
					}
				: undefined
		);
		if ( d.replace ) {
			await sink.send(
				mk( 'message_replace', {
					task_id: env.task.id,
					answer: REPLACEMENT_ANSWER,
					reason: 'output_moderation',
				} )
			);
			answer = REPLACEMENT_ANSWER;
		}
		return await end( answer );
	} catch ( err ) {
		return settle( err, env, sink, mk, answer, end );
	}
}

// ---------------------------------------------------------------------------
// agent-chat

const TOOL_LABELS: Record< string, Record< string, string > > = {
	web_search: { en_US: 'Web Search', zh_Hans: '网页搜索' },
	image_generator: { en_US: 'Image Generator', zh_Hans: '图像生成' },
	current_time: { en_US: 'Current Time', zh_Hans: '获取当前时间' },
};

export async function runAgent( env: RunEnv, sink: Sink ): Promise< Outcome > {
	const mk = envelopeFor( env );
	const msg = env.message as Message;
	const d = env.directives;
	const topic = topicOf( env.text );
	let answer = '';
	const thoughts: AgentThought[] = [];
	msg.agentThoughts = thoughts;
	const newThought = (): AgentThought => {
		const t: AgentThought = {
			id: randomUUID(),
			position: thoughts.length + 1,
			thought: '',
			observation: '',
			tool: '',
			toolLabels: {},
			toolInput: '',
			messageFiles: [],
			createdAt: nowSeconds(),
		};
		thoughts.push( t );
		return t;
	};
	const thoughtEvent = ( t: AgentThought ): Record< string, unknown > =>
		mk( 'agent_thought', {
			task_id: env.task.id,
			id: t.id,
			position: t.position,
			thought: t.thought,
			observation: t.observation,
			tool: t.tool,
			tool_labels: t.toolLabels,
			tool_input: t.toolInput,
			message_files: t.messageFiles,
		} );
	const delta = async ( text: string ): Promise< void > => {
		await sink.send(
			mk( 'agent_message', {
				task_id: env.task.id,
				id: msg.id,
				answer: text,
			} )
		);
		answer += text;
	};
	const end = async ( finalAnswer: string ): Promise< Outcome > => {
		const metadata = messageMetadata( env, finalAnswer, false );
		finishMessage( env, finalAnswer, 'normal', null );
		await sink.sendTail(
			mk( 'message_end', {
				task_id: env.task.id,
				id: msg.id,
				metadata,
				files: null,
			} )
		);
		await sendTts( env, sink, mk, finalAnswer );
		return { kind: 'message', answer: finalAnswer, metadata };
	};
	try {
		await pingPhase( env, sink );
		// Round 1: think, call two tools, get an image back.
		const t1 = newThought();
		await sink.send( thoughtEvent( t1 ) );
		const preface = `I will search the web for ${ topic } and draw an illustration.\n\n`;
		for ( const c of chunkText( preface ) ) {
			await delta( c );
		}
		t1.thought = preface;
		t1.tool = 'web_search;image_generator';
		t1.toolLabels = {
			web_search: TOOL_LABELS.web_search,
			image_generator: TOOL_LABELS.image_generator,
		};
		t1.toolInput = JSON.stringify( {
			web_search: { query: topic },
			image_generator: { prompt: `An illustration of ${ topic }` },
		} );
		await sink.send( thoughtEvent( t1 ) );
		const { file } = createToolImage( env );
		await sink.send(
			mk( 'message_file', {
				task_id: env.task.id,
				id: file.id,
				type: 'image',
				belongs_to: 'assistant',
				url: file.url,
			} )
		);
		t1.observation = JSON.stringify( {
			web_search: `Found 3 results about ${ topic }: docs.dify.ai, developer.wordpress.org, example.com.`,
			image_generator: 'Generated 1 image.',
		} );
		t1.messageFiles = [ file.id ];
		await sink.send( thoughtEvent( t1 ) );
		if ( d.thoughts ) {
			const t2 = newThought();
			await sink.send( thoughtEvent( t2 ) );
			t2.thought = 'Let me also check the current time.';
			t2.tool = 'current_time';
			t2.toolLabels = { current_time: TOOL_LABELS.current_time };
			t2.toolInput = JSON.stringify( {
				current_time: { timezone: 'UTC' },
			} );
			await sink.send( thoughtEvent( t2 ) );
			t2.observation = JSON.stringify( {
				current_time: new Date( env.createdAt * 1000 ).toISOString(),
			} );
			await sink.send( thoughtEvent( t2 ) );
			const t3 = newThought();
			await sink.send( thoughtEvent( t3 ) );
			t3.thought =
				'The results are consistent; no further tools are needed.';
			t3.tool = 'web_search';
			t3.toolLabels = { web_search: TOOL_LABELS.web_search };
			t3.toolInput = JSON.stringify( {
				web_search: { query: `${ topic } best practices` },
			} );
			t3.observation = JSON.stringify( {
				web_search: 'Found 2 more results.',
			} );
			await sink.send( thoughtEvent( t3 ) );
		}
		// Final round: the answer.
		const tf = newThought();
		await sink.send( thoughtEvent( tf ) );
		const before = answer.length;
		await streamText(
			env,
			sink,
			answerChunks( env ),
			delta,
			d.files
				? async () => {
						const extra = createToolImage( env );
						await sink.send(
							mk( 'message_file', {
								task_id: env.task.id,
								id: extra.file.id,
								type: 'image',
								belongs_to: 'assistant',
								url: extra.file.url,
							} )
						);
					}
				: undefined
		);
		tf.thought = answer.slice( before );
		await sink.send( thoughtEvent( tf ) );
		if ( d.replace ) {
			await sink.send(
				mk( 'message_replace', {
					task_id: env.task.id,
					answer: REPLACEMENT_ANSWER,
					reason: 'output_moderation',
				} )
			);
			answer = REPLACEMENT_ANSWER;
		}
		return await end( answer );
	} catch ( err ) {
		return settle( err, env, sink, mk, answer, end );
	}
}
