/**
 * Syntax highlighting for fenced code in answers. This module is its own chunk: the chat loads
 * it only when an answer contains a code block with a language (see components/Markdown.tsx),
 * so a visitor who never sees code never downloads it.
 *
 * highlight.js's core with the languages answers use most (each costs 0.3–4 KB gzipped); an unknown language stays plain
 * code. highlight.js escapes the code it wraps, and its markup is still passed through
 * the sanitizer (only `<span class="hljs-…">`) and inserted as a DOM fragment, like every other piece
 * of answer markup (sanitize.ts).
 */
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import php from 'highlight.js/lib/languages/php';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

import { sanitize } from './sanitize';
import './highlight.scss';

const LANGUAGES = {
	bash,
	css,
	diff,
	go,
	java,
	javascript,
	json,
	markdown,
	php,
	python,
	rust,
	sql,
	typescript,
	xml,
	yaml,
};

for ( const [ name, language ] of Object.entries( LANGUAGES ) ) {
	hljs.registerLanguage( name, language );
}

/** Marks a block as done, so a repaint of the same answer does not highlight it twice. */
const DONE = 'data-highlighted';

/**
 * The language a `<code>` element names (`language-xyz`), when highlight.js knows it.
 *
 * @param code A code element.
 */
export function languageOf( code: Element ): string | null {
	const match = /(?:^|\s)language-([\w+#-]+)/.exec( code.className );
	const name = match?.[ 1 ]?.toLowerCase();
	return name !== undefined && hljs.getLanguage( name ) ? name : null;
}

/**
 * Highlights every fenced block with a known language under `root`. Returns how many it did.
 *
 * @param root The rendered answer.
 */
export function highlightWithin( root: Element ): number {
	let count = 0;
	for ( const code of Array.from(
		root.querySelectorAll( 'pre > code[class*="language-"]' )
	) ) {
		const language = languageOf( code );
		if ( language === null || code.hasAttribute( DONE ) ) {
			continue;
		}
		const result = hljs.highlight( code.textContent ?? '', {
			language,
			ignoreIllegals: true,
		} );
		const tokens = sanitize( result.value, 'code' );
		if ( ! tokens ) {
			continue; // No sanitizer yet: the block stays plain.
		}
		code.replaceChildren( tokens );
		code.setAttribute( DONE, '' );
		code.classList.add( 'hljs' );
		count++;
	}
	return count;
}
