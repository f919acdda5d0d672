/**
 * An answer's markdown, rendered safely (see ../markdown.ts) into an element React leaves
 * alone: React renders the empty box, this component fills it with the sanitized DOM.
 *
 * Its parent message is memoized, so while an answer streams only the answer being written
 * renders here, once per token. A very long answer is rendered at most once per frame instead,
 * so a megabyte of text does not cost a full markdown pass for every 64 characters.
 */
import {
	memo,
	useEffect,
	useLayoutEffect,
	useRef,
	useState,
} from '@wordpress/element';

import {
	renderMarkdown,
	sanitizerReady,
	whenSanitizerReady,
} from '../markdown';
import { markWritten } from '../paint-marks';

/** Above this many characters, renders are coalesced to one per animation frame. */
const LARGE = 16384;

interface MarkdownProps {
	text: string;
	/** The text is final (not streaming): fenced code gets highlighted. */
	settled?: boolean;
}

/**
 * Whether a rendered answer has a fenced block that names its language.
 *
 * @param root The rendered answer.
 */
function hasCode( root: Element ): boolean {
	return root.querySelector( 'pre > code[class*="language-"]' ) !== null;
}

function Markdown( { text, settled = true }: MarkdownProps ) {
	const ref = useRef< HTMLDivElement >( null );
	const latest = useRef( text );
	const frame = useRef< number | null >( null );
	latest.current = text;
	// In a browser without the Sanitizer API, DOMPurify may still be on its way: the text shows
	// plain until then, and is painted again once it has come.
	const [ ready, setReady ] = useState( sanitizerReady );
	useEffect( () => {
		if ( ready ) {
			return;
		}
		let live = true;
		whenSanitizerReady().then(
			() => live && setReady( true ),
			() => undefined
		);
		return () => {
			live = false;
		};
	}, [ ready ] );

	useLayoutEffect( () => {
		const paint = () => {
			frame.current = null;
			ref.current?.replaceChildren( renderMarkdown( latest.current ) );
			markWritten();
		};
		if ( text.length < LARGE ) {
			if ( frame.current !== null ) {
				window.cancelAnimationFrame( frame.current );
			}
			paint();
		} else if ( frame.current === null ) {
			frame.current = window.requestAnimationFrame( paint );
		}
	}, [ text, ready ] );

	// Highlighting waits until the answer is complete: a block still being written would be
	// highlighted again for every token. The highlighter is a separate chunk, loaded on first need.
	useEffect( () => {
		const root = ref.current;
		if ( ! settled || ! ready || root === null || ! hasCode( root ) ) {
			return;
		}
		let current = true;
		import( /* webpackChunkName: "chat/highlight" */ '../highlight' )
			.then( ( { highlightWithin } ) => {
				if ( current && ref.current !== null ) {
					highlightWithin( ref.current );
				}
			} )
			// Without highlighting the code is still there, plain: nothing to tell the visitor.
			.catch( () => undefined );
		return () => {
			current = false;
		};
	}, [ text, settled, ready ] );

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
