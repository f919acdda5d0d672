/**
 * The chat's header: its title, "New chat", the toggle of the visitor's conversations, and a
 * bubble's close button.
 */
import { __ } from '@wordpress/i18n';

import type { SiteIcon } from '../branding';

interface ChatHeaderProps {
	title: string;
	/** The app's icon (from its branding), shown before the title; null for none. */
	icon?: SiteIcon | null;
	/** Offer "New chat" (there is something to start over from, and nothing on its way). */
	canReset: boolean;
	onReset: () => void;
	/** Whether the list of conversations is shown. */
	listShown: boolean;
	onToggleList: () => void;
	/** For a bubble: closes the panel. */
	onClose?: () => void;
}

export default function ChatHeader( {
	title,
	icon = null,
	canReset,
	onReset,
	listShown,
	onToggleList,
	onClose,
}: ChatHeaderProps ) {
	return (
		<div className="dify-chatbot__header">
			{ icon?.type === 'image' && (
				<img
					className="dify-chatbot__icon"
					src={ icon.url }
					alt=""
					referrerPolicy="no-referrer"
				/>
			) }
			{ icon?.type === 'emoji' && (
				<span
					className="dify-chatbot__icon"
					aria-hidden="true"
					style={
						icon.background
							? { backgroundColor: icon.background }
							: undefined
					}
				>
					{ icon.emoji }
				</span>
			) }
			<span className="dify-chatbot__title">{ title }</span>
			{ canReset && (
				<button
					type="button"
					className="dify-chatbot__button is-small"
					onClick={ onReset }
				>
					{ __( 'New chat', 'dify-chatbot' ) }
				</button>
			) }
			<button
				type="button"
				className="dify-chatbot__button is-small"
				aria-expanded={ listShown }
				onClick={ onToggleList }
			>
				{ __( 'Conversations', 'dify-chatbot' ) }
			</button>
			{ onClose && (
				<button
					type="button"
					className="dify-chatbot__close"
					aria-label={ __( 'Close chat', 'dify-chatbot' ) }
					onClick={ onClose }
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
	);
}
