/**
 * The app's input form of one chat: the values the visitor entered (sent with every message, as
 * Dify needs required ones on every turn, and kept in this browser), and the problems found when
 * a message was sent.
 */
import { useCallback, useEffect, useRef, useState } from '@wordpress/element';

import {
	initialValues,
	inputsToSend,
	validateInputs,
	type FormControl,
	type InputValue,
	type InputValues,
} from '../inputs';
import { inputsKey, loadInputs, saveInputs } from '../storage';

/**
 * @param form       The form's fields (empty while unknown, or when the app has none).
 * @param storageKey The chat's conversation key (the values are kept next to it).
 * @param root       The chat's root element.
 */
export function useInputForm(
	form: FormControl[],
	storageKey: string,
	root: HTMLElement
) {
	const [ values, setValues ] = useState< InputValues >( {} );
	const [ errors, setErrors ] = useState< Record< string, string > >( {} );
	// Shown before the first message; again when a later message finds a problem in it.
	const [ needed, setNeeded ] = useState( false );
	// Once the form is known, its values start from what this visitor entered before (or the
	// app's defaults). Set while rendering, not in an effect, so the fields never show empty.
	const [ started, setStarted ] = useState( form );
	if ( started !== form ) {
		setStarted( form );
		setValues(
			initialValues( form, loadInputs( inputsKey( storageKey ) ) )
		);
	}
	const latest = useRef( { form, values } );
	latest.current = { form, values };

	const change = useCallback( ( variable: string, value: InputValue ) => {
		setValues( ( current ) => ( { ...current, [ variable ]: value } ) );
		setErrors( ( current ) => {
			if ( ! ( variable in current ) ) {
				return current;
			}
			const rest = { ...current };
			delete rest[ variable ];
			return rest;
		} );
	}, [] );

	/** Checks the values before a message goes: false, with the form shown, when one is wrong. */
	const check = useCallback( (): boolean => {
		const { form: controls, values: entered } = latest.current;
		if ( controls.length === 0 ) {
			return true;
		}
		const problems = validateInputs( controls, entered );
		setErrors( problems );
		if ( Object.keys( problems ).length > 0 ) {
			setNeeded( true );
			return false;
		}
		setNeeded( false );
		saveInputs( inputsKey( storageKey ), entered );
		return true;
	}, [ storageKey ] );

	/** The values to send with a message now. */
	const toSend = useCallback(
		() => inputsToSend( latest.current.form, latest.current.values ),
		[]
	);

	// After a refused send, the keyboard goes to the first field with a problem.
	useEffect( () => {
		if ( Object.keys( errors ).length > 0 ) {
			root.querySelector< HTMLElement >(
				'.dify-chatbot__inputs [aria-invalid="true"]'
			)?.focus();
		}
	}, [ errors, root ] );

	return { values, errors, needed, change, check, toSend };
}
