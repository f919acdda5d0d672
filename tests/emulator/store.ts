/**
 * In-memory state, keyed the way Dify keys it: EndUsers per (app, user string),
 * conversations and messages owned by an EndUser, tasks remembering their
 * owner, workflow runs per app, uploads per tenant (one tenant for all apps).
 */
import { randomUUID } from 'node:crypto';
import type { AppDef, AppMode } from './apps';
import type { Variants } from './variants';

export interface EndUser {
	id: string;
	appId: string;
	sessionId: string;
	isAnonymous: boolean;
	createdAt: number;
}

export interface ConversationVariable {
	id: string;
	name: string;
	valueType: string;
	value: unknown;
	description: string;
	createdAt: number;
	updatedAt: number;
	order: number;
}

export interface Conversation {
	id: string;
	appId: string;
	endUserId: string;
	mode: AppMode;
	name: string;
	inputs: Record< string, unknown >;
	introduction: string;
	createdAt: number;
	createdOrder: number;
	updatedAt: number;
	updatedOrder: number;
	dialogueCount: number;
	messageIds: string[];
	variables: ConversationVariable[];
}

export interface Feedback {
	id: string;
	rating: 'like' | 'dislike';
	content: string | null;
	createdAt: number;
	updatedAt: number;
}

export interface AgentThought {
	id: string;
	position: number;
	thought: string;
	observation: string;
	tool: string;
	toolLabels: Record< string, unknown >;
	toolInput: string;
	messageFiles: string[];
	createdAt: number;
}

export interface MessageFile {
	id: string;
	filename: string;
	type: string;
	url: string;
	mimeType: string;
	size: number;
	transferMethod: string;
	belongsTo: 'user' | 'assistant';
	uploadFileId: string | null;
}

/** What a finished answer cost (GET /messages shows it per message). */
export interface MessageUsage {
	messageTokens: number;
	answerTokens: number;
	totalTokens: number;
	latency: number;
	totalPrice: string | null;
	currency: string | null;
}

export interface Message {
	id: string;
	appId: string;
	conversationId: string | null;
	endUserId: string;
	query: string;
	inputs: Record< string, unknown >;
	answer: string;
	feedback: Feedback | null;
	retrieverResources: Array< Record< string, unknown > >;
	agentThoughts: AgentThought[];
	messageFiles: MessageFile[];
	status: 'normal' | 'error';
	error: string | null;
	createdAt: number;
	order: number;
	taskId: string;
	usage: MessageUsage | null;
	/** Human Input forms this answer paused at (GET /messages `extra_contents`). */
	formIds: string[];
	/** The chatflow run behind this answer. */
	workflowRunId: string | null;
}

export interface Task {
	id: string;
	appId: string;
	endUserId: string;
	user: string;
	mode: AppMode;
	stopRequested: boolean;
	finished: boolean;
	/** Called when a stop is accepted, to wake the generator. */
	waiters: Set< () => void >;
}

export interface WorkflowRun {
	id: string;
	appId: string;
	workflowId: string;
	endUserId: string;
	user: string;
	status:
		| 'running'
		| 'paused'
		| 'succeeded'
		| 'failed'
		| 'stopped'
		| 'partial-succeeded';
	inputs: Record< string, unknown >;
	outputs: Record< string, unknown >;
	error: string | null;
	totalSteps: number;
	totalTokens: number;
	createdAt: number;
	finishedAt: number | null;
	elapsedTime: number;
	order: number;
	/** The Human Input node(s) the run waits at. */
	pausedNodes: string[];
	/** Files of the finished run (`workflow_finished.data.files`). */
	files: Array< Record< string, unknown > >;
	/** The `#variant:` overrides of the request that started it (its forms and resumes follow them). */
	variants: Partial< Variants >;
}

/** One Human Input form (a paused node waiting for a submission). */
export interface HumanInputForm {
	id: string;
	/** null when the form is not delivered to the web app (email delivery). */
	token: string | null;
	appId: string;
	runId: string;
	messageId: string | null;
	nodeId: string;
	nodeTitle: string;
	kind: 'full' | 'simple';
	/** `broken`: no recipient type (the submit refuses it). */
	recipient: 'webapp' | 'email' | 'broken';
	formContent: string;
	inputs: Array< Record< string, unknown > >;
	actions: Array< { id: string; title: string; button_style: string } >;
	resolvedDefaults: Record< string, string >;
	/** Unix seconds, as shown. */
	expirationTime: number;
	/** When the form expires and the run takes the timeout branch (epoch ms). */
	expiresAtMs: number;
	createdAt: number;
	status: 'waiting' | 'submitted' | 'timeout';
	submission: {
		actionId: string;
		actionText: string;
		data: Record< string, unknown >;
		renderedContent: string;
		endUserId: string;
	} | null;
}

export interface UploadFile {
	id: string;
	name: string;
	size: number;
	extension: string;
	mimeType: string;
	createdBy: string;
	createdAt: number;
	data: Buffer;
}

export interface ToolFile {
	id: string;
	extension: string;
	mimeType: string;
	data: Buffer;
}

export function nowSeconds(): number {
	return Math.floor( Date.now() / 1000 );
}

export class Store {
	readonly endUsers = new Map< string, EndUser >();
	readonly conversations = new Map< string, Conversation >();
	readonly messages = new Map< string, Message >();
	readonly tasks = new Map< string, Task >();
	readonly runs = new Map< string, WorkflowRun >();
	readonly uploads = new Map< string, UploadFile >();
	readonly toolFiles = new Map< string, ToolFile >();
	/** Human Input forms by form id. */
	readonly forms = new Map< string, HumanInputForm >();
	private counter = 0;

	/** Strictly increasing ordering stamp (Dify's timestamps have microseconds). */
	nextOrder(): number {
		this.counter += 1;
		return this.counter;
	}

	endUser( app: AppDef, session: string | null ): EndUser {
		const sessionId = session ?? 'DEFAULT-USER';
		const key = app.id + '\u0000' + sessionId;
		let user = this.endUsers.get( key );
		if ( ! user ) {
			user = {
				id: randomUUID(),
				appId: app.id,
				sessionId,
				isAnonymous: session === null,
				createdAt: nowSeconds(),
			};
			this.endUsers.set( key, user );
		}
		return user;
	}

	endUserById( id: string ): EndUser | undefined {
		for ( const u of this.endUsers.values() ) {
			if ( u.id === id ) {
				return u;
			}
		}
		return undefined;
	}

	/**
	 * A conversation visible to this EndUser of this app, or undefined.
	 * @param app
	 * @param endUser
	 * @param id
	 */
	ownConversation(
		app: AppDef,
		endUser: EndUser,
		id: string
	): Conversation | undefined {
		const c = this.conversations.get( id.toLowerCase() );
		if ( ! c || c.appId !== app.id || c.endUserId !== endUser.id ) {
			return undefined;
		}
		return c;
	}

	ownMessage(
		app: AppDef,
		endUser: EndUser,
		id: string
	): Message | undefined {
		const m = this.messages.get( id.toLowerCase() );
		if ( ! m || m.appId !== app.id || m.endUserId !== endUser.id ) {
			return undefined;
		}
		return m;
	}

	createConversation(
		app: AppDef,
		endUser: EndUser,
		name: string,
		inputs: Record< string, unknown >,
		introduction: string
	): Conversation {
		const now = nowSeconds();
		const order = this.nextOrder();
		const conversation: Conversation = {
			id: randomUUID(),
			appId: app.id,
			endUserId: endUser.id,
			mode: app.mode,
			name,
			inputs,
			introduction,
			createdAt: now,
			createdOrder: order,
			updatedAt: now,
			updatedOrder: order,
			dialogueCount: 0,
			messageIds: [],
			variables: app.conversationVariables.map( ( v ) => ( {
				id: randomUUID(),
				name: v.name,
				valueType: v.valueType,
				value: v.value,
				description: v.description,
				createdAt: now,
				updatedAt: now,
				order: this.nextOrder(),
			} ) ),
		};
		this.conversations.set( conversation.id, conversation );
		return conversation;
	}

	touchConversation( c: Conversation ): void {
		c.updatedAt = nowSeconds();
		c.updatedOrder = this.nextOrder();
	}

	createMessage(
		app: AppDef,
		endUser: EndUser,
		conversation: Conversation | null,
		query: string,
		inputs: Record< string, unknown >,
		taskId: string
	): Message {
		const message: Message = {
			id: randomUUID(),
			appId: app.id,
			conversationId: conversation ? conversation.id : null,
			endUserId: endUser.id,
			query,
			inputs,
			answer: '',
			feedback: null,
			retrieverResources: [],
			agentThoughts: [],
			messageFiles: [],
			status: 'normal',
			error: null,
			createdAt: nowSeconds(),
			order: this.nextOrder(),
			taskId,
			usage: null,
			formIds: [],
			workflowRunId: null,
		};
		this.messages.set( message.id, message );
		if ( conversation ) {
			conversation.messageIds.push( message.id );
		}
		return message;
	}

	/**
	 * Hard delete (Dify ≥ 2025-08: no ownership check, §7.4).
	 * @param app
	 * @param id
	 */
	deleteConversation( app: AppDef, id: string ): boolean {
		const c = this.conversations.get( id.toLowerCase() );
		if ( ! c || c.appId !== app.id ) {
			return false;
		}
		this.conversations.delete( c.id );
		for ( const mid of c.messageIds ) {
			this.messages.delete( mid );
		}
		return true;
	}

	createTask( app: AppDef, endUser: EndUser ): Task {
		const task: Task = {
			id: randomUUID(),
			appId: app.id,
			endUserId: endUser.id,
			user: endUser.sessionId,
			mode: app.mode,
			stopRequested: false,
			finished: false,
			waiters: new Set(),
		};
		this.tasks.set( task.id, task );
		return task;
	}

	formByToken( token: string ): HumanInputForm | undefined {
		for ( const f of this.forms.values() ) {
			if ( f.token !== null && f.token === token ) {
				return f;
			}
		}
		return undefined;
	}

	requestStop( task: Task ): void {
		task.stopRequested = true;
		for ( const wake of task.waiters ) {
			wake();
		}
		task.waiters.clear();
	}
}
