/**
 * A minimal, typed stand-in for `@types/react` 18, which the project does not install yet.
 *
 * Why it exists: `tsconfig.json` is strict and `jsx: react-jsx`, so without React's types every
 * JSX element is an error, and `@wordpress/element` (whose own types re-export React's) turns
 * into `any`. This file declares only the part of React's API the plugin uses, with real
 * signatures, so the code is still checked.
 *
 * Delete this file once `@types/react@^18` is a devDependency: an ambient `declare module`
 * takes precedence over the installed package and would hide the real types.
 */

declare module 'react' {
	export type Key = string | number | bigint;

	export interface ReactElement< P = unknown > {
		type: unknown;
		props: P;
		key: string | null;
	}

	export type ReactNode =
		| ReactElement
		| string
		| number
		| bigint
		| boolean
		| null
		| undefined
		| Iterable< ReactNode >;

	export type FunctionComponent< P = Record< string, never > > = (
		props: P
	) => ReactNode;
	export type FC< P = Record< string, never > > = FunctionComponent< P >;
	export type ComponentType< P = Record< string, never > > =
		FunctionComponent< P >;
	export type PropsWithChildren< P = unknown > = P & {
		children?: ReactNode;
	};

	export interface MutableRefObject< T > {
		current: T;
	}
	export interface RefObject< T > {
		readonly current: T | null;
	}
	export type RefCallback< T > = ( instance: T | null ) => void;
	export type Ref< T > = RefCallback< T > | RefObject< T > | null;

	export type Dispatch< A > = ( value: A ) => void;
	export type SetStateAction< S > = S | ( ( previous: S ) => S );
	export type Reducer< S, A > = ( state: S, action: A ) => S;
	export type DependencyList = readonly unknown[];
	export type EffectCallback = () => void | ( () => void );

	export function useState< S >(
		initial: S | ( () => S )
	): [ S, Dispatch< SetStateAction< S > > ];
	export function useState< S = undefined >(): [
		S | undefined,
		Dispatch< SetStateAction< S | undefined > >,
	];
	export function useReducer< S, A >(
		reducer: Reducer< S, A >,
		initialState: S
	): [ S, Dispatch< A > ];
	export function useReducer< S, A, I >(
		reducer: Reducer< S, A >,
		initialArg: I,
		init: ( arg: I ) => S
	): [ S, Dispatch< A > ];
	export function useRef< T >( initial: T ): MutableRefObject< T >;
	export function useRef< T >( initial: T | null ): RefObject< T >;
	export function useRef< T = undefined >(): MutableRefObject<
		T | undefined
	>;
	export function useEffect(
		effect: EffectCallback,
		deps?: DependencyList
	): void;
	export function useLayoutEffect(
		effect: EffectCallback,
		deps?: DependencyList
	): void;

	export function useCallback< T extends ( ...args: any[] ) => unknown >(
		callback: T,
		deps: DependencyList
	): T;
	export function useMemo< T >( factory: () => T, deps: DependencyList ): T;
	export function useId(): string;
	export function memo< P extends object >(
		component: FunctionComponent< P >,
		propsAreEqual?: (
			previous: Readonly< P >,
			next: Readonly< P >
		) => boolean
	): FunctionComponent< P >;
	export function createElement< P extends object >(
		type: string | FunctionComponent< P >,
		props?: P | null,
		...children: ReactNode[]
	): ReactElement< P >;
	export const Fragment: FunctionComponent< { children?: ReactNode } >;
	export const StrictMode: FunctionComponent< { children?: ReactNode } >;
	export function act(
		callback: () => void | Promise< void >
	): Promise< void >;

	/* Events: the subset of React's synthetic events the plugin handles. */
	export interface SyntheticEvent< T = Element, E = Event > {
		nativeEvent: E;
		currentTarget: T;
		target: EventTarget;
		bubbles: boolean;
		defaultPrevented: boolean;
		type: string;
		preventDefault: () => void;
		stopPropagation: () => void;
		isDefaultPrevented: () => boolean;
	}
	export interface KeyboardEvent< T = Element > extends SyntheticEvent<
		T,
		globalThis.KeyboardEvent
	> {
		key: string;
		code: string;
		altKey: boolean;
		ctrlKey: boolean;
		metaKey: boolean;
		shiftKey: boolean;
		repeat: boolean;
	}
	export interface MouseEvent< T = Element > extends SyntheticEvent<
		T,
		globalThis.MouseEvent
	> {
		button: number;
		altKey: boolean;
		ctrlKey: boolean;
		metaKey: boolean;
		shiftKey: boolean;
	}
	export interface FocusEvent< T = Element > extends SyntheticEvent<
		T,
		globalThis.FocusEvent
	> {
		relatedTarget: EventTarget | null;
	}
	export type FormEvent< T = Element > = SyntheticEvent< T >;
	export interface ChangeEvent< T = Element > extends SyntheticEvent< T > {
		target: EventTarget & T;
	}
	export type UIEvent< T = Element > = SyntheticEvent<
		T,
		globalThis.UIEvent
	>;
	export interface CompositionEvent< T = Element > extends SyntheticEvent<
		T,
		globalThis.CompositionEvent
	> {
		data: string;
	}

	type Handler< E > = ( event: E ) => void;

	export interface DOMAttributes< T > {
		children?: ReactNode;
		onClick?: Handler< MouseEvent< T > >;
		onMouseDown?: Handler< MouseEvent< T > >;
		onPointerEnter?: Handler< SyntheticEvent< T > >;
		onKeyDown?: Handler< KeyboardEvent< T > >;
		onKeyUp?: Handler< KeyboardEvent< T > >;
		onFocus?: Handler< FocusEvent< T > >;
		onBlur?: Handler< FocusEvent< T > >;
		onChange?: Handler< ChangeEvent< T > >;
		onInput?: Handler< FormEvent< T > >;
		onSubmit?: Handler< FormEvent< T > >;
		onScroll?: Handler< UIEvent< T > >;
		onCompositionStart?: Handler< CompositionEvent< T > >;
		onCompositionEnd?: Handler< CompositionEvent< T > >;
	}

	type Booleanish = boolean | 'true' | 'false';

	export interface AriaAttributes {
		'aria-atomic'?: Booleanish;
		'aria-busy'?: Booleanish;
		'aria-controls'?: string;
		'aria-describedby'?: string;
		'aria-disabled'?: Booleanish;
		'aria-expanded'?: Booleanish;
		'aria-hidden'?: Booleanish;
		'aria-label'?: string;
		'aria-labelledby'?: string;
		'aria-live'?: 'off' | 'assertive' | 'polite';
		'aria-relevant'?: string;
		'aria-invalid'?: Booleanish;
		'aria-keyshortcuts'?: string;
	}

	export interface CSSProperties {
		[ property: string ]: string | number | undefined;
	}

	export interface HTMLAttributes< T >
		extends AriaAttributes, DOMAttributes< T > {
		ref?: Ref< T >;
		key?: Key | null;
		className?: string;
		id?: string;
		role?: string;
		style?: CSSProperties;
		hidden?: boolean;
		tabIndex?: number;
		title?: string;
		lang?: string;
		dir?: 'ltr' | 'rtl' | 'auto';
		[ data: `data-${ string }` ]: string | number | boolean | undefined;
	}

	export interface ButtonHTMLAttributes< T > extends HTMLAttributes< T > {
		type?: 'button' | 'submit' | 'reset';
		disabled?: boolean;
		name?: string;
		value?: string;
	}

	export interface FormHTMLAttributes< T > extends HTMLAttributes< T > {
		noValidate?: boolean;
		action?: string;
	}

	export interface LabelHTMLAttributes< T > extends HTMLAttributes< T > {
		htmlFor?: string;
	}

	export interface TextareaHTMLAttributes< T > extends HTMLAttributes< T > {
		autoComplete?: string;
		disabled?: boolean;
		enterKeyHint?: string;
		maxLength?: number;
		name?: string;
		placeholder?: string;
		readOnly?: boolean;
		required?: boolean;
		rows?: number;
		spellCheck?: Booleanish;
		value?: string;
	}

	export interface InputHTMLAttributes<
		T,
	> extends TextareaHTMLAttributes< T > {
		type?: string;
		checked?: boolean;
	}

	export interface SVGAttributes< T >
		extends AriaAttributes, DOMAttributes< T > {
		ref?: Ref< T >;
		key?: Key | null;
		className?: string;
		role?: string;
		focusable?: Booleanish;
		viewBox?: string;
		width?: number | string;
		height?: number | string;
		fill?: string;
		stroke?: string;
		strokeWidth?: number | string;
		strokeLinecap?: 'butt' | 'round' | 'square';
		strokeLinejoin?: 'miter' | 'round' | 'bevel';
		d?: string;
		xmlns?: string;
		cx?: number | string;
		cy?: number | string;
		r?: number | string;
	}
}

declare module 'react/jsx-runtime' {
	import type {
		ButtonHTMLAttributes,
		FormHTMLAttributes,
		FunctionComponent,
		HTMLAttributes,
		InputHTMLAttributes,
		Key,
		LabelHTMLAttributes,
		ReactElement,
		ReactNode,
		SVGAttributes,
		TextareaHTMLAttributes,
	} from 'react';

	export namespace JSX {
		type Element = ReactElement;

		type ElementType = string | FunctionComponent< any >;

		interface ElementClass {}
		interface ElementAttributesProperty {
			props: object;
		}
		interface ElementChildrenAttribute {
			children: object;
		}
		interface IntrinsicAttributes {
			key?: Key | null;
		}
		type Html< T > = HTMLAttributes< T >;
		interface IntrinsicElements {
			a: Html< HTMLAnchorElement > & {
				href?: string;
				rel?: string;
				target?: string;
			};
			button: ButtonHTMLAttributes< HTMLButtonElement >;
			circle: SVGAttributes< SVGCircleElement >;
			div: Html< HTMLDivElement >;
			form: FormHTMLAttributes< HTMLFormElement >;
			h2: Html< HTMLHeadingElement >;
			input: InputHTMLAttributes< HTMLInputElement >;
			label: LabelHTMLAttributes< HTMLLabelElement >;
			li: Html< HTMLLIElement >;
			p: Html< HTMLParagraphElement >;
			path: SVGAttributes< SVGPathElement >;
			span: Html< HTMLSpanElement >;
			strong: Html< HTMLElement >;
			svg: SVGAttributes< SVGSVGElement >;
			textarea: TextareaHTMLAttributes< HTMLTextAreaElement >;
			ul: Html< HTMLUListElement >;
		}
	}

	export function jsx(
		type: unknown,
		props: unknown,
		key?: Key
	): ReactElement;
	export function jsxs(
		type: unknown,
		props: unknown,
		key?: Key
	): ReactElement;
	export const Fragment: FunctionComponent< { children?: ReactNode } >;
}

declare module 'react-dom/client' {
	import type { ReactNode } from 'react';

	export interface Root {
		render: ( children: ReactNode ) => void;
		unmount: () => void;
	}
	export function createRoot( container: Element | DocumentFragment ): Root;
}
