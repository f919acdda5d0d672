/**
 * History and conversation endpoints (§7): messages, feedbacks, suggested
 * questions, app feedbacks, conversations (list/delete/rename) and
 * conversation variables.
 */
import { randomUUID } from 'node:crypto';
import { generatedName, suggestedQuestions } from '../answers';
import { isChatLike, type AppDef } from '../apps';
import { parseDirectives } from '../directives';
import { publicOrigin, sendEmpty, sendJson, type Ctx } from '../context';
import {
	HttpError,
	badRequest,
	invalidParam,
	notChatApp,
	notFound,
	pydanticError,
	withDidYouMean,
} from '../errors';
import { extraContent } from '../human-input';
import { isPlainObject, pyStr, pyTypeName } from '../json';
import { toolFileUrl, uploadPreviewUrl } from '../modes';
import {
	nowSeconds,
	type Conversation,
	type ConversationVariable,
	type EndUser,
	type Message,
} from '../store';
import { queryDict, validateModel } from '../validate';
import { didYouMeanFor } from './faults';

function need( ctx: Ctx ): { app: AppDef; endUser: EndUser } {
	if ( ! ctx.app || ! ctx.endUser ) {
		throw new Error( 'route requires app and user' );
	}
	return { app: ctx.app, endUser: ctx.endUser };
}

function requireChat( app: AppDef ): void {
	if ( ! isChatLike( app ) ) {
		throw notChatApp();
	}
}

function messageJson( ctx: Ctx, m: Message ): Record< string, unknown > {
	const base = publicOrigin( ctx );
	const store = ctx.state.store;
	const u = m.usage;
	return {
		id: m.id,
		conversation_id: m.conversationId,
		parent_message_id:
			ctx.state.variants.parent_message_id === 'null'
				? null
				: '00000000-0000-0000-0000-000000000000',
		inputs: m.inputs,
		query: m.query,
		answer: m.answer,
		message_tokens: u ? u.messageTokens : 0,
		answer_tokens: u ? u.answerTokens : 0,
		total_tokens: u ? u.totalTokens : 0,
		provider_response_latency: u ? u.latency : 0,
		total_price: u ? u.totalPrice : null,
		currency: u ? u.currency : null,
		feedback: m.feedback ? { rating: m.feedback.rating } : null,
		retriever_resources: m.retrieverResources.map( ( r ) => ( {
			id: randomUUID(),
			message_id: m.id,
			position: r.position,
			dataset_id: r.dataset_id,
			dataset_name: r.dataset_name,
			document_id: r.document_id,
			document_name: r.document_name,
			data_source_type: r.data_source_type,
			segment_id: r.segment_id,
			score: r.score,
			hit_count: r.hit_count,
			word_count: r.word_count,
			segment_position: r.segment_position,
			index_node_hash: r.index_node_hash,
			content: r.content,
			summary: r.summary,
			created_at: m.createdAt,
		} ) ),
		created_at: m.createdAt,
		agent_thoughts: m.agentThoughts.map( ( t ) => ( {
			id: t.id,
			chain_id: null,
			message_id: m.id,
			position: t.position,
			thought: t.thought,
			tool: t.tool,
			tool_labels: t.toolLabels,
			tool_input: t.toolInput,
			created_at: t.createdAt,
			observation: t.observation,
			files: t.messageFiles,
		} ) ),
		message_files: m.messageFiles.map( ( f ) => {
			let url = f.url;
			// Signed links are re-signed on every read (§9.2).
			if ( f.transferMethod === 'tool_file' ) {
				const relative = f.url.startsWith( '/' );
				url = toolFileUrl(
					relative ? '' : base,
					f.filename.replace( /\.png$/, '' ),
					'.png'
				);
			} else if ( f.uploadFileId ) {
				url = uploadPreviewUrl( base, f.uploadFileId );
			}
			return {
				id: f.id,
				filename: f.filename,
				type: f.type,
				url,
				mime_type: f.mimeType,
				size: f.size,
				transfer_method: f.transferMethod,
				belongs_to: f.belongsTo,
				upload_file_id: f.uploadFileId,
			};
		} ),
		status: m.status,
		error: m.error,
		extra_contents: m.formIds
			.map( ( id ) => store.forms.get( id ) )
			.filter( ( f ) => f !== undefined )
			.map( extraContent ),
	};
}

export function messagesList( ctx: Ctx ): void {
	const { app, endUser } = need( ctx );
	requireChat( app );
	const q = validateModel( 'MessageListQuery', queryDict( ctx.query ), [
		[
			'conversation_id',
			{
				kind: 'uuidOrBlank',
				required: true,
				error: 'must be a valid UUID',
			},
		],
		[ 'first_id', { kind: 'uuidOrBlank', error: 'must be a valid UUID' } ],
		[ 'limit', { kind: 'int', required: false, min: 1, max: 100 } ],
	] );
	const limit = ( q.limit as number | undefined ) ?? 20;
	if ( q.conversation_id === null ) {
		sendJson( ctx, 200, { limit, has_more: false, data: [] } );
		return;
	}
	const store = ctx.state.store;
	const conversation = store.ownConversation(
		app,
		endUser,
		String( q.conversation_id )
	);
	if ( ! conversation ) {
		throw notFound(
			withDidYouMean(
				'Conversation Not Exists.',
				ctx.path,
				didYouMeanFor( ctx.path )
			)
		);
	}
	let messages = conversation.messageIds
		.map( ( id ) => store.messages.get( id ) )
		.filter( ( m ): m is Message => !! m )
		.sort( ( a, b ) => b.order - a.order );
	if ( typeof q.first_id === 'string' ) {
		const first = messages.find( ( m ) => m.id === q.first_id );
		if ( ! first ) {
			throw notFound( 'First Message Not Exists.' );
		}
		messages = messages.filter( ( m ) => m.order < first.order );
	}
	const page = messages.slice( 0, limit + 1 );
	const hasMore = page.length > limit;
	// Pages go back in time; inside a page Dify's code lists oldest first.
	const data =
		ctx.state.variants.message_order === 'newest_first'
			? page.slice( 0, limit )
			: page.slice( 0, limit ).reverse();
	sendJson( ctx, 200, {
		limit,
		has_more: hasMore,
		data: data.map( ( m ) => messageJson( ctx, m ) ),
	} );
}

export function feedback( ctx: Ctx ): void {
	const { app, endUser } = need( ctx );
	if (
		app.mode === 'agent' &&
		ctx.state.variants.agent_feedback === 'rejected'
	) {
		throw notChatApp();
	}
	const p = validateModel( 'MessageFeedbackPayload', ctx.json ?? {}, [
		[
			'rating',
			{
				kind: 'literal',
				values: [ 'like', 'dislike' ],
				required: false,
				nullable: true,
			},
		],
		[ 'content', { kind: 'str', required: false, nullable: true } ],
	] );
	const message = ctx.state.store.ownMessage(
		app,
		endUser,
		ctx.params.message_id ?? ''
	);
	if ( ! message ) {
		throw notFound( 'Message Not Exists.' );
	}
	const rating =
		( p.rating as 'like' | 'dislike' | null | undefined ) ?? null;
	const content = typeof p.content === 'string' ? p.content : null;
	if ( rating === null ) {
		if ( ! message.feedback ) {
			throw invalidParam(
				'rating cannot be None when feedback not exists'
			);
		}
		message.feedback = null;
	} else if ( message.feedback ) {
		message.feedback.rating = rating;
		message.feedback.content = content;
		message.feedback.updatedAt = nowSeconds();
	} else {
		const now = nowSeconds();
		message.feedback = {
			id: randomUUID(),
			rating,
			content,
			createdAt: now,
			updatedAt: now,
		};
	}
	sendJson( ctx, 200, { result: 'success' } );
}

export function suggested( ctx: Ctx ): void {
	const { app, endUser } = need( ctx );
	requireChat( app );
	const message = ctx.state.store.ownMessage(
		app,
		endUser,
		ctx.params.message_id ?? ''
	);
	if ( ! message ) {
		throw notFound( 'Message Not Exists.' );
	}
	if ( ! app.suggestedAfterAnswer ) {
		throw badRequest( 'Suggested Questions Is Disabled.' );
	}
	sendJson( ctx, 200, {
		result: 'success',
		data: suggestedQuestions( message.query, message.answer ),
	} );
}

function isoNaive( seconds: number ): string {
	return new Date( seconds * 1000 ).toISOString().replace( /\.\d{3}Z$/, '' );
}

export function appFeedbacks( ctx: Ctx ): void {
	const app = ctx.app;
	if ( ! app ) {
		throw new Error( 'route requires an app' );
	}
	const q = validateModel( 'FeedbackListQuery', queryDict( ctx.query ), [
		[ 'page', { kind: 'int', required: false, min: 1 } ],
		[ 'limit', { kind: 'int', required: false, min: 1, max: 101 } ],
	] );
	const page = ( q.page as number | undefined ) ?? 1;
	const limit = ( q.limit as number | undefined ) ?? 20;
	const rows = [ ...ctx.state.store.messages.values() ]
		.filter( ( m ) => m.appId === app.id && m.feedback )
		.sort(
			( a, b ) =>
				( b.feedback?.createdAt ?? 0 ) -
					( a.feedback?.createdAt ?? 0 ) || b.order - a.order
		)
		.slice( ( page - 1 ) * limit, page * limit );
	sendJson( ctx, 200, {
		data: rows.map( ( m ) => ( {
			id: m.feedback?.id,
			app_id: app.id,
			conversation_id: m.conversationId,
			message_id: m.id,
			rating: m.feedback?.rating,
			content: m.feedback?.content ?? null,
			from_source: 'api',
			from_end_user_id: m.endUserId,
			from_account_id: null,
			created_at: isoNaive( m.feedback?.createdAt ?? 0 ),
			updated_at: isoNaive( m.feedback?.updatedAt ?? 0 ),
		} ) ),
	} );
}

function conversationJson( c: Conversation ): Record< string, unknown > {
	return {
		id: c.id,
		name: c.name,
		inputs: c.inputs,
		status: 'normal',
		introduction: c.introduction,
		created_at: c.createdAt,
		updated_at: c.updatedAt,
	};
}

export function conversationsList( ctx: Ctx ): void {
	const { app, endUser } = need( ctx );
	requireChat( app );
	const q = validateModel( 'ConversationListQuery', queryDict( ctx.query ), [
		[ 'last_id', { kind: 'uuidOrBlank', error: 'must be a valid UUID' } ],
		[ 'limit', { kind: 'int', required: false, min: 1, max: 100 } ],
		[
			'sort_by',
			{
				kind: 'literal',
				values: [
					'created_at',
					'-created_at',
					'updated_at',
					'-updated_at',
				],
				required: false,
			},
		],
	] );
	const limit = ( q.limit as number | undefined ) ?? 20;
	const sortBy = ( q.sort_by as string | undefined ) ?? '-updated_at';
	const desc = sortBy.startsWith( '-' );
	const key = ( c: Conversation ): number =>
		sortBy.endsWith( 'created_at' ) ? c.createdOrder : c.updatedOrder;
	let rows = [ ...ctx.state.store.conversations.values() ].filter(
		( c ) => c.appId === app.id && c.endUserId === endUser.id
	);
	if ( typeof q.last_id === 'string' ) {
		const last = rows.find( ( c ) => c.id === q.last_id );
		if ( ! last ) {
			throw notFound( 'Last Conversation Not Exists.' );
		}
		rows = rows.filter( ( c ) =>
			desc ? key( c ) < key( last ) : key( c ) > key( last )
		);
	}
	rows.sort( ( a, b ) =>
		desc ? key( b ) - key( a ) : key( a ) - key( b )
	);
	const page = rows.slice( 0, limit );
	sendJson( ctx, 200, {
		limit,
		has_more: page.length === limit && rows.length > limit,
		data: page.map( conversationJson ),
	} );
}

export function conversationDelete( ctx: Ctx ): void {
	const { app, endUser } = need( ctx );
	requireChat( app );
	const store = ctx.state.store;
	const id = ctx.params.conversation_id ?? '';
	if (
		ctx.state.variants.conversation_delete === '404' &&
		! store.ownConversation( app, endUser, id )
	) {
		throw notFound( 'Conversation Not Exists.' );
	}
	// 1.12.1 (variant 204) deleted by id without an ownership or existence check.
	store.deleteConversation( app, id );
	sendEmpty( ctx, 204 );
}

export function conversationRename( ctx: Ctx ): void {
	const { app, endUser } = need( ctx );
	requireChat( app );
	const body = ctx.json ?? {};
	const p = validateModel( 'ConversationRenamePayload', body, [
		[ 'name', { kind: 'str', required: false, nullable: true } ],
		[ 'auto_generate', { kind: 'bool', required: false } ],
	] );
	const auto = p.auto_generate === true;
	const name = typeof p.name === 'string' ? p.name : null;
	if ( ! auto && ( name === null || ! name.trim() ) ) {
		throw pydanticError( 'ConversationRenamePayload', [
			{
				loc: [],
				msg: 'Value error, name is required when auto_generate is false',
				type: 'value_error',
				input: body,
			},
		] );
	}
	const store = ctx.state.store;
	const conversation = store.ownConversation(
		app,
		endUser,
		ctx.params.conversation_id ?? ''
	);
	if ( ! conversation ) {
		throw notFound( 'Conversation Not Exists.' );
	}
	if ( auto ) {
		const firstId = conversation.messageIds[ 0 ];
		const first = firstId ? store.messages.get( firstId ) : undefined;
		if ( ! first ) {
			throw invalidParam( '' );
		}
		conversation.name = generatedName(
			parseDirectives( first.query ).cleaned
		);
	} else {
		conversation.name = name ?? '';
	}
	store.touchConversation( conversation );
	sendJson( ctx, 200, conversationJson( conversation ) );
}

function variableJson( v: ConversationVariable ): Record< string, unknown > {
	return {
		id: v.id,
		name: v.name,
		value_type: v.valueType,
		value: pyStr( v.value ),
		description: v.description,
		created_at: v.createdAt,
		updated_at: v.updatedAt,
	};
}

export function variablesList( ctx: Ctx ): void {
	const { app, endUser } = need( ctx );
	requireChat( app );
	const q = validateModel(
		'ConversationVariablesQuery',
		queryDict( ctx.query ),
		[
			[ 'last_id', { kind: 'str', required: false, nullable: true } ],
			[ 'limit', { kind: 'int', required: false, min: 1, max: 100 } ],
			[
				'variable_name',
				{
					kind: 'pattern',
					required: false,
					pattern: /^[a-zA-Z0-9_.-]+$/,
					min: 1,
					max: 255,
				},
			],
		]
	);
	const limit = ( q.limit as number | undefined ) ?? 20;
	const conversation = ctx.state.store.ownConversation(
		app,
		endUser,
		ctx.params.conversation_id ?? ''
	);
	if ( ! conversation ) {
		throw notFound( 'Conversation Not Exists.' );
	}
	let vars = [ ...conversation.variables ].sort(
		( a, b ) => a.order - b.order
	);
	if ( typeof q.variable_name === 'string' ) {
		const needle = q.variable_name.toLowerCase();
		vars = vars.filter( ( v ) => v.name.toLowerCase().includes( needle ) );
	}
	if ( typeof q.last_id === 'string' && q.last_id ) {
		const last = conversation.variables.find( ( v ) => v.id === q.last_id );
		if ( ! last ) {
			throw invalidParam( '' );
		}
		vars = vars.filter( ( v ) => v.order > last.order );
	}
	sendJson( ctx, 200, {
		limit,
		has_more: vars.length > limit,
		data: vars.slice( 0, limit ).map( variableJson ),
	} );
}

function matchesType( valueType: string, value: unknown ): boolean {
	const isNum = ( v: unknown ): boolean => typeof v === 'number';
	switch ( valueType ) {
		case 'string':
		case 'secret':
			return typeof value === 'string';
		case 'number':
			return isNum( value );
		case 'boolean':
			return typeof value === 'boolean';
		case 'object':
			return isPlainObject( value );
		case 'array[string]':
			return (
				Array.isArray( value ) &&
				value.every( ( v ) => typeof v === 'string' )
			);
		case 'array[number]':
			return Array.isArray( value ) && value.every( isNum );
		case 'array[boolean]':
			return (
				Array.isArray( value ) &&
				value.every( ( v ) => typeof v === 'boolean' )
			);
		case 'array[object]':
			return Array.isArray( value ) && value.every( isPlainObject );
		default:
			return valueType.startsWith( 'array' )
				? Array.isArray( value )
				: true;
	}
}

export function variableUpdate( ctx: Ctx ): void {
	const { app, endUser } = need( ctx );
	requireChat( app );
	const p = validateModel(
		'ConversationVariableUpdatePayload',
		ctx.json ?? {},
		[ [ 'value', { kind: 'any', required: true } ] ]
	);
	const conversation = ctx.state.store.ownConversation(
		app,
		endUser,
		ctx.params.conversation_id ?? ''
	);
	if ( ! conversation ) {
		throw notFound( 'Conversation Not Exists.' );
	}
	const variable = conversation.variables.find(
		( v ) => v.id === ( ctx.params.variable_id ?? '' ).toLowerCase()
	);
	if ( ! variable ) {
		throw notFound( 'Conversation Variable Not Exists.' );
	}
	if ( ! matchesType( variable.valueType, p.value ) ) {
		throw new HttpError(
			400,
			'bad_request',
			`Type mismatch: variable '${ variable.name }' expects ${ variable.valueType }, but got ${ pyTypeName( p.value ) } type`
		);
	}
	variable.value = p.value;
	variable.updatedAt = nowSeconds();
	sendJson( ctx, 200, variableJson( variable ) );
}
