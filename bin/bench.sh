#!/usr/bin/env bash
# npm run bench: starts a benchmark site (MariaDB, :8895, emulator :8796), measures the relay against
# the emulator directly (tests/bench/relay.ts), prints a table, and stops the site.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
unset DIFY_CHATBOT_BASE_URL DIFY_CHATBOT_API_KEY
PORT=${BENCH_WP_PORT:-8895} EMU_PORT=${BENCH_EMULATOR_PORT:-8796}
trap 'WP_SITE=bench bash bin/env.sh stop > /dev/null 2>&1' EXIT
WP_SITE=bench WP_DB=mariadb WP_PORT=$PORT DIFY_EMULATOR_PORT=$EMU_PORT WP_RESET=1 bash bin/env.sh start > .wp/bench.log 2>&1 ||
	{ tail -20 .wp/bench.log; exit 1; }
mkdir -p .wp/bench/wordpress/wp-content/mu-plugins
cp bin/bench-mu-plugin.php .wp/bench/wordpress/wp-content/mu-plugins/dify-chatbot-bench.php
rm -f .wp/bench/run/memory.jsonl
# The benchmark sends hundreds of messages from one address: rate limits off on this site.
php8.2 -r '$_SERVER["HTTP_HOST"] = "127.0.0.1"; require ".wp/bench/wordpress/wp-load.php";
	$o = (array) get_option( "dify_chatbot_settings", array() );
	$o["limit_visitor_minute"] = $o["limit_visitor_day"] = $o["limit_ip_minute"] = $o["limit_ip_day"] = 0;
	$o["streams_visitor"] = $o["streams_ip"] = $o["streams_site"] = $o["daily_message_cap"] = 0;
	update_option( "dify_chatbot_settings", $o );'
BENCH_WP_URL="http://127.0.0.1:$PORT" BENCH_EMU_URL="http://127.0.0.1:$EMU_PORT/v1" \
	BENCH_MEMORY_FILE=.wp/bench/run/memory.jsonl node_modules/.bin/tsx tests/bench/relay.ts
