/**
 * One chat: header, conversation log, question box, and a polite live region. What it knows
 * lives in hooks (../hooks): the conversation, the app's parameters and form, the media chunk,
 * follow-up questions, and the answers on their way.
 */
import {
	Suspense,
	lazy,
	useCallback,
	useEffect,
	useMemo,
	useRef,
	useState,
} from '@wordpress/element';
import { __ } from '@wordpress/i18n';

import { isFileField } from '../api/forms';
import type { ChatClient, ChatFile, FormAnswer, Rating } from '../api/types';
import { applyAccent } from '../branding';
import { useAnswerStream } from '../hooks/useAnswerStream';
import { useAppParameters } from '../hooks/useAppParameters';
import { useConversation } from '../hooks/useConversation';
import { useFollowUps } from '../hooks/useFollowUps';
import { useInputForm } from '../hooks/useInputForm';
import { useMedia } from '../hooks/useMedia';
import type { FormControl } from '../inputs';
import { MediaContext } from '../media-context';
import type { PendingFile } from '../media/types';
import { CLOSE_EVENT, OPEN_EVENT, type ChatOptions } from '../options';
import { canRetry, isBusy } from '../state/messages';
import ChatHeader from './ChatHeader';
import Composer from './Composer';
import MessageList from './MessageList';

/** Stable empty lists, so memoized children do not re-render for a new one. */
const NONE: string[] = [];
const NO_FORM: FormControl[] = [];

// Parts not every chat shows are chunks of their own, each with its styles: the input form
// (only apps with a form) and the visitor's conversations (only once asked for).
const InputsForm = lazy(
	() => import( /* webpackChunkName: "chat/inputs" */ './InputsForm' )
);
const Conversations = lazy(
	() =>
		import( /* webpackChunkName: "chat/conversations" */ './Conversations' )
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
	const { state, latest, dispatch, apply, show, forget, forgetAll } =
		useConversation( client, storageKey );
	const parameters = useAppParameters( client, options.post );
	const form = parameters?.form ?? NO_FORM;
	const site = parameters?.site;
	// The app's colour is the accent when the block or shortcode set none.
	useEffect( () => applyAccent( root, site?.color ?? '' ), [ root, site ] );
	const inputs = useInputForm( form, storageKey, root );
	const { check, toSend } = inputs;
	// The input form's file fields still uploading: a question sent now would leave their files
	// out, so sending waits (Composer says why).
	const [ formUploads, setFormUploads ] = useState( 0 );
	const formUploadsRef = useRef( 0 );
	formUploadsRef.current = formUploads;
	const formUpload = useCallback(
		( busy: boolean ) =>
			setFormUploads( ( count ) =>
				Math.max( 0, count + ( busy ? 1 : -1 ) )
			),
		[]
	);
	const formFiles = useMemo(
		() =>
			state.messages.some(
				( message ) =>
					message.form?.state === 'open' &&
					message.form.form.fields.some( isFileField )
			),
		[ state.messages ]
	);
	const media = useMedia( client, parameters, formFiles );
	const mediaRef = useRef( media );
	mediaRef.current = media;
	const { ask, answerForm, close } = useAnswerStream(
		client,
		dispatch,
		mediaRef
	);
	// The resumed run may end before its stream is followed: the answer then comes from the
	// history, for which the conversation and the answer's Dify message are needed.
	const answerFormOf = useCallback(
		( answerId: string, handle: string, answer: FormAnswer ) => {
			const current = latest.current;
			const messageId = current.messages.find(
				( m ) => m.id === answerId
			)?.messageId;
			return answerForm(
				answerId,
				handle,
				answer,
				current.conversationId && messageId
					? { conversationId: current.conversationId, messageId }
					: null
			);
		},
		[ answerForm, latest ]
	);
	const followUps = useFollowUps(
		client,
		state,
		!! parameters?.suggestedAfterAnswer
	);
	const inputRef = useRef< HTMLTextAreaElement >( null );
	const ids = useRef( 0 );
	const nextId = () => `${ root.id || 'dify-chatbot' }-${ ++ids.current }`;

	// A bubble panel puts the visitor in the question box whenever it opens.
	useEffect( () => {
		const focus = () => inputRef.current?.focus();
		if ( root.classList.contains( 'is-open' ) ) {
			focus();
		}
		root.addEventListener( OPEN_EVENT, focus );
		return () => root.removeEventListener( OPEN_EVENT, focus );
	}, [ root ] );

	/**
	 * Sends a question for the answer `answerId`, with what goes with it now.
	 *
	 * @param query    The question.
	 * @param answerId The answer's local id.
	 * @param files    Files sent with it.
	 */
	const question = useCallback(
		( query: string, answerId: string, files?: ChatFile[] ) =>
			ask(
				{
					query,
					conversationId: latest.current.conversationId,
					postId: options.post,
					inputs: toSend(),
					files,
				},
				answerId
			),
		[ ask, latest, options.post, toSend ]
	);

	const send = useCallback(
		( query: string, attached: PendingFile[] = [] ): boolean => {
			if (
				isBusy( latest.current ) ||
				formUploadsRef.current > 0 ||
				! check()
			) {
				return false;
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
			apply( {
				type: 'send',
				query,
				userId: nextId(),
				answerId,
				attachments:
					files &&
					ready.map( ( { name, url } ) => ( { name, url } ) ),
				files,
			} );
			question( query, answerId, files );
			return true;
		},
		// eslint-disable-next-line react-hooks/exhaustive-deps -- nextId only reads refs.
		[ apply, check, latest, question ]
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
			apply( { type: 'retry', answerId, newAnswerId } );
			question( failed.query, newAnswerId, failed.sent );
			// The Retry button is gone; keep the keyboard in the chat.
			inputRef.current?.focus();
		},
		// eslint-disable-next-line react-hooks/exhaustive-deps -- nextId only reads refs.
		[ apply, latest, question ]
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
		apply( { type: 'stop', answerId: last.id } );
		const done = () => close( last.id );
		if ( last.taskId ) {
			client.stop( last.taskId ).then( done, done );
		} else {
			done();
		}
		inputRef.current?.focus();
	}, [ apply, client, close, latest ] );

	const suggest = useCallback(
		( text: string ) => {
			send( text );
			inputRef.current?.focus();
		},
		[ send ]
	);

	const feedback = useCallback(
		( messageId: string, rating: Rating, content?: string ) =>
			content === undefined
				? client.feedback( messageId, rating )
				: client.feedback( messageId, rating, content ),
		[ client ]
	);

	// The visitor's conversations, shown on request above the log.
	const [ showList, setShowList ] = useState( false );

	const busy = isBusy( state );
	const last = state.messages[ state.messages.length - 1 ];
	const retryId = last && canRetry( state, last.id ) ? last.id : null;

	return (
		<MediaContext.Provider value={ media }>
			<div className="dify-chatbot__app">
				<ChatHeader
					title={
						options.title ||
						site?.title ||
						__( 'Chat', 'dify-chatbot' )
					}
					icon={ options.title ? null : ( site?.icon ?? null ) }
					canReset={
						! busy &&
						( state.messages.length > 0 ||
							state.conversationId !== null )
					}
					onReset={ () => {
						dispatch( { type: 'reset' } );
						inputRef.current?.focus();
					} }
					listShown={ showList }
					onToggleList={ () => setShowList( ( open ) => ! open ) }
					onClose={
						options.layout === 'bubble'
							? () =>
									root.dispatchEvent(
										new CustomEvent( CLOSE_EVENT )
									)
							: undefined
					}
				/>
				{ showList && (
					<Suspense
						fallback={
							<p className="dify-chatbot__note">
								{ __( 'Loading…', 'dify-chatbot' ) }
							</p>
						}
					>
						<Conversations
							client={ client }
							current={ state.conversationId }
							onOpen={ ( conversationId ) => {
								setShowList( false );
								show( conversationId );
							} }
							onDeleted={ forget }
							canDeleteAll={ ! busy }
							onDeletedAll={ forgetAll }
							idPrefix={ root.id || 'dify-chatbot' }
						/>
					</Suspense>
				) }
				{ form.length > 0 &&
					( state.messages.length === 0 || inputs.needed ) && (
						<Suspense fallback={ null }>
							<InputsForm
								idPrefix={ root.id || 'dify-chatbot' }
								controls={ form }
								values={ inputs.values }
								errors={ inputs.errors }
								onChange={ inputs.change }
								onBusy={ formUpload }
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
					followUps={ followUps }
					onFeedback={ feedback }
					onAnswerForm={ answerFormOf }
				/>
				<Composer
					label={
						options.placeholder || __( 'Message', 'dify-chatbot' )
					}
					placeholder={ options.placeholder || site?.placeholder }
					busy={ busy }
					formUploading={ formUploads > 0 }
					onSend={ send }
					onStop={ stop }
					inputRef={ inputRef }
				/>
				{ site &&
					( site.disclaimer ||
						site.privacyPolicy ||
						site.copyright ) && (
						<p className="dify-chatbot__site-note">
							{ site.disclaimer && (
								<span>{ site.disclaimer }</span>
							) }
							{ site.privacyPolicy && (
								<a
									href={ site.privacyPolicy }
									target="_blank"
									rel="noopener noreferrer nofollow"
								>
									{ __( 'Privacy policy', 'dify-chatbot' ) }
								</a>
							) }
							{ site.copyright && (
								<span>{ site.copyright }</span>
							) }
						</p>
					) }
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
