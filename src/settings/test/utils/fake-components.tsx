/**
 * Stand-ins for the few WordPress components the settings screen uses. The real package
 * cannot load under wp-scripts' jest preset (it imports packages that ship only ES modules,
 * such as the WordPress theme package), and these unit tests are about the screen's logic;
 * the real components are exercised by the Playwright tests. Each stand-in keeps the props the screen relies on
 * visible in the DOM (label, help, status, read-only, busy).
 */
import { useId } from '@wordpress/element';
import type { ReactNode } from 'react';

interface ControlProps {
	label: string;
	help?: ReactNode;
	value?: string;
	type?: string;
	readOnly?: boolean;
	placeholder?: string;
	autoComplete?: string;
	onChange: ( value: string ) => void;
}

export function TextControl( props: ControlProps ) {
	const id = useId();
	return (
		<div>
			<label htmlFor={ id }>{ props.label }</label>
			<input
				id={ id }
				type={ props.type ?? 'text' }
				value={ props.value ?? '' }
				readOnly={ props.readOnly }
				placeholder={ props.placeholder }
				autoComplete={ props.autoComplete }
				onChange={ ( event ) => props.onChange( event.target.value ) }
			/>
			{ props.help && <p>{ props.help }</p> }
		</div>
	);
}

export function RadioControl( props: {
	label: string;
	selected: string;
	options: Array< { label: string; value: string } >;
	onChange: ( value: string ) => void;
} ) {
	return (
		<div role="radiogroup" aria-label={ props.label }>
			{ props.options.map( ( option ) => (
				<button
					key={ option.value }
					type="button"
					role="radio"
					data-checked={ option.value === props.selected }
					onClick={ () => props.onChange( option.value ) }
				>
					{ option.label }
				</button>
			) ) }
		</div>
	);
}

export function Button( props: {
	children?: ReactNode;
	type?: 'button' | 'submit';
	disabled?: boolean;
	isBusy?: boolean;
	onClick?: () => void;
	'aria-describedby'?: string;
	'data-focus'?: string;
} ) {
	return (
		<button
			aria-describedby={ props[ 'aria-describedby' ] }
			data-focus={ props[ 'data-focus' ] }
			type={ props.type ?? 'button' }
			aria-disabled={ props.disabled }
			data-busy={ props.isBusy }
			// Like accessibleWhenDisabled: focusable, but a click does nothing.
			onClick={ () => ! props.disabled && props.onClick?.() }
		>
			{ props.children }
		</button>
	);
}

export function Notice( props: {
	status: string;
	children?: ReactNode;
	spokenMessage?: string;
	className?: string;
} ) {
	return (
		<div
			className={ [
				'components-notice',
				`is-${ props.status }`,
				props.className,
			]
				.filter( Boolean )
				.join( ' ' ) }
			data-spoken={ props.spokenMessage ?? 'children' }
		>
			{ props.children }
		</div>
	);
}

export function Spinner() {
	return <span className="components-spinner" />;
}

export function TextareaControl( props: {
	label: string;
	help?: ReactNode;
	value?: string;
	onChange: ( value: string ) => void;
} ) {
	const id = useId();
	return (
		<div>
			<label htmlFor={ id }>{ props.label }</label>
			<textarea
				id={ id }
				value={ props.value ?? '' }
				onChange={ ( event ) => props.onChange( event.target.value ) }
			/>
			{ props.help && <p>{ props.help }</p> }
		</div>
	);
}

export function CheckboxControl( props: {
	label: string;
	help?: ReactNode;
	checked: boolean;
	onChange: ( checked: boolean ) => void;
} ) {
	const id = useId();
	return (
		<div>
			<input
				id={ id }
				type="checkbox"
				checked={ props.checked }
				onChange={ ( event ) => props.onChange( event.target.checked ) }
			/>
			<label htmlFor={ id }>{ props.label }</label>
			{ props.help && <p>{ props.help }</p> }
		</div>
	);
}
