<?php
/**
 * The Dify app's name and mode, cached.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\App;

use WP_Error;
use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Dify\Http\Response;

/**
 * The mode decides the endpoint (chat, completion, workflow) and whether blocking is allowed
 * (agent apps stream only), so it is asked once per 10 minutes per base URL + key, not per chat.
 */
final class App_Info {

	/**
	 * Transient name prefix (uninstall.php removes every `dify_chatbot_` transient).
	 */
	public const PREFIX = 'dify_chatbot_info_';

	/**
	 * Seconds the mode is cached (10 minutes): a changed app type is noticed soon enough.
	 */
	private const TTL = 600;

	/**
	 * The error mapper.
	 *
	 * @var Error_Mapper
	 */
	private Error_Mapper $errors;

	/**
	 * Keeps the error mapper.
	 *
	 * @param Error_Mapper $errors Maps a failed /info.
	 */
	public function __construct( Error_Mapper $errors ) {
		$this->errors = $errors;
	}

	/**
	 * Forgets what is cached for an app (its bot was removed).
	 *
	 * @param Client $client The app's client.
	 */
	public static function forget( Client $client ): void {
		App_Cache::forget( self::PREFIX . $client->fingerprint() );
	}

	/**
	 * The app mode, from the cache or /info. A Dify-compatible service without /info (404) is
	 * taken for a chat app; a mode the plugin cannot relay is the app's problem (503 for the
	 * visitor), and any other failure is returned for the visitor and remembered briefly
	 * (Failed_Lookup).
	 *
	 * @param Client $client The client.
	 * @return App_Mode|WP_Error
	 */
	public function mode( Client $client ) {
		$cached = App_Cache::get( self::PREFIX . $client->fingerprint() );
		$mode   = is_array( $cached ) && isset( $cached['mode'] ) && is_string( $cached['mode'] ) ? App_Mode::from( $cached['mode'] ) : null;
		if ( null !== $mode ) {
			return $mode;
		}
		$failed = Failed_Lookup::recall( 'info', $client );
		if ( null !== $failed ) {
			return $failed;
		}
		$response = $client->info();
		if ( is_wp_error( $response ) ) {
			return Failed_Lookup::remember( 'info', $client, $this->errors->from_transport( $response ) );
		}
		if ( 404 === $response->status() ) {
			return App_Mode::chat();
		}
		$info = self::parse( $response );
		if ( null === $info ) {
			return Failed_Lookup::remember( 'info', $client, 200 === $response->status() ? $this->errors->bad_response() : $this->errors->from_response( $response ) );
		}
		$this->remember( $client, $info );
		$mode = App_Mode::from( $info['mode'] );
		return null !== $mode ? $mode : $this->errors->from_dify( 400, 'app_unavailable' );
	}

	/**
	 * Caches what /info said (the connection test refreshes it too).
	 *
	 * @param Client                            $client The client.
	 * @param array{name: string, mode: string} $info   Name and mode.
	 */
	public function remember( Client $client, array $info ): void {
		App_Cache::set( self::PREFIX . $client->fingerprint(), $info, self::TTL );
		Failed_Lookup::forget( 'info', $client );
	}

	/**
	 * Name and mode from a 200 /info answer, or null when it is not one.
	 *
	 * @param Response $response The answer.
	 * @return array{name: string, mode: string}|null
	 */
	public static function parse( Response $response ): ?array {
		$json = 200 === $response->status() ? $response->json() : null;
		if ( null === $json || ! isset( $json['mode'] ) || ! is_string( $json['mode'] ) || '' === $json['mode'] ) {
			return null;
		}
		return array(
			'name' => isset( $json['name'] ) && is_string( $json['name'] ) ? $json['name'] : '',
			'mode' => $json['mode'],
		);
	}
}
