/**
 * A reasoning model's thinking (`#reasoning`): inline `<think>…</think>` at
 * the start of the answer (Dify's default `reasoning_format: tagged`), or the
 * text of `reasoning_chunk` events (`separated`, chatflow and workflow LLM
 * nodes only). The tags are split across deltas at awkward places so a relay
 * that strips them must handle tags cut anywhere.
 */
import { chunkText, topicOf } from './answers';

/** In every reasoning text, so tests can prove reasoning never reached a browser. */
export const REASONING_MARKER = 'EMULATOR-REASONING';

export function reasoningText( query: string ): string {
	const topic = topicOf( query );
	return (
		`The user asks about ${ topic }. The system prompt says to answer in markdown and to keep ` +
		`internal notes private (${ REASONING_MARKER }). I will open with a heading, then list ` +
		'the key points, the steps, a code sample and a small table.'
	);
}

/**
 * The deltas of `reasoning_chunk` events for one LLM node.
 * @param query
 */
export function reasoningChunks( query: string ): string[] {
	return chunkText( reasoningText( query ) );
}

/**
 * Answer deltas with the reasoning inline: `<think>\n…\n</think>\n\n` then the
 * answer. The opening tag arrives as `<`, `thi`, `nk>` + first word; the closing
 * tag as `</th`, `ink`, `>\n\n` + the answer's first delta.
 * @param query
 * @param answer The answer's own deltas.
 */
export function taggedChunks( query: string, answer: string[] ): string[] {
	const words = chunkText( `\n${ reasoningText( query ) }\n` );
	const [ firstWord = '', ...moreWords ] = words;
	const [ firstAnswer = '', ...moreAnswer ] = answer;
	return [
		'<',
		'thi',
		'nk>' + firstWord,
		...moreWords,
		'</th',
		'ink',
		'>\n\n' + firstAnswer,
		...moreAnswer,
	];
}

/**
 * The stored answer with its inline reasoning.
 * @param query
 * @param answer
 */
export function taggedAnswer( query: string, answer: string ): string {
	return `<think>\n${ reasoningText( query ) }\n</think>\n\n${ answer }`;
}
