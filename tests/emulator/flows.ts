/**
 * Chatflow (advanced-chat) and workflow runs: start → [extra steps] → LLM →
 * [Human Input → LLM]* → assigner → answer (chatflow) or → end (workflow).
 * A run pauses at a Human Input node (`human_input_required`,
 * `workflow_paused`, end of the stream), waits for the form's submission or
 * expiry and resumes into a new segment of its channel: new task id, new
 * `created_at`, the same conversation and message.
 */
import { randomUUID } from 'node:crypto';
import { chunkText, defaultAnswer, topicOf } from './answers';
import { ChannelSink, type RunRuntime } from './channel';
import { sleep, type EmulatorState } from './context';
import type { HumanInputDirective } from './directives';
import {
	DEFAULT_FORM_SECONDS,
	createForm,
	formEventData,
	formFilledData,
	pausedReason,
} from './human-input';
import { isPlainObject, pyJsonDumps } from './json';
import {
	DropSignal,
	FailSignal,
	REPLACEMENT_ANSWER,
	RUN_FAILED_ERROR,
	answerChunks,
	createToolImage,
	envelopeFor,
	errorEvent,
	errorEventMessage,
	finishMessage,
	messageMetadata,
	pingPhase,
	sendTts,
	settle,
	streamText,
	toolFileDict,
	turnOf,
	usageFor,
	type Envelope,
	type Outcome,
	type RunEnv,
} from './modes';
import {
	LEAKY_VECTOR_ERROR,
	PRIVATE_CONTEXT,
	agentLogData,
	containerCompleted,
	containerNext,
	containerStarted,
	llmInputs,
	llmMetadata,
	llmProcessData,
	nodeFinishedData,
	nodeRetryData,
	nodeStartedData,
	secondsSince,
	type NodeDef,
	type NodePlace,
} from './nodes';
import { reasoningChunks, reasoningText, taggedChunks } from './reasoning';
import { GoneSignal, StopSignal, type Sink } from './stream';
import {
	nowSeconds,
	type HumanInputForm,
	type Message,
	type WorkflowRun,
} from './store';
import { fileInputValue, normalizeUuid } from './validate';

/** The text of the unreleased `warning` event (files passed the deprecated way). */
export const WARNING_TEXT =
	'sys.files is deprecated. This workflow now reads files from `userinput.files`; update Service API calls to pass files in `inputs.userinput.files` instead of `system.files` or top-level `files`.';

const CHATFLOW_NODES = {
	start: { id: '1733000000001', type: 'start', title: 'Start' },
	llm: { id: '1733000000002', type: 'llm', title: 'LLM' },
	assigner: {
		id: '1733000000003',
		type: 'assigner',
		title: 'Update turn count',
	},
	answer: { id: 'answer', type: 'answer', title: 'Answer' },
};

const WORKFLOW_NODES = {
	start: { id: '1733000000101', type: 'start', title: 'Start' },
	llm: { id: '1733000000102', type: 'llm', title: 'LLM' },
	end: { id: '1733000000103', type: 'end', title: 'End' },
};

const STEP_NODES = {
	knowledge: {
		id: '1733000000201',
		type: 'knowledge-retrieval',
		title: 'Knowledge Retrieval',
	},
	http: {
		id: '1733000000202',
		type: 'http-request',
		title: 'Check stock service',
	},
	iteration: {
		id: '1733000000203',
		type: 'iteration',
		title: 'Summarize each source',
	},
	iterationInner: {
		id: '1733000000204',
		type: 'code',
		title: 'Summarize source',
	},
	loop: { id: '1733000000205', type: 'loop', title: 'Refine answer' },
	loopInner: {
		id: '1733000000206',
		type: 'template-transform',
		title: 'Polish',
	},
	agent: { id: '1733000000207', type: 'agent', title: 'Research agent' },
};

function humanNode( round: number ): NodeDef {
	return {
		id: `human_input_${ round }`,
		type: 'human-input',
		title: round === 1 ? 'Approval' : 'Final check',
	};
}

function afterReviewNode( round: number ): NodeDef {
	return {
		id: `17330000003${ String( round ).padStart( 2, '0' ) }`,
		type: 'llm',
		title: round === 1 ? 'LLM (after review)' : 'LLM (after final check)',
	};
}

export interface FlowHooks {
	/** The run paused: a blocking request answers now. */
	onPause: ( outcome: Outcome ) => void;
}

export function sysInputs(
	env: RunEnv,
	run: WorkflowRun
): Record< string, unknown > {
	const out: Record< string, unknown > = { ...env.inputs };
	out[ 'sys.files' ] = env.userFiles.map( fileInputValue );
	out[ 'sys.user_id' ] = env.user;
	out[ 'sys.app_id' ] = env.app.id;
	out[ 'sys.workflow_id' ] = run.workflowId;
	out[ 'sys.workflow_run_id' ] = run.id;
	if ( env.app.mode === 'advanced-chat' ) {
		out[ 'sys.query' ] = env.text;
		out[ 'sys.dialogue_count' ] = turnOf( env );
	}
	return out;
}

/**
 * Waits for the form's submission; 'timeout' once it expired.
 * @param state
 * @param form
 */
async function waitForForm(
	state: EmulatorState,
	form: HumanInputForm
): Promise< 'submitted' | 'timeout' > {
	const wake = new Set< () => void >();
	state.formWakers.set( form.id, wake );
	try {
		for (;;) {
			if ( form.status === 'submitted' ) {
				return 'submitted';
			}
			if ( state.closing ) {
				throw new GoneSignal();
			}
			const ms = form.expiresAtMs - Date.now();
			if ( ms <= 0 ) {
				form.status = 'timeout';
				return 'timeout';
			}
			await sleep( state, Math.min( ms, 2 ** 31 - 1 ), wake );
		}
	} finally {
		state.formWakers.delete( form.id );
	}
}

/**
 * What the run streams after a review, by the reviewer's choice.
 * @param env
 * @param form
 * @param result
 * @param last
 */
function afterReviewText(
	env: RunEnv,
	form: HumanInputForm,
	result: 'submitted' | 'timeout',
	last: boolean
): string {
	const answer = defaultAnswer(
		env.text,
		turnOf( env ),
		env.app.mode === 'workflow' ? 'Workflow' : 'Chatflow'
	);
	if ( result === 'timeout' ) {
		return `\n\nNobody reviewed the draft before the form expired, so here is the unreviewed answer.\n\n${ answer }`;
	}
	const s = form.submission;
	const data = s?.data ?? {};
	// The files Dify resolved for the form (each the submitting user's upload), by name.
	const given = [
		...( isPlainObject( data.attachment ) ? [ data.attachment ] : [] ),
		...( Array.isArray( data.evidence ) ? data.evidence : [] ),
	] as Array< Record< string, unknown > >;
	const names = given.map( ( file ) => {
		const id =
			typeof file.upload_file_id === 'string'
				? normalizeUuid( file.upload_file_id )
				: null;
		const upload = id ? env.state.store.uploads.get( id ) : undefined;
		return upload?.name ?? String( file.url ?? 'file' );
	} );
	const fileNote = names.length
		? ` with ${ names.length } file(s): ${ names.join( ', ' ) }`
		: '';
	const comment =
		typeof data.comment === 'string' && data.comment
			? ` Comment: ${ data.comment }`
			: '';
	const priority =
		typeof data.priority === 'string' ? data.priority : 'normal';
	if ( ! last ) {
		return `\n\n**First review done** (${ s?.actionText ?? '' }${ fileNote }). One more check before the answer.`;
	}
	switch ( s?.actionId ) {
		case 'revise':
			return `\n\n**Changes requested**${ fileNote }.${ comment } Here is the revised answer.\n\n${ answer }`;
		case 'escalate':
			return `\n\n**Escalated** with priority ${ priority }${ fileNote }; a colleague will follow up.${ comment }`;
		case 'skip':
			return `\n\nReview skipped. Here is the unreviewed answer.\n\n${ answer }`;
		default:
			return `\n\n**Approved** by the reviewer (priority ${ priority }${ fileNote }).${ comment }\n\n${ answer }`;
	}
}

class Flow {
	private mk: Envelope;
	private steps = 0;
	private tokens = 0;
	private files: Array< Record< string, unknown > > = [];
	/** Chatflow: every `message` delta so far (all segments). */
	private answer = '';
	/** Workflow: every `text_chunk` so far. */
	private text = '';
	private previous: string | null = null;
	private started = false;
	private readonly chat: boolean;

	constructor(
		private readonly env: RunEnv,
		private sink: Sink,
		private readonly rt: RunRuntime,
		private readonly hooks: FlowHooks
	) {
		this.mk = envelopeFor( env );
		this.chat = env.app.mode === 'advanced-chat';
	}

	private get run(): WorkflowRun {
		return this.env.run as WorkflowRun;
	}

	private get nodes(): {
		start: NodeDef;
		llm: NodeDef;
	} {
		return this.chat ? CHATFLOW_NODES : WORKFLOW_NODES;
	}

	/**
	 * Own fields of workflow-level events: `task_id`, `workflow_run_id`, then `extra`.
	 * @param extra
	 */
	private own( extra: Record< string, unknown > ): Record< string, unknown > {
		return {
			task_id: this.env.task.id,
			workflow_run_id: this.run.id,
			...extra,
		};
	}

	private async emit(
		event: string,
		own: Record< string, unknown >,
		tail = false
	): Promise< Record< string, unknown > > {
		const payload = this.mk( event, own );
		if (
			event === 'workflow_started' ||
			event === 'node_started' ||
			event === 'node_finished'
		) {
			this.rt.snapshot.push( payload );
		}
		if ( tail ) {
			await this.sink.sendTail( payload );
		} else {
			await this.sink.send( payload );
		}
		return payload;
	}

	private place( extra: Partial< NodePlace > = {} ): NodePlace {
		this.steps += 1;
		return {
			execId: randomUUID(),
			index: this.steps,
			createdAt: nowSeconds(),
			predecessor:
				extra.iterationId || extra.loopId ? null : this.previous,
			...extra,
		};
	}

	private runFailedError(): string {
		return this.env.directives.leak ? LEAKY_VECTOR_ERROR : RUN_FAILED_ERROR;
	}

	private async node(
		node: NodeDef,
		inputs: Record< string, unknown >,
		body: () => Promise< {
			outputs: Record< string, unknown >;
			processData?: Record< string, unknown >;
			metadata?: Record< string, unknown >;
		} >,
		extra: Partial< NodePlace > = {}
	): Promise< Record< string, unknown > > {
		const p = this.place( extra );
		const started = performance.now();
		await this.emit(
			'node_started',
			this.own( { data: nodeStartedData( node, p ) } )
		);
		try {
			const r = await body();
			await this.emit(
				'node_finished',
				this.own( {
					data: nodeFinishedData( node, p, {
						inputs,
						processData: r.processData ?? null,
						outputs: r.outputs,
						status: 'succeeded',
						error: null,
						elapsed: secondsSince( started ),
						metadata: r.metadata,
					} ),
				} )
			);
			if ( ! extra.iterationId && ! extra.loopId ) {
				this.previous = node.id;
			}
			return r.outputs;
		} catch ( err ) {
			if ( err instanceof FailSignal && this.env.directives.runFailed ) {
				await this.emit(
					'node_finished',
					this.own( {
						data: nodeFinishedData( node, p, {
							inputs,
							outputs: null,
							status: 'failed',
							error: this.runFailedError(),
							elapsed: secondsSince( started ),
						} ),
					} ),
					true
				);
			}
			throw err;
		}
	}

	private async reasoning(
		node: NodeDef,
		text: string,
		final: boolean
	): Promise< void > {
		const data = this.chat
			? {
					message_id: this.env.message?.id ?? null,
					reasoning: text,
					node_id: node.id,
					is_final: final,
				}
			: {
					message_id: null,
					reasoning: text,
					node_id: node.id,
					is_final: final,
				};
		await this.emit( 'reasoning_chunk', {
			task_id: this.env.task.id,
			data,
		} );
	}

	private async textDelta( node: NodeDef, delta: string ): Promise< void > {
		if ( this.chat ) {
			await this.emit( 'message', {
				task_id: this.env.task.id,
				id: this.env.message?.id,
				answer: delta,
				from_variable_selector: [ node.id, 'text' ],
			} );
			this.answer += delta;
		} else {
			await this.emit(
				'text_chunk',
				this.own( {
					data: {
						text: delta,
						from_variable_selector: [ node.id, 'text' ],
					},
				} )
			);
			this.text += delta;
		}
	}

	/** `#files`: a tool image mid-answer (chatflow also as `message_file`). */
	private filesAtPoint(): ( () => Promise< void > ) | undefined {
		if ( ! this.env.directives.files ) {
			return undefined;
		}
		return async () => {
			const { file, toolFileId } = createToolImage( this.env );
			this.files.push( toolFileDict( this.env, file, toolFileId ) );
			if ( this.chat ) {
				await this.emit( 'message_file', {
					task_id: this.env.task.id,
					id: file.id,
					type: 'image',
					belongs_to: 'assistant',
					url: file.url,
				} );
			}
		};
	}

	private async llm(
		node: NodeDef,
		chunks: string[],
		o: { separated: boolean; faults: boolean }
	): Promise< string > {
		const env = this.env;
		const out = await this.node(
			node,
			llmInputs( env.app, env.user, env.text ),
			async () => {
				if ( o.separated ) {
					for ( const r of reasoningChunks( env.text ) ) {
						await this.reasoning( node, r, false );
					}
					await this.reasoning( node, '', true );
				}
				let part = '';
				await streamText(
					env,
					this.sink,
					chunks,
					async ( delta ) => {
						await this.textDelta( node, delta );
						part += delta;
					},
					o.faults ? this.filesAtPoint() : undefined,
					o.faults
				);
				const usage = usageFor(
					env.text,
					part,
					1,
					secondsSince( env.startedMs ),
					true
				);
				const tokens = Number( usage.total_tokens );
				return {
					outputs: {
						text: part,
						reasoning_content: o.separated
							? reasoningText( env.text )
							: '',
						usage,
						finish_reason: 'stop',
					},
					processData: llmProcessData( env.text, usage ),
					metadata: llmMetadata( tokens ),
				};
			}
		);
		return String( out.text ?? '' );
	}

	private async workflowStarted(
		reason: 'initial' | 'resumption'
	): Promise< void > {
		const run = this.run;
		await this.emit(
			'workflow_started',
			this.own( {
				data: {
					id: run.id,
					workflow_id: run.workflowId,
					inputs: run.inputs,
					created_at: run.createdAt,
					reason,
				},
			} )
		);
	}

	/** Iteration, loop, a retried HTTP request and an Agent node with its log (`#steps`). */
	private async extraSteps(): Promise< void > {
		const env = this.env;
		await this.node(
			STEP_NODES.knowledge,
			{ query: env.text, 'sys.user_id': env.user },
			async () => ( {
				outputs: {
					result: [
						{
							content: PRIVATE_CONTEXT,
							title: 'handbook.pdf',
							metadata: {
								dataset_name: 'Internal handbook',
								document_name: 'handbook.pdf',
								score: 0.912345,
							},
						},
					],
				},
				metadata: llmMetadata( 12 ),
			} )
		);
		await this.retriedRequest();
		await this.container( 'iteration' );
		await this.container( 'loop' );
		await this.agentNode();
	}

	private async retriedRequest(): Promise< void > {
		const node = STEP_NODES.http;
		const p = this.place();
		const inputs = {
			url: 'http://10.0.3.12:8080/internal/stock?token=emu-internal-token',
			method: 'GET',
		};
		const started = performance.now();
		await this.emit(
			'node_started',
			this.own( { data: nodeStartedData( node, p ) } )
		);
		await this.emit(
			'node_retry',
			this.own( {
				data: nodeRetryData(
					node,
					p,
					{
						inputs,
						outputs: null,
						status: 'retry',
						error: 'Request timed out after 10s: http://10.0.3.12:8080/internal/stock',
						elapsed: secondsSince( started ),
					},
					0
				),
			} )
		);
		await this.emit(
			'node_finished',
			this.own( {
				data: nodeFinishedData( node, p, {
					inputs,
					outputs: {
						status_code: 200,
						body: '{"in_stock":true,"warehouse":"internal-7"}',
						headers: { 'x-internal-trace': 'emu-trace-0042' },
					},
					status: 'succeeded',
					error: null,
					elapsed: secondsSince( started ),
				} ),
			} )
		);
		this.previous = node.id;
	}

	private async container( kind: 'iteration' | 'loop' ): Promise< void > {
		const node =
			kind === 'iteration' ? STEP_NODES.iteration : STEP_NODES.loop;
		const inner =
			kind === 'iteration'
				? STEP_NODES.iterationInner
				: STEP_NODES.loopInner;
		const p = this.place();
		const started = performance.now();
		const inputs = {
			iterator_selector: [ STEP_NODES.knowledge.id, 'result' ],
			items: [ 'handbook.pdf', 'faq.md' ],
		};
		await this.emit(
			`${ kind }_started`,
			this.own( { data: containerStarted( node, p.execId, inputs ) } )
		);
		const outputs: string[] = [];
		for ( let i = 0; i < 2; i++ ) {
			await this.emit(
				`${ kind }_next`,
				this.own( {
					data: containerNext(
						node,
						p.execId,
						i,
						kind === 'loop'
							? { polished: outputs[ i - 1 ] ?? null }
							: undefined
					),
				} )
			);
			const out = await this.node(
				inner,
				{ item: inputs.items[ i ], 'sys.user_id': this.env.user },
				async () => ( {
					outputs: {
						result: `${ inner.title } #${ i + 1 }: ${ PRIVATE_CONTEXT }`,
					},
				} ),
				kind === 'iteration'
					? { iterationId: node.id }
					: { loopId: node.id }
			);
			outputs.push( String( out.result ) );
		}
		await this.emit(
			`${ kind }_completed`,
			this.own( {
				data: containerCompleted( node, p.execId, p.createdAt, {
					inputs,
					outputs: { output: outputs },
					elapsed: secondsSince( started ),
					tokens: 24,
					steps: 2,
				} ),
			} )
		);
		this.previous = node.id;
	}

	private async agentNode(): Promise< void > {
		const node = STEP_NODES.agent;
		const p = this.place( {
			agentStrategy: {
				name: 'function_calling',
				icon: 'https://assets.example.com/agent-strategies/function-calling.svg',
			},
		} );
		const started = performance.now();
		await this.emit(
			'node_started',
			this.own( { data: nodeStartedData( node, p ) } )
		);
		const round = agentLogData( node.id, p.execId, {
			label: 'ROUND 1',
			parentId: null,
			status: 'start',
			data: {},
		} );
		const log = ( data: Record< string, unknown > ): Promise< unknown > =>
			this.emit( 'agent_log', { task_id: this.env.task.id, data } );
		await log( round );
		await log(
			agentLogData( node.id, p.execId, {
				label: 'CALL search_orders',
				parentId: String( round.id ),
				status: 'success',
				data: {
					tool_name: 'search_orders',
					tool_input: { customer_email: 'ada@example.com' },
					output: `order #4711, card ending 4242 (${ PRIVATE_CONTEXT })`,
				},
			} )
		);
		await log( {
			...round,
			status: 'success',
			data: { output: { llm_response: 'Found one order.' } },
		} );
		await this.emit(
			'node_finished',
			this.own( {
				data: nodeFinishedData( node, p, {
					inputs: {
						query: this.env.text,
						'sys.user_id': this.env.user,
					},
					outputs: { text: 'Found one order.', files: [], json: [] },
					status: 'succeeded',
					error: null,
					elapsed: secondsSince( started ),
					metadata: {
						...llmMetadata( 88 ),
						tool_info: {
							icon: 'https://assets.example.com/agent-strategies/function-calling.svg',
							agent_strategy: 'function_calling',
						},
					},
				} ),
			} )
		);
		this.previous = node.id;
	}

	/** The run continues in a new segment: new task, new `created_at`, the same channel. */
	private newSegment(): void {
		const env = this.env;
		env.task = env.state.store.createTask( env.app, env.endUser );
		env.createdAt = nowSeconds();
		this.mk = envelopeFor( env );
		this.sink = new ChannelSink(
			env.state,
			this.rt.channel,
			env.task,
			env.delayMs,
			null
		);
		this.rt.channel.resume();
		this.run.status = 'running';
		this.run.pausedNodes = [];
	}

	private pausedOutcome(): Outcome {
		const run = this.run;
		if ( this.chat ) {
			return {
				kind: 'message',
				answer: this.answer,
				metadata: messageMetadata( this.env, this.answer, false ),
			};
		}
		return {
			kind: 'workflow',
			data: {
				id: run.id,
				workflow_id: run.workflowId,
				status: 'paused',
				outputs: {},
				error: null,
				elapsed_time: run.elapsedTime,
				total_tokens: this.tokens,
				total_steps: this.steps,
				created_at: run.createdAt,
				finished_at: null,
			},
		};
	}

	private async humanInput(
		round: number,
		plan: HumanInputDirective,
		draft: string
	): Promise< { result: 'submitted' | 'timeout'; form: HumanInputForm } > {
		const env = this.env;
		const run = this.run;
		const node = humanNode( round );
		const p = this.place();
		const started = performance.now();
		await this.emit(
			'node_started',
			this.own( { data: nodeStartedData( node, p ) } )
		);
		const form = createForm( env.state.store, {
			appId: env.app.id,
			runId: run.id,
			messageId: env.message?.id ?? null,
			nodeId: node.id,
			nodeTitle: node.title,
			round,
			kind: plan.form,
			delivery: plan.delivery,
			query: env.text,
			draft,
			draftSelector: [ this.nodes.llm.id, 'text' ],
			expireSeconds: env.directives.expireSeconds ?? DEFAULT_FORM_SECONDS,
		} );
		env.message?.formIds.push( form.id );
		const required = await this.emit(
			'human_input_required',
			this.own( { data: formEventData( form ) } )
		);
		run.status = 'paused';
		run.pausedNodes = [ node.id ];
		run.elapsedTime = secondsSince( env.startedMs );
		run.totalSteps = this.steps;
		run.totalTokens = this.tokens;
		const paused = await this.emit(
			'workflow_paused',
			this.own( {
				data: {
					workflow_run_id: run.id,
					paused_nodes: [ node.id ],
					outputs: {},
					reasons: [ pausedReason( form ) ],
					status: 'paused',
					created_at: run.createdAt,
					elapsed_time: run.elapsedTime,
					total_tokens: this.tokens,
					total_steps: this.steps,
				},
			} ),
			true
		);
		this.rt.pending = [ required, paused ];
		if ( env.message ) {
			env.message.answer = this.answer;
		}
		env.task.finished = true;
		this.rt.channel.pause();
		this.hooks.onPause( this.pausedOutcome() );

		const result = await waitForForm( env.state, form );
		this.rt.pending = [];
		this.newSegment();
		if ( env.variants.resume_workflow_started === 'on' ) {
			await this.workflowStarted( 'resumption' );
		}
		if ( result === 'submitted' ) {
			await this.emit(
				'human_input_form_filled',
				this.own( { data: formFilledData( form ) } )
			);
		} else {
			await this.emit(
				'human_input_form_timeout',
				this.own( {
					data: {
						node_id: form.nodeId,
						node_title: form.nodeTitle,
						expiration_time: form.expirationTime,
					},
				} )
			);
		}
		await this.emit(
			'node_finished',
			this.own( {
				data: nodeFinishedData( node, p, {
					inputs: { form_content: form.formContent },
					outputs:
						result === 'submitted'
							? {
									...form.submission?.data,
									__action_id: form.submission?.actionId,
								}
							: { __timeout: true },
					status: 'succeeded',
					error: null,
					elapsed: secondsSince( started ),
				} ),
			} )
		);
		this.previous = node.id;
		return { result, form };
	}

	private async finishWorkflow(
		status: WorkflowRun[ 'status' ],
		outputs: Record< string, unknown >,
		error: string | null
	): Promise< Record< string, unknown > > {
		const env = this.env;
		const run = this.run;
		run.status = status;
		run.outputs = outputs;
		run.error = error;
		run.totalSteps = this.steps;
		run.totalTokens = this.tokens;
		run.finishedAt = nowSeconds();
		run.elapsedTime = secondsSince( env.startedMs );
		run.files = status === 'succeeded' ? this.files : [];
		await this.emit(
			'workflow_finished',
			this.own( { data: finishedData( run, env.endUser.id ) } ),
			true
		);
		return {
			id: run.id,
			workflow_id: run.workflowId,
			status,
			outputs,
			error,
			elapsed_time: run.elapsedTime,
			total_tokens: run.totalTokens,
			total_steps: run.totalSteps,
			created_at: run.createdAt,
			finished_at: run.finishedAt,
		};
	}

	/** The channel closes; the run is only in the store from now on. */
	private close(): void {
		this.env.task.finished = true;
		this.rt.channel.end();
		this.env.state.runtimes.delete( this.run.id );
	}

	/**
	 * Chatflow end: `message_end` and `workflow_finished` in the order the variant says.
	 * @param finalAnswer
	 * @param status
	 * @param error
	 */
	private async endChat(
		finalAnswer: string,
		status: WorkflowRun[ 'status' ],
		error: string | null
	): Promise< Outcome > {
		const env = this.env;
		const msg = env.message as Message;
		const metadata = messageMetadata( env, finalAnswer, false );
		this.tokens = Number(
			( metadata.usage as Record< string, unknown > ).total_tokens ?? 0
		);
		const workflowFinished = (): Promise< unknown > =>
			this.finishWorkflow(
				status,
				status === 'succeeded'
					? { answer: finalAnswer, files: this.files }
					: {},
				error
			);
		const messageEnd = async (): Promise< void > => {
			finishMessage( env, finalAnswer, 'normal', null );
			await this.sink.sendTail(
				this.mk( 'message_end', {
					task_id: env.task.id,
					id: msg.id,
					metadata,
					files: this.files,
				} )
			);
		};
		if ( env.variants.chatflow_order === 'message_end_first' ) {
			await messageEnd();
			await workflowFinished();
		} else {
			await workflowFinished();
			await messageEnd();
		}
		await sendTts( env, this.sink, this.mk, finalAnswer );
		this.close();
		return { kind: 'message', answer: finalAnswer, metadata };
	}

	private async endWorkflow(
		status: WorkflowRun[ 'status' ],
		outputs: Record< string, unknown >,
		error: string | null
	): Promise< Outcome > {
		const env = this.env;
		this.tokens =
			20 +
			Math.ceil( env.text.length / 4 ) +
			Math.ceil( this.text.length / 4 );
		const data = await this.finishWorkflow( status, outputs, error );
		if ( status === 'succeeded' ) {
			await sendTts( env, this.sink, this.mk, this.text );
		}
		this.close();
		return { kind: 'workflow', data };
	}

	async execute(): Promise< Outcome > {
		const env = this.env;
		const d = env.directives;
		try {
			await pingPhase( env, this.sink );
			if ( d.warning ) {
				await this.sink.raw(
					`data: ${ pyJsonDumps( { event: 'warning', warning: WARNING_TEXT } ) }\n\n`
				);
			}
			this.run.inputs = sysInputs( env, this.run );
			await this.workflowStarted( 'initial' );
			this.started = true;
			const inputs = this.run.inputs;
			await this.node( this.nodes.start, inputs, async () => ( {
				outputs: inputs,
			} ) );
			if ( d.steps ) {
				await this.extraSteps();
			}
			const plan: HumanInputDirective | null =
				d.human ??
				( env.app.humanInput
					? { count: 1, form: env.app.humanInput, delivery: 'webapp' }
					: null );
			const separated = d.reasoning === 'separated';
			let first = answerChunks( env, ! separated );
			if ( plan ) {
				const intro = chunkText(
					`I drafted an answer about **${ topicOf( env.text ) }**. A reviewer checks it before you get the rest.`
				);
				first =
					d.reasoning && ! separated
						? taggedChunks( env.text, intro )
						: intro;
			}
			const draft = await this.llm( this.nodes.llm, first, {
				separated,
				faults: true,
			} );
			for ( let round = 1; plan && round <= plan.count; round++ ) {
				const { result, form } = await this.humanInput(
					round,
					plan,
					draft
				);
				await this.llm(
					afterReviewNode( round ),
					chunkText(
						afterReviewText(
							env,
							form,
							result,
							round === plan.count
						)
					),
					{ separated: false, faults: false }
				);
			}
			return this.chat
				? await this.finishChat()
				: await this.finishFlow();
		} catch ( err ) {
			return this.settle( err );
		}
	}

	private async finishChat(): Promise< Outcome > {
		const env = this.env;
		const conv = env.conversation;
		await this.node(
			CHATFLOW_NODES.assigner,
			{ turn_count: conv ? conv.dialogueCount - 1 : 0 },
			async () => {
				const v = conv?.variables.find(
					( x ) => x.name === 'turn_count'
				);
				if ( v && conv ) {
					v.value = conv.dialogueCount;
					v.updatedAt = nowSeconds();
				}
				return {
					outputs: { turn_count: conv ? conv.dialogueCount : 1 },
				};
			}
		);
		let finalAnswer = this.answer;
		await this.node(
			CHATFLOW_NODES.answer,
			{ answer: finalAnswer },
			async () => ( {
				outputs: { answer: finalAnswer, files: this.files },
			} )
		);
		if ( env.directives.replace ) {
			await this.emit( 'message_replace', {
				task_id: env.task.id,
				answer: REPLACEMENT_ANSWER,
				reason: 'output_moderation',
			} );
			finalAnswer = REPLACEMENT_ANSWER;
		}
		return this.endChat( finalAnswer, 'succeeded', null );
	}

	private async finishFlow(): Promise< Outcome > {
		const outputs: Record< string, unknown > = this.env.directives.replace
			? { text: REPLACEMENT_ANSWER }
			: { text: this.text };
		if ( this.files.length ) {
			outputs.files = this.files;
		}
		// An End node that also outputs the LLM's separated reasoning (its `reasoning_content`):
		// the only place a blocking run carries it.
		if ( this.env.directives.reasoning === 'separated' ) {
			outputs.reasoning_content = reasoningText( this.env.text );
		}
		await this.node(
			WORKFLOW_NODES.end,
			{ text: this.text },
			async () => ( {
				outputs,
			} )
		);
		return this.endWorkflow( 'succeeded', outputs, null );
	}

	private async failChat(
		error: string,
		message: string
	): Promise< Outcome > {
		await this.finishWorkflow( 'failed', {}, error );
		finishMessage( this.env, this.answer, 'error', message );
		await this.sink.sendTail(
			errorEvent( this.mk, 'invalid_param', 400, message )
		);
		this.close();
		return { kind: 'error', code: 'invalid_param', status: 400, message };
	}

	private async settle( err: unknown ): Promise< Outcome > {
		const env = this.env;
		const d = env.directives;
		const run = this.run;
		if ( err instanceof StopSignal ) {
			if ( this.chat ) {
				return this.started && d.stopRace
					? this.failChat(
							'User requested stop',
							'Run failed: User requested stop'
						)
					: this.endChat(
							this.answer,
							'stopped',
							'Stopped by user.'
						);
			}
			return d.stopRace
				? this.endWorkflow( 'failed', {}, 'User requested stop' )
				: this.endWorkflow( 'stopped', {}, 'Stopped by user.' );
		}
		if ( err instanceof FailSignal && d.runFailed ) {
			const error = this.runFailedError();
			return this.chat
				? this.failChat( error, `Run failed: ${ error }` )
				: this.endWorkflow( 'failed', {}, error );
		}
		if ( err instanceof FailSignal ) {
			run.status = 'failed';
			run.error = errorEventMessage( env );
			run.finishedAt = nowSeconds();
		} else if ( err instanceof DropSignal || err instanceof GoneSignal ) {
			run.status = 'stopped';
			run.finishedAt = nowSeconds();
		}
		try {
			if ( ! this.chat ) {
				return await this.settleWorkflow( err );
			}
			return await settle(
				err,
				env,
				this.sink,
				this.mk,
				this.answer,
				( a ) => this.endChat( a, 'stopped', 'Stopped by user.' )
			);
		} finally {
			this.close();
		}
	}

	private async settleWorkflow( err: unknown ): Promise< Outcome > {
		const env = this.env;
		const d = env.directives;
		if ( err instanceof FailSignal ) {
			const message = errorEventMessage( env );
			this.run.error = message;
			await this.sink.sendTail(
				errorEvent(
					this.mk,
					d.errorEventCode,
					d.errorEventStatus,
					message
				)
			);
			return {
				kind: 'error',
				code: d.errorEventCode,
				status: d.errorEventStatus,
				message,
			};
		}
		if ( err instanceof DropSignal ) {
			this.sink.drop();
			return { kind: 'dropped' };
		}
		if ( err instanceof GoneSignal ) {
			return { kind: 'gone' };
		}
		throw err;
	}
}

/**
 * `workflow_finished.data` of a finished run (also what the resume endpoint sends for it).
 * @param run
 * @param endUserId
 */
export function finishedData(
	run: WorkflowRun,
	endUserId: string
): Record< string, unknown > {
	return {
		id: run.id,
		workflow_id: run.workflowId,
		status: run.status,
		outputs: run.outputs,
		error: run.error,
		elapsed_time: run.elapsedTime,
		total_tokens: run.totalTokens,
		total_steps: run.totalSteps,
		created_by: { id: endUserId, user: run.user },
		created_at: run.createdAt,
		finished_at: run.finishedAt,
		exceptions_count: 0,
		files: run.files,
	};
}

/**
 * Runs a chatflow or workflow to its end (or first pause, for `hooks`).
 * @param env
 * @param sink
 * @param rt
 * @param hooks
 */
export function runFlow(
	env: RunEnv,
	sink: Sink,
	rt: RunRuntime,
	hooks: FlowHooks
): Promise< Outcome > {
	return new Flow( env, sink, rt, hooks ).execute();
}
