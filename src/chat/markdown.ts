/**
 * Answers are markdown (Dify's own web app renders them so). The text comes from a model that a
 * visitor can steer, so it is treated as hostile: marked turns it into HTML, DOMPurify keeps only
 * an allow-list of plain formatting elements and attributes, and the result is handed over as a
 * DOM fragment — never as an HTML string — so nothing is parsed a second time after sanitizing.
 *
 * Links open in a new tab with `rel="nofollow noopener noreferrer"`, and only http(s), mailto
 * and tel links (or relative ones) survive; images only from absolute http(s) addresses, never
 * `data:`. SVG, MathML, forms, frames, scripts, styles and every event handler attribute are gone.
 */
import DOMPurify, { type Config } from 'dompurify';
import { Marked } from 'marked';

const ALLOWED_TAGS = [
	'a',
	'b',
	'blockquote',
	'br',
	'code',
	'del',
	'em',
	'h1',
	'h2',
	'h3',
	'h4',
	'h5',
	'h6',
	'hr',
	'i',
	'img',
	'input', // Task-list checkboxes (disabled ones only, see below).
	'kbd',
	'li',
	'ol',
	'p',
	'pre',
	's',
	'span',
	'strong',
	'sub',
	'sup',
	'table',
	'tbody',
	'td',
	'tfoot',
	'th',
	'thead',
	'tr',
	'ul',
];

const ALLOWED_ATTR = [
	'href',
	'title',
	'alt',
	'src',
	'align',
	'start',
	'colspan',
	'rowspan',
	'type',
	'checked',
	'disabled',
];

const CONFIG: Config = {
	ALLOWED_TAGS,
	ALLOWED_ATTR,
	ALLOW_DATA_ATTR: false,
	ALLOW_ARIA_ATTR: false,
	// Text of removed elements (a <script>'s body) is dropped with them.
	KEEP_CONTENT: true,
};

/** Schemes a link may use; relative links (no scheme) stay too. */
const LINK_SCHEMES = [ 'http', 'https', 'mailto', 'tel' ];

/**
 * Whether an address is relative or uses one of the schemes. Whitespace and control characters,
 * which browsers skip inside a scheme, cannot hide one from the check.
 *
 * @param value   The attribute's value.
 * @param schemes Allowed schemes.
 */
export function isSafeUrl( value: string | null, schemes: string[] ): boolean {
	const url = ( value ?? '' ).replace( /[\u0000-\u0020\u007f-\u00a0]/g, '' );
	const scheme = /^([a-z][a-z0-9+.-]*):/i.exec( url );
	return (
		! scheme || schemes.includes( ( scheme[ 1 ] as string ).toLowerCase() )
	);
}

const marked = new Marked( { gfm: true, breaks: true, async: false } );

let purifier: ReturnType< typeof DOMPurify > | null = null;

/**
 * The sanitizer: its own DOMPurify instance, so the hooks below do not affect other code on the
 * page that uses DOMPurify.
 */
function sanitizer(): ReturnType< typeof DOMPurify > {
	if ( purifier ) {
		return purifier;
	}
	const instance = DOMPurify( window );
	instance.addHook( 'afterSanitizeAttributes', ( node ) => {
		const element = node as Element;
		const tag = element.tagName?.toLowerCase();
		if ( tag === 'a' ) {
			if (
				element.hasAttribute( 'href' ) &&
				! isSafeUrl( element.getAttribute( 'href' ), LINK_SCHEMES )
			) {
				element.removeAttribute( 'href' );
			}
			if ( element.hasAttribute( 'href' ) ) {
				element.setAttribute( 'target', '_blank' );
				element.setAttribute( 'rel', 'nofollow noopener noreferrer' );
			}
		} else if ( tag === 'img' ) {
			// Only absolute web addresses: never data:, blob: or javascript:, and not relative
			// ones, which would point into this site rather than at Dify's files.
			const src = element.getAttribute( 'src' ) ?? '';
			if (
				! /^https?:\/\/[^/]/i.test( src.trim() ) ||
				! isSafeUrl( src, [ 'http', 'https' ] )
			) {
				element.remove();
				return;
			}
			element.setAttribute( 'loading', 'lazy' );
			element.setAttribute( 'referrerpolicy', 'no-referrer' );
		} else if ( tag === 'pre' || tag === 'table' ) {
			// They scroll sideways when wide (see app.scss): reachable with the keyboard, so a
			// keyboard user can scroll them too.
			element.setAttribute( 'tabindex', '0' );
		} else if ( tag === 'input' ) {
			// Only a GFM task-list box, and never one a visitor can change.
			if ( element.getAttribute( 'type' ) !== 'checkbox' ) {
				element.remove();
				return;
			}
			element.setAttribute( 'disabled', '' );
		}
	} );
	// A fence's language (`language-js` from marked) is the one class kept: the highlighter
	// (../highlight.ts) reads it. Nothing else may carry classes, which could restyle the page.
	instance.addHook( 'uponSanitizeAttribute', ( node, data ) => {
		if (
			data.attrName === 'class' &&
			( node as Element ).tagName?.toLowerCase() === 'code' &&
			/^language-[\w+#-]{1,32}$/.test( data.attrValue )
		) {
			data.forceKeepAttr = true;
		}
	} );
	purifier = instance;
	return instance;
}

/**
 * Markdown to HTML, unsanitized: only for `renderMarkdown` below.
 *
 * An answer still being written may end inside a code fence; CommonMark runs an unclosed fence
 * to the end of the text, so the partial code shows as code rather than as loose text.
 *
 * @param text Markdown.
 */
function toHtml( text: string ): string {
	return marked.parse( text, { async: false } );
}

/**
 * Markdown as a sanitized DOM fragment, ready to be put into the page.
 *
 * @param text Markdown from the answer.
 */
export function renderMarkdown( text: string ): DocumentFragment {
	const fragment = sanitizer().sanitize( toHtml( text ), {
		...CONFIG,
		RETURN_DOM_FRAGMENT: true,
	} );
	// The line breaks marked leaves between blocks are not part of the answer's text.
	for ( const node of Array.from( fragment.childNodes ) ) {
		if ( node.nodeType === 3 && ( node.textContent ?? '' ).trim() === '' ) {
			node.remove();
		}
	}
	return fragment;
}
