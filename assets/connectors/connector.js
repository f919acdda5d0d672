/**
 * The Dify card on Settings → Connectors (WordPress 7.0 and newer).
 *
 * A script module that includes/Connectors/Dify_Connector.php adds to that screen only. The
 * connector is registered on the server with the authentication method "none" (the API key stays
 * encrypted in the plugin's own settings, docs/connectors.md), and the screen draws a card only
 * for a connector that has a `render`: this gives it one, built from the screen's own
 * ConnectorItem, which says whether the connection is set up and leads to Settings → Dify
 * Chatbot. Plain JavaScript, not built: the screen's modules are imported by name, and React and
 * the components are the globals that screen already loads.
 */
// The Connectors screen's only way to draw a card (WordPress 7.0–7.1); a WordPress script module,
// resolved by the page's import map, not by a package in node_modules.
/* eslint-disable @wordpress/no-unsafe-wp-apis, import/no-unresolved */
import {
	__experimentalRegisterConnector as registerConnector,
	__experimentalConnectorItem as ConnectorItem,
} from '@wordpress/connectors';
/* eslint-enable @wordpress/no-unsafe-wp-apis, import/no-unresolved */

const { createElement: h } = window.wp.element;
const { Button, __experimentalHStack: HStack } = window.wp.components;

/**
 * What the server handed over (Dify_Connector::module_data()): never the key.
 *
 * @return {{id?: string, settingsUrl?: string, configured?: boolean, labels?: Record<string, string>}} The data.
 */
function readData() {
	const script = document.getElementById(
		'wp-script-module-data-dify-chatbot-connector'
	);
	try {
		return script ? JSON.parse( script.textContent || '{}' ) : {};
	} catch {
		return {};
	}
}

const data = readData();
const labels = data.labels || {};

/**
 * The card.
 *
 * @param {Object} props             What the Connectors screen passes to a connector's render.
 * @param {string} props.name        The connector's name.
 * @param {string} props.description Its description.
 * @param {*}      props.logo        The logo the screen chose.
 * @return {*} The card.
 */
function DifyConnector( { name, description, logo } ) {
	return h( ConnectorItem, {
		className: 'connector-item--dify-chatbot',
		logo,
		name: name || 'Dify',
		description: description || labels.keyStaysHere,
		actionArea: h(
			HStack,
			{ spacing: 3, expanded: false },
			h(
				'span',
				{ className: 'dify-chatbot-connector__state' },
				data.configured ? labels.connected : labels.notSetUp
			),
			h(
				Button,
				{
					variant: data.configured ? 'tertiary' : 'secondary',
					size: 'compact',
					href: data.settingsUrl,
				},
				data.configured ? labels.manage : labels.setUp
			)
		),
	} );
}

if ( data.id && data.settingsUrl ) {
	registerConnector( data.id, { render: DifyConnector } );
}
