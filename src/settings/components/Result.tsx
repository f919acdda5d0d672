/**
 * Where a settings action says how it went, and what a connection test found.
 */
import { Notice } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';

import type { ConnectionTest } from '../api';

export type Status = 'success' | 'warning' | 'error' | 'info';

export interface Message {
	status: Status;
	text: string;
}

/**
 * Results are rendered inside a live region that is always there, and the notices themselves
 * stay quiet: so each result is announced once and exists once in the page (Notice's own
 * `speak()` would copy the text into a second, hidden element).
 *
 * @param props         Props.
 * @param props.message What to show, if anything.
 * @param props.onClose Dismisses it.
 */
export default function Result( {
	message,
	onClose,
}: {
	message: Message | null;
	onClose: () => void;
} ) {
	return (
		<div className="dify-chatbot-settings__result" aria-live="polite">
			{ message && (
				<Notice
					status={ message.status }
					onRemove={ onClose }
					spokenMessage=""
				>
					{ message.text }
				</Notice>
			) }
		</div>
	);
}

/**
 * What a connection test found, as the screen shows it.
 *
 * @param result The route's answer.
 */
export function testResult( result: ConnectionTest ): Message {
	let status: Status = 'error';
	if ( result.ok ) {
		status = result.app && ! result.app.can_chat ? 'warning' : 'success';
	}
	let text = result.message;
	if ( ! text && result.ok && result.app ) {
		text = sprintf(
			/* translators: 1: the Dify app's name, 2: its type (chat, agent-chat…). */
			__( 'Connected to “%1$s” (%2$s).', 'dify-chatbot' ),
			result.app.name,
			result.app.mode
		);
	}
	return {
		status,
		text: text || __( 'The connection test failed.', 'dify-chatbot' ),
	};
}
