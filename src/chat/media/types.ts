/**
 * What the chat and the media chunk share: the chunk's parts and their props, and a file in the
 * question box. Types only: the chat imports them without pulling the chunk in.
 */
import type { ComponentType, Dispatch, SetStateAction } from 'react';

import type { AppParameters } from '../api/types';
import type { FormFileValue } from '../inputs';
import type { ChatConfig } from '../options';

/** A file in the question box: being uploaded, uploaded (`id`), or refused (`error`). */
export interface PendingFile {
	key: string;
	name: string;
	/** Dify's type to send it as. */
	type: string;
	/** Object URL of an image's preview; null for other files. */
	url: string | null;
	/** The upload's id once Dify has the file. */
	id: string | null;
	/** Fraction uploaded, 0–1. */
	progress: number;
	error: string | null;
}

export interface ToolsProps {
	config: ChatConfig;
	/** The chat's bot ('' for the default one): every request names it. */
	bot: string;
	parameters: AppParameters;
	files: PendingFile[];
	setFiles: Dispatch< SetStateAction< PendingFile[] > >;
	/** Puts dictated text in the question box. */
	onTranscript: ( text: string ) => void;
}

export interface ReadAloudProps {
	config: ChatConfig;
	/** The chat's bot ('' for the default one). */
	bot: string;
	/** The answer's markdown. */
	text: string;
}

export interface FormFileProps {
	config: ChatConfig;
	/** The chat's bot ('' for the default one). */
	bot: string;
	parameters: AppParameters;
	id: string;
	variable: string;
	label: string;
	/** `file-list`: several files (up to `max`). */
	multiple: boolean;
	max: number;
	types: string[];
	extensions: string[];
	methods: string[];
	describedBy?: string;
	invalid: boolean;
	/** The handle of the Human Input form the field belongs to (the server checks it). */
	form?: string;
	/** No more changes (the form was sent). */
	disabled?: boolean;
	value: FormFileValue[];
	onChange: ( value: FormFileValue[] ) => void;
	/**
	 * Called with true when the field starts uploading and with false when it is done (uploaded,
	 * failed, or the field went away): the form holds its actions meanwhile.
	 */
	onBusy?: ( busy: boolean ) => void;
}

/** What the media chunk exposes once it ran (`window.difyChatbotMedia`). */
export interface MediaModule {
	/** The question box's attach and microphone buttons, and the attached files. */
	Tools: ComponentType< ToolsProps >;
	/** The "Read aloud" button under an answer. */
	ReadAloud: ComponentType< ReadAloudProps >;
	/** Plays the `tts_message` audio of an answer (base64 MP3 chunks, in order). */
	playChunks: ( chunks: string[] ) => void;
	/** A file field of the app's input form. */
	FormFile: ComponentType< FormFileProps >;
}
