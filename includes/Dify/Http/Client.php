<?php
/**
 * The Dify service API endpoints the plugin calls.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\Http;

use WP_Error;

/**
 * One method per endpoint, each with its body and timeout; how a request is sent (key, TLS,
 * redirects, multipart, streams) is the Connection's business. The client is given everything it
 * needs (address, key, transport policy) and reads no settings itself.
 *
 * Calls made for a visitor carry the visitor's derived `user`: Dify scopes conversations and
 * messages by it (docs/dify-notes.md §2).
 */
final class Client {

	/**
	 * The largest text-to-speech answer relayed, in bytes (minutes of MP3).
	 */
	public const MAX_AUDIO_BYTES = 16777216;

	/**
	 * Default seconds a whole streamed answer may take (see stream_seconds()).
	 */
	public const STREAM_SECONDS = 300.0;

	/**
	 * How requests reach the app.
	 *
	 * @var Connection
	 */
	private Connection $connection;

	/**
	 * The slug of the bot this client speaks for (its budget, its forms).
	 *
	 * @var string
	 */
	private string $bot;

	/**
	 * Keeps the address, the key and the transport policy.
	 *
	 * @param string                $base_url Base URL, e.g. https://api.dify.ai/v1.
	 * @param string                $api_key  App API key.
	 * @param Transport_Policy|null $policy   The policy with the site's CA bundle; without one, TLS
	 *                                        is checked against the default certificates.
	 * @param string                $bot      The slug of the bot this client speaks for.
	 */
	public function __construct( string $base_url, string $api_key, ?Transport_Policy $policy = null, string $bot = 'default' ) {
		$this->connection = new Connection( $base_url, $api_key, null !== $policy ? $policy : new Transport_Policy( '' ) );
		$this->bot        = $bot;
	}

	/**
	 * The slug of the bot this client speaks for.
	 */
	public function bot(): string {
		return $this->bot;
	}

	/**
	 * The base URL.
	 */
	public function base_url(): string {
		return $this->connection->base_url();
	}

	/**
	 * A stable, non-reversible name for this base URL + key pair (cache keys).
	 */
	public function fingerprint(): string {
		return $this->connection->fingerprint();
	}

	/**
	 * Removes the key from a text that is about to leave the server.
	 *
	 * @param string $text Text.
	 */
	public function scrub( string $text ): string {
		return $this->connection->scrub( $text );
	}

	/**
	 * GET /info: the app's name and mode. /info takes no `user` (docs/dify-notes.md §1), and the
	 * answer is cached for the whole site, so none is sent.
	 *
	 * @return Response|WP_Error
	 */
	public function info() {
		/**
		 * Filters how many seconds the /info call may take (connection test, mode lookup).
		 *
		 * @param float $seconds Default 15.
		 */
		return $this->connection->request( 'GET', '/info', null, Connection::seconds( apply_filters( 'dify_chatbot_info_timeout', 15.0 ), 15.0 ) );
	}

	/**
	 * GET /parameters: the app's features and input form. Like /info it takes no `user`
	 * (docs/dify-notes.md §1), and the answer is cached for the whole site.
	 *
	 * @return Response|WP_Error
	 */
	public function parameters() {
		/** This filter is documented in includes/Dify/Http/Client.php */
		return $this->connection->request( 'GET', '/parameters', null, Connection::seconds( apply_filters( 'dify_chatbot_info_timeout', 15.0 ), 15.0 ) );
	}

	/**
	 * GET /site: the app's web-app branding (title, icon, colour, texts) and whether its web app
	 * shows workflow steps. Like /parameters it takes no `user` and is cached for the whole site.
	 *
	 * @return Response|WP_Error
	 */
	public function site() {
		/** This filter is documented in includes/Dify/Http/Client.php */
		return $this->connection->request( 'GET', '/site', null, Connection::seconds( apply_filters( 'dify_chatbot_info_timeout', 15.0 ), 15.0 ) );
	}

	/**
	 * How many seconds a whole streamed answer may take. Each stream holds one PHP worker for its
	 * whole length, and a stream slot (Security\Stream_Slots) expires after this long, so the
	 * default is 5 minutes rather than Dify's own 20-minute limit for a run: a long chat answer
	 * (a few thousand tokens) streams in one to three minutes, and a site whose agents or
	 * workflows really run longer raises it with the filter.
	 */
	public static function stream_seconds(): float {
		/**
		 * Filters how many seconds a whole streamed answer may take (silence is limited
		 * separately by `dify_chatbot_read_timeout`).
		 *
		 * @param float $seconds Default 300.
		 */
		return Connection::seconds( apply_filters( 'dify_chatbot_stream_timeout', self::STREAM_SECONDS ), self::STREAM_SECONDS );
	}

	/**
	 * Rates an answer as the visitor who received it (Dify finds only their own messages,
	 * docs/dify-notes.md §2); null removes the rating. A comment goes with it as Dify's `content`.
	 *
	 * @param string      $message_id Dify's message id.
	 * @param string      $user       The visitor's Dify user.
	 * @param string|null $rating     'like', 'dislike' or null.
	 * @param string      $content    The visitor's comment ('' for none).
	 * @return Response|WP_Error
	 */
	public function feedback( string $message_id, string $user, ?string $rating, string $content = '' ) {
		$body = array(
			'user'   => $user,
			'rating' => $rating,
		);
		if ( '' !== $content ) {
			$body['content'] = $content;
		}
		return $this->connection->request( 'POST', '/messages/' . rawurlencode( $message_id ) . '/feedbacks', $body, 15 );
	}

	/**
	 * Follow-up questions for an answer of the visitor (docs/dify-notes.md §10). Dify asks its
	 * model, so this may take a while.
	 *
	 * @param string $message_id Dify's message id.
	 * @param string $user       The visitor's Dify user.
	 * @return Response|WP_Error
	 */
	public function suggested( string $message_id, string $user ) {
		return $this->connection->get( '/messages/' . rawurlencode( $message_id ) . '/suggested', array( 'user' => $user ), 30 );
	}

	/**
	 * The visitor's conversations: Dify lists only those of this user (docs/dify-notes.md §2).
	 *
	 * @param string      $user    The visitor's Dify user.
	 * @param string|null $last_id Id of the last conversation of the previous page.
	 * @param int         $limit   1-100.
	 * @return Response|WP_Error
	 */
	public function conversations( string $user, ?string $last_id, int $limit ) {
		return $this->connection->get(
			'/conversations',
			array(
				'user'    => $user,
				'limit'   => $limit,
				'last_id' => $last_id,
			),
			15
		);
	}

	/**
	 * A page of a conversation's messages as the visitor: Dify answers 404 for a conversation of
	 * another user (docs/dify-notes.md §2).
	 *
	 * @param string      $conversation_id Dify's conversation id.
	 * @param string      $user            The visitor's Dify user.
	 * @param string|null $first_id        Id of the oldest message shown (older ones come back).
	 * @param int         $limit           1-100.
	 * @return Response|WP_Error
	 */
	public function messages( string $conversation_id, string $user, ?string $first_id, int $limit ) {
		return $this->connection->get(
			'/messages',
			array(
				'conversation_id' => $conversation_id,
				'user'            => $user,
				'limit'           => $limit,
				'first_id'        => $first_id,
			),
			15
		);
	}

	/**
	 * Renames a conversation of the visitor (404 for another user's, docs/dify-notes.md §2).
	 *
	 * @param string $conversation_id Dify's conversation id.
	 * @param string $user            The visitor's Dify user.
	 * @param string $name            The new name.
	 * @return Response|WP_Error
	 */
	public function rename( string $conversation_id, string $user, string $name ) {
		return $this->connection->request(
			'POST',
			'/conversations/' . rawurlencode( $conversation_id ) . '/name',
			array(
				'user'          => $user,
				'name'          => $name,
				'auto_generate' => false,
			),
			15
		);
	}

	/**
	 * Deletes a conversation. Dify does NOT check who owns it (docs/dify-notes.md §2): callers must.
	 *
	 * @param string $conversation_id Dify's conversation id.
	 * @param string $user            The visitor's Dify user.
	 * @return Response|WP_Error
	 */
	public function delete_conversation( string $conversation_id, string $user ) {
		return $this->connection->request( 'DELETE', '/conversations/' . rawurlencode( $conversation_id ), array( 'user' => $user ), 15 );
	}

	/**
	 * Uploads a visitor's file (docs/dify-notes.md §8): one `file` part with its own Content-Type
	 * and the visitor's `user`. Answers 201.
	 *
	 * @param string $user     The visitor's Dify user.
	 * @param string $path     The file on this server.
	 * @param string $filename The name Dify keeps (already cleaned).
	 * @param string $mime     The part's Content-Type.
	 * @return Response|WP_Error
	 */
	public function upload( string $user, string $path, string $filename, string $mime ) {
		return $this->connection->multipart( '/files/upload', $user, $path, $filename, $mime );
	}

	/**
	 * Transcribes a recording (docs/dify-notes.md §9): multipart like an upload; Dify takes only
	 * the part types audio/{mp3,m4a,wav,amr,mpga}. Answers `{"text": …}`.
	 *
	 * @param string $user     The visitor's Dify user.
	 * @param string $path     The recording on this server.
	 * @param string $filename File name for the part.
	 * @param string $mime     The part's Content-Type.
	 * @return Response|WP_Error
	 */
	public function audio_to_text( string $user, string $path, string $filename, string $mime ) {
		return $this->connection->multipart( '/audio-to-text', $user, $path, $filename, $mime );
	}

	/**
	 * Reads a text aloud with the app's voice (docs/dify-notes.md §9). No `voice` is sent, so Dify
	 * checks that the app's text-to-speech is on. Answers `audio/mpeg` bytes.
	 *
	 * @param string $user The visitor's Dify user.
	 * @param string $text The text.
	 * @return Response|WP_Error
	 */
	public function text_to_audio( string $user, string $text ) {
		return $this->connection->request(
			'POST',
			'/text-to-audio',
			array(
				'user' => $user,
				'text' => $text,
			),
			60,
			array(
				'headers'             => array( 'Accept' => 'audio/mpeg, application/json' ),
				// The audio is relayed whole; a runaway answer must not fill the memory.
				'limit_response_size' => self::MAX_AUDIO_BYTES,
			)
		);
	}

	/**
	 * A blocking generation call (/chat-messages, /completion-messages, /workflows/run).
	 *
	 * @param string               $path Path below the base URL.
	 * @param array<string, mixed> $body JSON body; must carry `user`.
	 * @return Response|WP_Error
	 */
	public function chat_blocking( string $path, array $body ) {
		$body['response_mode'] = 'blocking';
		/**
		 * Filters how many seconds a blocking (whole) answer may take. Dify Cloud's edge cuts
		 * requests after about 100 s.
		 *
		 * @param float $seconds Default 120.
		 */
		return $this->connection->request( 'POST', $path, $body, Connection::seconds( apply_filters( 'dify_chatbot_request_timeout', 120.0 ), 120.0 ) );
	}

	/**
	 * Streams a generation call: each event goes to $on_event the moment it is complete.
	 *
	 * Only a 200 `text/event-stream` answer is parsed; any other answer's body is kept (up to
	 * Connection::MAX_ERROR_BODY) and returned in the Response for the error mapper. When
	 * $should_stop says so (asked at least once a second), the transfer is aborted and a Response
	 * is still returned.
	 *
	 * @param string               $path        Path below the base URL.
	 * @param array<string, mixed> $body        JSON body; must carry `user`.
	 * @param callable             $on_event    Receives each event (an array).
	 * @param callable|null        $should_stop Returns true when reading must stop.
	 * @return Response|WP_Error A transport error (DNS, refused, TLS, timeouts), or the answer.
	 *
	 * @phpstan-param callable(array<string, mixed>): void $on_event
	 * @phpstan-param (callable(): bool)|null $should_stop
	 */
	public function stream( string $path, array $body, callable $on_event, ?callable $should_stop = null ) {
		$body['response_mode'] = 'streaming';
		$timeout               = self::stream_seconds();
		return $this->connection->stream( $path, $body, $timeout, $on_event, $should_stop );
	}

	/**
	 * Follows a workflow run's events as the user who started it (Dify answers 404 for another
	 * user's run): after a Human Input form was answered, the resumed run streams from here.
	 *
	 * @param string        $run_id      The workflow run.
	 * @param string        $user        The visitor's Dify user.
	 * @param callable      $on_event    Receives each event (an array).
	 * @param callable|null $should_stop Returns true when reading must stop.
	 * @return Response|WP_Error
	 *
	 * @phpstan-param callable(array<string, mixed>): void $on_event
	 * @phpstan-param (callable(): bool)|null $should_stop
	 */
	public function run_events( string $run_id, string $user, callable $on_event, ?callable $should_stop = null ) {
		$timeout = Connection::seconds( apply_filters( 'dify_chatbot_stream_timeout', 1200.0 ), 1200.0 );
		return $this->connection->stream_get( '/workflow/' . rawurlencode( $run_id ) . '/events', array( 'user' => $user ), $timeout, $on_event, $should_stop );
	}

	/**
	 * Answers a Human Input form with its token as the visitor (Dify records the user; the token
	 * alone grants the answer, so it never leaves the server).
	 *
	 * @param string               $token  Dify's form token.
	 * @param string               $user   The visitor's Dify user.
	 * @param string               $action The button's id.
	 * @param array<string, mixed> $inputs The checked values.
	 * @return Response|WP_Error
	 */
	public function submit_form( string $token, string $user, string $action, array $inputs ) {
		return $this->connection->request(
			'POST',
			'/form/human_input/' . rawurlencode( $token ),
			array(
				'inputs' => (object) $inputs,
				'action' => $action,
				'user'   => $user,
			),
			30
		);
	}

	/**
	 * Stops a running answer. Dify ignores a stop from another `user` than the one that started
	 * the task (docs/dify-notes.md §7).
	 *
	 * @param string $path The mode's stop endpoint for the task (App_Mode::stop_path()).
	 * @param string $user The visitor's Dify user.
	 * @return Response|WP_Error
	 */
	public function stop( string $path, string $user ) {
		return $this->connection->request( 'POST', $path, array( 'user' => $user ), 15 );
	}
}
