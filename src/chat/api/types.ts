/**
 * What the chat client sends and gives back: the shapes the client, the conversation reducer and
 * the components share. Types only, so any module may import them without pulling in code.
 */
import type { SiteBranding } from '../branding';
import type { FormControl } from '../inputs';
import type { HumanForm } from './forms';
import type { ChatConfig } from '../options';

/** A file sent with a question: the id of an upload through the plugin's `files` route. */
export interface ChatFile {
	type: string;
	transfer_method: 'local_file';
	upload_file_id: string;
}

export interface ChatRequest {
	query: string;
	conversationId?: string | null;
	inputs?: Record< string, unknown >;
	/** The page the chat is on (the server fills some inputs from it); 0 when unknown. */
	postId?: number;
	files?: ChatFile[];
}

export interface AnswerMetadata {
	retrieverResources: unknown[];
	usage: Record< string, unknown > | null;
}

/** A piece of knowledge an answer was built from (Dify's `retriever_resources`). */
export interface Citation {
	position: number;
	documentName: string;
	content: string;
	/** Relevance, 0–1; null when Dify gives none. */
	score: number | null;
}

/** An agent's tool round. */
export interface Thought {
	/** Dify's thought id: the same thought is re-sent as it progresses. */
	id: string;
	position: number;
	/** The tools used in this round (names only). */
	tools: string[];
}

/** One step of a chatflow's or workflow's run (shown when the app shows its steps). */
export interface Step {
	/** The node's id in the workflow (a step run again updates its row). */
	nodeId: string;
	title: string;
	/** `running`, then Dify's status: `succeeded`, `failed`, `exception`, `stopped`, … */
	status: string;
	/** Seconds, once finished. */
	elapsed: number | null;
	/** For an iteration or loop: the rounds so far (its inner nodes are not listed). */
	rounds: number;
}

/** A file an answer brought (an agent tool's image, …): http(s) links only. */
export interface AnswerFile {
	id: string;
	url: string;
	/** Dify's file type (`image`, …). */
	type: string;
}

/** What the UI learns while an answer arrives, in order: meta*, (append|replace)*, end. */
export type ChatUpdate =
	| {
			type: 'meta';
			conversationId: string | null;
			messageId: string | null;
			taskId: string | null;
	  }
	| { type: 'append'; text: string }
	| { type: 'replace'; text: string }
	/** More of the model's reasoning (only sent when the site shows it; never in the text). */
	| { type: 'reasoning'; text: string }
	/** A workflow step started, went on or finished. */
	| ( { type: 'step' } & Step )
	/** An agent's tool round (re-sent with the same id as it progresses). */
	| ( { type: 'thought' } & Thought )
	/** A base64 MP3 chunk of the answer read aloud (`tts_message`, when the app auto-plays). */
	| { type: 'audio'; audio: string }
	/** A file an agent's tool made (only http(s) links are passed on). */
	| { type: 'file'; id: string; url: string; fileType: string }
	/** A Human Input form the run waits at (the answer pauses after it). */
	| { type: 'form'; form: HumanForm }
	| {
			type: 'end';
			conversationId: string | null;
			messageId: string | null;
			metadata: AnswerMetadata;
	  };

/** A visitor's answer to a Human Input form. */
export interface FormAnswer {
	/** The button's id. */
	action: string;
	/** Values by field name. */
	inputs: Record< string, unknown >;
}

/** The browser-safe part of the app's parameters (the plugin's `GET parameters`). */
export interface AppParameters {
	/** Markdown shown before the first question; '' when the app has none. */
	openingStatement: string;
	/** Questions a visitor can send with one click before the first one. */
	suggestedQuestions: string[];
	/** Whether follow-up questions can be asked for after each answer. */
	suggestedAfterAnswer: boolean;
	/** The input form's fields a visitor fills in (empty when the app has none). */
	form: FormControl[];
	/** `file_upload` when the app takes files, else null (read by the media chunk). */
	fileUpload?: Record< string, unknown > | null;
	/** `system_parameters`: upload limits in MiB; `site`: this site's limit in bytes. */
	limits?: Record< string, unknown >;
	speechToText?: boolean;
	textToSpeech?: boolean;
	/** Whether answers are read aloud as they come (`text_to_speech.autoPlay`). */
	autoPlay?: boolean;
	/** The app's own branding: the chat's defaults where the block sets none. */
	site?: SiteBranding;
}

export type Rating = 'like' | 'dislike' | null;

/** One of the visitor's conversations, for the list. */
export interface ConversationSummary {
	id: string;
	name: string;
}

/** One question and its answer from the conversation's history. */
export interface HistoryTurn {
	messageId: string;
	query: string;
	answer: string;
	/** The model's reasoning, when the site shows it. */
	reasoning?: string;
	citations: Citation[];
	files: AnswerFile[];
	/** A Human Input form the answer still waits at. */
	form?: HumanForm | null;
}

/** What deleting all of the visitor's conversations did. */
export interface DeletedConversations {
	/** How many were deleted. */
	deleted: number;
	/** Some remain: the server stopped asking before they were all gone. */
	more: boolean;
}

export interface ChatClient {
	/**
	 * Sends one question and yields the answer as it arrives. Throws a `ChatError`.
	 *
	 * Breaking out of the loop, or aborting `signal`, stops reading and closes the request.
	 */
	chat: (
		request: ChatRequest,
		signal?: AbortSignal
	) => AsyncGenerator< ChatUpdate, void, undefined >;
	/**
	 * Answers a Human Input form (by its handle) and yields the rest of the answer as it arrives.
	 * Throws a `ChatError` (the form's refusals too).
	 */
	answerForm: (
		handle: string,
		answer: FormAnswer,
		signal?: AbortSignal
	) => AsyncGenerator< ChatUpdate, void, undefined >;
	/** The app's parameters; `postId` is the page the chat is on (its form may differ). */
	parameters: ( postId?: number ) => Promise< AppParameters >;
	/** Asks Dify to stop writing an answer (by the stream's task id). Throws a `ChatError`. */
	stop: ( taskId: string ) => Promise< void >;
	/** Rates an answer (null takes the rating back). Throws a `ChatError`. */
	feedback: (
		messageId: string,
		rating: Rating,
		content?: string
	) => Promise< void >;
	/** Follow-up questions for an answer. Throws a `ChatError`. */
	suggested: ( messageId: string ) => Promise< string[] >;
	/** The visitor's conversations, most recently updated first. Throws a `ChatError`. */
	conversations: () => Promise< ConversationSummary[] >;
	/** Renames one of the visitor's conversations. Throws a `ChatError`. */
	rename: ( conversationId: string, name: string ) => Promise< void >;
	/** Deletes one of the visitor's conversations. Throws a `ChatError`. */
	remove: ( conversationId: string ) => Promise< void >;
	/**
	 * Deletes all of the visitor's conversations: asks the server again while it says more
	 * remain (it deletes a few per request). Throws a `ChatError`.
	 */
	removeAll: () => Promise< DeletedConversations >;
	/** The visitor's earlier turns of a conversation, oldest first. Throws a `ChatError`. */
	history: ( conversationId: string ) => Promise< HistoryTurn[] >;
	/** The page configuration (the media chunk calls its routes with it). */
	config?: ChatConfig;
	/** The bot every request names ('' for the default bot; the media chunk sends it too). */
	bot?: string;
}
