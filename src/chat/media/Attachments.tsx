/**
 * The files attached to the question: a preview of each image, upload progress, why a file was
 * refused, and a button to take each one off.
 */
import { __, sprintf } from '@wordpress/i18n';

import type { PendingFile } from './types';

interface AttachmentsProps {
	files: PendingFile[];
	onRemove: ( file: PendingFile ) => void;
}

export default function Attachments( { files, onRemove }: AttachmentsProps ) {
	if ( files.length === 0 ) {
		return null;
	}
	return (
		<ul
			className="dify-chatbot__attachments"
			aria-label={ __( 'Attached files', 'dify-chatbot' ) }
		>
			{ files.map( ( file ) => (
				<li
					key={ file.key }
					className="dify-chatbot__attachment"
					data-status={
						// eslint-disable-next-line no-nested-ternary -- three states.
						file.error ? 'error' : file.id ? 'done' : 'uploading'
					}
				>
					{ file.url && (
						<img
							className="dify-chatbot__attachment-preview"
							src={ file.url }
							alt=""
						/>
					) }
					<span className="dify-chatbot__attachment-name">
						{ file.name }
					</span>
					{ ! file.id && ! file.error && (
						<span
							className="dify-chatbot__progress"
							role="progressbar"
							aria-label={ sprintf(
								/* translators: %s: file name. */
								__( 'Uploading %s', 'dify-chatbot' ),
								file.name
							) }
							aria-valuemin={ 0 }
							aria-valuemax={ 100 }
							aria-valuenow={ Math.round( file.progress * 100 ) }
						>
							<span
								style={ {
									width: `${ Math.round( file.progress * 100 ) }%`,
								} }
							/>
						</span>
					) }
					{ file.error && (
						<span className="dify-chatbot__attachment-error">
							{ file.error }
						</span>
					) }
					<button
						type="button"
						className="dify-chatbot__attachment-remove"
						aria-label={ sprintf(
							/* translators: %s: file name. */
							__( 'Remove %s', 'dify-chatbot' ),
							file.name
						) }
						onClick={ () => onRemove( file ) }
					>
						×
					</button>
				</li>
			) ) }
		</ul>
	);
}
