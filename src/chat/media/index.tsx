/**
 * Uploads and voice: a separate script, loaded by the chat (media-context.ts, loadMedia) only
 * when the app takes files, dictation or reading aloud, so chats without them never download it.
 * It is its own webpack entry loaded from an inert template rather than a dynamic import(), so
 * WordPress prints its translations with it.
 *
 * Nothing here imports the chat's own modules at run time (types only): a module shared with the
 * main chunk would be bundled twice.
 */
import { FormFile } from './form-file';
import { playChunks } from './play';
import ReadAloud from './ReadAloud';
import Tools from './Tools';
import type { MediaModule } from './types';

const media: MediaModule = { Tools, ReadAloud, playChunks, FormFile };
window.difyChatbotMedia = media;
