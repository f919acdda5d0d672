/**
 * "Read aloud" under an answer: the answer's words, without their markdown, read by the app's
 * voice through the plugin's `text-to-audio` route.
 */
import { useEffect, useRef, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

import { messageOf, speak } from './http';
import { plainText } from './plain-text';
import type { ReadAloudProps } from './types';

export default function ReadAloud( { config, bot, text }: ReadAloudProps ) {
	const [ source, setSource ] = useState< string | null >( null );
	const [ busy, setBusy ] = useState( false );
	const [ error, setError ] = useState( '' );
	const audio = useRef< HTMLAudioElement >( null );

	useEffect(
		() => () => {
			if ( source ) {
				URL.revokeObjectURL( source );
			}
		},
		[ source ]
	);

	const read = async () => {
		if ( busy ) {
			return;
		}
		if ( source ) {
			audio.current?.play().catch( () => undefined );
			return;
		}
		setBusy( true );
		setError( '' );
		try {
			setSource(
				URL.createObjectURL(
					await speak( config, bot, plainText( text ) )
				)
			);
		} catch ( failure ) {
			setError(
				messageOf(
					failure,
					__( 'The answer could not be read aloud.', 'dify-chatbot' )
				)
			);
		} finally {
			setBusy( false );
		}
	};
	return (
		<>
			<button
				type="button"
				className="dify-chatbot__action"
				aria-disabled={ busy }
				onClick={ read }
			>
				{ busy
					? __( 'Loading audio…', 'dify-chatbot' )
					: __( 'Read aloud', 'dify-chatbot' ) }
			</button>
			{ source && (
				<audio
					ref={ audio }
					className="dify-chatbot__audio"
					src={ source }
					controls
					autoPlay
				/>
			) }
			{ error && (
				<span className="dify-chatbot__action-error" role="alert">
					{ error }
				</span>
			) }
		</>
	);
}
