/**
 * The visitor's conversations: open one, rename it or delete it, or delete them all (after a
 * confirmation). Loaded each time the list opens. A chunk of its own (with its styles),
 * downloaded the first time the list is asked for.
 */
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';

import { ChatError } from '../api/errors';
import type { ChatClient, ConversationSummary } from '../api/types';
import ConfirmDialog from './ConfirmDialog';
import './conversations.scss';

interface ConversationsProps {
	client: ChatClient;
	/** The conversation shown now, if any. */
	current: string | null;
	/** Shows a conversation (the list closes). */
	onOpen: ( conversationId: string ) => void;
	/** A conversation was deleted. */
	onDeleted: ( conversationId: string ) => void;
	/** Whether "Delete all" may run now (not while an answer is on its way). */
	canDeleteAll: boolean;
	/** All of the visitor's conversations were deleted. */
	onDeletedAll: () => void;
	/** Unique prefix of this list's element ids. */
	idPrefix: string;
}

function failure( error: unknown ): string {
	return error instanceof ChatError && error.message
		? error.message
		: __( 'Something went wrong. Please try again.', 'dify-chatbot' );
}

export default function Conversations( {
	client,
	current,
	onOpen,
	onDeleted,
	canDeleteAll,
	onDeletedAll,
	idPrefix,
}: ConversationsProps ) {
	const [ list, setList ] = useState< ConversationSummary[] | null >( null );
	const [ error, setError ] = useState< string | null >( null );
	const [ editing, setEditing ] = useState< string | null >( null );
	const [ name, setName ] = useState( '' );
	const [ confirming, setConfirming ] = useState< string | null >( null );

	// "Delete all": asking (the dialog is open), deleting, and what came of it.
	const [ askingAll, setAskingAll ] = useState( false );
	const [ deletingAll, setDeletingAll ] = useState( false );
	const [ done, setDone ] = useState< string | null >( null );
	const deleteAllButton = useRef< HTMLButtonElement >( null );
	const doneNote = useRef< HTMLParagraphElement >( null );
	const errorNote = useRef< HTMLParagraphElement >( null );
	// Where the keyboard goes once "Delete all" has answered (its dialog is gone by then).
	const focusNext = useRef< 'done' | 'error' | null >( null );
	const [ loads, setLoads ] = useState( 0 );

	useEffect( () => {
		let live = true;
		client.conversations().then(
			( value ) => live && setList( value ),
			( e ) => live && setError( failure( e ) )
		);
		return () => {
			live = false;
		};
	}, [ client, loads ] );

	useEffect( () => {
		const note = focusNext.current === 'error' ? errorNote : doneNote;
		if ( focusNext.current !== null && note.current ) {
			note.current.focus();
			focusNext.current = null;
		}
	}, [ done, error ] );

	const cancelAll = () => {
		setAskingAll( false );
		deleteAllButton.current?.focus();
	};

	const removeAll = async () => {
		setDeletingAll( true );
		setDone( null );
		try {
			const result = await client.removeAll();
			setError( null );
			focusNext.current = 'done';
			if ( result.more ) {
				// Not all went: show what is left.
				setError(
					__(
						'Some conversations could not be deleted yet. Please try again.',
						'dify-chatbot'
					)
				);
				setLoads( ( n ) => n + 1 );
			} else {
				setList( [] );
			}
			setDone(
				sprintf(
					/* translators: %d: how many conversations were deleted. */
					_n(
						'%d conversation deleted.',
						'%d conversations deleted.',
						result.deleted,
						'dify-chatbot'
					),
					result.deleted
				)
			);
			onDeletedAll();
		} catch ( e ) {
			// Some may be gone already: show what is left.
			focusNext.current = 'error';
			setError( failure( e ) );
			setLoads( ( n ) => n + 1 );
		} finally {
			setDeletingAll( false );
			setAskingAll( false );
		}
	};

	const rename = async ( id: string ) => {
		const value = name.trim();
		if ( value === '' ) {
			return;
		}
		try {
			await client.rename( id, value );
			setList( ( old ) =>
				( old ?? [] ).map( ( c ) =>
					c.id === id ? { ...c, name: value } : c
				)
			);
			setEditing( null );
			setError( null );
		} catch ( e ) {
			setError( failure( e ) );
		}
	};

	const remove = async ( id: string ) => {
		try {
			await client.remove( id );
			setList( ( old ) => ( old ?? [] ).filter( ( c ) => c.id !== id ) );
			setConfirming( null );
			setError( null );
			onDeleted( id );
		} catch ( e ) {
			setError( failure( e ) );
		}
	};

	return (
		<div
			className="dify-chatbot__conversations"
			role="region"
			aria-label={ __( 'Your conversations', 'dify-chatbot' ) }
		>
			{ error !== null && (
				<p
					ref={ errorNote }
					className="dify-chatbot__note"
					role="alert"
					tabIndex={ -1 }
				>
					{ error }
				</p>
			) }
			{ list === null && error === null && (
				<p className="dify-chatbot__note">
					{ __( 'Loading…', 'dify-chatbot' ) }
				</p>
			) }
			{ done !== null && (
				<p
					ref={ doneNote }
					className="dify-chatbot__note"
					role="status"
					tabIndex={ -1 }
				>
					{ done }
				</p>
			) }
			{ list !== null && list.length === 0 && (
				<p className="dify-chatbot__note">
					{ __( 'No conversations yet.', 'dify-chatbot' ) }
				</p>
			) }
			{ list !== null && list.length > 0 && (
				<ul className="dify-chatbot__conversation-list">
					{ list.map( ( conversation ) => {
						const label =
							conversation.name ||
							__( 'Untitled conversation', 'dify-chatbot' );
						return (
							<li
								key={ conversation.id }
								className="dify-chatbot__conversation"
								aria-current={
									conversation.id === current
										? 'true'
										: undefined
								}
							>
								{ editing === conversation.id ? (
									<form
										onSubmit={ ( event ) => {
											event.preventDefault();
											rename( conversation.id );
										} }
									>
										<input
											type="text"
											value={ name }
											maxLength={ 255 }
											aria-label={ __(
												'Conversation name',
												'dify-chatbot'
											) }
											onChange={ ( event ) =>
												setName( event.target.value )
											}
										/>
										<button
											type="submit"
											className="dify-chatbot__button is-small"
										>
											{ __( 'Save', 'dify-chatbot' ) }
										</button>
										<button
											type="button"
											className="dify-chatbot__button is-small"
											onClick={ () => setEditing( null ) }
										>
											{ __( 'Cancel', 'dify-chatbot' ) }
										</button>
									</form>
								) : (
									<>
										<button
											type="button"
											className="dify-chatbot__conversation-open"
											onClick={ () =>
												onOpen( conversation.id )
											}
										>
											{ label }
										</button>
										<button
											type="button"
											className="dify-chatbot__button is-small"
											onClick={ () => {
												setEditing( conversation.id );
												setName( conversation.name );
												setConfirming( null );
											} }
										>
											{ __( 'Rename', 'dify-chatbot' ) }
										</button>
										<button
											type="button"
											className="dify-chatbot__button is-small"
											onClick={ () =>
												confirming === conversation.id
													? remove( conversation.id )
													: setConfirming(
															conversation.id
														)
											}
										>
											{ confirming === conversation.id
												? __(
														'Confirm delete',
														'dify-chatbot'
													)
												: __(
														'Delete',
														'dify-chatbot'
													) }
										</button>
									</>
								) }
							</li>
						);
					} ) }
				</ul>
			) }
			{ list !== null && list.length > 0 && (
				<button
					ref={ deleteAllButton }
					type="button"
					className="dify-chatbot__button is-small dify-chatbot__delete-all"
					aria-haspopup="dialog"
					disabled={ ! canDeleteAll }
					onClick={ () => {
						setAskingAll( true );
						setConfirming( null );
						setEditing( null );
					} }
				>
					{ __( 'Delete all conversations', 'dify-chatbot' ) }
				</button>
			) }
			{ askingAll && (
				<ConfirmDialog
					idPrefix={ `${ idPrefix }-delete-all` }
					title={ __(
						'Delete all your conversations?',
						'dify-chatbot'
					) }
					description={ __(
						'Every conversation you had with this chat is deleted for good, and the chat starts anew.',
						'dify-chatbot'
					) }
					confirmLabel={ __( 'Delete all', 'dify-chatbot' ) }
					busy={ deletingAll }
					busyText={ __( 'Deleting…', 'dify-chatbot' ) }
					onConfirm={ removeAll }
					onCancel={ cancelAll }
				/>
			) }
		</div>
	);
}
