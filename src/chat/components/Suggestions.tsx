/**
 * Questions a visitor can send with one click: the app's starters before the first question,
 * and follow-ups after an answer.
 */
import { memo } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

interface SuggestionsProps {
	questions: string[];
	onSelect: ( question: string ) => void;
	/** What the group is called for screen readers. */
	label?: string;
}

function Suggestions( { questions, onSelect, label }: SuggestionsProps ) {
	return (
		<ul
			className="dify-chatbot__suggestions"
			aria-label={ label ?? __( 'Suggested questions', 'dify-chatbot' ) }
		>
			{ questions.map( ( question, index ) => (
				<li key={ `${ index }:${ question }` }>
					<button
						type="button"
						className="dify-chatbot__suggestion"
						onClick={ () => onSelect( question ) }
					>
						{ question }
					</button>
				</li>
			) ) }
		</ul>
	);
}

export default memo( Suggestions );
