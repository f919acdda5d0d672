/**
 * Whether answers show the model's reasoning. Off by default: a reasoning model's thinking may
 * repeat the app's instructions or private context, so it stays on the server until the site
 * owner chooses to show it.
 */
import { CheckboxControl } from '@wordpress/components';
import { __ } from '@wordpress/i18n';

export default function ReasoningControl( {
	value,
	onChange,
}: {
	value: boolean;
	onChange: ( show: boolean ) => void;
} ) {
	return (
		<CheckboxControl
			__nextHasNoMarginBottom
			label={ __( 'Show the model’s reasoning', 'dify-chatbot' ) }
			checked={ value }
			onChange={ onChange }
			help={ __(
				'Reasoning models think before they answer. When this is on, visitors can open a collapsed “Thinking” section above the answer. When it is off, the thinking is removed on this server and never reaches a browser. It may repeat your app’s instructions or knowledge, so turn it on only if that is fine to show.',
				'dify-chatbot'
			) }
		/>
	);
}
