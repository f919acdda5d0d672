/**
 * The response mode: streaming, or blocking for hosts that hold responses back.
 */
import { RadioControl } from '@wordpress/components';
import { __ } from '@wordpress/i18n';

import type { ResponseMode } from '../api';

export default function ResponseModeControl( {
	value,
	onChange,
}: {
	value: ResponseMode;
	onChange: ( mode: ResponseMode ) => void;
} ) {
	return (
		<RadioControl
			label={ __( 'Response mode', 'dify-chatbot' ) }
			selected={ value }
			options={ [
				{
					label: __( 'Streaming', 'dify-chatbot' ),
					value: 'streaming',
				},
				{
					label: __( 'Blocking', 'dify-chatbot' ),
					value: 'blocking',
				},
			] }
			onChange={ ( selected: string ) =>
				onChange( selected === 'blocking' ? 'blocking' : 'streaming' )
			}
			help={ __(
				'Streaming shows the answer as it is written. Choose Blocking if your host or a proxy holds responses back, so answers arrive whole.',
				'dify-chatbot'
			) }
		/>
	);
}
