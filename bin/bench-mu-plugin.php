<?php
/**
 * Must-use plugin of the benchmark site only (copied by bin/bench.sh, never shipped): after each
 * chat request it appends the request's PHP peak memory to run/memory.jsonl, tagged with the
 * X-Bench-Id header the benchmark sent, so memory is measured in the real relay, not estimated.
 *
 * @package Dify_Chatbot
 */

register_shutdown_function(
	function () {
		$uri = isset( $_SERVER['REQUEST_URI'] ) ? (string) $_SERVER['REQUEST_URI'] : '';
		$id  = isset( $_SERVER['HTTP_X_BENCH_ID'] ) ? (string) $_SERVER['HTTP_X_BENCH_ID'] : '';
		if ( '' === $id || false === strpos( $uri, '/dify-chatbot/v1/chat' ) ) {
			return;
		}
		$line = json_encode(
			array(
				'id'   => $id,
				'peak' => memory_get_peak_usage(),
			)
		) . "\n";
		file_put_contents( dirname( ABSPATH ) . '/run/memory.jsonl', $line, FILE_APPEND | LOCK_EX );
	}
);
