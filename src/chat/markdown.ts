/**
 * Answers are markdown (Dify's own web app renders them so): marked turns the text into HTML, and
 * sanitize.ts makes it safe — only plain formatting survives, handed over as a DOM fragment.
 * Links open in a new tab with `rel="nofollow noopener noreferrer"`; images only from absolute
 * http(s) addresses. SVG, MathML, forms, frames, scripts, styles and every event handler are gone.
 */
import { Marked } from 'marked';

import { sanitize } from './sanitize';

export {
	allowImagesFrom,
	sanitizerReady,
	whenSanitizerReady,
} from './sanitize';

const marked = new Marked( { gfm: true, breaks: true, async: false } );

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
 * Markdown as a sanitized DOM fragment, ready to be put into the page. Until a sanitizer is ready
 * (see whenSanitizerReady) the text comes back as plain text.
 *
 * @param text Markdown from the answer.
 */
export function renderMarkdown( text: string ): DocumentFragment {
	const fragment = sanitize( toHtml( text ), 'answer' );
	if ( ! fragment ) {
		// No sanitizer yet (a browser without the Sanitizer API, DOMPurify still on its way):
		// the answer as plain text for these few moments, repainted once it is ready.
		const plain = document.createDocumentFragment();
		plain.append( text );
		return plain;
	}
	// The line breaks marked leaves between blocks are not part of the answer's text.
	for ( const node of Array.from( fragment.childNodes ) ) {
		if ( node.nodeType === 3 && ( node.textContent ?? '' ).trim() === '' ) {
			node.remove();
		}
	}
	return fragment;
}
