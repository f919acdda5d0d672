/**
 * A small confirmation for an action that cannot be undone, inside the chat (public pages get
 * no wp-components). It takes the keyboard while open: focus starts on Cancel (the safe
 * choice), Tab and Shift+Tab stay on its buttons, Escape cancels.
 */
import { useEffect, useRef } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import type { KeyboardEvent } from 'react';

interface ConfirmDialogProps {
	/** Unique prefix of the ids that name and describe the dialog. */
	idPrefix: string;
	title: string;
	description: string;
	/** The label of the button that does it. */
	confirmLabel: string;
	/** While the action runs: the buttons are off and `busyText` is said. */
	busy: boolean;
	busyText: string;
	onConfirm: () => void;
	onCancel: () => void;
}

export default function ConfirmDialog( {
	idPrefix,
	title,
	description,
	confirmLabel,
	busy,
	busyText,
	onConfirm,
	onCancel,
}: ConfirmDialogProps ) {
	const dialog = useRef< HTMLDivElement >( null );
	const cancel = useRef< HTMLButtonElement >( null );

	useEffect( () => {
		cancel.current?.focus();
	}, [] );

	const onKeyDown = ( event: KeyboardEvent< HTMLDivElement > ) => {
		if ( event.key === 'Escape' ) {
			event.preventDefault();
			event.stopPropagation();
			if ( ! busy ) {
				onCancel();
			}
			return;
		}
		if ( event.key !== 'Tab' ) {
			return;
		}
		const buttons = Array.from(
			dialog.current?.querySelectorAll< HTMLButtonElement >(
				'button:not([disabled])'
			) ?? []
		);
		const first = buttons[ 0 ];
		const last = buttons[ buttons.length - 1 ];
		if ( ! first || ! last ) {
			event.preventDefault();
			return;
		}
		const active = dialog.current?.ownerDocument.activeElement;
		if ( event.shiftKey && active === first ) {
			event.preventDefault();
			last.focus();
		} else if ( ! event.shiftKey && active === last ) {
			event.preventDefault();
			first.focus();
		}
	};

	return (
		// The keys are the dialog's own (Escape, Tab), not an action on a static element.
		// eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions
		<div
			ref={ dialog }
			className="dify-chatbot__confirm"
			role="alertdialog"
			aria-modal="true"
			aria-labelledby={ `${ idPrefix }-title` }
			aria-describedby={ `${ idPrefix }-description` }
			onKeyDown={ onKeyDown }
		>
			<p
				id={ `${ idPrefix }-title` }
				className="dify-chatbot__confirm-title"
			>
				{ title }
			</p>
			<p id={ `${ idPrefix }-description` }>{ description }</p>
			{ busy && (
				<p className="dify-chatbot__note" role="status">
					{ busyText }
				</p>
			) }
			<div className="dify-chatbot__confirm-actions">
				<button
					ref={ cancel }
					type="button"
					className="dify-chatbot__button is-small"
					disabled={ busy }
					onClick={ onCancel }
				>
					{ __( 'Cancel', 'dify-chatbot' ) }
				</button>
				<button
					type="button"
					className="dify-chatbot__button is-small is-danger"
					disabled={ busy }
					onClick={ onConfirm }
				>
					{ confirmLabel }
				</button>
			</div>
		</div>
	);
}
