<?php
/**
 * Wires the plugin's parts to WordPress.
 *
 * @package Dify_Chatbot
 */

declare( strict_types=1 );

namespace Dify_Chatbot;

use WP_REST_Request;

/**
 * The one place where parts are created and their hooks added.
 *
 * Parts are built when they are needed, not on every request: register() adds, for each group of
 * parts, one small hook on the hooks the group listens to, and the first of them that fires
 * builds the group (autoloading its classes) and lets its parts add their own hooks, which
 * WordPress then runs in the same pass. A page without a chat and a REST request to another
 * plugin's route load only what the block, the shortcode, the option and the counters table need
 * on `init` (docs/architecture.md).
 */
final class Plugin {

	/**
	 * The option, shared by several parts (built on first use, like the four below).
	 *
	 * @var Settings\Option|null
	 */
	private ?Settings\Option $option = null;

	/**
	 * The effective settings.
	 *
	 * @var Settings\Settings|null
	 */
	private ?Settings\Settings $settings = null;

	/**
	 * The bots.
	 *
	 * @var Settings\Bots|null
	 */
	private ?Settings\Bots $bots = null;

	/**
	 * The counters table.
	 *
	 * @var Security\Counter_Store|null
	 */
	private ?Security\Counter_Store $counters = null;

	/**
	 * The daily token budget.
	 *
	 * @var Security\Budget|null
	 */
	private ?Security\Budget $budget = null;

	/**
	 * The stream slots and the daily cap.
	 *
	 * @var Security\Capacity|null
	 */
	private ?Security\Capacity $capacity = null;

	/**
	 * Whether the REST group (routes, guards, headers) has been built.
	 *
	 * @var bool
	 */
	private bool $rest_built = false;

	/**
	 * Adds the hooks that build each group of parts when it is first needed.
	 */
	public function register(): void {
		// Needed on every request: the block type and the shortcode exist on every page, the option
		// is registered, the counters table and the settings' schema (Migration: one autoloaded
		// option) checked on init.
		$this->on_first(
			array( 'init' ),
			function (): array {
				$renderer = new Frontend\Renderer();
				return array( new Frontend\Block( $renderer ), new Frontend\Shortcode( $renderer ), $this->option(), $this->counters(), new Settings\Migration() );
			}
		);
		// The scripts: for the admin, the block editor, or a chat rendered on this page (Assets adds
		// its wp_footer hook when it is built, so the page's footer still gets the app's template).
		$this->on_first( array( 'admin_init', 'enqueue_block_editor_assets', 'dify_chatbot_rendered' ), fn (): array => array( new Frontend\Assets() ) );
		// The admin screens' parts, on wp-admin requests only (admin-ajax.php and admin-post.php
		// are some): a page or a REST request would only pay for their hooks.
		if ( is_admin() ) {
			$this->register_admin();
		}
		// The usage rows' and the app caches' share of the counters' daily pruning.
		$this->on_first( array( Security\Counter_Store::PRUNE_HOOK ), fn (): array => array( new Usage\Usage_Store(), new Dify\App\App_Cache() ) );
		$this->on_first( array( 'wp_privacy_personal_data_exporters', 'wp_privacy_personal_data_erasers' ), fn (): array => array( new Security\Personal_Data( $this->settings(), $this->bots() ) ) );
		// The bots' option by its name (Settings\Bots::OPTION): naming the constant would load the
		// class on every request.
		$this->on_first( array( 'update_option_' . Settings\Option::NAME, 'add_option_' . Settings\Option::NAME, 'update_option_dify_chatbot_bots' ), fn (): array => array( new Settings\Key_Binding( $this->settings() ) ) );
		// Settings → Connectors, where WordPress has them (7.0 and newer): core fires
		// wp_connectors_init during init, before the Connectors screen's own hooks.
		$this->on_first( array( 'wp_connectors_init' ), fn (): array => array( new Connectors\Dify_Connector( fn (): Settings\Settings => $this->settings() ) ) );
		// On a multisite network: each new site's table (and a deleted site's), and the network's
		// defaults screen in Network Admin.
		if ( is_multisite() ) {
			$this->on_first( array( 'wp_initialize_site', 'wpmu_drop_tables' ), fn (): array => array( new Multisite\Sites( plugin_basename( DIFY_CHATBOT_FILE ) ) ) );
			$this->on_first(
				array( 'network_admin_menu', 'network_admin_edit_' . Settings\Network_Page::ACTION ),
				fn (): array => array( new Settings\Network_Page( new Settings\Network_Option(), Settings\Key_Store::network( new Settings\Encryption() ) ) )
			);
		}
		// `wp dify-chatbot …`: built only inside WP-CLI (Commands adds the command only there too).
		if ( defined( 'WP_CLI' ) && WP_CLI ) {
			( new Cli\Commands( new Cli\Command( $this->settings(), $this->budget(), $this->capacity(), new Dify\App\App_Info( new Dify\Error_Mapper() ), null, $this->bots() ), new Cli\Bots_Command( $this->bots() ), new Cli\Usage_Command( new Usage\Usage_Store() ) ) )->register();
		}
		// The routes and what guards them: on rest_api_init, unless this REST request asks for
		// another plugin's route; a later dispatch into the namespace (an internal request, a
		// batch) builds them then.
		add_action( 'rest_api_init', array( $this, 'rest_api_init' ), PHP_INT_MIN );
		add_filter( 'rest_pre_dispatch', array( $this, 'rest_pre_dispatch' ), PHP_INT_MIN, 3 );
	}

	/**
	 * The admin screens' parts: the settings page (admin-post.php runs admin_init before its
	 * admin_post_ action), the privacy policy text, the usage screen (Dashboard → Chatbot usage)
	 * and its CSV download, and the notices.
	 */
	private function register_admin(): void {
		$this->on_first(
			array( 'admin_menu', 'admin_init', 'admin_enqueue_scripts', 'admin_notices', 'plugin_action_links_' . plugin_basename( DIFY_CHATBOT_FILE ) ),
			fn (): array => array( new Settings\Settings_Page( $this->settings() ) )
		);
		$this->on_first( array( 'admin_init' ), fn (): array => array( new Security\Privacy() ) );
		$this->on_first( array( 'admin_menu', 'admin_init' ), fn (): array => array( new Usage\Usage_Page( new Usage\Usage_Store(), $this->bots() ) ) );
		$this->on_first( array( 'admin_notices' ), fn (): array => array( $this->capacity()->daily_cap(), new Settings\Config_Notice( $this->bots() ) ) );
	}

	/**
	 * Builds the REST group unless the request being served is a REST request for a route
	 * outside the namespace (the index and batch requests may reach it, so they build it).
	 */
	public function rest_api_init(): void {
		$wp    = $GLOBALS['wp'] ?? null;
		$route = $wp instanceof \WP && isset( $wp->query_vars['rest_route'] ) && is_string( $wp->query_vars['rest_route'] ) ? $wp->query_vars['rest_route'] : '';
		if ( '' === trim( $route, '/' ) || self::may_reach_namespace( $route ) ) {
			$this->build_rest( false );
		}
	}

	/**
	 * Builds the REST group for a dispatch into the namespace that rest_api_init did not foresee,
	 * registering its routes at once (rest_api_init has already run).
	 *
	 * @param mixed $result  The filtered result (passed through).
	 * @param mixed $server  The server.
	 * @param mixed $request The request.
	 * @return mixed
	 */
	public function rest_pre_dispatch( $result, $server, $request ) {
		if ( ! $this->rest_built && $request instanceof WP_REST_Request && self::may_reach_namespace( $request->get_route() ) ) {
			$this->build_rest( true );
		}
		return $result;
	}

	/**
	 * Whether a route is in the namespace, or one (the index, a batch) that may reach it.
	 *
	 * @param string $route The route.
	 */
	private static function may_reach_namespace( string $route ): bool {
		$route = strtolower( '/' . ltrim( $route, '/' ) );
		foreach ( array( '/' . Rest\Api::NAMESPACE, '/batch/' ) as $prefix ) {
			if ( 0 === strpos( $route . '/', rtrim( $prefix, '/' ) . '/' ) ) {
				return true;
			}
		}
		return '/' === $route;
	}

	/**
	 * Builds the REST group once and lets its parts add their hooks.
	 *
	 * @param bool $routes_now Register the routes now (rest_api_init has already fired).
	 */
	private function build_rest( bool $routes_now ): void {
		if ( $this->rest_built ) {
			return;
		}
		$this->rest_built = true;
		foreach ( $this->rest_parts() as $part ) {
			$part->register();
			if ( $routes_now && method_exists( $part, 'register_routes' ) ) {
				$part->register_routes();
			}
		}
	}

	/**
	 * The routes, the guard of visitor routes and the namespace's headers and limits.
	 *
	 * @return Registrable[]
	 */
	private function rest_parts(): array {
		$settings = $this->settings();
		$errors   = new Dify\Error_Mapper();
		$identity = new Security\Visitor_Identity();
		$capacity = $this->capacity();
		$cross    = new Security\Cross_Site( Rest\Api::NAMESPACE );
		$guard    = new Security\Visitor_Guard(
			$cross,
			new Security\Chat_Policy( $settings->option() ),
			$this->budget(),
			new Security\Rate_Limiter( $this->counters(), $settings->option(), new Security\Client_Ip(), $this->bots() ),
			$identity,
			$capacity
		);
		$visitor  = new Rest\Visitor_Api( $settings, $guard, $identity, $errors, $this->bots() );
		$info     = new Dify\App\App_Info( $errors );
		$params   = new Dify\App\App_Parameters( $errors );
		$usage    = new Usage\Usage_Recorder( new Usage\Usage_Store() );
		return array(
			$usage,
			$capacity->slots(),
			$guard,
			new Security\Body_Limit( Rest\Api::NAMESPACE ),
			new Security\Cache_Headers( Rest\Api::NAMESPACE ),
			$cross,
			new Rest\Settings_Controller( $settings, $this->budget(), $capacity, $this->bots() ),
			new Rest\Bots_Controller( $this->bots() ),
			new Rest\Bot_List_Controller( $this->bots() ),
			new Rest\Stream_Test_Controller(),
			new Rest\Chat_Controller( $visitor, $info, $params, null, null, $usage ),
			new Rest\Form_Controller( $visitor, $info, null, null, $usage ),
			new Rest\Parameters_Controller( $visitor, $params, $info ),
			new Rest\Site_Controller( $visitor, $params ),
			new Rest\Message_Controller( $visitor ),
			new Rest\Conversation_Controller( $visitor ),
			new Rest\File_Controller( $visitor, $params ),
			new Rest\Audio_Controller( $visitor, $params ),
		);
	}

	/**
	 * Adds a hook on each of $hooks that, the first time one of them fires, builds the parts and
	 * lets them add their hooks. It runs first (PHP_INT_MIN), so the parts' own callbacks on the
	 * hook that is firing run in the same pass; a filter's value passes through unchanged.
	 *
	 * @param string[] $hooks The hooks the parts listen to.
	 * @param callable $build Builds the parts.
	 * @phpstan-param callable(): Registrable[] $build
	 */
	private function on_first( array $hooks, callable $build ): void {
		$built   = false;
		$trigger = static function ( ...$args ) use ( &$built, $build ) {
			if ( ! $built ) {
				$built = true;
				foreach ( $build() as $part ) {
					$part->register();
				}
			}
			return $args[0] ?? null;
		};
		foreach ( $hooks as $hook ) {
			add_filter( $hook, $trigger, PHP_INT_MIN, 99 );
		}
	}

	/**
	 * The stored option.
	 */
	private function option(): Settings\Option {
		return $this->option ??= new Settings\Option();
	}

	/**
	 * The effective settings (the option and the key store).
	 */
	private function settings(): Settings\Settings {
		return $this->settings ??= new Settings\Settings( $this->option(), new Settings\Key_Store( new Settings\Encryption() ), null, Settings\Key_Store::network( new Settings\Encryption() ) );
	}

	/**
	 * The bots (the default one is settings()).
	 */
	private function bots(): Settings\Bots {
		return $this->bots ??= new Settings\Bots( $this->option(), new Settings\Encryption(), $this->settings() );
	}

	/**
	 * The counters table.
	 */
	private function counters(): Security\Counter_Store {
		return $this->counters ??= new Security\Counter_Store();
	}

	/**
	 * The daily token budget.
	 */
	private function budget(): Security\Budget {
		return $this->budget ??= new Security\Budget( new Usage\Usage_Store(), $this->option(), $this->bots() );
	}

	/**
	 * The stream slots and the daily cap.
	 */
	private function capacity(): Security\Capacity {
		return $this->capacity ??= new Security\Capacity(
			new Security\Stream_Slots( $this->counters(), $this->option(), new Security\Client_Ip() ),
			new Security\Daily_Cap( $this->counters(), $this->option() )
		);
	}
}
