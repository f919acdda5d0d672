/**
 * A New Agent (`mode: agent`, Dify 1.16): streaming only; steps as
 * `agent_thought`, text as `agent_message` deltas, then ONE `message` whose
 * `answer` is the whole answer (a client must replace, not append), then
 * `message_end` with usage only. Its tools run in a sandbox, so
 * `tool_input`/`observation` hold commands and file contents that a relay
 * must not forward.
 */
import { randomUUID } from 'node:crypto';
import { chunkText, topicOf } from './answers';
import {
	answerChunks,
	createToolImage,
	envelopeFor,
	finishMessage,
	messageMetadata,
	pingPhase,
	sendTts,
	settle,
	streamText,
	type Outcome,
	type RunEnv,
} from './modes';
import type { Sink } from './stream';
import { nowSeconds, type AgentThought, type Message } from './store';

/** In every sandbox observation, so tests can prove it never reached a browser. */
export const SANDBOX_MARKER = 'EMULATOR-SANDBOX-SECRET';

interface ToolCall {
	tool: string;
	thought: string;
	input: Record< string, unknown >;
	observation: Record< string, unknown >;
}

function toolCalls( topic: string, more: boolean ): ToolCall[] {
	const calls: ToolCall[] = [
		{
			tool: 'bash',
			thought: `I will look at the workspace notes about ${ topic } first.`,
			input: {
				bash: {
					command:
						'ls /workspace && cat /workspace/notes/customers.csv',
				},
			},
			observation: {
				bash: `notes/\ncustomers.csv\nid,name,email\n1,Ada,ada@example.com (${ SANDBOX_MARKER })`,
			},
		},
	];
	if ( more ) {
		calls.push(
			{
				tool: 'python',
				thought: 'Let me count the rows with a short script.',
				input: {
					python: {
						code: "import csv\nprint(sum(1 for _ in csv.reader(open('/workspace/notes/customers.csv'))))",
					},
				},
				observation: {
					python: `2\n# env: AGENT_TOKEN=agt-${ SANDBOX_MARKER }`,
				},
			},
			{
				tool: 'web_fetch',
				thought: `And one public page about ${ topic }.`,
				input: { web_fetch: { url: 'https://docs.dify.ai/' } },
				observation: {
					web_fetch: `<html>Dify docs… (${ SANDBOX_MARKER })</html>`,
				},
			}
		);
	}
	return calls;
}

export async function runNewAgent(
	env: RunEnv,
	sink: Sink
): Promise< Outcome > {
	const mk = envelopeFor( env );
	const msg = env.message as Message;
	const d = env.directives;
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
		// The closing message repeats the whole answer.
		await sink.sendTail(
			mk( 'message', {
				task_id: env.task.id,
				id: msg.id,
				answer: finalAnswer,
			} )
		);
		const metadata = messageMetadata( env, finalAnswer, false );
		finishMessage( env, finalAnswer, 'normal', null );
		await sink.sendTail(
			mk( 'message_end', {
				task_id: env.task.id,
				id: msg.id,
				metadata,
			} )
		);
		await sendTts( env, sink, mk, finalAnswer );
		return { kind: 'message', answer: finalAnswer, metadata };
	};
	try {
		await pingPhase( env, sink );
		for ( const call of toolCalls( topicOf( env.text ), d.thoughts ) ) {
			const t = newThought();
			await sink.send( thoughtEvent( t ) );
			for ( const c of chunkText( call.thought + '\n\n' ) ) {
				await delta( c );
			}
			t.thought = call.thought;
			t.tool = call.tool;
			t.toolLabels = { [ call.tool ]: { en_US: call.tool } };
			t.toolInput = JSON.stringify( call.input );
			await sink.send( thoughtEvent( t ) );
			t.observation = JSON.stringify( call.observation );
			await sink.send( thoughtEvent( t ) );
		}
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
		tf.thought = answer.slice( before );
		await sink.send( thoughtEvent( tf ) );
		return await end( answer );
	} catch ( err ) {
		return settle( err, env, sink, mk, answer, end );
	}
}
