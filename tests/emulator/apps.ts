/**
 * The emulated apps: one per API key. Shapes of /parameters, /info, /site and
 * /meta follow Dify's service API (1.16 keys, including `input_placeholder`).
 */

/** `agent` is Dify 1.16's streaming-only "New Agent"; `agent-chat` the classic agent. */
export type AppMode =
	| 'chat'
	| 'agent-chat'
	| 'advanced-chat'
	| 'completion'
	| 'workflow'
	| 'agent';

export type ControlType =
	| 'text-input'
	| 'paragraph'
	| 'select'
	| 'number'
	| 'checkbox'
	| 'file'
	| 'file-list'
	| 'json_object';

export interface InputControl {
	type: ControlType;
	variable: string;
	label: string;
	required: boolean;
	maxLength?: number;
	options?: string[];
	default?: unknown;
	allowedFileTypes?: string[];
	allowedFileExtensions?: string[];
	allowedFileUploadMethods?: string[];
	/** Workflow/chatflow start-node variables are returned verbatim (with `type` and UI keys). */
	startNode?: boolean;
}

export interface FileUploadConfig {
	enabled: boolean;
	allowedFileTypes: string[];
	allowedFileExtensions: string[];
	allowedFileUploadMethods: string[];
	numberLimits: number;
}

export interface ConversationVariableDef {
	name: string;
	valueType: string;
	value: unknown;
	description: string;
}

/** What GET /site shows: the app's web-app branding. */
export interface AppSite {
	title: string;
	chatColorTheme: string | null;
	chatColorThemeInverted: boolean;
	/** An emoji with its background, or an uploaded image (served by the emulator). */
	icon:
		| { type: 'emoji'; icon: string; background: string }
		| { type: 'image'; uploadId: string };
	description: string | null;
	copyright: string | null;
	privacyPolicy: string | null;
	/** At most 64 characters; only chat-style apps can set it. */
	inputPlaceholder: string | null;
	customDisclaimer: string | null;
	defaultLanguage: string;
	showWorkflowSteps: boolean;
	useIconAsAnswerIcon: boolean;
}

/** Which Human Input form a run reaches without a directive (the approval app). */
export type HumanInputDefault = 'full' | null;

export interface AppDef {
	key: string;
	id: string;
	mode: AppMode;
	name: string;
	description: string;
	tags: string[];
	authorName: string;
	apiEnabled: boolean;
	openingStatement: string | null;
	suggestedQuestions: string[];
	suggestedAfterAnswer: boolean;
	speechToText: boolean;
	tts: {
		enabled: boolean;
		voice: string;
		language: string;
		autoPlay: 'enabled' | 'disabled';
	};
	retrieverResource: boolean;
	moreLikeThis: boolean;
	moderation: { keywords: string[]; presetResponse: string } | null;
	fileUpload: FileUploadConfig | null;
	form: InputControl[];
	workflowId: string | null;
	draftWorkflowId: string | null;
	conversationVariables: ConversationVariableDef[];
	toolIcons: Record< string, unknown >;
	site: AppSite;
	/** A New Agent that was never published answers 400 `agent_not_published`. */
	published: boolean;
	/** Every run pauses at a Human Input node (without `#human`). */
	humanInput: HumanInputDefault;
}

export const TENANT_ID = 'e0000000-0000-4000-8000-0000000000ff';

const FULL_FILE_UPLOAD: FileUploadConfig = {
	enabled: true,
	allowedFileTypes: [ 'image', 'document' ],
	allowedFileExtensions: [],
	allowedFileUploadMethods: [ 'local_file', 'remote_url' ],
	numberLimits: 3,
};

const FULL_FORM: InputControl[] = [
	{
		type: 'text-input',
		variable: 'name',
		label: 'Your name',
		required: false,
		maxLength: 48,
		default: '',
	},
	{
		type: 'paragraph',
		variable: 'bio',
		label: 'About you',
		required: false,
		maxLength: 1000,
		default: '',
	},
	{
		type: 'select',
		variable: 'tone',
		label: 'Tone',
		required: false,
		options: [ 'friendly', 'formal', 'pirate' ],
		default: 'friendly',
	},
	{
		type: 'number',
		variable: 'count',
		label: 'How many examples',
		required: false,
		default: '',
	},
	{
		type: 'checkbox',
		variable: 'verbose',
		label: 'Verbose answers',
		required: false,
		default: false,
	},
	{
		type: 'file',
		variable: 'attachment',
		label: 'Attachment',
		required: false,
		allowedFileTypes: [ 'image', 'document' ],
		allowedFileExtensions: [],
		allowedFileUploadMethods: [ 'local_file', 'remote_url' ],
	},
];

const OFF_TTS = {
	enabled: false,
	voice: '',
	language: '',
	autoPlay: 'disabled' as const,
};

const BLANK_SITE: Omit< AppSite, 'title' > = {
	chatColorTheme: null,
	chatColorThemeInverted: false,
	icon: { type: 'emoji', icon: '🤖', background: '#FFEAD5' },
	description: null,
	copyright: null,
	privacyPolicy: null,
	inputPlaceholder: null,
	customDisclaimer: null,
	defaultLanguage: 'en-US',
	showWorkflowSteps: false,
	useIconAsAnswerIcon: false,
};

/** Upload id of the image icon of the chatflow app (served at /files/<id>/file-preview). */
export const CHATFLOW_ICON_UPLOAD_ID = 'e0000000-0000-4000-8000-0000000001c0';

function baseApp(
	partial: Partial< Omit< AppDef, 'site' > > &
		Pick< AppDef, 'key' | 'id' | 'mode' | 'name' > & {
			site?: Partial< AppSite >;
		}
): AppDef {
	const { site, ...rest } = partial;
	return {
		description: '',
		tags: [ 'emulator' ],
		authorName: 'Emulator Owner',
		apiEnabled: true,
		openingStatement: null,
		suggestedQuestions: [],
		suggestedAfterAnswer: false,
		speechToText: false,
		tts: OFF_TTS,
		retrieverResource: false,
		moreLikeThis: false,
		moderation: null,
		fileUpload: null,
		form: [],
		workflowId: null,
		draftWorkflowId: null,
		conversationVariables: [],
		toolIcons: {},
		published: true,
		humanInput: null,
		...rest,
		site: {
			...BLANK_SITE,
			title: partial.name,
			description: partial.description ?? null,
			...site,
		},
	};
}

export const APPS: AppDef[] = [
	baseApp( {
		key: 'app-emulator',
		id: 'e0000000-0000-4000-8000-000000000001',
		mode: 'chat',
		name: 'Emulator Chat',
		description:
			'A basic chat assistant with every optional feature switched on.',
		openingStatement:
			'Hello! I am the Dify emulator. Ask me anything and I will answer in markdown.',
		suggestedQuestions: [
			'What can you do?',
			'Show me a table',
			'Write some code',
		],
		suggestedAfterAnswer: true,
		speechToText: true,
		tts: {
			enabled: true,
			voice: 'alloy',
			language: 'en-US',
			autoPlay: 'disabled',
		},
		retrieverResource: true,
		moderation: {
			keywords: [ 'emulator-blocked-word' ],
			presetResponse:
				'Sorry, I cannot talk about that. (emulated input moderation)',
		},
		fileUpload: FULL_FILE_UPLOAD,
		form: FULL_FORM,
		site: {
			chatColorTheme: '#1C64F2',
			icon: { type: 'emoji', icon: '🤖', background: '#FFEAD5' },
			copyright: '© 2026 Dify Emulator',
			privacyPolicy: 'https://example.com/privacy',
			inputPlaceholder: 'Ask the emulator anything…',
			customDisclaimer:
				'Answers are canned by the Dify emulator. <b>Markup</b> here is text, not HTML.',
		},
	} ),
	baseApp( {
		key: 'app-emulator-agent',
		id: 'e0000000-0000-4000-8000-000000000002',
		mode: 'agent-chat',
		name: 'Emulator Agent',
		description: 'An agent that calls tools (streaming only).',
		openingStatement: 'I am an agent. I use tools such as web_search.',
		suggestedQuestions: [ 'Search the web for Dify' ],
		suggestedAfterAnswer: true,
		retrieverResource: true,
		toolIcons: {
			web_search: { background: '#E4FBCC', content: '🔎' },
			image_generator:
				'https://assets.example.com/icons/image_generator.svg',
			current_time: { background: '#D1E9FF', content: '🕒' },
		},
		site: {
			chatColorTheme: '#7839EE',
			chatColorThemeInverted: true,
			icon: { type: 'emoji', icon: '🕵️', background: '#E0F2FE' },
			copyright: 'Emulator Agents Ltd.',
			privacyPolicy: 'https://example.com/agent-privacy',
			inputPlaceholder: 'What should I look up?',
			useIconAsAnswerIcon: true,
		},
	} ),
	baseApp( {
		key: 'app-emulator-chatflow',
		id: 'e0000000-0000-4000-8000-000000000003',
		mode: 'advanced-chat',
		name: 'Emulator Chatflow',
		description: 'A chatflow: start → LLM → variable assigner → answer.',
		openingStatement: 'Welcome to the chatflow emulator.',
		suggestedQuestions: [ 'How does a chatflow work?' ],
		suggestedAfterAnswer: true,
		speechToText: true,
		tts: {
			enabled: true,
			voice: 'alloy',
			language: 'en-US',
			autoPlay: 'disabled',
		},
		fileUpload: FULL_FILE_UPLOAD,
		form: [
			{
				type: 'text-input',
				variable: 'topic',
				label: 'Topic',
				required: false,
				maxLength: 256,
				default: '',
				startNode: true,
			},
		],
		workflowId: 'e0000000-0000-4000-8000-00000000f003',
		draftWorkflowId: 'e0000000-0000-4000-8000-00000000d003',
		site: {
			chatColorTheme: '#0E9384',
			icon: { type: 'image', uploadId: CHATFLOW_ICON_UPLOAD_ID },
			copyright: '© 2026 Chatflow Emulator',
			privacyPolicy: 'https://example.com/chatflow-privacy',
			inputPlaceholder: 'Ask the chatflow…',
			customDisclaimer: 'Steps are shown as the workflow runs.',
			showWorkflowSteps: true,
		},
		conversationVariables: [
			{
				name: 'turn_count',
				valueType: 'number',
				value: 0,
				description: 'Number of finished turns',
			},
			{
				name: 'notes',
				valueType: 'string',
				value: '',
				description: 'Free-form notes kept per conversation',
			},
		],
	} ),
	baseApp( {
		key: 'app-emulator-completion',
		id: 'e0000000-0000-4000-8000-000000000004',
		mode: 'completion',
		name: 'Emulator Completion',
		description:
			'A one-shot text generator. Put the prompt in inputs.query.',
		moreLikeThis: true,
		retrieverResource: true,
		site: {
			chatColorTheme: '#F79009',
			icon: { type: 'emoji', icon: '✍️', background: '#FEF0C7' },
			copyright: '© 2026 Completion Emulator',
		},
		form: [
			{
				type: 'paragraph',
				variable: 'query',
				label: 'Query',
				required: false,
				maxLength: 4000,
				default: '',
			},
		],
	} ),
	baseApp( {
		key: 'app-emulator-workflow',
		id: 'e0000000-0000-4000-8000-000000000005',
		mode: 'workflow',
		name: 'Emulator Workflow',
		description:
			'A workflow: start → LLM → end. Put the prompt in inputs.query.',
		fileUpload: FULL_FILE_UPLOAD,
		form: [
			{
				type: 'paragraph',
				variable: 'query',
				label: 'Query',
				required: false,
				maxLength: 4000,
				default: '',
				startNode: true,
			},
		],
		workflowId: 'e0000000-0000-4000-8000-00000000f005',
		draftWorkflowId: 'e0000000-0000-4000-8000-00000000d005',
		site: {
			chatColorTheme: '#DD2590',
			icon: { type: 'emoji', icon: '⚙️', background: '#FCE7F6' },
			copyright: '© 2026 Workflow Emulator',
			privacyPolicy: 'https://example.com/workflow-privacy',
			showWorkflowSteps: true,
		},
	} ),
	baseApp( {
		key: 'app-emulator-plain',
		id: 'e0000000-0000-4000-8000-000000000006',
		mode: 'chat',
		name: 'Emulator Plain Chat',
		description: 'A chat app with every optional feature switched off.',
	} ),
	baseApp( {
		key: 'app-emulator-form',
		id: 'e0000000-0000-4000-8000-000000000008',
		mode: 'chat',
		name: 'Emulator Form Chat',
		description:
			'A chat app whose input form has required fields (text, select) and optional ones.',
		openingStatement: 'Tell me who you are, then ask away.',
		site: {
			chatColorTheme: '#155EEF',
			icon: { type: 'emoji', icon: '📝', background: '#D1E0FF' },
			inputPlaceholder: 'Your question (after the form)',
			defaultLanguage: 'fr-FR',
		},
		form: [
			{
				type: 'text-input',
				variable: 'name',
				label: 'Your name',
				required: true,
				maxLength: 20,
				default: '',
			},
			{
				type: 'select',
				variable: 'topic',
				label: 'Topic',
				required: true,
				options: [ 'billing', 'support', 'sales' ],
			},
			{
				type: 'number',
				variable: 'age',
				label: 'Age',
				required: false,
			},
			{
				type: 'checkbox',
				variable: 'subscribe',
				label: 'Send me news',
				required: false,
				default: false,
			},
			{
				type: 'paragraph',
				variable: 'notes',
				label: 'Notes',
				required: false,
				maxLength: 200,
				default: '',
			},
			{
				type: 'text-input',
				variable: 'page_title',
				label: 'Page title',
				required: false,
				maxLength: 200,
				default: '',
			},
			{
				type: 'file',
				variable: 'document',
				label: 'A document',
				required: false,
				allowedFileTypes: [ 'document' ],
				allowedFileExtensions: [],
				allowedFileUploadMethods: [ 'local_file' ],
			},
		],
	} ),
	baseApp( {
		key: 'app-emulator-new-agent',
		id: 'e0000000-0000-4000-8000-000000000009',
		mode: 'agent',
		name: 'Emulator New Agent',
		description:
			'A New Agent (Dify 1.16): works in a sandbox, streaming only.',
		openingStatement: 'I am a New Agent. I run commands in my sandbox.',
		fileUpload: FULL_FILE_UPLOAD,
		speechToText: true,
		site: {
			chatColorTheme: '#444CE7',
			icon: { type: 'emoji', icon: '🧭', background: '#E0EAFF' },
			copyright: '© 2026 New Agent Emulator',
			privacyPolicy: 'https://example.com/new-agent-privacy',
			inputPlaceholder: 'Give the agent a task…',
			customDisclaimer:
				'The agent runs commands in a sandbox; check what it did.',
			useIconAsAnswerIcon: true,
		},
	} ),
	baseApp( {
		key: 'app-emulator-new-agent-unpublished',
		id: 'e0000000-0000-4000-8000-00000000000a',
		mode: 'agent',
		name: 'Emulator Unpublished Agent',
		description: 'A New Agent that was never published.',
		published: false,
	} ),
	baseApp( {
		key: 'app-emulator-approval',
		id: 'e0000000-0000-4000-8000-00000000000b',
		mode: 'advanced-chat',
		name: 'Emulator Approval Chatflow',
		description:
			'A chatflow: start → LLM (draft) → Human Input (approval) → LLM → answer. Every run waits for the form.',
		openingStatement: 'Ask me something; a reviewer approves my answer.',
		fileUpload: FULL_FILE_UPLOAD,
		humanInput: 'full',
		workflowId: 'e0000000-0000-4000-8000-00000000f00b',
		draftWorkflowId: 'e0000000-0000-4000-8000-00000000d00b',
		site: {
			chatColorTheme: '#039855',
			icon: { type: 'emoji', icon: '✅', background: '#D1FADF' },
			copyright: '© 2026 Approval Emulator',
			inputPlaceholder: 'Ask for something that needs approval…',
			showWorkflowSteps: true,
		},
	} ),
	baseApp( {
		key: 'app-emulator-disabled',
		id: 'e0000000-0000-4000-8000-000000000007',
		mode: 'chat',
		name: 'Emulator Disabled',
		apiEnabled: false,
	} ),
];

const BY_KEY = new Map( APPS.map( ( a ) => [ a.key, a ] ) );

export function appByKey( key: string ): AppDef | undefined {
	return BY_KEY.get( key );
}

export function isChatLike( app: AppDef ): boolean {
	return (
		app.mode === 'chat' ||
		app.mode === 'agent-chat' ||
		app.mode === 'advanced-chat' ||
		app.mode === 'agent'
	);
}

/**
 * Apps whose runs are workflow runs (node events, resume, Human Input).
 * @param app
 */
export function isWorkflowBased( app: AppDef ): boolean {
	return app.mode === 'advanced-chat' || app.mode === 'workflow';
}

function controlJson( c: InputControl ): Record< string, unknown > {
	if ( c.startNode ) {
		// Start-node variable verbatim (§12.1).
		return {
			[ c.type ]: {
				variable: c.variable,
				label: c.label,
				type: c.type,
				max_length: c.maxLength ?? null,
				required: c.required,
				options: c.options ?? [],
				placeholder: '',
				hint: '',
				default: c.default ?? '',
			},
		};
	}
	const inner: Record< string, unknown > = {
		variable: c.variable,
		label: c.label,
		required: c.required,
	};
	if ( c.maxLength !== undefined ) {
		inner.max_length = c.maxLength;
	}
	if ( c.options ) {
		inner.options = c.options;
	}
	if ( c.default !== undefined ) {
		inner.default = c.default;
	}
	if ( c.type === 'file' || c.type === 'file-list' ) {
		inner.allowed_file_types = c.allowedFileTypes ?? [];
		inner.allowed_file_extensions = c.allowedFileExtensions ?? [];
		inner.allowed_file_upload_methods = c.allowedFileUploadMethods ?? [];
	}
	inner.hide = false;
	return { [ c.type ]: inner };
}

function fileUploadJson( app: AppDef ): Record< string, unknown > {
	const f = app.fileUpload;
	if ( ! f ) {
		return {
			image: {
				enabled: false,
				number_limits: 3,
				detail: 'high',
				transfer_methods: [ 'remote_url', 'local_file' ],
			},
		};
	}
	return {
		image: {
			enabled: f.enabled && f.allowedFileTypes.includes( 'image' ),
			number_limits: f.numberLimits,
			detail: 'high',
			transfer_methods: f.allowedFileUploadMethods,
		},
		enabled: f.enabled,
		allowed_file_types: f.allowedFileTypes,
		allowed_file_extensions: f.allowedFileExtensions,
		allowed_file_upload_methods: f.allowedFileUploadMethods,
		number_limits: f.numberLimits,
	};
}

export function parametersJson( app: AppDef ): Record< string, unknown > {
	const chatLike = app.mode !== 'workflow';
	return {
		opening_statement: app.openingStatement,
		suggested_questions: app.suggestedQuestions,
		suggested_questions_after_answer: { enabled: app.suggestedAfterAnswer },
		speech_to_text: { enabled: app.speechToText },
		text_to_speech: app.tts.enabled
			? {
					enabled: true,
					voice: app.tts.voice,
					language: app.tts.language,
					autoPlay: app.tts.autoPlay,
				}
			: { enabled: false },
		retriever_resource: {
			enabled:
				chatLike && app.mode !== 'advanced-chat'
					? app.retrieverResource
					: false,
		},
		annotation_reply: { enabled: false },
		more_like_this: { enabled: app.moreLikeThis },
		user_input_form: app.form.map( controlJson ),
		sensitive_word_avoidance: app.moderation
			? {
					enabled: true,
					type: 'keywords',
					configs: [
						{
							key: 'keywords',
							value:
								app.moderation.keywords.join( '\n' ) +
								'\nEMULATOR-MODERATION-SECRET',
						},
						{
							key: 'api_based_extension_id',
							value: 'emulator-secret-extension-id-0001',
						},
						{
							key: 'inputs_config',
							value: {
								enabled: true,
								preset_response: app.moderation.presetResponse,
							},
						},
						{
							key: 'outputs_config',
							value: { enabled: false, preset_response: '' },
						},
					],
				}
			: { enabled: false, type: '', configs: [] },
		file_upload: fileUploadJson( app ),
		system_parameters: {
			image_file_size_limit: 10,
			video_file_size_limit: 100,
			audio_file_size_limit: 50,
			file_size_limit: 15,
			workflow_file_upload_limit: 10,
		},
	};
}

export function infoJson( app: AppDef ): Record< string, unknown > {
	return {
		name: app.name,
		description: app.description,
		tags: app.tags,
		mode: app.mode,
		author_name: app.authorName,
	};
}

/**
 * GET /site in the documented key order.
 * @param app
 * @param iconUrl Signed link of an image icon (null for emoji icons).
 */
export function siteJson(
	app: AppDef,
	iconUrl: string | null
): Record< string, unknown > {
	const s = app.site;
	const image = s.icon.type === 'image';
	return {
		title: s.title,
		chat_color_theme: s.chatColorTheme,
		chat_color_theme_inverted: s.chatColorThemeInverted,
		icon_type: s.icon.type,
		icon: s.icon.type === 'image' ? s.icon.uploadId : s.icon.icon,
		icon_background: s.icon.type === 'emoji' ? s.icon.background : null,
		icon_url: image ? iconUrl : null,
		description: s.description,
		copyright: s.copyright,
		privacy_policy: s.privacyPolicy,
		input_placeholder: s.inputPlaceholder,
		custom_disclaimer: s.customDisclaimer,
		default_language: s.defaultLanguage,
		show_workflow_steps: s.showWorkflowSteps,
		use_icon_as_answer_icon: s.useIconAsAnswerIcon,
	};
}

export function metaJson( app: AppDef ): Record< string, unknown > {
	// A New Agent has no Dify tools of its own to show icons for.
	return { tool_icons: app.mode === 'agent' ? {} : app.toolIcons };
}
