/**
 * The only script a page with a chat gets up front. It has no dependencies (no @wordpress
 * imports: its .asset.php must list none) and does almost nothing until the chat is used:
 *
 * - an inline chat loads the app when it comes near the viewport;
 * - a bubble chat gets a launcher button; the app loads when the visitor reaches for it
 *   (hover/focus/touch warms it up, the click opens the panel).
 *
 * "Loading the app" means activating the inert <template> the server printed in the footer:
 * its <script> tags (app.js, its WordPress dependencies, their translations and inline data),
 * re-created one at a time in order, so WordPress keeps control of dependencies and i18n.
 */
import {
	CLOSE_EVENT,
	OPEN_EVENT,
	parseOptions,
	readConfig,
	type ChatApp,
	type ChatOptions,
} from './options';

const config = readConfig( window.difyChatbotConfig );
const mounted = new WeakSet< HTMLElement >();
let templateScripts: HTMLScriptElement[] | null = null;
/** How many of the template's scripts ran: a failed load resumes where it stopped. */
let activated = 0;
let loading: Promise< ChatApp > | null = null;
let observer: IntersectionObserver | null = null;

const JS_TYPE = /^((text|application)\/(x-)?(java|ecma)script|module)$/i;

/**
 * Runs one script from the template. A fresh element is needed: a script parsed inside a
 * <template> is marked as already started and would never run if moved.
 *
 * @param source The inert script.
 */
function runScript( source: HTMLScriptElement ): Promise< void > {
	return new Promise( ( resolve, reject ) => {
		const script = document.createElement( 'script' );
		for ( const { name, value } of Array.from( source.attributes ) ) {
			script.setAttribute( name, value );
		}
		// Browsers hide the nonce attribute's value once parsed; the property keeps it (CSP).
		if ( source.nonce ) {
			script.nonce = source.nonce;
		}
		const type = source.getAttribute( 'type' );
		const waits =
			source.hasAttribute( 'src' ) && ( ! type || JS_TYPE.test( type ) );
		if ( waits ) {
			script.onload = () => resolve();
			script.onerror = () => {
				script.remove();
				reject(
					new Error( `Dify Chatbot: could not load ${ script.src }` )
				);
			};
		} else {
			script.text = source.text;
		}
		document.body.appendChild( script );
		if ( ! waits ) {
			resolve(); // Inline scripts run on insertion.
		}
	} );
}

async function activateTemplate(): Promise< void > {
	if ( ! templateScripts ) {
		const template = document.getElementById( config.template );
		templateScripts =
			template instanceof HTMLTemplateElement
				? Array.from( template.content.querySelectorAll( 'script' ) )
				: [];
	}
	while ( activated < templateScripts.length ) {
		await runScript( templateScripts[ activated ] as HTMLScriptElement );
		activated++;
	}
}

/** Script runs of other inert templates (the app's media chunk), by template id. */
const extras = new Map< string, Promise< void > >();

/**
 * Runs another inert template's scripts once, for the app (see ChatApp in options.ts).
 *
 * @param id The template's id.
 */
window.difyChatbotScripts = ( id: string ): Promise< void > => {
	let run = extras.get( id );
	if ( ! run ) {
		const template = document.getElementById( id );
		const scripts =
			template instanceof HTMLTemplateElement
				? Array.from( template.content.querySelectorAll( 'script' ) )
				: [];
		run = scripts.reduce< Promise< void > >(
			( chain, script ) => chain.then( () => runScript( script ) ),
			Promise.resolve()
		);
		extras.set( id, run );
		run.catch( () => extras.delete( id ) );
	}
	return run;
};

/** Loads the app once; a failure (network) may be tried again by the next use. */
function loadApp(): Promise< ChatApp > {
	if ( window.difyChatbotApp ) {
		return Promise.resolve( window.difyChatbotApp );
	}
	if ( ! loading ) {
		loading = activateTemplate().then( () => {
			if ( ! window.difyChatbotApp ) {
				throw new Error( 'Dify Chatbot: the chat app did not start.' );
			}
			return window.difyChatbotApp;
		} );
		loading.catch( () => {
			loading = null;
		} );
	}
	return loading;
}

function mount( root: HTMLElement, options: ChatOptions ): Promise< void > {
	return loadApp().then( ( app ) => {
		if ( ! mounted.has( root ) ) {
			mounted.add( root );
			return app.mount( root, options, config );
		}
	} );
}

function report( error: unknown ): void {
	// eslint-disable-next-line no-console -- the only trace a site owner gets of a failed load.
	console.error( error );
}

function setupInline( root: HTMLElement, options: ChatOptions ): void {
	if ( ! ( 'IntersectionObserver' in window ) ) {
		mount( root, options ).catch( report );
		return;
	}
	observer ??= new IntersectionObserver(
		( entries ) => {
			for ( const entry of entries ) {
				if ( entry.isIntersecting ) {
					const target = entry.target as HTMLElement;
					observer?.unobserve( target );
					mount(
						target,
						parseOptions(
							target.getAttribute( 'data-dify-chatbot' )
						)
					).catch( report );
				}
			}
		},
		// Start a little before the chat scrolls into view, so it is ready when seen.
		{ rootMargin: '200px' }
	);
	observer.observe( root );
}

const SVG = 'http://www.w3.org/2000/svg';

function icon( className: string, path: string ): SVGSVGElement {
	const svg = document.createElementNS( SVG, 'svg' );
	svg.setAttribute( 'viewBox', '0 0 24 24' );
	svg.setAttribute( 'aria-hidden', 'true' );
	svg.setAttribute( 'focusable', 'false' );
	svg.setAttribute( 'class', className );
	const shape = document.createElementNS( SVG, 'path' );
	shape.setAttribute( 'd', path );
	svg.appendChild( shape );
	return svg;
}

function setupBubble( root: HTMLElement, options: ChatOptions ): void {
	const launcher = document.createElement( 'button' );
	launcher.type = 'button';
	launcher.className = `dify-chatbot__launcher wp-element-button is-${ options.position }`;
	launcher.setAttribute( 'aria-expanded', 'false' );
	launcher.setAttribute( 'aria-controls', root.id );
	// The launcher lives outside the chat: it takes the chat's accent along.
	for ( const property of [
		'--dify-chatbot-accent',
		'--dify-chatbot-accent-text',
	] ) {
		const value = root.style.getPropertyValue( property );
		if ( value ) {
			launcher.style.setProperty( property, value );
			launcher.classList.add( 'has-accent' );
		}
	}
	const label = document.createElement( 'span' );
	label.className = 'dify-chatbot__sr-only';
	// The loader cannot load WordPress's i18n; the server gives it translated words instead.
	label.textContent =
		options.title ||
		config.l10n.openChat ||
		root.getAttribute( 'aria-label' ) ||
		'Open chat';
	launcher.append(
		icon(
			'dify-chatbot__launcher-open',
			'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z'
		),
		icon(
			'dify-chatbot__launcher-close',
			'M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z'
		),
		label
	);

	// The panel is fixed to the viewport. Moved to the end of <body>, right after its launcher,
	// no transformed or clipped ancestor in the theme can trap it, and Tab goes from the
	// launcher straight into the panel.
	root.hidden = true;
	root.classList.add( `is-${ options.position }` );
	document.body.append( launcher, root );

	let open = false;
	const setOpen = ( next: boolean, focusLauncher: boolean ) => {
		open = next;
		root.hidden = ! next;
		root.classList.toggle( 'is-open', next );
		launcher.setAttribute( 'aria-expanded', String( next ) );
		if ( ! next ) {
			if ( focusLauncher ) {
				launcher.focus();
			}
			return;
		}
		if ( ! mounted.has( root ) ) {
			root.classList.add( 'is-loading' );
			root.setAttribute( 'aria-busy', 'true' );
		}
		mount( root, options )
			.then( () => root.dispatchEvent( new CustomEvent( OPEN_EVENT ) ) )
			.catch( ( error ) => {
				report( error );
				setOpen( false, true );
			} )
			.finally( () => {
				root.classList.remove( 'is-loading' );
				root.removeAttribute( 'aria-busy' );
			} );
	};

	const warm = () => {
		loadApp().catch( () => undefined );
	};
	for ( const type of [ 'pointerenter', 'focus', 'touchstart' ] ) {
		launcher.addEventListener( type, warm, { once: true, passive: true } );
	}
	launcher.addEventListener( 'click', () => setOpen( ! open, false ) );
	const onEscape = ( event: KeyboardEvent ) => {
		if (
			open &&
			event.key === 'Escape' &&
			! event.defaultPrevented &&
			! event.isComposing
		) {
			event.preventDefault();
			setOpen( false, true );
		}
	};
	root.addEventListener( 'keydown', onEscape );
	launcher.addEventListener( 'keydown', onEscape );
	// The app's close button.
	root.addEventListener( CLOSE_EVENT, () => setOpen( false, true ) );
}

function boot(): void {
	for ( const root of Array.from(
		document.querySelectorAll< HTMLElement >( '[data-dify-chatbot]' )
	) ) {
		const options = parseOptions(
			root.getAttribute( 'data-dify-chatbot' )
		);
		if ( options.layout === 'bubble' ) {
			setupBubble( root, options );
		} else {
			setupInline( root, options );
		}
	}
}

if ( document.readyState === 'loading' ) {
	document.addEventListener( 'DOMContentLoaded', boot );
} else {
	boot();
}
