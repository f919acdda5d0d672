/**
 * Registers the Dify Chatbot block in the editor.
 */
import { registerBlockType } from '@wordpress/blocks';

import metadata from './block.json';
import Edit from './edit';
import './style.scss';
import './editor.scss';

registerBlockType( metadata.name, {
	edit: Edit,
	// Dynamic block: render.php draws it on the server.
	save: () => null,
} );
