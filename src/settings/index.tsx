/**
 * Settings → Dify Chatbot: mounts the screen into the page's #dify-chatbot-settings.
 */
import { createRoot } from '@wordpress/element';

import SettingsScreen from './components/SettingsScreen';
import './settings.scss';

function start() {
	const container = document.getElementById( 'dify-chatbot-settings' );
	if ( container ) {
		createRoot( container ).render( <SettingsScreen /> );
	}
}

// The script is printed in the footer, but may be moved to the head by a plugin.
if ( document.readyState === 'loading' ) {
	document.addEventListener( 'DOMContentLoaded', start );
} else {
	start();
}
