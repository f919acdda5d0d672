/**
 * Node-level events of workflow-based runs in their 1.16 shapes: node
 * started/finished/retry, iteration and loop events, `agent_log`. They carry
 * what Dify really puts there — all inputs with `sys.*`, rendered prompts
 * with the system prompt, outputs, prices — so relay tests can prove none of
 * it reaches a browser. The marked strings below are what they look for.
 */
import { randomUUID } from 'node:crypto';
import type { AppDef } from './apps';
import { nowSeconds } from './store';

export interface NodeDef {
	id: string;
	type: string;
	title: string;
}

/** Part of every LLM node's rendered system prompt (`process_data.prompts`). */
export const SYSTEM_PROMPT_MARKER = 'EMULATOR-SYSTEM-PROMPT-SECRET';

export const SYSTEM_PROMPT =
	'You are the support assistant of Example Corp. Answer in markdown. ' +
	`Internal policy (${ SYSTEM_PROMPT_MARKER }): never mention the escalation line +1-555-0100 ` +
	'or the staff wiki at http://wiki.internal.example:8090.';

/** What a retrieval node found in the private knowledge base. */
export const PRIVATE_CONTEXT =
	'Internal handbook, page 12: refunds above 500 EUR need approval from finance (EMULATOR-PRIVATE-CONTEXT).';

/** Error texts with internal details (`#leak`). */
export const LEAKY_VECTOR_ERROR =
	'Vector store operation failed: [Errno 111] Connection refused 10.0.3.7:6333';
export const LEAKY_PROVIDER_ERROR =
	"[openai] Error code: 401 - {'error': {'message': 'Incorrect API key provided: sk-emu-live-****************************7f3a.', 'type': 'invalid_request_error'}} via proxy http://10.0.3.5:3128";

/**
 * Elapsed seconds, never integral (JSON floats stay floats).
 * @param startMs
 */
export function secondsSince( startMs: number ): number {
	const s = Math.round( performance.now() - startMs ) / 1000 + 0.000123;
	return Number( s.toFixed( 6 ) );
}

function fmt7( units: number ): string {
	const s = String( units ).padStart( 8, '0' );
	return `${ s.slice( 0, -7 ) }.${ s.slice( -7 ) }`;
}

/**
 * Prices as decimal strings: a node's `execution_metadata`.
 * @param tokens
 */
export function llmMetadata( tokens: number ): Record< string, unknown > {
	return {
		total_tokens: tokens,
		total_price: fmt7( tokens * 4 ),
		currency: 'USD',
	};
}

export interface NodePlace {
	execId: string;
	index: number;
	createdAt: number;
	predecessor: string | null;
	iterationId?: string | null;
	loopId?: string | null;
	agentStrategy?: Record< string, unknown > | null;
}

export function nodeStartedData(
	node: NodeDef,
	p: NodePlace
): Record< string, unknown > {
	return {
		id: p.execId,
		node_id: node.id,
		node_type: node.type,
		title: node.title,
		index: p.index,
		predecessor_node_id: p.predecessor,
		inputs: null,
		inputs_truncated: false,
		created_at: p.createdAt,
		extras: {},
		iteration_id: p.iterationId ?? null,
		loop_id: p.loopId ?? null,
		agent_strategy: p.agentStrategy ?? null,
	};
}

export interface NodeResult {
	inputs: Record< string, unknown >;
	processData?: Record< string, unknown > | null;
	outputs: Record< string, unknown > | null;
	status: string;
	error: string | null;
	elapsed: number;
	metadata?: Record< string, unknown >;
}

export function nodeFinishedData(
	node: NodeDef,
	p: NodePlace,
	r: NodeResult
): Record< string, unknown > {
	return {
		id: p.execId,
		node_id: node.id,
		node_type: node.type,
		title: node.title,
		index: p.index,
		predecessor_node_id: p.predecessor,
		inputs: r.inputs,
		inputs_truncated: false,
		process_data: r.processData ?? null,
		process_data_truncated: false,
		outputs: r.outputs,
		outputs_truncated: false,
		status: r.status,
		error: r.error,
		elapsed_time: r.elapsed,
		execution_metadata: r.metadata ?? {},
		created_at: p.createdAt,
		finished_at: nowSeconds(),
		files: [],
		iteration_id: p.iterationId ?? null,
		loop_id: p.loopId ?? null,
	};
}

/**
 * `node_retry`: a failed attempt before the node runs again.
 * @param node
 * @param p
 * @param r
 * @param retryIndex
 */
export function nodeRetryData(
	node: NodeDef,
	p: NodePlace,
	r: NodeResult,
	retryIndex: number
): Record< string, unknown > {
	return {
		...nodeFinishedData( node, p, { ...r, status: 'retry' } ),
		retry_index: retryIndex,
	};
}

/**
 * The LLM node's rendered prompt and model parameters.
 * @param query
 * @param usage
 */
export function llmProcessData(
	query: string,
	usage: Record< string, unknown >
): Record< string, unknown > {
	return {
		model_mode: 'chat',
		prompts: [
			{ role: 'system', text: SYSTEM_PROMPT, files: [] },
			{ role: 'user', text: query, files: [] },
		],
		usage,
		finish_reason: 'stop',
		model_provider: 'langgenius/openai/openai',
		model_name: 'gpt-4o-mini',
	};
}

/**
 * The `inputs` of an LLM node: its variables, the private context and `sys.*`.
 * @param app
 * @param user
 * @param query
 */
export function llmInputs(
	app: AppDef,
	user: string,
	query: string
): Record< string, unknown > {
	return {
		'#context#': PRIVATE_CONTEXT,
		'sys.query': query,
		'sys.user_id': user,
		'sys.app_id': app.id,
	};
}

/**
 * Iteration/loop container events share one shape (`loop_next` adds `pre_loop_output`).
 * @param node
 * @param execId
 * @param inputs
 */
export function containerStarted(
	node: NodeDef,
	execId: string,
	inputs: Record< string, unknown >
): Record< string, unknown > {
	return {
		id: execId,
		node_id: node.id,
		node_type: node.type,
		title: node.title,
		created_at: nowSeconds(),
		extras: {},
		metadata: {},
		inputs,
		inputs_truncated: false,
	};
}

export function containerNext(
	node: NodeDef,
	execId: string,
	index: number,
	preOutput?: unknown
): Record< string, unknown > {
	const data: Record< string, unknown > = {
		id: execId,
		node_id: node.id,
		node_type: node.type,
		title: node.title,
		index,
		created_at: nowSeconds(),
		extras: {},
	};
	if ( preOutput !== undefined ) {
		data.pre_loop_output = preOutput;
	}
	return data;
}

export function containerCompleted(
	node: NodeDef,
	execId: string,
	createdAt: number,
	o: {
		inputs: Record< string, unknown >;
		outputs: Record< string, unknown >;
		elapsed: number;
		tokens: number;
		steps: number;
	}
): Record< string, unknown > {
	return {
		id: execId,
		node_id: node.id,
		node_type: node.type,
		title: node.title,
		outputs: o.outputs,
		outputs_truncated: false,
		created_at: createdAt,
		extras: {},
		inputs: o.inputs,
		inputs_truncated: false,
		status: 'succeeded',
		error: null,
		elapsed_time: o.elapsed,
		total_tokens: o.tokens,
		execution_metadata: llmMetadata( o.tokens ),
		finished_at: nowSeconds(),
		steps: o.steps,
	};
}

/**
 * One `agent_log` entry of an Agent node (the strategy's rounds and tool calls).
 * @param nodeId
 * @param nodeExecutionId
 * @param o
 * @param o.label
 * @param o.parentId
 * @param o.status
 * @param o.data
 * @param o.id
 */
export function agentLogData(
	nodeId: string,
	nodeExecutionId: string,
	o: {
		id?: string;
		label: string;
		parentId: string | null;
		status: 'start' | 'success' | 'error';
		data: Record< string, unknown >;
	}
): Record< string, unknown > {
	return {
		node_execution_id: nodeExecutionId,
		id: o.id ?? randomUUID(),
		label: o.label,
		parent_id: o.parentId,
		error: null,
		status: o.status,
		data: o.data,
		metadata: {
			provider: 'langgenius/openai/openai',
			elapsed_time: 0.412345,
			total_tokens: 88,
			total_price: '0.0000352',
			currency: 'USD',
		},
		node_id: nodeId,
	};
}
