<?php
/**
 * Malformed, oversized, wrong-typed and hostile requests to every route of the namespace, as
 * anonymous, subscriber, editor and administrator, through the real REST server.
 *
 * @package Dify_Chatbot
 */

namespace Dify_Chatbot\Tests\Rest;

use Dify_Chatbot\Security\Cross_Site;
use Dify_Chatbot\Security\Visitor_Identity;
use Dify_Chatbot\Settings\Key_Store;
use Dify_Chatbot\Settings\Option;
use Dify_Chatbot\Settings\Settings;
use Dify_Chatbot\Tests\Support\Clean_Environment;
use Dify_Chatbot\Tests\Support\Emulator;
use Dify_Chatbot\Tests\Support\Visitor_Requests;
use Dify_Chatbot\Tests\TestCase;
use WP_REST_Request;

require_once dirname( __DIR__ ) . '/Support/Emulator.php';
require_once dirname( __DIR__ ) . '/Support/Clean_Environment.php';
require_once dirname( __DIR__ ) . '/Support/Visitor_Requests.php';

/**
 * Every answer to bad input is a 4xx (never a 5xx), no PHP notice or warning is raised, the
 * settings and the key change only when an administrator sends a valid change, and the key
 * never appears in a response.
 */
final class FuzzTest extends TestCase {

	use Emulator;
	use Clean_Environment;
	use Visitor_Requests;

	private const KEY = 'app-emulator';

	private const NS = '/dify-chatbot/v1';

	private const UUID = 'e0000000-0000-4000-8000-000000000001';

	/**
	 * A bad value for everyone.
	 */
	private const BAD = 'bad';

	/**
	 * Valid input (may reach the emulator): anything but a 5xx.
	 */
	private const VALID = 'valid';

	/**
	 * Valid for an administrator (2xx), refused for everyone else (401/403).
	 */
	private const ADMIN = 'admin';

	/**
	 * A valid settings change: saved for an administrator, refused (and unchanged) for others.
	 */
	private const CHANGE = 'change';

	/**
	 * Requests tried by the whole class.
	 *
	 * @var int
	 */
	private static $tried = 0;

	protected function set_up() {
		parent::set_up();
		$this->clean_environment();
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		$this->require_emulator();
		$settings = Settings::create();
		$settings->option()->update(
			array(
				'base_url'             => self::emulator_url(),
				'limit_visitor_minute' => 0,
				'limit_visitor_day'    => 0,
				'limit_ip_minute'      => 0,
				'daily_token_budget'   => 0,
				'who_may_chat'         => 'everyone',
			)
		);
		$settings->save_key( self::KEY );
	}

	protected function tear_down() {
		unset( $_COOKIE[ Visitor_Identity::COOKIE ] );
		$_SERVER['REQUEST_METHOD'] = 'GET';
		$this->restore_environment();
		parent::tear_down();
	}

	public static function tear_down_after_class() {
		fwrite( STDERR, "\nFuzzTest: " . self::$tried . " requests tried.\n" ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fwrite -- the count is part of the report.
		parent::tear_down_after_class();
	}

	public function roles(): array {
		return array(
			'anonymous'     => array( 'anonymous' ),
			'subscriber'    => array( 'subscriber' ),
			'editor'        => array( 'editor' ),
			'administrator' => array( 'administrator' ),
		);
	}

	/**
	 * @dataProvider roles
	 */
	public function test_hostile_requests_are_refused_cleanly( string $role ): void {
		if ( 'anonymous' !== $role ) {
			wp_set_current_user( $this->make_user( $role ) );
		}
		$admin    = 'administrator' === $role;
		$failures = array();
		$count    = 0;
		foreach ( $this->cases() as $label => $case ) {
			list( $method, $path, $body, $query, $kind ) = $case;
			$before                                      = $this->stored();
			$notices                                     = array();
			// phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_set_error_handler -- collecting notices is the test.
			set_error_handler(
				static function ( $errno, $errstr, $errfile, $errline ) use ( &$notices ) {
					$notices[] = "$errstr ($errfile:$errline)";
					return true;
				}
			);
			try {
				$response = rest_get_server()->dispatch( $this->request( $method, $path, $body, $query ) );
			} finally {
				restore_error_handler();
			}
			++$count;
			$status = $response->get_status();
			$output = (string) wp_json_encode( $response->get_data() ) . (string) wp_json_encode( $response->get_headers() );
			$where  = "$label ($method $path) → $status " . substr( $output, 0, 300 );

			if ( $status >= 500 ) {
				$failures[] = "5xx: $where";
			}
			if ( self::BAD === $kind && ( $status < 400 || $status >= 500 ) ) {
				$failures[] = "not 4xx: $where";
			}
			if ( in_array( $kind, array( self::ADMIN, self::CHANGE ), true ) ) {
				$expected = $admin ? array( 200 ) : array( 'anonymous' === $role ? 401 : 403 );
				if ( ! in_array( $status, $expected, true ) ) {
					$failures[] = 'expected ' . implode( '/', $expected ) . ": $where";
				}
			}
			if ( array() !== $notices ) {
				$failures[] = "notice: $where: " . implode( ' | ', $notices );
			}
			if ( false !== stripos( $output, self::KEY ) ) {
				$failures[] = "key in the response: $where";
			}
			$after = $this->stored();
			if ( self::CHANGE === $kind && $admin ) {
				if ( $after === $before ) {
					$failures[] = "valid change not saved: $where";
				}
				update_option( Option::NAME, $before['settings'] );
			} elseif ( $after !== $before ) {
				$failures[] = "settings changed: $where";
				update_option( Option::NAME, $before['settings'] );
				update_option( Key_Store::OPTION, $before['key'] );
			}
		}
		self::$tried += $count;
		$this->assertSame( array(), $failures, sprintf( '%d requests tried as %s.', $count, $role ) );
		$this->assertGreaterThanOrEqual( 75, $count, sprintf( '%d requests tried as %s.', $count, $role ) );
	}

	/**
	 * Hostile Origin, Sec-Fetch-Site and method-override headers on every visitor route (read
	 * from the route table, so new routes are tried too): a readable 403, no notice, and nothing
	 * reaches Dify.
	 */
	public function test_hostile_origins_and_method_overrides_are_refused_on_every_visitor_route(): void {
		$hostile = self::hostile();
		$origins = array(
			'foreign'     => 'https://evil.example',
			'sibling'     => 'http://evil.example.org',
			'suffix'      => 'http://example.org.evil.example',
			'userinfo'    => 'http://example.org@evil.example',
			'fragment'    => 'http://evil.example#http://example.org',
			'other port'  => 'http://example.org:81',
			'other sheme' => 'https://example.org',
			'null'        => 'null',
			'empty'       => '',
			'javascript'  => 'javascript:alert(1)',
			'file'        => 'file://example.org',
			'crlf'        => "http://example.org\r\nX-Evil: 1",
			'huge'        => 'http://' . str_repeat( 'a', 70000 ) . '.example',
			'control'     => 'http://example.org' . $hostile['control'],
			'bidi'        => 'http://example.org' . $hostile['bidi'],
			'sql'         => $hostile['sql'],
		);
		$cases   = array();
		foreach ( $origins as $name => $origin ) {
			$cases[ "Origin $name" ] = array( array( 'Origin' => $origin ), null, Cross_Site::CODE );
		}
		foreach ( array( 'cross-site', 'same-site', 'CROSS-SITE', ' cross-site ', 'evil' ) as $site ) {
			$cases[ "Sec-Fetch-Site $site, foreign origin" ] = array(
				array(
					'Sec-Fetch-Site' => $site,
					'Origin'         => 'https://evil.example',
				),
				null,
				Cross_Site::CODE,
			);
		}
		$cases['Sec-Fetch-Site cross-site alone'] = array( array( 'Sec-Fetch-Site' => 'cross-site' ), null, Cross_Site::CODE );
		foreach ( array( 'POST', 'post', 'DELETE', 'GET', 'PUT', $hostile['crlf'], $hostile['huge'] ) as $i => $method ) {
			$cases[ "_method #$i" ]                = array( array(), array( '_method' => $method ), Cross_Site::METHOD );
			$cases[ "X-HTTP-Method-Override #$i" ] = array( array( 'X-HTTP-Method-Override' => $method ), null, Cross_Site::METHOD );
		}

		$since    = $this->emulator_last_seq();
		$failures = array();
		$count    = 0;
		foreach ( $cases as $label => list( $headers, $query, $code ) ) {
			foreach ( self::visitor_requests() as $route => $request ) {
				foreach ( $headers as $name => $value ) {
					$request->set_header( $name, $value );
				}
				if ( null !== $query ) {
					$request->set_query_params( $query );
				}
				// The method the request really came with differs from the route's.
				$_SERVER['REQUEST_METHOD'] = 'GET' === $request->get_method() ? 'POST' : 'GET';
				$notices                   = array();
				// phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_set_error_handler -- collecting notices is the test.
				set_error_handler(
					static function ( $errno, $errstr, $errfile, $errline ) use ( &$notices ) {
						$notices[] = "$errstr ($errfile:$errline)";
						return true;
					}
				);
				try {
					$response = rest_get_server()->dispatch( $request );
				} finally {
					restore_error_handler();
				}
				++$count;
				$data = $response->get_data();
				if ( 403 !== $response->get_status() || ! is_array( $data ) || ( $data['code'] ?? '' ) !== $code || '' === ( $data['message'] ?? '' ) ) {
					$failures[] = "$label on $route → " . $response->get_status() . ' ' . substr( (string) wp_json_encode( $data ), 0, 200 );
				}
				if ( array() !== $notices ) {
					$failures[] = "notice: $label on $route: " . implode( ' | ', $notices );
				}
			}
		}
		self::$tried += $count;
		$this->assertSame( array(), $failures );
		$this->assertGreaterThanOrEqual( 11 * count( $cases ), $count );
		$this->assertSame( array(), $this->emulator_requests( $since, '/' ), 'A refused request must not reach Dify.' );
	}

	/**
	 * What a request could change: the stored settings and the stored (encrypted) key.
	 *
	 * @return array{settings: mixed, key: mixed}
	 */
	private function stored(): array {
		wp_cache_delete( 'alloptions', 'options' );
		wp_cache_delete( Option::NAME, 'options' );
		wp_cache_delete( Key_Store::OPTION, 'options' );
		return array(
			'settings' => get_option( Option::NAME ),
			'key'      => get_option( Key_Store::OPTION ),
		);
	}

	/**
	 * A request: JSON body (array) or raw body (string), query parameters.
	 *
	 * @param string            $method Method.
	 * @param string            $path   Route path.
	 * @param array|string|null $body   Body.
	 * @param array|null        $query  Query parameters.
	 */
	private function request( string $method, string $path, $body, ?array $query ): WP_REST_Request {
		$request = new WP_REST_Request( $method, $path );
		if ( null !== $query ) {
			$request->set_query_params( $query );
		}
		if ( null !== $body ) {
			$request->set_header( 'Content-Type', 'application/json' );
			$request->set_body( is_string( $body ) ? $body : (string) wp_json_encode( $body ) );
		}
		return $request;
	}

	/**
	 * Values of the wrong type for a string, number or boolean parameter.
	 *
	 * @return array<string, mixed>
	 */
	private static function wrong_types(): array {
		return array(
			'float'  => 1.5,
			'true'   => true,
			'list'   => array( 'a', 'b' ),
			'object' => array( 'k' => 'v' ),
			'nested' => array( 'a' => array( 'b' => array( 'c' => array( 'd' => 'e' ) ) ) ),
			'array'  => array( array( array() ) ),
		);
	}

	/**
	 * Hostile strings.
	 *
	 * @return array<string, string>
	 */
	private static function hostile(): array {
		return array(
			'sql'     => "' OR 1=1; DROP TABLE wp_options; --",
			'html'    => '<script>alert(document.cookie)</script><img src=x onerror=alert(1)>',
			'control' => "a\x00b\x01c\x1b[31md\x7f",
			'crlf'    => "x\r\nSet-Cookie: dify_chatbot_visitor=evil",
			'huge'    => str_repeat( 'A', 70000 ),
			'bidi'    => "\u{202e}lanigiro\u{200b}\u{feff}",
			'path'    => '../../../../etc/passwd',
			'format'  => '%s%s%s%n{{7*7}}${jndi:ldap://x}',
		);
	}

	/**
	 * Bad values for each body parameter: route => param => values.
	 *
	 * @return array<string, array<string, array<string, mixed>>>
	 */
	private static function bad_values(): array {
		$wrong   = self::wrong_types();
		$hostile = self::hostile();
		$strict  = $wrong + array( 'int' => 123 ) + $hostile;
		$limits  = array();
		foreach ( Option::LIMITS as $name => $max ) {
			$limits[ $name ] = $wrong + array(
				'negative' => -1,
				'too big'  => $max + 1,
				'word'     => 'ten',
				'sql'      => $hostile['sql'],
				'html'     => $hostile['html'],
				'exp'      => '1e3x',
			);
		}
		$file = array(
			'type'            => 'image',
			'transfer_method' => 'local_file',
			'upload_file_id'  => self::UUID,
		);
		return array(
			'POST /text-to-audio'     => array(
				'text' => $wrong + array(
					'int'   => 123,
					'empty' => '',
					'huge'  => $hostile['huge'],
				),
			),
			'POST /chat'              => array(
				'query'           => $wrong + array(
					'int'   => 123,
					'empty' => '',
					'huge'  => $hostile['huge'],
				),
				'conversation_id' => $strict + array( 'short uuid' => 'e0000000-0000-4000-8000-00000000000' ),
				'inputs'          => array(
					'int'    => 123,
					'float'  => 1.5,
					'true'   => true,
					'string' => 'name=x',
					'list'   => array( 'a', 'b' ),
					'huge'   => array( 'name' => $hostile['huge'] ),
				),
				'files'           => array(
					'string'          => 'file',
					'int'             => 123,
					'object'          => array( 'k' => 'v' ),
					'list of strings' => array( 'a' ),
					'no method'       => array( array( 'type' => 'image' ) ),
					'bad type'        => array( array( 'type' => 'exe' ) + $file ),
					'bad id'          => array( array( 'upload_file_id' => $hostile['sql'] ) + $file ),
					'extra key'       => array( $file + array( 'user' => 'visitor-evil' ) ),
					'too many'        => array_fill( 0, 11, $file ),
					'js url'          => array(
						array(
							'type'            => 'image',
							'transfer_method' => 'remote_url',
							'url'             => 'javascript:alert(1)',
						),
					),
					'huge url'        => array(
						array(
							'type'            => 'image',
							'transfer_method' => 'remote_url',
							'url'             => 'https://example.org/' . str_repeat( 'a', 3000 ),
						),
					),
				),
				'bot'             => $strict + array( 'upper' => 'Default' ),
			),
			'POST /forms'             => array(
				'action' => $wrong + array(
					'int'   => 123,
					'empty' => '',
					'long'  => str_repeat( 'a', 129 ),
				),
				'inputs' => array(
					'int'    => 123,
					'true'   => true,
					'string' => 'a=b',
					'list'   => array( 'a', 'b' ),
					'huge'   => array( 'comment' => $hostile['huge'] ),
				),
				'bot'    => $strict + array( 'upper' => 'Default' ),
			),
			'POST /messages/feedback' => array(
				'rating' => $strict + array(
					'unknown' => 'love',
					'empty'   => '',
					'upper'   => 'LIKE',
				),
			),
			'POST /settings'          => array(
				'base_url'        => $wrong + array(
					'int'        => 123,
					'not a url'  => 'not a url',
					'javascript' => 'javascript:alert(1)',
					'file'       => 'file:///etc/passwd',
					'ftp'        => 'ftp://example.org/v1',
					'space'      => 'http://exa mple.org/v1',
					'huge'       => 'https://example.org/' . str_repeat( 'a', 3000 ),
					'sql'        => $hostile['sql'],
					'html'       => $hostile['html'],
					'control'    => $hostile['control'],
				),
				'response_mode'   => $strict + array( 'unknown' => 'stream' ),
				'api_key'         => $wrong + array(
					'int'     => 123,
					'space'   => 'app-abc def',
					'sql'     => $hostile['sql'],
					'control' => $hostile['control'],
					'crlf'    => $hostile['crlf'],
					'huge'    => str_repeat( 'k', 513 ),
					'bidi'    => $hostile['bidi'],
				),
				'remove_api_key'  => array_diff_key( $wrong, array( 'true' => 0 ) ) + array(
					'two'  => 2,
					'yes'  => 'yes',
					'sql'  => $hostile['sql'],
					'html' => $hostile['html'],
				),
				'trusted_proxies' => array(
					'string'   => 'not-an-ip',
					'int'      => 123,
					'bad ip'   => array( '999.1.1.1' ),
					'bad cidr' => array( '10.0.0.0/99' ),
					'int item' => array( 123 ),
					'object'   => array( 'a' => '10.0.0.1' ),
					'too many' => array_fill( 0, 51, '10.0.0.1' ),
					'long'     => array( str_repeat( '1', 65 ) ),
					'sql'      => array( $hostile['sql'] ),
					'html'     => $hostile['html'],
				),
				'who_may_chat'    => $strict + array(
					'upper' => 'Everyone',
					'space' => 'edit posts',
					'long'  => str_repeat( 'a', 65 ),
				),
			) + $limits,
		);
	}

	/**
	 * The table of cases: label => [method, path, body, query, kind].
	 *
	 * @return array<string, array{0: string, 1: string, 2: array|string|null, 3: array|null, 4: string}>
	 */
	private function cases(): array {
		$ns    = self::NS;
		$paths = array(
			'POST /chat'              => $ns . '/chat',
			'POST /forms'             => $ns . '/forms/' . str_repeat( 'Ab0_-', 8 ) . 'abc',
			'POST /messages/feedback' => $ns . '/messages/' . self::UUID . '/feedback',
			'POST /settings'          => $ns . '/settings',
			'POST /text-to-audio'     => $ns . '/text-to-audio',
		);
		$valid = array(
			'POST /chat'              => array( 'query' => 'Hi #delay:0' ),
			'POST /forms'             => array( 'action' => 'approve' ),
			'POST /messages/feedback' => array(),
			'POST /settings'          => array(),
			'POST /text-to-audio'     => array(),
		);
		$cases = array();
		foreach ( self::bad_values() as $route => $params ) {
			foreach ( $params as $param => $values ) {
				foreach ( $values as $name => $value ) {
					$cases[ "$route $param=$name" ] = array( 'POST', $paths[ $route ], array( $param => $value ) + $valid[ $route ], null, self::BAD );
				}
			}
		}

		// Missing, empty and malformed bodies.
		$cases['chat without query']      = array( 'POST', $ns . '/chat', array( 'inputs' => array() ), null, self::BAD );
		$cases['chat with null query']    = array( 'POST', $ns . '/chat', array( 'query' => null ), null, self::BAD );
		$cases['chat with no body']       = array( 'POST', $ns . '/chat', null, null, self::BAD );
		$cases['chat with a list body']   = array( 'POST', $ns . '/chat', '[1,2,3]', null, self::BAD );
		$cases['chat with a string body'] = array( 'POST', $ns . '/chat', '"hello"', null, self::BAD );
		$cases['chat with cut JSON']      = array( 'POST', $ns . '/chat', '{"query":"hi', null, self::BAD );
		$cases['chat with invalid UTF-8'] = array( 'POST', $ns . '/chat', "{\"query\":\"\xff\xfe\"}", null, self::BAD );
		$cases['chat with a deep body']   = array( 'POST', $ns . '/chat', str_repeat( '[', 600 ) . str_repeat( ']', 600 ), null, self::BAD );
		$cases['chat query in the URL']   = array( 'POST', $ns . '/chat', null, array( 'query' => array( 'a' => 'b' ) ), self::BAD );
		// Handles: well-formed but nobody's, hostile in the path, bodies broken.
		$cases['form nobody has']          = array( 'POST', $paths['POST /forms'], array( 'action' => 'approve' ), null, self::BAD );
		$cases['form with a hostile path'] = array( 'POST', $ns . '/forms/' . rawurlencode( '../../wp-config.php%00' ), array( 'action' => 'approve' ), null, self::BAD );
		$cases['form with cut JSON']       = array( 'POST', $paths['POST /forms'], '{"action":', null, self::BAD );
		$cases['form with a list body']    = array( 'POST', $paths['POST /forms'], '[1,2]', null, self::BAD );
		$cases['form as GET']              = array( 'GET', $paths['POST /forms'], null, null, self::BAD );
		$cases['feedback with cut JSON']   = array( 'POST', $paths['POST /messages/feedback'], '{"rating":', null, self::BAD );
		$cases['settings with cut JSON']   = array( 'POST', $ns . '/settings', '{"base_url":', null, self::BAD );
		$cases['settings key and removal'] = array(
			'POST',
			$ns . '/settings',
			array(
				'api_key'        => 'app-other-key-1234',
				'remove_api_key' => true,
			),
			null,
			self::BAD,
		);
		$cases['settings in the query']    = array( 'POST', $ns . '/settings', null, array( 'who_may_chat' => '<b>x</b>' ), self::BAD );
		$cases['settings test cut JSON']   = array( 'POST', $ns . '/settings/test', '{"x":', null, self::BAD );
		$cases['parameters with cut JSON'] = array( 'GET', $ns . '/parameters', '{"x":', null, self::BAD );

		// The upload routes without a file part (JSON, hostile bodies): 400, nothing read.
		foreach ( array( 'files', 'audio-to-text' ) as $route ) {
			$cases[ "$route without a file" ]    = array( 'POST', $ns . '/' . $route, null, null, self::BAD );
			$cases[ "$route with JSON" ]         = array( 'POST', $ns . '/' . $route, array( 'file' => '/etc/passwd' ), null, self::BAD );
			$cases[ "$route with a query file" ] = array( 'POST', $ns . '/' . $route, null, array( 'file' => array( 'tmp_name' => '/etc/passwd' ) ), self::BAD );
		}
		$cases['text-to-audio without text']  = array( 'POST', $ns . '/text-to-audio', array( 'message_id' => self::UUID ), null, self::BAD );
		$cases['text-to-audio with cut JSON'] = array( 'POST', $ns . '/text-to-audio', '{"text":', null, self::BAD );

		// Bad ids in paths, unknown routes and wrong methods: no route (404).
		$ids = array(
			'not a uuid'   => 'not-a-uuid',
			'one too long' => self::UUID . '1',
			'non-hex'      => 'g0000000-0000-4000-8000-000000000001',
			'traversal'    => '..%2F..%2Fparameters',
			'sql'          => rawurlencode( "' OR 1=1 --" ),
			'nul'          => '%00',
			'empty'        => '',
		);
		foreach ( $ids as $name => $id ) {
			$cases[ "feedback id $name" ]  = array( 'POST', $ns . '/messages/' . $id . '/feedback', array( 'rating' => 'like' ), null, self::BAD );
			$cases[ "suggested id $name" ] = array( 'GET', $ns . '/messages/' . $id . '/suggested', null, null, self::BAD );
		}
		$tasks = array(
			'too long'  => str_repeat( 'a', 65 ),
			'script'    => '<script>',
			'space'     => 'a%20b',
			'traversal' => '..%2F..',
			'slash'     => 'a/b',
			'nul'       => '%00',
			'empty'     => '',
		);
		foreach ( $tasks as $name => $task ) {
			$cases[ "stop task $name" ] = array( 'POST', $ns . '/chat/' . $task . '/stop', null, null, self::BAD );
		}
		$cases['GET /chat']            = array( 'GET', $ns . '/chat', null, array( 'query' => 'hi' ), self::BAD );
		$cases['DELETE /settings']     = array( 'DELETE', $ns . '/settings', null, null, self::BAD );
		$cases['PUT /settings']        = array( 'PUT', $ns . '/settings', array( 'who_may_chat' => 'everyone' ), null, self::BAD );
		$cases['GET /settings/test']   = array( 'GET', $ns . '/settings/test', null, null, self::BAD );
		$cases['PUT feedback']         = array( 'PUT', $paths['POST /messages/feedback'], array( 'rating' => 'like' ), null, self::BAD );
		$cases['POST /parameters']     = array( 'POST', $ns . '/parameters', null, null, self::BAD );
		$cases['GET stop']             = array( 'GET', $ns . '/chat/task-1/stop', null, null, self::BAD );
		$cases['unknown route']        = array( 'GET', $ns . '/keys', null, null, self::BAD );
		$cases['unknown nested route'] = array( 'GET', $ns . '/settings/api_key', null, null, self::BAD );
		$cases['namespace traversal']  = array( 'GET', $ns . '/../../wp/v2/settings', null, null, self::BAD );

		// The conversation history routes (when registered): bad ids, paging and names.
		if ( isset( rest_get_server()->get_routes( 'dify-chatbot/v1' )[ $ns . '/conversations' ] ) ) {
			$paging = array(
				'limit zero'     => array( 'limit' => 0 ),
				'limit too big'  => array( 'limit' => 101 ),
				'limit negative' => array( 'limit' => -1 ),
				'limit word'     => array( 'limit' => 'ten' ),
				'limit float'    => array( 'limit' => 1.5 ),
				'limit list'     => array( 'limit' => array( 1 ) ),
				'limit sql'      => array( 'limit' => self::hostile()['sql'] ),
				'id not a uuid'  => array( 'x_id' => 'not-a-uuid' ),
				'id sql'         => array( 'x_id' => self::hostile()['sql'] ),
				'id html'        => array( 'x_id' => self::hostile()['html'] ),
				'id list'        => array( 'x_id' => array( self::UUID ) ),
				'id int'         => array( 'x_id' => 123 ),
				'id huge'        => array( 'x_id' => self::hostile()['huge'] ),
			);
			foreach ( $paging as $name => $query ) {
				$list                                   = isset( $query['x_id'] ) ? array( 'last_id' => $query['x_id'] ) : $query;
				$page                                   = isset( $query['x_id'] ) ? array( 'first_id' => $query['x_id'] ) : $query;
				$cases[ "conversations $name" ]         = array( 'GET', $ns . '/conversations', null, $list, self::BAD );
				$cases[ "conversation messages $name" ] = array( 'GET', $ns . '/conversations/' . self::UUID . '/messages', null, $page, self::BAD );
			}
			$names = self::wrong_types() + array(
				'int'   => 123,
				'empty' => '',
				'long'  => str_repeat( 'n', 256 ),
				'huge'  => self::hostile()['huge'],
			);
			foreach ( $names as $name => $value ) {
				$cases[ "rename name=$name" ] = array( 'POST', $ns . '/conversations/' . self::UUID . '/name', array( 'name' => $value ), null, self::BAD );
			}
			$cases['rename without name'] = array( 'POST', $ns . '/conversations/' . self::UUID . '/name', array(), null, self::BAD );
			$cases['rename cut JSON']     = array( 'POST', $ns . '/conversations/' . self::UUID . '/name', '{"name":', null, self::BAD );
			foreach ( $ids as $name => $id ) {
				$cases[ "conversation messages id $name" ] = array( 'GET', $ns . '/conversations/' . $id . '/messages', null, null, self::BAD );
				$cases[ "rename id $name" ]                = array( 'POST', $ns . '/conversations/' . $id . '/name', array( 'name' => 'x' ), null, self::BAD );
				$cases[ "delete id $name" ]                = array( 'DELETE', $ns . '/conversations/' . $id, null, null, self::BAD );
			}
			$cases['PUT conversation']   = array( 'PUT', $ns . '/conversations/' . self::UUID, null, null, self::BAD );
			$cases['POST conversations'] = array( 'POST', $ns . '/conversations', array( 'name' => 'x' ), null, self::BAD );
			// Deleting all of the visitor's: nothing in the request chooses whose or how many.
			$cases['delete all']                  = array( 'DELETE', $ns . '/conversations', null, null, self::VALID );
			$cases['delete all of another user']  = array( 'DELETE', $ns . '/conversations', array( 'user' => 'evil' ), array( 'user' => 'evil' ), self::VALID );
			$cases['delete all with hostile ids'] = array( 'DELETE', $ns . '/conversations', self::hostile(), array( 'last_id' => self::hostile()['sql'] ), self::VALID );
			$cases['delete all with a cut body']  = array( 'DELETE', $ns . '/conversations', '{"user":', null, self::BAD );
			$cases['PUT conversations']           = array( 'PUT', $ns . '/conversations', null, null, self::BAD );
			$cases['PATCH conversations']         = array( 'PATCH', $ns . '/conversations', array( 'name' => 'x' ), null, self::BAD );
		}

		// Admin routes with ignored extra parameters: fine for administrators only.
		$cases['GET /settings']                 = array( 'GET', $ns . '/settings', null, null, self::ADMIN );
		$cases['GET /settings with params']     = array(
			'GET',
			$ns . '/settings',
			null,
			array(
				'api_key' => '1',
				'reveal'  => 'true',
			),
			self::ADMIN,
		);
		$cases['POST /settings with no change'] = array(
			'POST',
			$ns . '/settings',
			array(
				'unknown' => '<script>',
				'usage'   => array( 'tokens_today' => 0 ),
			),
			null,
			self::ADMIN,
		);
		$cases['POST /settings with a list']    = array( 'POST', $ns . '/settings', '[1,2,3]', null, self::ADMIN );
		$cases['POST /settings/test with junk'] = array( 'POST', $ns . '/settings/test', array( 'base_url' => 'http://169.254.169.254/' ), null, self::ADMIN );
		$cases['POST /settings a valid change'] = array( 'POST', $ns . '/settings', array( 'daily_token_budget' => 5000 ), null, self::CHANGE );

		// Valid requests with hostile but acceptable text or ignored extra parameters (few: they reach the emulator).
		$cases['chat with SQL text']        = array( 'POST', $ns . '/chat', array( 'query' => self::hostile()['sql'] . ' #delay:0' ), null, self::VALID );
		$cases['chat with HTML and a user'] = array(
			'POST',
			$ns . '/chat',
			array(
				'query'         => self::hostile()['html'] . ' #delay:0',
				'user'          => 'wp-user-1',
				'response_mode' => 'streaming',
			),
			null,
			self::VALID,
		);
		$cases['parameters with params']    = array(
			'GET',
			$ns . '/parameters',
			null,
			array(
				'user' => 'evil',
				'app'  => self::KEY,
			),
			self::VALID,
		);
		$cases['stop a task of nobody']     = array( 'POST', $ns . '/chat/task-1/stop', array( 'user' => 'evil' ), null, self::VALID );
		$cases['suggested for nobody']      = array( 'GET', $ns . '/messages/' . strtoupper( self::UUID ) . '/suggested', null, array( 'user' => 'evil' ), self::VALID );
		return $cases;
	}
}
