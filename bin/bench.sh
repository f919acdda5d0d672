#!/usr/bin/env bash
# npm run bench: starts two benchmark sites, the same WordPress on MariaDB (:8895, emulator :8796)
# and on SQLite (:8893, emulator :8794), with the default rate limits on; measures the relay, the
# emulator directly, an empty REST request and the plugin's share of requests on both
# (tests/bench/relay.ts), then the time from an answer's first chunk to its paint in Chromium
# (tests/bench/paint.ts, on the MariaDB site), prints the tables, and stops the sites.
# BENCH_BEFORE=<git ref> (e.g. main) adds two more sites (MariaDB :8891, emulator :8792; SQLite
# :8892, emulator :8793; BENCH_BEFORE_WP_PORT, BENCH_BEFORE_EMULATOR_PORT,
# BENCH_BEFORE_SQLITE_WP_PORT, BENCH_BEFORE_SQLITE_EMULATOR_PORT) running the plugin's PHP of that
# ref (its front-end build is this checkout's), measured in the same interleaved rounds: a
# before/after comparison under one machine load.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
unset DIFY_CHATBOT_BASE_URL DIFY_CHATBOT_API_KEY
PORT=${BENCH_WP_PORT:-8895} EMU_PORT=${BENCH_EMULATOR_PORT:-8796}
SQLITE_PORT=${BENCH_SQLITE_WP_PORT:-8893} SQLITE_EMU_PORT=${BENCH_SQLITE_EMULATOR_PORT:-8794}
BEFORE=${BENCH_BEFORE:-}
B_PORT=${BENCH_BEFORE_WP_PORT:-8891} B_EMU_PORT=${BENCH_BEFORE_EMULATOR_PORT:-8792}
B_SQLITE_PORT=${BENCH_BEFORE_SQLITE_WP_PORT:-8892} B_SQLITE_EMU_PORT=${BENCH_BEFORE_SQLITE_EMULATOR_PORT:-8793}
stop_all() {
	for site in bench bench-sqlite bench-before bench-before-sqlite; do
		[ -d ".wp/$site" ] && WP_SITE=$site bash bin/env.sh stop > /dev/null 2>&1
	done
	return 0
}
trap stop_all EXIT
mkdir -p .wp
start() { # site db port emulator-port
	WP_SITE=$1 WP_DB=$2 WP_PORT=$3 DIFY_EMULATOR_PORT=$4 WP_RESET=1 bash bin/env.sh start > ".wp/$1.log" 2>&1 ||
		{ tail -20 ".wp/$1.log"; exit 1; }
	mkdir -p ".wp/$1/wordpress/wp-content/mu-plugins"
	cp bin/bench-mu-plugin.php ".wp/$1/wordpress/wp-content/mu-plugins/dify-chatbot-bench.php"
	rm -f ".wp/$1/run/memory.jsonl"
	# The default limits stay on (every message is counted in every counter, as on a real
	# site); only their values are raised, because the benchmark sends hundreds of messages from
	# one address and one visitor. Counting costs the same whatever the limit. The stream caps stay
	# at their defaults: the bench sends one message at a time.
	php8.2 -r '$_SERVER["HTTP_HOST"] = "127.0.0.1"; require $argv[1] . "/wp-load.php";
		$o = (array) get_option( "dify_chatbot_settings", array() );
		$o["limit_visitor_minute"] = $o["limit_visitor_day"] = $o["limit_ip_minute"] = $o["limit_ip_day"] = 100000;
		$o["daily_message_cap"] = 100000;
		update_option( "dify_chatbot_settings", $o );' ".wp/$1/wordpress"
}
# The sites of $BEFORE link that ref's files (.wp/bench-before-plugin, with this checkout's build)
# as the plugin.
start_before() { # site db port emulator-port
	rm -rf ".wp/$1/wordpress/wp-content/plugins/dify-chatbot"
	WP_PLUGIN_SOURCE="$ROOT/.wp/bench-before-plugin" start "$@"
}
start bench mariadb "$PORT" "$EMU_PORT"
start bench-sqlite sqlite "$SQLITE_PORT" "$SQLITE_EMU_PORT"
NOW=$(git rev-parse --abbrev-ref HEAD)
SITES="MariaDB|http://127.0.0.1:$PORT|http://127.0.0.1:$EMU_PORT/v1|.wp/bench/run/memory.jsonl,SQLite|http://127.0.0.1:$SQLITE_PORT|http://127.0.0.1:$SQLITE_EMU_PORT/v1|.wp/bench-sqlite/run/memory.jsonl"
if [ -n "$BEFORE" ]; then
	rm -rf .wp/bench-before-plugin && mkdir -p .wp/bench-before-plugin
	git archive "$BEFORE" | tar -x -C .wp/bench-before-plugin
	cp -r build .wp/bench-before-plugin/build
	start_before bench-before mariadb "$B_PORT" "$B_EMU_PORT"
	start_before bench-before-sqlite sqlite "$B_SQLITE_PORT" "$B_SQLITE_EMU_PORT"
	SITES="MariaDB $BEFORE|http://127.0.0.1:$B_PORT|http://127.0.0.1:$B_EMU_PORT/v1|.wp/bench-before/run/memory.jsonl,MariaDB $NOW|${SITES#MariaDB|}"
	SITES="${SITES%%,SQLite|*},SQLite $BEFORE|http://127.0.0.1:$B_SQLITE_PORT|http://127.0.0.1:$B_SQLITE_EMU_PORT/v1|.wp/bench-before-sqlite/run/memory.jsonl,SQLite $NOW|${SITES#*,SQLite|}"
fi
BENCH_SITES=$SITES node_modules/.bin/tsx tests/bench/relay.ts
# The browser's share: first token painted after its chunk was read (Chromium, on the MariaDB site).
BENCH_PAINT_URL="http://127.0.0.1:$PORT" node_modules/.bin/tsx tests/bench/paint.ts
