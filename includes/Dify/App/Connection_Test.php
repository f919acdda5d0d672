<?php
/**
 * Explains to the site owner whether the plugin can reach the Dify app.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Dify\App;

use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Dify\Http\Response;
use Dify_Chatbot\Dify\Http\Transport_Error;
use Dify_Chatbot\Dify\Http\Transport_Policy;
use Dify_Chatbot\Settings\Base_Url;
use Dify_Chatbot\Settings\Ca_Bundle;
use Dify_Chatbot\Settings\Settings;

/**
 * Runs on the server, with the effective settings: calls GET <base>/info with the key and says
 * in plain words what went wrong (DNS, refused, timeout, TLS, CA bundle, redirect, wrong key, API
 * disabled, wrong path, not a Dify API) or which app answered and whether it can hold a
 * conversation.
 */
final class Connection_Test {

	/**
	 * The effective settings.
	 *
	 * @var Settings
	 */
	private Settings $settings;

	/**
	 * Caches the app's mode.
	 *
	 * @var App_Info
	 */
	private App_Info $info;

	/**
	 * Keeps the settings and the mode cache.
	 *
	 * @param Settings $settings The effective settings.
	 * @param App_Info $info     Refreshed on success.
	 */
	public function __construct( Settings $settings, App_Info $info ) {
		$this->settings = $settings;
		$this->info     = $info;
	}

	/**
	 * Tests the connection.
	 *
	 * @return array{ok: bool, code: string, message: string, app: array{name: string, mode: string, can_chat: bool}|null}
	 */
	public function run(): array {
		$base = Base_Url::check( $this->settings->base_url() );
		if ( is_wp_error( $base ) ) {
			return self::result( 'bad_url', $base->get_error_message() );
		}
		$key = $this->settings->api_key();
		if ( null === $key && $this->settings->base_url_locked() ) {
			return self::result(
				'key_needs_url',
				/* translators: 1: a PHP constant's name (the key), 2: a PHP constant's name (the base URL). */
				sprintf( __( 'The API key is set by %1$s, but the base URL is not set the same way, so the key is not sent anywhere. Set %2$s next to it (in wp-config.php or the server’s environment).', 'dify-chatbot' ), Settings::API_KEY_NAME, Settings::BASE_URL_NAME )
			);
		}
		if ( null === $key && $this->settings->key_for_other_server() ) {
			return self::result(
				'key_elsewhere',
				/* translators: 1: the server the key was entered for, 2: the server the base URL points to. */
				sprintf( __( 'The saved API key was entered for %1$s, and the base URL now points to %2$s. The key is only ever sent to the server it was entered for: enter the key again to use it with this server.', 'dify-chatbot' ), (string) $this->settings->keys()->origin(), Base_Url::origin( $base ) )
			);
		}
		if ( null === $key ) {
			$status = $this->settings->keys()->status();
			return self::result(
				'no_key',
				$status['unreadable']
					? __( 'The saved API key can no longer be read (the site’s security keys have changed). Enter the key again.', 'dify-chatbot' )
					: __( 'No API key is saved yet. Enter the API key of your Dify app (Dify: your app → API Access → API Key).', 'dify-chatbot' )
			);
		}

		$ca_bundle = Ca_Bundle::check( $this->settings->ca_bundle() );
		if ( is_wp_error( $ca_bundle ) ) {
			return self::result( 'bad_ca_bundle', $ca_bundle->get_error_message() );
		}

		$client   = new Client( $base, $key, new Transport_Policy( $ca_bundle ) );
		$response = $client->info();
		if ( is_wp_error( $response ) ) {
			return $this->transport( Transport_Error::kind( $response ), $base, $ca_bundle );
		}
		return $this->answer( $client, $response );
	}

	/**
	 * Explains a transport failure.
	 *
	 * @param string $kind      Kind from Transport_Error::kind().
	 * @param string $base      The base URL.
	 * @param string $ca_bundle The CA bundle in use ('' = the site's default certificates).
	 * @return array{ok: bool, code: string, message: string, app: null}
	 */
	private function transport( string $kind, string $base, string $ca_bundle ): array {
		$host = (string) wp_parse_url( $base, PHP_URL_HOST );
		$tls  = '' === $ca_bundle
			/* translators: %s: host name. */
			? sprintf( __( 'The secure (HTTPS) connection to %s failed: its certificate could not be verified. Use a certificate from a public certificate authority, or, if your Dify server uses its own (self-signed) certificate authority, enter the path of that authority’s certificate file under Advanced → CA bundle.', 'dify-chatbot' ), $host )
			/* translators: 1: host name, 2: file path. */
			: sprintf( __( 'The secure (HTTPS) connection to %1$s failed: its certificate could not be verified with the certificates in %2$s. Check that this file holds the certificate authority that signed the Dify server’s certificate, and that the certificate is issued for %1$s.', 'dify-chatbot' ), $host, $ca_bundle );
		$messages = array(
			/* translators: %s: host name. */
			'dns'     => sprintf( __( 'The host name %s could not be found. Check the spelling of the Dify API URL, and that this server can resolve it.', 'dify-chatbot' ), $host ),
			/* translators: %s: host name. */
			'refused' => sprintf( __( 'The connection to %s was refused or the server could not be reached. Check the address and port, and that Dify is running and reachable from this web server (a firewall may block it).', 'dify-chatbot' ), $host ),
			/* translators: %s: host name. */
			'timeout' => sprintf( __( '%s did not answer in time. Check that the address is right and that this web server may connect to it.', 'dify-chatbot' ), $host ),
			'tls'     => $tls,
			'blocked' => __( 'WordPress is set to block requests to other servers (WP_HTTP_BLOCK_EXTERNAL). Add the Dify host to WP_ACCESSIBLE_HOSTS in wp-config.php.', 'dify-chatbot' ),
			'bad_url' => __( 'The Dify API URL is not a valid address.', 'dify-chatbot' ),
			/* translators: %s: host name. */
			'network' => sprintf( __( 'The connection to %s failed. Check the address and that Dify is reachable from this web server.', 'dify-chatbot' ), $host ),
		);
		// A blocked request and other network failures are reported as "refused": the owner's fix is the same kind.
		$code = in_array( $kind, array( 'dns', 'refused', 'timeout', 'tls', 'bad_url' ), true ) ? $kind : 'refused';
		return self::result( $code, isset( $messages[ $kind ] ) ? $messages[ $kind ] : $messages['network'] );
	}

	/**
	 * Explains an HTTP answer.
	 *
	 * @param Client   $client   The client.
	 * @param Response $response The /info answer.
	 * @return array{ok: bool, code: string, message: string, app: array{name: string, mode: string, can_chat: bool}|null}
	 */
	private function answer( Client $client, Response $response ): array {
		$status  = $response->status();
		$is_json = null !== $response->json();
		if ( $status >= 300 && $status < 400 ) {
			return self::result( 'redirect', $this->redirect_message( $client, $response ) );
		}
		if ( 401 === $status ) {
			return self::result( 'unauthorized', __( 'Dify rejected the API key: it is wrong or no longer valid. Copy the key again from your app in Dify (API Access → API Key); a knowledge-base key does not work here.', 'dify-chatbot' ) );
		}
		if ( 403 === $status ) {
			return self::result( 'forbidden', __( 'Dify accepted the key but refused access: the app’s API access may be switched off, or the app or its workspace is disabled. In Dify, open the app and enable its API (API Access).', 'dify-chatbot' ) );
		}
		if ( 404 === $status ) {
			return self::result( 'not_found', __( 'The server answered, but there is no Dify API at this path. Check the end of the Dify API URL: it usually ends in /v1 (for example https://api.dify.ai/v1 or http://your-server/v1).', 'dify-chatbot' ) );
		}
		$info = App_Info::parse( $response );
		if ( null === $info ) {
			if ( 200 === $status || ! $is_json ) {
				return self::result( 'not_dify', __( 'The server at this URL answered, but not like a Dify API (it sent a web page or something else). Check that the URL points to the Dify API, usually ending in /v1.', 'dify-chatbot' ) );
			}
			/* translators: %d: HTTP status code. */
			return self::result( 'http_error', sprintf( __( 'Dify answered with an error (HTTP %d). Try again later, or check Dify’s logs.', 'dify-chatbot' ), $status ) );
		}

		$this->info->remember( $client, $info );
		return self::success( $info );
	}

	/**
	 * Explains a redirect, which is never followed (it could carry the key to another host), and
	 * which address to enter instead: the redirect's target without the /info the test asked for.
	 *
	 * @param Client   $client   The client (the base URL, and to scrub the key).
	 * @param Response $response The 3xx answer.
	 */
	private function redirect_message( Client $client, Response $response ): string {
		$location = trim( $response->header( 'location' ) );
		if ( '' === $location ) {
			/* translators: %d: HTTP status code. */
			return sprintf( __( 'Dify answered with a redirect (HTTP %d) but did not say where to. Redirects are not followed; check the Dify API URL.', 'dify-chatbot' ), $response->status() );
		}
		if ( '/' === $location[0] && ( ! isset( $location[1] ) || '/' !== $location[1] ) ) {
			$location = Base_Url::origin( $client->base_url() ) . $location;
		}
		$suggested = (string) preg_replace( '~/info/?$~', '', strtok( $location, '?#' ) );
		return sprintf(
			/* translators: %s: URL. */
			__( 'Dify answered with a redirect to %s. For safety the plugin does not follow redirects (they could send the API key to another server): if that address is right, enter it as the API base URL.', 'dify-chatbot' ),
			$client->scrub( $suggested )
		);
	}

	/**
	 * Describes the connected app.
	 *
	 * @param array{name: string, mode: string} $info Name and mode.
	 * @return array{ok: bool, code: string, message: string, app: array{name: string, mode: string, can_chat: bool}}
	 */
	private static function success( array $info ): array {
		$mode     = App_Mode::from( $info['mode'] );
		$can_chat = null !== $mode && $mode->is_chat();
		if ( $can_chat ) {
			/* translators: 1: app name, 2: app mode as Dify names it (chat, agent-chat, advanced-chat). */
			$message = sprintf( __( 'Connected to “%1$s” (%2$s). Visitors can chat with it.', 'dify-chatbot' ), $info['name'], $info['mode'] );
		} elseif ( null !== $mode ) {
			/* translators: 1: app name, 2: app mode as Dify names it (completion, workflow). */
			$message = sprintf( __( 'Connected to “%1$s” (%2$s). This type of app (Text Generator or Workflow) can answer but not hold a conversation: each message is answered on its own, without the earlier ones. The message is sent as the app’s input named “query”, so the app needs an input variable with that name. For a real chat, use a Chatbot, Agent or Chatflow app.', 'dify-chatbot' ), $info['name'], $info['mode'] );
		} else {
			/* translators: 1: app name, 2: app type as Dify names it. */
			$message = sprintf( __( 'Connected to “%1$s”, but its type (%2$s) cannot be used for a chat.', 'dify-chatbot' ), $info['name'], $info['mode'] );
		}
		return array(
			'ok'      => true,
			'code'    => 'ok',
			'message' => $message,
			'app'     => array(
				'name'     => $info['name'],
				'mode'     => $info['mode'],
				'can_chat' => $can_chat,
			),
		);
	}

	/**
	 * A failed result.
	 *
	 * @param string $code    Result code.
	 * @param string $message Message for the site owner.
	 * @return array{ok: bool, code: string, message: string, app: null}
	 */
	private static function result( string $code, string $message ): array {
		return array(
			'ok'      => false,
			'code'    => $code,
			'message' => $message,
			'app'     => null,
		);
	}
}
