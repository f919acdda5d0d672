<?php
/**
 * What every visitor route shares.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot\Rest;

use Dify_Chatbot\Dify\Error_Mapper;
use Dify_Chatbot\Dify\Forms\Form_Handles;
use Dify_Chatbot\Dify\Forms\Form_Owner;
use Dify_Chatbot\Dify\Forms\Form_Store;
use Dify_Chatbot\Dify\Http\Client;
use Dify_Chatbot\Dify\Http\Transport_Policy;
use Dify_Chatbot\Security\Visitor_Guard;
use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Bots;
use Dify_Chatbot\Settings\Encryption;
use Dify_Chatbot\Settings\Settings;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;

/**
 * The visitor routes' one way in and one way to Dify:
 *
 * - route() registers a route under the plugin's namespace with the guard of its kind as its
 *   permission callback (Security\Visitor_Guard), so no visitor route is open by mistake and a
 *   new check reaches every route at once, and with the `bot` parameter checked against the
 *   configured bots (bot_arg()), so no route can forget it: an unknown bot is WordPress's 400
 *   before the guard runs, so nothing is counted and nothing is sent;
 * - client() is the client of the bot a request asks for, or why there is none;
 * - user() is the visitor's Dify user, derived on the server (Security\Visitor_Identity), never
 *   taken from the request: Dify scopes conversations and messages by it;
 * - errors() maps every upstream failure (Dify\Error_Mapper), and fail() answers with one.
 */
final class Visitor_Api {

	/**
	 * The effective settings.
	 *
	 * @var Settings
	 */
	private Settings $settings;

	/**
	 * The permission callbacks.
	 *
	 * @var Visitor_Guard
	 */
	private Visitor_Guard $guard;

	/**
	 * Derives the Dify user.
	 *
	 * @var Visitor_Identity
	 */
	private Visitor_Identity $identity;

	/**
	 * Maps failures.
	 *
	 * @var Error_Mapper
	 */
	private Error_Mapper $errors;

	/**
	 * The bots.
	 *
	 * @var Bots
	 */
	private Bots $bots;

	/**
	 * Keeps the collaborators.
	 *
	 * @param Settings         $settings The default bot's settings (and the site-wide ones).
	 * @param Visitor_Guard    $guard    The permission callbacks.
	 * @param Visitor_Identity $identity Derives the Dify user.
	 * @param Error_Mapper     $errors   Maps failures.
	 * @param Bots|null        $bots     The bots (built around $settings when null).
	 */
	public function __construct( Settings $settings, Visitor_Guard $guard, Visitor_Identity $identity, Error_Mapper $errors, ?Bots $bots = null ) {
		$this->settings = $settings;
		$this->guard    = $guard;
		$this->identity = $identity;
		$this->errors   = $errors;
		$this->bots     = null !== $bots ? $bots : new Bots( $settings->option(), new Encryption(), $settings );
	}

	/**
	 * The schema of the `bot` parameter every visitor route takes: empty for the default bot,
	 * else the slug of a configured bot.
	 *
	 * @param Bots $bots The bots.
	 * @return array<string, mixed>
	 */
	public static function bot_arg( Bots $bots ): array {
		return array(
			'description'       => Api::describe( static fn (): string => __( 'Which configured bot answers (its slug; empty for the default bot).', 'dify-chatbot' ) ),
			'type'              => 'string',
			'default'           => '',
			'validate_callback' => static function ( $value, $request, $param ) use ( $bots ) {
				if ( ! is_string( $value ) || ( '' !== $value && ( 1 !== preg_match( Bots::SLUG_PATTERN, $value ) || ! $bots->exists( $value ) ) ) ) {
					/* translators: %s: parameter name. */
					return new WP_Error( 'rest_invalid_param', sprintf( __( '%s names a bot that does not exist (bots have slugs of lower-case letters, digits, hyphens and underscores).', 'dify-chatbot' ), $param ), array( 'status' => 400 ) );
				}
				return true;
			},
		);
	}

	/**
	 * The settings of the bot a request asks for (validated by bot_arg(); the default bot when
	 * it names none).
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	public function bot( WP_REST_Request $request ): Settings {
		$bot = $this->bots->get( Bots::slug_of( $request->get_param( 'bot' ) ) );
		return null !== $bot ? $bot : $this->settings;
	}

	/**
	 * The bots.
	 */
	public function bots(): Bots {
		return $this->bots;
	}

	/**
	 * Registers a visitor route (call on rest_api_init).
	 *
	 * @param string                              $path     Route below the namespace.
	 * @param string                              $methods  HTTP methods (WP_REST_Server constants).
	 * @param callable                            $callback Answers the request.
	 * @param string                              $kind     Visitor_Guard::READ, ACTION, PAID or CHAT.
	 * @param array<string, array<string, mixed>> $args     The schema of the parameters.
	 * @phpstan-param non-falsy-string $path
	 */
	public function route( string $path, string $methods, callable $callback, string $kind, array $args = array() ): void {
		register_rest_route(
			Api::NAMESPACE,
			$path,
			array(
				'methods'             => $methods,
				'callback'            => $callback,
				// Each kind is a permission callback of the guard (Visitor_Guard::read(), …).
				'permission_callback' => array( $this->guard, $kind ),
				'args'                => array( 'bot' => self::bot_arg( $this->bots ) ) + $args,
			)
		);
	}

	/**
	 * The client of the bot the request asks for (its key, base URL and slug), or why there is
	 * none.
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 * @return Client|WP_Error
	 */
	public function client( WP_REST_Request $request ) {
		$bot = $this->bot( $request );
		$key = $bot->api_key();
		if ( null === $key || ! $bot->is_configured() ) {
			return $this->errors->not_configured();
		}
		return new Client( $bot->base_url(), $key, new Transport_Policy( $bot->ca_bundle() ), $bot->slug() );
	}

	/**
	 * The visitor's Human Input forms for this client's bot and app: a form shown by one bot is
	 * not found through another.
	 *
	 * @param Client $client The bot's client.
	 */
	public function forms( Client $client ): Form_Handles {
		return new Form_Handles( new Form_Owner( $client->bot(), $client->fingerprint(), $this->user() ), new Form_Store() );
	}

	/**
	 * Whether the site owner lets visitors attach files by web address (Security\Remote_Files).
	 */
	public function allows_remote_files(): bool {
		return $this->settings->option()->get()['allow_remote_files'];
	}

	/**
	 * Whether the bot the request asks for shows the model's reasoning (each bot's own setting).
	 *
	 * @param WP_REST_Request $request The request.
	 * @phpstan-param WP_REST_Request<array<string, mixed>> $request
	 */
	public function shows_reasoning( WP_REST_Request $request ): bool {
		return $this->bot( $request )->show_reasoning();
	}

	/**
	 * The visitor's Dify user.
	 */
	public function user(): string {
		return $this->identity->user();
	}

	/**
	 * Maps failures.
	 */
	public function errors(): Error_Mapper {
		return $this->errors;
	}

	/**
	 * An error as the route's answer (with Retry-After when it says when to come back).
	 *
	 * @param WP_Error $error A mapped error.
	 */
	public function fail( WP_Error $error ): WP_REST_Response {
		return $this->errors->to_response( $error );
	}
}
