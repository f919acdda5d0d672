#!/usr/bin/env bash
# npm run bench: starts two benchmark sites, the same WordPress on MariaDB (:8895, emulator :8796)
# and on SQLite (:8893, emulator :8794), with the default rate limits on; measures the relay, the
# emulator directly, an empty REST request and the plugin's share of requests on both
# (tests/bench/relay.ts), prints the tables, and stops the sites.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
unset DIFY_CHATBOT_BASE_URL DIFY_CHATBOT_API_KEY
PORT=${BENCH_WP_PORT:-8895} EMU_PORT=${BENCH_EMULATOR_PORT:-8796}
SQLITE_PORT=${BENCH_SQLITE_WP_PORT:-8893} SQLITE_EMU_PORT=${BENCH_SQLITE_EMULATOR_PORT:-8794}
trap 'WP_SITE=bench bash bin/env.sh stop > /dev/null 2>&1; WP_SITE=bench-sqlite bash bin/env.sh stop > /dev/null 2>&1' EXIT
mkdir -p .wp
start() { # site db port emulator-port
	WP_SITE=$1 WP_DB=$2 WP_PORT=$3 DIFY_EMULATOR_PORT=$4 WP_RESET=1 bash bin/env.sh start > ".wp/$1.log" 2>&1 ||
		{ tail -20 ".wp/$1.log"; exit 1; }
	mkdir -p ".wp/$1/wordpress/wp-content/mu-plugins"
	cp bin/bench-mu-plugin.php ".wp/$1/wordpress/wp-content/mu-plugins/dify-chatbot-bench.php"
	rm -f ".wp/$1/run/memory.jsonl"
	# The default limits stay on (every message is counted in the three counters, as on a real
	# site); only their values are raised, because the benchmark sends hundreds of messages from
	# one address and one visitor. Counting costs the same whatever the limit. The stream caps stay
	# at their defaults: the bench sends one message at a time.
	php8.2 -r '$_SERVER["HTTP_HOST"] = "127.0.0.1"; require $argv[1] . "/wp-load.php";
		$o = (array) get_option( "dify_chatbot_settings", array() );
		$o["limit_visitor_minute"] = $o["limit_visitor_day"] = $o["limit_ip_minute"] = $o["limit_ip_day"] = 100000;
		$o["daily_message_cap"] = 100000;
		update_option( "dify_chatbot_settings", $o );' ".wp/$1/wordpress"
}
start bench mariadb "$PORT" "$EMU_PORT"
start bench-sqlite sqlite "$SQLITE_PORT" "$SQLITE_EMU_PORT"
BENCH_SITES="MariaDB|http://127.0.0.1:$PORT|http://127.0.0.1:$EMU_PORT/v1|.wp/bench/run/memory.jsonl,SQLite|http://127.0.0.1:$SQLITE_PORT|http://127.0.0.1:$SQLITE_EMU_PORT/v1|.wp/bench-sqlite/run/memory.jsonl" \
	node_modules/.bin/tsx tests/bench/relay.ts
