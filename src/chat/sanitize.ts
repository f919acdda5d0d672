/**
 * The sanitizer for markup built from answers (markdown.ts, highlight.ts). The text comes from a
 * model a visitor can steer, so it is hostile: only an allow-list of plain formatting elements and
 * attributes survives, and the result is a DOM fragment of an inert document — never an HTML
 * string — so nothing is parsed again, and nothing loads or runs, before the rules below are done.
 *
 * Two well-kept sanitizers, one allow-list:
 * - the browser's own HTML Sanitizer API (`Document.parseHTML` with a `Sanitizer`; Chromium and
 *   Firefox ship it): it is safe by construction (script, event handlers and `javascript:` URLs
 *   can never pass, whatever the configuration) and costs nothing to download;
 * - DOMPurify, loaded as its own chunk only in browsers without that API (Safari today).
 *
 * Then the same rules for both: links only http(s), mailto, tel or relative, opening in a new tab
 * with `rel="nofollow noopener noreferrer"`; images only from absolute http(s) addresses on an
 * allowed origin (allowImagesFrom; any other becomes a link, so nothing loads unasked); only
 * disabled task-list checkboxes; a class only for a code block's language (or highlight.js's
 * token spans); code blocks and tables focusable, as they scroll sideways.
 */

import {
	ATTRIBUTES,
	TAGS,
	UNWRAP,
	finish,
	type Profile,
} from './sanitize-rules';

export type { Profile };
export { allowImagesFrom } from './sanitize-rules';

// ------------------------------------------------------------------ the browser's Sanitizer API

interface SanitizerConfig {
	elements: Array< string | { name: string; attributes: string[] } >;
	attributes: string[];
	replaceWithChildrenElements: string[];
	comments: boolean;
	dataAttributes: boolean;
}

type NativeParse = (
	html: string,
	options: { sanitizer: unknown }
) => Document;

interface NativeApi {
	Sanitizer: new ( config: SanitizerConfig ) => unknown;
	parseHTML: NativeParse;
}

/** The browser's HTML Sanitizer API, when it has one. */
function nativeApi(): NativeApi | null {
	const scope = window as unknown as {
		Sanitizer?: NativeApi[ 'Sanitizer' ];
		Document?: { parseHTML?: NativeParse };
	};
	return typeof scope.Sanitizer === 'function' &&
		typeof scope.Document?.parseHTML === 'function'
		? {
				Sanitizer: scope.Sanitizer,
				parseHTML: scope.Document.parseHTML.bind( scope.Document ),
			}
		: null;
}

const nativeSanitizers: Partial< Record< Profile, unknown > > = {};

function nativeConfig( profile: Profile ): SanitizerConfig {
	// The document's own elements must be allowed for parseHTML to build a body at all.
	const frame = [ 'html', 'head', 'body' ];
	return profile === 'code'
		? {
				elements: [
					...frame,
					{ name: 'span', attributes: [ 'class' ] },
				],
				attributes: [],
				replaceWithChildrenElements: [],
				comments: false,
				dataAttributes: false,
			}
		: {
				elements: [
					...frame,
					...TAGS.map( ( name ) =>
						name === 'code'
							? { name, attributes: [ 'class' ] }
							: name
					),
				],
				attributes: ATTRIBUTES,
				replaceWithChildrenElements: UNWRAP,
				comments: false,
				dataAttributes: false,
			};
}

function nativeSanitize(
	api: NativeApi,
	html: string,
	profile: Profile
): DocumentFragment {
	nativeSanitizers[ profile ] ??= new api.Sanitizer(
		nativeConfig( profile )
	);
	const inert = api.parseHTML( html, {
		sanitizer: nativeSanitizers[ profile ],
	} );
	const fragment = inert.createDocumentFragment();
	fragment.append( ...Array.from( inert.body?.childNodes ?? [] ) );
	return fragment;
}

// ------------------------------------------------------------------ DOMPurify, where needed

type Purify = ( html: string, profile: Profile ) => DocumentFragment;

let purify: Purify | null = null;
let loading: Promise< void > | null = null;

async function loadPurify(): Promise< void > {
	const { default: DOMPurify } = await import(
		/* webpackChunkName: "chat/purify" */ 'dompurify'
	);
	// Its own instance, so nothing here changes other code on the page that uses DOMPurify.
	const instance = DOMPurify( window );
	purify = ( html, profile ) =>
		instance.sanitize( html, {
			ALLOWED_TAGS: profile === 'code' ? [ 'span' ] : TAGS,
			ALLOWED_ATTR:
				profile === 'code' ? [ 'class' ] : [ ...ATTRIBUTES, 'class' ],
			ALLOW_DATA_ATTR: false,
			ALLOW_ARIA_ATTR: false,
			// Text of removed elements (a <script>'s body) is dropped with them.
			KEEP_CONTENT: true,
			// A fragment of DOMPurify's inert document: finish() runs before anything loads.
			RETURN_DOM_FRAGMENT: true,
		} );
}

// ------------------------------------------------------------------ one interface

/** Whether markup can be sanitized now (the browser's API, or DOMPurify once loaded). */
export function sanitizerReady(): boolean {
	return nativeApi() !== null || purify !== null;
}

/**
 * Resolves once markup can be sanitized; starts loading DOMPurify in a browser without the
 * Sanitizer API. Rejects when that chunk cannot be loaded.
 */
export function whenSanitizerReady(): Promise< void > {
	if ( sanitizerReady() ) {
		return Promise.resolve();
	}
	loading ??= loadPurify().catch( ( error ) => {
		loading = null;
		throw error;
	} );
	return loading;
}

/**
 * Markup as a sanitized fragment, or null while no sanitizer is ready (see whenSanitizerReady).
 *
 * @param html    Markup built from an answer.
 * @param profile What it is.
 */
export function sanitize(
	html: string,
	profile: Profile
): DocumentFragment | null {
	const api = nativeApi();
	let fragment: DocumentFragment | null = null;
	if ( api ) {
		fragment = nativeSanitize( api, html, profile );
	} else if ( purify ) {
		fragment = purify( html, profile );
	}
	if ( fragment ) {
		finish( fragment, profile );
	}
	return fragment;
}
