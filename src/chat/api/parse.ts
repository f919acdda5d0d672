/**
 * The JSON answers of the plugin's routes, read into what the chat uses. Whatever is missing or
 * malformed gets a safe default: an odd answer never breaks the chat.
 */
import { parseSite } from '../branding';
import { parseForm } from '../inputs';
import { isSafeUrl } from '../url';
import { record, str } from './json';
import { pendingFormOf } from './forms';
import type {
	AnswerFile,
	AppParameters,
	Citation,
	ConversationSummary,
	DeletedConversations,
	HistoryTurn,
} from './types';

/**
 * Non-empty strings from a list, at most `max` of them.
 *
 * @param list A JSON value that should be a list of questions.
 * @param max  How many to keep.
 */
function questions( list: unknown, max: number ): string[] {
	return Array.isArray( list )
		? list
				.filter(
					( q ): q is string =>
						typeof q === 'string' && q.trim() !== ''
				)
				.slice( 0, max )
		: [];
}

function num( value: unknown ): number | null {
	return typeof value === 'number' && Number.isFinite( value ) ? value : null;
}

/**
 * The parameters the chat uses, from the route's answer (defaults for anything missing).
 *
 * @param json The parsed body.
 */
export function parseParameters( json: unknown ): AppParameters {
	const data = record( json );
	const upload = record( data?.file_upload );
	const tts = record( data?.text_to_speech );
	return {
		openingStatement:
			typeof data?.opening_statement === 'string'
				? data.opening_statement.trim()
				: '',
		suggestedQuestions: questions( data?.suggested_questions, 10 ),
		suggestedAfterAnswer:
			record( data?.suggested_questions_after_answer )?.enabled === true,
		form: parseForm( data?.user_input_form ),
		fileUpload: upload?.enabled === true ? upload : null,
		limits: {
			...record( data?.system_parameters ),
			site: data?.upload_limit,
		},
		speechToText: record( data?.speech_to_text )?.enabled === true,
		textToSpeech: tts?.enabled === true,
		autoPlay: tts?.enabled === true && tts.autoPlay === 'enabled',
		...( data?.site ? { site: parseSite( data.site ) } : {} ),
	};
}

/**
 * Follow-up questions, from the `messages/{id}/suggested` answer.
 *
 * @param json The parsed body.
 */
export function parseSuggested( json: unknown ): string[] {
	return questions( record( json )?.data, 5 );
}

/**
 * The visitor's conversations, from the `conversations` answer.
 *
 * @param json The parsed body.
 */
export function parseConversations( json: unknown ): ConversationSummary[] {
	const data = record( json )?.data;
	const list: ConversationSummary[] = [];
	for ( const item of Array.isArray( data ) ? data : [] ) {
		const row = record( item );
		const id = str( row?.id );
		if ( id ) {
			list.push( { id, name: str( row?.name ) ?? '' } );
		}
	}
	return list;
}

/**
 * One answer of `DELETE conversations`: how many went, and whether more remain.
 *
 * @param json The parsed body.
 */
export function parseDeleted( json: unknown ): DeletedConversations {
	const data = record( json );
	const deleted = num( data?.deleted );
	return {
		deleted: deleted !== null && deleted > 0 ? Math.floor( deleted ) : 0,
		more: data?.more === true,
	};
}

/**
 * The citations to show, from Dify's `retriever_resources` (anything malformed is skipped).
 *
 * @param resources `metadata.retriever_resources` of an answer.
 */
export function citationsOf( resources: unknown ): Citation[] {
	if ( ! Array.isArray( resources ) ) {
		return [];
	}
	const citations: Citation[] = [];
	resources.forEach( ( item: unknown, index ) => {
		const r = record( item );
		if ( ! r ) {
			return;
		}
		const name = [ r.document_name, r.title, r.dataset_name ].find(
			( v ): v is string => typeof v === 'string' && v.trim() !== ''
		);
		const content = typeof r.content === 'string' ? r.content : '';
		if ( ! name && content === '' ) {
			return;
		}
		citations.push( {
			position: num( r.position ) ?? index + 1,
			documentName: name ?? '',
			content,
			score: num( r.score ),
		} );
	} );
	return citations;
}

/**
 * The assistant's files of a history message (http(s) links only).
 *
 * @param list Its `message_files`.
 */
function answerFiles( list: unknown ): AnswerFile[] {
	const files: AnswerFile[] = [];
	for ( const value of Array.isArray( list ) ? list : [] ) {
		const file = record( value );
		const id = str( file?.id );
		if (
			file &&
			id &&
			isSafeUrl( file.url ) &&
			file.belongs_to === 'assistant'
		) {
			files.push( {
				id,
				url: file.url,
				type: str( file.type ) ?? 'file',
			} );
		}
	}
	return files;
}

/**
 * The turns of a `GET conversations/{id}/messages` answer (Dify gives them oldest first).
 *
 * @param json The parsed body.
 */
export function parseHistory( json: unknown ): HistoryTurn[] {
	const data = record( json )?.data;
	if ( ! Array.isArray( data ) ) {
		return [];
	}
	const turns: HistoryTurn[] = [];
	for ( const item of data ) {
		const message = record( item );
		const messageId = str( message?.id );
		if ( ! message || ! messageId ) {
			continue;
		}
		const form = pendingFormOf( message.extra_contents );
		const reasoning = str( message.reasoning );
		turns.push( {
			messageId,
			query: typeof message.query === 'string' ? message.query : '',
			answer: typeof message.answer === 'string' ? message.answer : '',
			...( reasoning ? { reasoning } : {} ),
			citations: citationsOf( message.retriever_resources ),
			files: answerFiles( message.message_files ),
			...( form ? { form } : {} ),
		} );
	}
	return turns;
}
