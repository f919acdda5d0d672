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
 *   the same site, interleaved with the same requests with the plugin active.
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
			)
		) . "\n";
		file_put_contents( dirname( ABSPATH ) . '/run/memory.jsonl', $line, FILE_APPEND | LOCK_EX );
	}
);
