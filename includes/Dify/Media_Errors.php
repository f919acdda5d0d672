<?php
/**
 * The refusals about a visitor's files and voice.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify;

use Dify_Chatbot\Dify\Http\Connection;
use WP_Error;

/**
 * One refusal per problem with a file, a recording or the voice features, whether this site finds
 * it before Dify is asked or Dify answers it (docs/dify-notes.md §8, §9): the visitor reads the
 * same code, status and message either way. The switched-off features answer 403 everywhere: the
 * request is understood, but the app does not offer the feature.
 */
final class Media_Errors {

	public const UPLOADS_DISABLED  = 'dify_chatbot_uploads_disabled';
	public const TOO_MANY_FILES    = 'dify_chatbot_too_many_files';
	public const FILE_TOO_LARGE    = 'dify_chatbot_file_too_large';
	public const UNREADABLE_FILE   = Connection::UNREADABLE;
	public const VOICE_DISABLED    = 'dify_chatbot_voice_disabled';
	public const UNSUPPORTED_AUDIO = 'dify_chatbot_unsupported_audio';

	/**
	 * Dify's 400 codes for a file part it will not store (a name or extension it refuses).
	 */
	private const REFUSED_PARTS = array( 'invalid_param', 'filename_not_exists_error', 'no_file_uploaded' );

	/**
	 * The app takes no files (from the visitor's device).
	 */
	public static function uploads_disabled(): WP_Error {
		return self::error( self::UPLOADS_DISABLED, __( 'Attaching files is not available in this chat.', 'dify-chatbot' ), 403 );
	}

	/**
	 * More files on one message than the app takes.
	 *
	 * @param int $limit The app's per-message count.
	 */
	public static function too_many_files( int $limit ): WP_Error {
		/* translators: %d: largest number of files. */
		return self::error( self::TOO_MANY_FILES, sprintf( _n( 'You can attach at most %d file to a message.', 'You can attach at most %d files to a message.', $limit, 'dify-chatbot' ), $limit ), 400 );
	}

	/**
	 * A file of a type the app (or the form field) does not take.
	 */
	public static function unsupported_type(): WP_Error {
		return self::error( Error_Mapper::UNSUPPORTED_FILE, __( 'Files of this type cannot be attached here.', 'dify-chatbot' ), 415 );
	}

	/**
	 * A file whose content is not what its name says (an "image" that is none).
	 */
	public static function content_mismatch(): WP_Error {
		return self::error( Error_Mapper::UNSUPPORTED_FILE, __( 'This file is not the kind of file its name says.', 'dify-chatbot' ), 415 );
	}

	/**
	 * A file Dify will not store under its name (a blocked extension, a name it refuses).
	 */
	public static function refused_name(): WP_Error {
		return self::error( Error_Mapper::UNSUPPORTED_FILE, __( 'This file cannot be attached. Please rename it or choose another file.', 'dify-chatbot' ), 400 );
	}

	/**
	 * A file over the limit; with the limit in the message when it is known.
	 *
	 * @param int $limit The limit in bytes, 0 when unknown.
	 */
	public static function file_too_large( int $limit = 0 ): WP_Error {
		$message = $limit > 0
			/* translators: %s: largest file size, e.g. "10 MB". */
			? sprintf( __( 'This file is too large. The limit is %s.', 'dify-chatbot' ), size_format( $limit ) )
			: __( 'This file is too large.', 'dify-chatbot' );
		return self::error( self::FILE_TOO_LARGE, $message, 413 );
	}

	/**
	 * A received file that can no longer be read on this server: nothing was sent to Dify.
	 */
	public static function unreadable_file(): WP_Error {
		return self::error( self::UNREADABLE_FILE, __( 'This file could not be read. Please choose it again.', 'dify-chatbot' ), 400 );
	}

	/**
	 * A voice feature the app has switched off.
	 *
	 * @param string $feature `speech_to_text` or `text_to_speech`.
	 */
	public static function voice_disabled( string $feature ): WP_Error {
		$message = 'speech_to_text' === $feature
			? __( 'Voice input is not available in this chat.', 'dify-chatbot' )
			: __( 'Reading answers aloud is not available in this chat.', 'dify-chatbot' );
		return self::error( self::VOICE_DISABLED, $message, 403 );
	}

	/**
	 * A recording over the limit.
	 */
	public static function recording_too_long(): WP_Error {
		return self::error( self::FILE_TOO_LARGE, __( 'This recording is too long. Please record a shorter message.', 'dify-chatbot' ), 413 );
	}

	/**
	 * A recording in a format Dify does not take.
	 */
	public static function unsupported_audio(): WP_Error {
		return self::error( self::UNSUPPORTED_AUDIO, __( 'This recording could not be used. Please type your message instead.', 'dify-chatbot' ), 415 );
	}

	/**
	 * Dify's refusal of an upload, or null when it is none of the file's own problems.
	 *
	 * @param int    $status Dify's status.
	 * @param string $code   Dify's code ('' for a body that is not Dify's JSON).
	 */
	public static function from_upload( int $status, string $code ): ?WP_Error {
		if ( 413 === $status ) {
			// file_too_large, or a proxy's body limit (nginx: 100 MB by default).
			return self::file_too_large();
		}
		if ( 415 === $status && 'unsupported_file_type' === $code ) {
			return self::unsupported_type();
		}
		if ( 400 === $status && in_array( $code, self::REFUSED_PARTS, true ) ) {
			return self::refused_name();
		}
		return null;
	}

	/**
	 * Dify's refusal of a voice call, or null when it is none of the voice features' problems.
	 *
	 * @param int    $status  Dify's status.
	 * @param string $code    Dify's code ('' for a body that is not Dify's JSON).
	 * @param string $message Dify's message (it alone names a switched-off feature).
	 */
	public static function from_voice( int $status, string $code, string $message ): ?WP_Error {
		// Switched off since the parameters were cached: Dify 1.16 says so with its own code for
		// speech to text; older versions (and text to speech still) with invalid_param and a text.
		if ( 400 === $status && 'speech_to_text_disabled' === $code ) {
			return self::voice_disabled( 'speech_to_text' );
		}
		if ( 400 === $status && 'invalid_param' === $code && false !== stripos( $message, 'not enabled' ) ) {
			return self::voice_disabled( false !== stripos( $message, 'speech to text' ) ? 'speech_to_text' : 'text_to_speech' );
		}
		if ( 413 === $status ) {
			return self::recording_too_long();
		}
		if ( 415 === $status && 'unsupported_audio_type' === $code ) {
			return self::unsupported_audio();
		}
		if ( 'provider_not_support_speech_to_text' === $code ) {
			return self::error( Error_Mapper::UNAVAILABLE, __( 'Voice input is not available right now.', 'dify-chatbot' ), 503 );
		}
		return null;
	}

	/**
	 * An error with its status.
	 *
	 * @param string $code    Error code.
	 * @param string $message Message for the visitor.
	 * @param int    $status  HTTP status.
	 */
	private static function error( string $code, string $message, int $status ): WP_Error {
		return new WP_Error( $code, $message, array( 'status' => $status ) );
	}
}
