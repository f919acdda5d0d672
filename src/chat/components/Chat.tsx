/**
 * One chat: header, conversation log, question box, and a polite live region.
 */
import {
	Suspense,
	lazy,
	useCallback,
	useEffect,
	useMemo,
	useReducer,
	useRef,
	useState,
} from '@wordpress/element';
import { __ } from '@wordpress/i18n';

import {
	ChatError,
	ERROR_ABORTED,
	ERROR_CONVERSATION_NOT_FOUND,
	type AppParameters,
	type ChatClient,
	type ChatFile,
	type Rating,
} from '../api';
import {
	initialValues,
	inputsToSend,
	isFileControl,
	validateInputs,
	type FormControl,
	type InputValue,
	type InputValues,
} from '../inputs';
import {
	loadMedia,
	MediaContext,
	type MediaContextValue,
	type MediaModule,
	type PendingFile,
} from '../media-context';
import { CLOSE_EVENT, OPEN_EVENT, type ChatOptions } from '../options';
import {
	canRetry,
	citationsOf,
	initialState,
	isBusy,
	reducer,
	type ChatAction,
	type ChatState,
} from '../state';
import {
	inputsKey,
	loadConversation,
	loadInputs,
	saveConversation,
	saveInputs,
} from '../storage';
import Composer from './Composer';
import Conversations from './Conversations';
import MessageList from './MessageList';

/** A stable empty list, so memoized children do not re-render for a new one. */
const NONE: string[] = [];
const NO_FORM: FormControl[] = [];

// The input form is its own chunk: only apps with a form download it.
const InputsForm = lazy(
	() => import( /* webpackChunkName: "chat/inputs" */ './InputsForm' )
);

interface ChatProps {
	root: HTMLElement;
	options: ChatOptions;
	client: ChatClient;
	/** localStorage key of this chat's conversation id. */
	storageKey: string;
}

export default function Chat( {
	root,
	options,
	client,
	storageKey,
}: ChatProps ) {
	const [ state, dispatch ] = useReducer(
		reducer,
		storageKey,
		( key: string ): ChatState => initialState( loadConversation( key ) )
	);
	// The callbacks below read the latest state through a ref, so they never change and the
	// memoized composer and messages are not re-rendered by them.
	const latest = useRef( state );
	latest.current = state;
	const inputRef = useRef< HTMLTextAreaElement >( null );
	// The request of each answer on its way, by the answer's local id.
	const controllers = useRef( new Map< string, AbortController >() );
	// The app's opening statement and starters; null until known (or when they cannot be had:
	// they are extras, the chat works without them).
	const [ parameters, setParameters ] = useState< AppParameters | null >(
		null
	);
	// The app's input form: values the visitor entered (sent with every message, as Dify needs
	// required ones on every turn), and the problems found when a message was sent.
	const form = parameters?.form ?? NO_FORM;
	const [ values, setValues ] = useState< InputValues >( {} );
	const [ inputErrors, setInputErrors ] = useState<
		Record< string, string >
	>( {} );
	// Shown before the first message; again when a later message finds a problem in it.
	const [ formNeeded, setFormNeeded ] = useState( false );
	const latestForm = useRef( { form, values } );
	latestForm.current = { form, values };
	const changeInput = useCallback(
		( variable: string, value: InputValue ) => {
			setValues( ( current ) => ( { ...current, [ variable ]: value } ) );
			setInputErrors( ( current ) => {
				if ( ! ( variable in current ) ) {
					return current;
				}
				const rest = { ...current };
				delete rest[ variable ];
				return rest;
			} );
		},
		[]
	);
	const ids = useRef( 0 );
	const nextId = () => `${ root.id || 'dify-chatbot' }-${ ++ids.current }`;

	useEffect( () => {
		saveConversation( storageKey, state.conversationId );
	}, [ storageKey, state.conversationId ] );

	// A conversation kept from an earlier page view: its turns come back into the chat.
	useEffect( () => {
		const conversationId = latest.current.conversationId;
		if ( ! conversationId ) {
			return;
		}
		let live = true;
		client.history( conversationId ).then(
			( turns ) => {
				if ( live && turns.length > 0 ) {
					dispatch( { type: 'restore', conversationId, turns } );
				}
			},
			( error ) => {
				// Gone (deleted, or the app changed): forget it, unless the visitor already chats.
				if (
					live &&
					error instanceof ChatError &&
					error.code === ERROR_CONVERSATION_NOT_FOUND &&
					latest.current.messages.length === 0
				) {
					dispatch( { type: 'reset' } );
				}
			}
		);
		return () => {
			live = false;
		};
	}, [ client ] );

	useEffect( () => {
		let live = true;
		client.parameters( options.post ).then(
			( value ) => {
				if ( live ) {
					setParameters( value );
					setValues(
						initialValues(
							value.form,
							loadInputs( inputsKey( storageKey ) )
						)
					);
				}
			},
			() => undefined
		);
		return () => {
			live = false;
		};
	}, [ client, options.post, storageKey ] );

	// After a refused send, the keyboard goes to the first field with a problem.
	useEffect( () => {
		if ( Object.keys( inputErrors ).length > 0 ) {
			root.querySelector< HTMLElement >(
				'.dify-chatbot__inputs [aria-invalid="true"]'
			)?.focus();
		}
	}, [ inputErrors, root ] );

	// Uploads and voice live in their own chunk, loaded only for an app that has one of them on.
	const [ media, setMedia ] = useState< MediaModule | null >( null );
	useEffect( () => {
		if (
			! parameters?.fileUpload &&
			! parameters?.speechToText &&
			! parameters?.textToSpeech &&
			! parameters?.form.some( isFileControl )
		) {
			return;
		}
		let live = true;
		loadMedia().then(
			( module ) => live && setMedia( module ),
			() => undefined
		);
		return () => {
			live = false;
		};
	}, [ parameters ] );
	const mediaValue = useMemo< MediaContextValue | null >(
		() =>
			media && parameters && client.config
				? { module: media, config: client.config, parameters }
				: null,
		[ media, parameters, client ]
	);
	const mediaRef = useRef( mediaValue );
	mediaRef.current = mediaValue;

	// Follow-up questions for the last answer, when the app offers them (fetched once it is done).
	const [ followUps, setFollowUps ] = useState< {
		answerId: string;
		questions: string[];
	} | null >( null );
	const lastMessage = state.messages[ state.messages.length - 1 ];
	const finishedId =
		lastMessage?.role === 'assistant' &&
		lastMessage.status === 'done' &&
		! lastMessage.restored &&
		lastMessage.messageId
			? lastMessage.messageId
			: null;
	const finishedAnswer = finishedId ? ( lastMessage?.id ?? null ) : null;
	useEffect( () => {
		if ( ! finishedId || ! finishedAnswer ) {
			return;
		}
		if ( ! parameters?.suggestedAfterAnswer ) {
			return;
		}
		let live = true;
		client.suggested( finishedId ).then(
			( questions ) =>
				live && setFollowUps( { answerId: finishedAnswer, questions } ),
			() => undefined
		);
		return () => {
			live = false;
		};
	}, [ client, finishedId, finishedAnswer, parameters ] );

	const feedback = useCallback(
		( messageId: string, rating: Rating ) =>
			client.feedback( messageId, rating ),
		[ client ]
	);

	// Leaving (unmount) closes any answer still on its way.
	useEffect( () => {
		const running = controllers.current;
		return () => running.forEach( ( controller ) => controller.abort() );
	}, [] );

	// A bubble panel puts the visitor in the question box whenever it opens.
	useEffect( () => {
		const focus = () => inputRef.current?.focus();
		if ( root.classList.contains( 'is-open' ) ) {
			focus();
		}
		root.addEventListener( OPEN_EVENT, focus );
		return () => root.removeEventListener( OPEN_EVENT, focus );
	}, [ root ] );

	const ask = useCallback(
		async ( query: string, answerId: string, files?: ChatFile[] ) => {
			const controller = new AbortController();
			const audio: string[] = [];
			controllers.current.set( answerId, controller );
			const act = ( action: ChatAction ) => {
				if ( ! controller.signal.aborted ) {
					dispatch( action );
				}
			};
			try {
				const answer = client.chat(
					{
						query,
						conversationId: latest.current.conversationId,
						bot: options.bot,
						postId: options.post,
						inputs: inputsToSend(
							latestForm.current.form,
							latestForm.current.values
						),
						files,
					},
					controller.signal
				);
				for await ( const update of answer ) {
					if (
						update.type === 'append' ||
						update.type === 'replace'
					) {
						act( {
							type: update.type,
							answerId,
							text: update.text,
						} );
					} else if ( update.type === 'end' ) {
						act( {
							type: 'end',
							answerId,
							conversationId: update.conversationId,
							messageId: update.messageId,
							citations: citationsOf(
								update.metadata.retrieverResources
							),
						} );
					} else if ( update.type === 'audio' ) {
						audio.push( update.audio );
					} else {
						act( { ...update, answerId } );
					}
				}
				const played = mediaRef.current;
				if ( audio.length && played?.parameters.autoPlay ) {
					played.module.playChunks( audio );
				}
			} catch ( error ) {
				if (
					error instanceof ChatError &&
					error.code === ERROR_ABORTED
				) {
					act( { type: 'stop', answerId } );
				} else {
					act( {
						type: 'fail',
						answerId,
						error:
							error instanceof ChatError && error.message
								? error.message
								: __(
										'Something went wrong. Please try again.',
										'dify-chatbot'
									),
						retryAfter:
							error instanceof ChatError
								? error.retryAfter
								: null,
						forgetConversation:
							error instanceof ChatError &&
							error.code === ERROR_CONVERSATION_NOT_FOUND,
					} );
				}
			} finally {
				controllers.current.delete( answerId );
			}
		},
		[ client, options.bot, options.post ]
	);

	const send = useCallback(
		( query: string, attached: PendingFile[] = [] ): boolean => {
			if ( isBusy( latest.current ) ) {
				return false;
			}
			const { form: controls, values: entered } = latestForm.current;
			if ( controls.length > 0 ) {
				const problems = validateInputs( controls, entered );
				setInputErrors( problems );
				if ( Object.keys( problems ).length > 0 ) {
					setFormNeeded( true );
					return false;
				}
				setFormNeeded( false );
				saveInputs( inputsKey( storageKey ), entered );
			}
			const answerId = nextId();
			const ready = attached.filter( ( f ) => f.id );
			const files = ready.length
				? ready.map( ( f ): ChatFile => ( {
						type: f.type,
						transfer_method: 'local_file',
						upload_file_id: f.id as string,
					} ) )
				: undefined;
			const action: ChatAction = {
				type: 'send',
				query,
				userId: nextId(),
				answerId,
				attachments:
					files &&
					ready.map( ( { name, url } ) => ( { name, url } ) ),
				files,
			};
			dispatch( action );
			// Marks the state busy at once, so a second Enter before React renders cannot
			// send the question twice.
			latest.current = reducer( latest.current, action );
			ask( query, answerId, files );
			return true;
		},
		// eslint-disable-next-line react-hooks/exhaustive-deps -- nextId only reads refs.
		[ ask, storageKey ]
	);

	const retry = useCallback(
		( answerId: string ) => {
			const failed = latest.current.messages.find(
				( message ) => message.id === answerId
			);
			if ( ! failed || ! canRetry( latest.current, answerId ) ) {
				return;
			}
			const newAnswerId = nextId();
			const action: ChatAction = { type: 'retry', answerId, newAnswerId };
			dispatch( action );
			latest.current = reducer( latest.current, action );
			ask( failed.query, newAnswerId, failed.sent );
			// The Retry button is gone; keep the keyboard in the chat.
			inputRef.current?.focus();
		},
		// eslint-disable-next-line react-hooks/exhaustive-deps -- nextId only reads refs.
		[ ask ]
	);

	/**
	 * Stops the answer on its way. What was written so far stays, marked as stopped. Dify is
	 * told first (by the stream's task id, as the same visitor), so it stops generating; the
	 * request is closed once it has been told, or at once when no task id came yet.
	 */
	const stop = useCallback( () => {
		const current = latest.current;
		const last = current.messages[ current.messages.length - 1 ];
		if ( ! last || ! isBusy( current ) ) {
			return;
		}
		const controller = controllers.current.get( last.id );
		const action: ChatAction = { type: 'stop', answerId: last.id };
		dispatch( action );
		latest.current = reducer( latest.current, action );
		const close = () => controller?.abort();
		if ( last.taskId ) {
			client.stop( last.taskId ).then( close, close );
		} else {
			close();
		}
		inputRef.current?.focus();
	}, [ client ] );

	const suggest = useCallback(
		( question: string ) => {
			send( question );
			inputRef.current?.focus();
		},
		[ send ]
	);

	// The visitor's conversations, shown on request above the log.
	const [ showList, setShowList ] = useState( false );
	const openConversation = useCallback(
		( conversationId: string ) => {
			setShowList( false );
			if (
				isBusy( latest.current ) ||
				conversationId === latest.current.conversationId
			) {
				return;
			}
			const action: ChatAction = { type: 'reset' };
			dispatch( action );
			latest.current = reducer( latest.current, action );
			client.history( conversationId ).then(
				( turns ) =>
					dispatch( { type: 'restore', conversationId, turns } ),
				() => undefined
			);
		},
		[ client ]
	);
	const deleted = useCallback( ( conversationId: string ) => {
		if (
			conversationId === latest.current.conversationId &&
			! isBusy( latest.current )
		) {
			dispatch( { type: 'reset' } );
		}
	}, [] );

	const busy = isBusy( state );
	const last = state.messages[ state.messages.length - 1 ];
	const retryId = last && canRetry( state, last.id ) ? last.id : null;
	const title = options.title || __( 'Chat', 'dify-chatbot' );
	const label = options.placeholder || __( 'Message', 'dify-chatbot' );
	const canReset =
		! busy &&
		( state.messages.length > 0 || state.conversationId !== null );

	return (
		<MediaContext.Provider value={ mediaValue }>
			<div className="dify-chatbot__app">
				<div className="dify-chatbot__header">
					<span className="dify-chatbot__title">{ title }</span>
					{ canReset && (
						<button
							type="button"
							className="dify-chatbot__button is-small"
							onClick={ () => {
								dispatch( { type: 'reset' } );
								inputRef.current?.focus();
							} }
						>
							{ __( 'New chat', 'dify-chatbot' ) }
						</button>
					) }
					<button
						type="button"
						className="dify-chatbot__button is-small"
						aria-expanded={ showList }
						onClick={ () => setShowList( ( open ) => ! open ) }
					>
						{ __( 'Conversations', 'dify-chatbot' ) }
					</button>
					{ options.layout === 'bubble' && (
						<button
							type="button"
							className="dify-chatbot__close"
							aria-label={ __( 'Close chat', 'dify-chatbot' ) }
							onClick={ () =>
								root.dispatchEvent(
									new CustomEvent( CLOSE_EVENT )
								)
							}
						>
							<svg
								viewBox="0 0 24 24"
								aria-hidden="true"
								focusable="false"
							>
								<path d="M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z" />
							</svg>
						</button>
					) }
				</div>
				{ showList && (
					<Conversations
						client={ client }
						current={ state.conversationId }
						onOpen={ openConversation }
						onDeleted={ deleted }
					/>
				) }
				{ form.length > 0 &&
					( state.messages.length === 0 || formNeeded ) && (
						<Suspense fallback={ null }>
							<InputsForm
								idPrefix={ root.id || 'dify-chatbot' }
								controls={ form }
								values={ values }
								errors={ inputErrors }
								onChange={ changeInput }
							/>
						</Suspense>
					) }
				<MessageList
					messages={ state.messages }
					retryId={ retryId }
					onRetry={ retry }
					opening={ parameters?.openingStatement ?? '' }
					starters={ parameters?.suggestedQuestions ?? NONE }
					onSuggest={ suggest }
					followUps={
						followUps &&
						lastMessage &&
						followUps.answerId === lastMessage.id &&
						! isBusy( state )
							? followUps.questions
							: NONE
					}
					onFeedback={ feedback }
				/>
				<Composer
					label={ label }
					busy={ busy }
					onSend={ send }
					onStop={ stop }
					inputRef={ inputRef }
				/>
				<div
					className="dify-chatbot__sr-only"
					aria-live="polite"
					aria-atomic="true"
				>
					{ state.announcement && (
						// A new element per announcement: the same words twice are still spoken.
						<p key={ state.announcement.id }>
							{ state.announcement.text }
						</p>
					) }
				</div>
			</div>
		</MediaContext.Provider>
	);
}
