/**
 * An answer's markdown, rendered safely (see ../markdown.ts) into an element React leaves
 * alone: React renders the empty box, this component fills it with the sanitized DOM.
 *
 * Its parent message is memoized, so while an answer streams only the answer being written
 * renders here, once per token. A very long answer is rendered at most once per frame instead,
 * so a megabyte of text does not cost a full markdown pass for every 64 characters.
 */
import { memo, useEffect, useLayoutEffect, useRef } from '@wordpress/element';

import { renderMarkdown } from '../markdown';

/** Above this many characters, renders are coalesced to one per animation frame. */
const LARGE = 16384;

interface MarkdownProps {
	text: string;
}

function Markdown( { text }: MarkdownProps ) {
	const ref = useRef< HTMLDivElement >( null );
	const latest = useRef( text );
	const frame = useRef< number | null >( null );
	latest.current = text;

	useLayoutEffect( () => {
		const paint = () => {
			frame.current = null;
			ref.current?.replaceChildren( renderMarkdown( latest.current ) );
		};
		if ( text.length < LARGE ) {
			if ( frame.current !== null ) {
				window.cancelAnimationFrame( frame.current );
			}
			paint();
		} else if ( frame.current === null ) {
			frame.current = window.requestAnimationFrame( paint );
		}
	}, [ text ] );

	useEffect(
		() => () => {
			if ( frame.current !== null ) {
				window.cancelAnimationFrame( frame.current );
			}
		},
		[]
	);

	return <div ref={ ref } className="dify-chatbot__markdown" />;
}

export default memo( Markdown );
