/**
 * Types for the one WordPress package the plugin uses that ships none: `@wordpress/block-editor`
 * (its published types are on DefinitelyTyped, which the project does not install). Only what
 * the block's editor view uses is declared.
 * @param props
 */
declare module '@wordpress/block-editor' {
	import type { FunctionComponent, ReactNode } from 'react';

	export function useBlockProps(
		props?: Record< string, unknown >
	): Record< string, unknown > & { className: string };

	export const InspectorControls: FunctionComponent< {
		children?: ReactNode;
		group?: string;
	} >;

	export const PanelColorSettings: FunctionComponent< {
		title?: string;
		colorSettings: Array< {
			value?: string;
			onChange: ( value?: string ) => void;
			label: string;
		} >;
	} >;
}
