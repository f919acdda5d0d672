<?php
/**
 * Must-use plugin of the benchmark sites only (copied by bin/bench.sh, never shipped):
 * - after each request with an X-Bench-Id header it appends the request's PHP peak memory and its
 *   wall and CPU time from this plugin's load to the end to run/memory.jsonl, tagged with that id,
 *   so memory and the plugin's share are measured in the real site, where the load of the machine
 *   disturbs them least (CPU time counts only this request's own work);
 * - `GET /wp-json/dify-chatbot-bench/v1/empty` answers an empty object: the cost of WordPress and
 *   its REST API alone, the baseline the relay's own cost is measured against;
 * - a request with `X-Bench-Plugin: off` runs with Dify Chatbot inactive (filtered out of the
 *   active plugins for that request only), so the plugin's share of any request is measured on
 *   the same site, interleaved with the same requests with the plugin active;
 * - a request with `X-Bench-Own: 1` also records `own`: the time spent in the plugin's own code,
 *   that is loading its main file plus every callback it hooks (each timed by a wrapper put in
 *   just before its hook runs; what those callbacks call, WordPress included, counts as theirs).
 *   Under a millisecond, the whole-request difference active vs inactive is lost in the noise of
 *   a 20–50 ms request; this is not. It misses work WordPress does outside the plugin's callbacks
 *   because of what they registered (e.g. one more block type in the global styles). The
 *   wrapping slows the request down, so such requests are measured apart from the others.
 *
 * @package Dify_Chatbot
 */

if ( isset( $_SERVER['HTTP_X_BENCH_PLUGIN'] ) && 'off' === $_SERVER['HTTP_X_BENCH_PLUGIN'] ) {
	add_filter(
		'option_active_plugins',
		function ( $plugins ) {
			return array_values(
				array_filter(
					(array) $plugins,
					function ( $plugin ) {
						return 'dify-chatbot/dify-chatbot.php' !== $plugin;
					}
				)
			);
		}
	);
}

if ( isset( $_SERVER['HTTP_X_BENCH_OWN'] ) && '1' === $_SERVER['HTTP_X_BENCH_OWN'] ) {
	$GLOBALS['dify_chatbot_bench_own'] = array(
		'ns'    => 0,
		'depth' => 0,
		'since' => 0,
	);
	// The main file: from the last plugin loaded before it (or the list of plugins read) to its
	// `plugin_loaded`.
	add_filter(
		'option_active_plugins',
		function ( $plugins ) {
			$GLOBALS['dify_chatbot_bench_own']['since'] = hrtime( true );
			return $plugins;
		},
		PHP_INT_MAX
	);
	add_action(
		'plugin_loaded',
		function ( $file ) {
			if ( 'dify-chatbot/dify-chatbot.php' === basename( dirname( $file ) ) . '/' . basename( $file ) ) {
				$GLOBALS['dify_chatbot_bench_own']['ns'] += hrtime( true ) - $GLOBALS['dify_chatbot_bench_own']['since'];
			}
			$GLOBALS['dify_chatbot_bench_own']['since'] = hrtime( true );
		}
	);
	add_action( 'all', 'dify_chatbot_bench_wrap' );
}

/**
 * Whether a hooked callback is the plugin's: a method of one of its classes, or a function or
 * closure defined in one of its files.
 *
 * @param mixed $callback The callback.
 */
function dify_chatbot_bench_is_own( $callback ): bool {
	static $files = array();
	if ( is_array( $callback ) && isset( $callback[0] ) ) {
		$class = is_object( $callback[0] ) ? get_class( $callback[0] ) : (string) $callback[0];
		return 0 === strpos( $class, 'Dify_Chatbot\\' );
	}
	if ( ! $callback instanceof Closure && ! ( is_string( $callback ) && function_exists( $callback ) ) ) {
		return false;
	}
	$key = $callback instanceof Closure ? 'c' . spl_object_id( $callback ) : 'f' . $callback;
	if ( ! isset( $files[ $key ] ) ) {
		$files[ $key ] = (string) ( new ReflectionFunction( $callback ) )->getFileName();
	}
	// The plugin's files (its folder may be a link to a checkout that also holds this site).
	$dir = defined( 'DIFY_CHATBOT_DIR' ) ? DIFY_CHATBOT_DIR : WP_PLUGIN_DIR . '/dify-chatbot';
	foreach ( array( '/dify-chatbot.php', '/includes/', '/build/' ) as $part ) {
		if ( 0 === strpos( $files[ $key ], $dir . $part ) ) {
			return true;
		}
	}
	return false;
}

/**
 * Before a hook runs (the `all` hook): wraps its callbacks that are the plugin's in a timer.
 * Time in a plugin callback that another one of its callbacks called is counted once.
 */
function dify_chatbot_bench_wrap(): void {
	$hook = current_filter();
	// Inside one of the plugin's callbacks, everything counts already.
	if ( 0 < $GLOBALS['dify_chatbot_bench_own']['depth'] || ! isset( $GLOBALS['wp_filter'][ $hook ] ) ) {
		return;
	}
	$wp_hook = $GLOBALS['wp_filter'][ $hook ];
	foreach ( $wp_hook->callbacks as $priority => $callbacks ) {
		foreach ( $callbacks as $id => $callback ) {
			if ( ! dify_chatbot_bench_is_own( $callback['function'] ) ) {
				continue;
			}
			$inner = $callback['function'];
			$wp_hook->callbacks[ $priority ][ $id ]['function'] = function ( ...$args ) use ( $inner ) {
				$own = &$GLOBALS['dify_chatbot_bench_own'];
				if ( 0 === $own['depth']++ ) {
					$own['since'] = hrtime( true );
				}
				try {
					return $inner( ...$args );
				} finally {
					if ( 0 === --$own['depth'] ) {
						$own['ns'] += hrtime( true ) - $own['since'];
						// Callbacks it added to this hook at a later priority run in this pass too.
						dify_chatbot_bench_wrap();
					}
				}
			};
		}
	}
}

add_action(
	'rest_api_init',
	function () {
		register_rest_route(
			'dify-chatbot-bench/v1',
			'/empty',
			array(
				'methods'             => 'GET',
				'callback'            => function () {
					return new stdClass();
				},
				'permission_callback' => '__return_true',
			)
		);
	}
);

/**
 * CPU time of this process so far, in milliseconds (user + system).
 */
function dify_chatbot_bench_cpu_ms(): float {
	$usage = getrusage();
	return ( $usage['ru_utime.tv_sec'] + $usage['ru_stime.tv_sec'] ) * 1000 + ( $usage['ru_utime.tv_usec'] + $usage['ru_stime.tv_usec'] ) / 1000;
}

// Everything the plugin does happens after this point (plugins load after must-use plugins).
$dify_chatbot_bench_start = array( hrtime( true ), dify_chatbot_bench_cpu_ms() );

register_shutdown_function(
	function () use ( $dify_chatbot_bench_start ) {
		$id = isset( $_SERVER['HTTP_X_BENCH_ID'] ) ? (string) $_SERVER['HTTP_X_BENCH_ID'] : '';
		if ( '' === $id ) {
			return;
		}
		$line = json_encode(
			array(
				'id'      => $id,
				'peak'    => memory_get_peak_usage(),
				// From this plugin's load to the end of the request: wall and CPU time in ms.
				'wall'    => ( hrtime( true ) - $dify_chatbot_bench_start[0] ) / 1e6,
				'cpu'     => dify_chatbot_bench_cpu_ms() - $dify_chatbot_bench_start[1],
				// Figures the machine's load cannot move: scripts in WordPress's registry (0 when
				// nothing built it) and database queries of the request.
				'scripts' => isset( $GLOBALS['wp_scripts'] ) && $GLOBALS['wp_scripts'] instanceof WP_Scripts ? count( $GLOBALS['wp_scripts']->registered ) : 0,
				'queries' => isset( $GLOBALS['wpdb'] ) ? (int) $GLOBALS['wpdb']->num_queries : 0,
				// The plugin's own code (X-Bench-Own: 1), in ms; null otherwise.
				'own'     => isset( $GLOBALS['dify_chatbot_bench_own'] ) ? $GLOBALS['dify_chatbot_bench_own']['ns'] / 1e6 : null,
			)
		) . "\n";
		file_put_contents( dirname( ABSPATH ) . '/run/memory.jsonl', $line, FILE_APPEND | LOCK_EX );
	}
);
