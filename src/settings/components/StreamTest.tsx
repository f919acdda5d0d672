/**
 * "Check streaming": runs the streaming self-test in this browser and says whether answers
 * stream on this server, or what holds them back and what to do.
 */
import { Button } from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

import {
	judgeStream,
	runStreamTest,
	streamDetails,
	streamTestError,
} from '../stream-test';
import Result, { type Message } from './Result';

export default function StreamTest() {
	const [ busy, setBusy ] = useState( false );
	const [ result, setResult ] = useState< Message | null >( null );
	const [ details, setDetails ] = useState( '' );

	const check = async () => {
		setBusy( true );
		setDetails( '' );
		// Announced too: the test takes a couple of seconds.
		setResult( {
			status: 'info',
			text: __( 'Checking whether answers stream…', 'dify-chatbot' ),
		} );
		try {
			const run = await runStreamTest();
			const { status, text } = judgeStream( run );
			setResult( { status, text } );
			setDetails( streamDetails( run ) );
		} catch ( error ) {
			setResult( {
				status: 'error',
				text: await streamTestError(
					error,
					__( 'The streaming test could not run.', 'dify-chatbot' )
				),
			} );
		} finally {
			setBusy( false );
		}
	};

	return (
		<div className="dify-chatbot-settings__actions">
			<div className="dify-chatbot-settings__buttons">
				<Button
					__next40pxDefaultSize
					variant="secondary"
					onClick={ check }
					isBusy={ busy }
					disabled={ busy }
					accessibleWhenDisabled
					aria-describedby="dify-chatbot-stream-test-help"
				>
					{ __( 'Check streaming', 'dify-chatbot' ) }
				</Button>
			</div>
			<p
				id="dify-chatbot-stream-test-help"
				className="dify-chatbot-settings__help"
			>
				{ __(
					'Sends a short test stream (about two seconds, without calling Dify) from this site to this browser and times it.',
					'dify-chatbot'
				) }
			</p>
			<Result
				message={ result }
				onClose={ () => {
					setResult( null );
					setDetails( '' );
				} }
			/>
			{ details && (
				// Outside the live region: the verdict is announced, the numbers are there to read.
				<p className="dify-chatbot-settings__help dify-chatbot-settings__stream-details">
					{ details }
				</p>
			) }
		</div>
	);
}
