/**
 * The visitor's conversations: open one, rename it or delete it. Loaded each time the list opens.
 * A chunk of its own (with its styles), downloaded the first time the list is asked for.
 */
import { useEffect, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

import { ChatError } from '../api/errors';
import type { ChatClient, ConversationSummary } from '../api/types';
import './conversations.scss';

interface ConversationsProps {
	client: ChatClient;
	/** The conversation shown now, if any. */
	current: string | null;
	/** Shows a conversation (the list closes). */
	onOpen: ( conversationId: string ) => void;
	/** A conversation was deleted. */
	onDeleted: ( conversationId: string ) => void;
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
}: ConversationsProps ) {
	const [ list, setList ] = useState< ConversationSummary[] | null >( null );
	const [ error, setError ] = useState< string | null >( null );
	const [ editing, setEditing ] = useState< string | null >( null );
	const [ name, setName ] = useState( '' );
	const [ confirming, setConfirming ] = useState< string | null >( null );

	useEffect( () => {
		let live = true;
		client.conversations().then(
			( value ) => live && setList( value ),
			( e ) => live && setError( failure( e ) )
		);
		return () => {
			live = false;
		};
	}, [ client ] );

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
				<p className="dify-chatbot__note" role="alert">
					{ error }
				</p>
			) }
			{ list === null && error === null && (
				<p className="dify-chatbot__note">
					{ __( 'Loading…', 'dify-chatbot' ) }
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
		</div>
	);
}
