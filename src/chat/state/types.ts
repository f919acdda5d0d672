/**
 * The conversation's state, and the actions that change it (see reducer.ts).
 */
import type { HumanForm } from '../api/forms';
import type {
	AnswerFile,
	ChatFile,
	Citation,
	HistoryTurn,
	Step,
	Thought,
} from '../api/types';

export type { AnswerFile, Citation, Step, Thought };

export type Role = 'user' | 'assistant';
export type MessageStatus =
	'pending' | 'streaming' | 'done' | 'error' | 'stopped';

export interface ChatMessage {
	/** Local id (React key); stable for the message's life. */
	id: string;
	role: Role;
	text: string;
	status: MessageStatus;
	/** For a failed answer: what to tell the visitor. */
	error: string | null;
	/** For a failed answer: seconds to wait before Retry (the assistant's Retry-After), else null. */
	retryAfter?: number | null;
	/** For an answer: the question it answers, so Retry can send it again. */
	query: string;
	/** Dify's message id, once known. */
	messageId: string | null;
	/** Dify's task id while the answer is written (a stop button needs it). */
	taskId: string | null;
	/** For an answer: the knowledge it was built from (`retriever_resources`). */
	citations: Citation[];
	/** For an agent's answer: the tool rounds, in order. */
	thoughts: Thought[];
	/** For a chatflow's or workflow's answer: its steps, when the app shows them. */
	steps?: Step[];
	/** For an answer: the model's reasoning, when the site shows it. */
	reasoning?: string;
	/** For an answer: images the agent's tools made (http(s) links only). */
	files: AnswerFile[];
	/** Brought back from the conversation's history (not answered on this page). */
	restored?: boolean;
	/** For a question: the files the visitor attached (an image's preview is an object URL). */
	attachments?: Attachment[];
	/** For an answer: the files sent with its question, so Retry sends them again. */
	sent?: ChatFile[];
	/** For an answer: the Human Input form its run waits at (or waited at). */
	form?: FormState;
}

/** A Human Input form in an answer, and where the visitor is with it. */
export interface FormState {
	form: HumanForm;
	/** open: waiting; sending: answered, the run resumes; answered: done; closed: cannot be answered. */
	state: 'open' | 'sending' | 'answered' | 'closed';
	/** The button the visitor chose. */
	action: string | null;
	/** Why the last answer was refused, for the visitor. */
	error: string | null;
	/** How much of the answer's text came before the form (the resumed run's text follows it). */
	offset: number;
}

export interface Attachment {
	name: string;
	/** Object URL of an image's preview; null for other files. */
	url: string | null;
}

export interface Announcement {
	/** Changes with every announcement, so the same text twice is still spoken twice. */
	id: number;
	text: string;
}

export interface ChatState {
	messages: ChatMessage[];
	conversationId: string | null;
	/** The task of the answer being written, if any. */
	taskId: string | null;
	/** What the polite live region says: each finished answer or failure, once. */
	announcement: Announcement | null;
}

export type ChatAction =
	| {
			type: 'send';
			query: string;
			userId: string;
			answerId: string;
			attachments?: Attachment[];
			files?: ChatFile[];
	  }
	| {
			type: 'meta';
			answerId: string;
			conversationId: string | null;
			messageId: string | null;
			taskId: string | null;
	  }
	| { type: 'append'; answerId: string; text: string }
	| { type: 'reasoning'; answerId: string; text: string }
	| ( { type: 'thought'; answerId: string } & Thought )
	| ( { type: 'step'; answerId: string } & Step )
	| {
			type: 'file';
			answerId: string;
			id: string;
			url: string;
			fileType: string;
	  }
	| {
			type: 'restore';
			conversationId: string;
			turns: HistoryTurn[];
	  }
	| { type: 'replace'; answerId: string; text: string }
	| {
			type: 'end';
			answerId: string;
			conversationId: string | null;
			messageId: string | null;
			citations?: Citation[];
	  }
	| {
			type: 'fail';
			answerId: string;
			error: string;
			/** Seconds before a retry may go (an upstream Retry-After). */
			retryAfter?: number | null;
			/** The stored conversation is gone (404): the next question starts a new one. */
			forgetConversation?: boolean;
	  }
	| { type: 'form'; answerId: string; form: HumanForm }
	| { type: 'form_send'; answerId: string; action: string }
	| {
			type: 'form_fail';
			answerId: string;
			error: string;
			/** The form cannot be answered any more (answered already, expired, gone). */
			closed: boolean;
	  }
	| { type: 'stop'; answerId: string }
	| { type: 'retry'; answerId: string; newAnswerId: string }
	| { type: 'reset' };
