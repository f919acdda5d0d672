/**
 * Registers the Dify Chatbot block in the editor.
 */
import { registerBlockType, type BlockConfiguration } from '@wordpress/blocks';

import metadata from './block.json';
import Edit, { type ChatAttributes } from './edit';
import './editor.scss';

// A JSON import is typed loosely (plain strings where block.json has enums); block.json's
// own schema checks its shape, so it is only re-labelled here.
registerBlockType< ChatAttributes >(
	metadata as unknown as BlockConfiguration< ChatAttributes >,
	{
		edit: Edit,
		// Dynamic block: render.php draws it on the server.
		save: () => null,
	}
);
